/** `/agent/events`: the console's live feed as Server-Sent Events. */
import type { SessionAuth } from '../../accounts/sessions.js';
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
  const streams = new Set<{ end(): void }>();
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
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown, id?: number): void => {
        raw.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      raw.write('retry: 2000\n\n');
      send('ready', { userId: user.id });
      const unsubscribe = feed.subscribe({ user, send });
      const stream = { end: () => raw.end() };
      streams.add(stream);
      const heartbeat = setInterval(() => {
        raw.write(': ping\n\n');
        void queue.touch(user.id).catch(() => undefined);
      }, 20_000);
      heartbeat.unref();
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(stream);
      });
    },
  );
}
