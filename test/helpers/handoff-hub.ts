/**
 * Test harness for the handoff module: an in-memory SQLite store, a settable clock, the
 * repository's config/queues.yaml and citizens created through the store's real ingest path.
 */
import { fileURLToPath } from 'node:url';
import { HubEvents } from '../../src/core/events.js';
import type { InboundMessage } from '../../src/core/message.js';
import type { Store } from '../../src/core/store/index.js';
import { disposeStore, storeKinds, type StoreKind } from './stores.js';
import { loadHandoffConfig, type HandoffConfig } from '../../src/handoff/config.js';
import { buildApp, type BuildAppOptions, type ChannelFactory, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createHandoffWiring, type HandoffWiring } from '../../src/handoff/hub-plugin.js';
import { createHandoff, type HandoffModule } from '../../src/handoff/index.js';
import { fakeIntents } from './fake-intents.js';
import type { IntentsModule } from '../../src/intents/contract.js';
import { testConfig } from './test-config.js';
import type { HandoffLogger, QueueDeps, Ticket } from '../../src/handoff/queue.js';
import type { NewUser, User } from '../../src/accounts/users.js';

export const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

export const silentLogger: HandoffLogger = {
  info: () => undefined,
  warn: () => undefined,
  // HANDOFF_DEBUG=1 shows unexpected errors while debugging a test.
  error: (obj, msg) => {
    if (process.env.HANDOFF_DEBUG === '1') console.error(msg, obj);
  },
};

/** Tuesday 10 March 2026, 10:00 in Madrid: every queue is open. */
export const IN_HOURS = new Date('2026-03-10T10:00:00+01:00');
/** Saturday 14 March 2026, 11:00 in Madrid: only Urgencias is open. */
export const WEEKEND = new Date('2026-03-14T11:00:00+01:00');

export interface Harness {
  readonly store: Store;
  readonly events: HubEvents;
  readonly handoff: HandoffModule;
  readonly config: HandoffConfig;
  now: Date;
  readonly clock: () => Date;
  advance(ms: number): void;
  close(): Promise<void>;
}

/** SQLite always; PostgreSQL when VENTANILLA_TEST_POSTGRES_URL is set (see test/helpers/stores.ts). */
export const handoffStoreKinds: readonly StoreKind[] = storeKinds;

export async function createHarness(options: { now?: Date; config?: (c: HandoffConfig) => HandoffConfig; store?: StoreKind; detectLanguage?: QueueDeps['detectLanguage'] } = {}): Promise<Harness> {
  const store = await (options.store ?? (storeKinds[0] as StoreKind)).open();
  const events = new HubEvents();
  const base = loadHandoffConfig(CONFIG_DIR, {});
  const config = options.config === undefined ? base : options.config(base);
  // A strictly increasing clock: FIFO keys never tie, as on a real machine with many requests.
  let last = 0;
  const harness: Harness = {
    store,
    events,
    config,
    now: options.now ?? IN_HOURS,
    clock: () => {
      const t = Math.max(harness.now.getTime(), last + 1);
      last = t;
      return new Date(t);
    },
    advance(ms) {
      harness.now = new Date(Math.max(harness.now.getTime(), last) + ms);
    },
    handoff: undefined as unknown as HandoffModule,
    async close() {
      await harness.handoff.stop();
      await disposeStore(store);
    },
  };
  (harness as { handoff: HandoffModule }).handoff = await createHandoff({ store, events, clock: harness.clock, config, logger: silentLogger, ...(options.detectLanguage === undefined ? {} : { detectLanguage: options.detectLanguage }) });
  return harness;
}

let counter = 0;

/** A citizen message on the web chat, stored through the real ingest path. */
export function citizenMessage(conversationKey: string, text: string, extra: Partial<InboundMessage> = {}): InboundMessage {
  counter += 1;
  const id = conversationKey.split(':')[1] ?? conversationKey;
  return {
    id: `m-${counter}-${Math.random().toString(36).slice(2)}`,
    conversationKey,
    from: { channel: 'webchat', id, displayName: `Vecina ${id}` },
    receivedAt: new Date(),
    kind: 'text',
    text,
    ...extra,
  };
}

/** Creates a conversation (one stored citizen message) and returns its id. */
export async function createConversation(store: Store, key = `webchat:${Math.random().toString(36).slice(2)}`): Promise<string> {
  const { conversation, inbound } = await store.ingest(citizenMessage(key, 'quiero hablar con una persona'));
  await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [], patch: { mode: 'queued' } });
  return conversation.id;
}

/** Creates an agent (argon2 hashing is slow on purpose: keep passwords few and short-lived). */
export async function createAgent(h: Harness, input: Partial<NewUser> & { username: string }, presence: 'available' | 'away' | 'offline' = 'available'): Promise<User> {
  const user = await h.handoff.users.create({
    role: 'agent',
    password: 'contraseña-de-prueba',
    queues: h.config.queues.map((q) => q.id),
    languages: ['es', 'ca', 'gl', 'eu', 'en'],
    capacity: 2,
    ...input,
  });
  if (presence !== 'offline') await h.handoff.queue.setPresence(user, presence);
  return (await h.handoff.users.get(user.id)) as User;
}

/**
 * Every agent accepts the chats offered to them, in queue order (as agents clicking "Aceptar"
 * would). Returns the tickets accepted.
 */
export async function acceptOffers(h: Pick<Harness, 'handoff'>): Promise<Ticket[]> {
  const rows = await h.handoff.queue.db
    .selectFrom('handoff_tickets')
    .select(['conversation_id', 'offer_agent_id'])
    .where('status', '=', 'queued')
    .where('offer_agent_id', 'is not', null)
    .orderBy('priority_rank')
    .orderBy('sort_key')
    .orderBy('id')
    .execute();
  const accepted: Ticket[] = [];
  for (const row of rows) {
    const agent = await h.handoff.users.get(row.offer_agent_id as string);
    if (agent !== undefined) accepted.push(await h.handoff.queue.acceptOffer(row.conversation_id, agent));
  }
  return accepted;
}

/**
 * The whole hub with the real handoff wiring, the web chat (or `channels`) and the keyword bot, at
 * a fixed time or on a given clock (started; the caller closes `hub.app`). `webRoot` serves the
 * pages for browser tests.
 */
export async function startHandoffHub(
  now: Date | (() => Date),
  options: {
    readonly webRoot?: string;
    readonly channels?: readonly ChannelFactory[];
    readonly deliveryPolicy?: BuildAppOptions['deliveryPolicy'];
    /** Another intents module (default: the keyword bot of `fakeIntents`). */
    readonly intents?: IntentsModule;
    /** Changes to the repository's queues config (a short maximum wait…). */
    readonly config?: (config: HandoffConfig) => HandoffConfig;
  } = {},
): Promise<{ hub: Hub; wiring: HandoffWiring }> {
  const clock = typeof now === 'function' ? now : (): Date => new Date(now.getTime());
  const base = loadHandoffConfig(CONFIG_DIR, {});
  const wiring = createHandoffWiring({ config: options.config === undefined ? base : options.config(base), clock, feedPollMs: 200 });
  const hub = await buildApp({
    config: testConfig(),
    intents: options.intents ?? fakeIntents(),
    logger: false,
    clock,
    handoff: wiring.port,
    plugins: [wiring.plugin],
    channels: options.channels ?? [(services) => createWebchatChannel(services)],
    ...(options.webRoot === undefined ? {} : { webRoot: options.webRoot }),
    ...(options.deliveryPolicy === undefined ? {} : { deliveryPolicy: options.deliveryPolicy }),
  });
  await hub.start();
  return { hub, wiring };
}
