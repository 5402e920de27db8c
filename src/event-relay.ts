/**
 * Wires the cross-instance event relay ({@link EventBridge} over PostgreSQL LISTEN/NOTIFY) into a
 * built hub. On SQLite it does nothing: one instance owns the file and HubEvents is already the
 * whole story.
 */
import type { Kysely } from 'kysely';
import type { Hub } from './app.js';
import { EventBridge } from './core/event-bridge.js';
import { eventChannelName, pgEventTransport, type PgListener } from './core/store/pg-notify.js';

export interface EventRelay {
  readonly bridge: EventBridge;
  /** The current LISTEN session (tests drop it), undefined while reconnecting. */
  listener(): PgListener | undefined;
}

/**
 * Starts relaying `hub.events` to and from the other instances on the same PostgreSQL database
 * (and schema); stopped when the app closes, before the store. Resolves undefined on SQLite.
 * `schema`: the schema the store was opened in, when not given by the URL's search_path.
 */
export async function attachEventRelay(hub: Hub, url: string, options: { readonly schema?: string; readonly minBackoffMs?: number } = {}): Promise<EventRelay | undefined> {
  if (hub.store.dialect !== 'postgres') return undefined;
  const transport = pgEventTransport({
    url,
    channel: eventChannelName(url, options.schema),
    db: hub.store.kysely as unknown as Kysely<unknown>,
    ...(options.minBackoffMs === undefined ? {} : { minBackoffMs: options.minBackoffMs }),
    onError: (error) => hub.logger.warn({ err: error }, 'event relay: the LISTEN connection dropped, reconnecting'),
  });
  const bridge = new EventBridge({ events: hub.events, store: hub.store, transport, logger: hub.logger });
  await bridge.start();
  // preClose: before the onClose hook that closes the store the bridge reads from.
  hub.app.addHook('preClose', async () => {
    await bridge.stop();
  });
  return { bridge, listener: transport.listener };
}
