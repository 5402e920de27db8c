/** `/agent/events`: the console's live feed as Server-Sent Events. */
import type { SessionAuth } from '../../accounts/sessions.js';
import { openSseStream, type SseStream } from '../../http/sse.js';
import type { HandoffQueue } from '../queue.js';
import type { ApiApp } from './api-schemas.js';
import type { ConsoleFeed } from './feed.js';

export interface EventsRouteDeps {
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly feed: ConsoleFeed;
}

/** Registers the SSE route on the guarded `/agent` scope; open streams end when the server closes. */
export function registerEventsRoute(app: ApiApp, deps: EventsRouteDeps): void {
  const { queue, auth, feed } = deps;
  const streams = new Set<SseStream>();
  app.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
    streams.clear();
  });

  app.get(
    '/events',
    {
      schema: {
        tags: ['agent'],
        summary: 'Live feed (Server-Sent Events): `handoff` transitions, `transcript` entries and `delivery` outcomes of replies visible to the agent',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const user = auth.require(request).user;
      reply.hijack();
      let unsubscribe = (): void => undefined;
      const sse = openSseStream(reply.raw, {
        retryMs: 2000,
        heartbeatMs: 20_000,
        onHeartbeat: () => void queue.touch(user.id).catch(() => undefined),
        onClose: () => {
          unsubscribe();
          streams.delete(sse);
        },
      });
      const send = (event: string, data: unknown, id?: number): void => sse.send({ event, data, ...(id === undefined ? {} : { id }) });
      send('ready', { userId: user.id });
      unsubscribe = feed.subscribe({ user, send });
      streams.add(sse);
    },
  );
}
