/**
 * Hub events across instances. Every event emitted on this instance's {@link HubEvents} that a
 * browser or console waits for (transcript, conversation, delivery, custom handoff/editor events)
 * is announced to the other instances through a transport (PostgreSQL NOTIFY) carrying the
 * instance id and ids only — never message text: payloads are small and may be logged by the
 * database. An instance hearing another's announcement reads the rows from the store and
 * re-emits them on its own HubEvents with `relayed: true`, so existing listeners work unchanged.
 * After the transport reconnects, transcript entries committed meanwhile are read from the store
 * and a {@link RESYNC_EVENT} tells stateful listeners to re-read. On SQLite (one instance) no
 * bridge runs: HubEvents alone is the same interface, in process.
 */
import { randomUUID } from 'node:crypto';
import { RESYNC_EVENT, type DeliveryOutcome, type HubEventMap, type HubEvents } from './events.js';
import type { Store } from './store/types.js';

/** How announcements travel between instances (PostgreSQL LISTEN/NOTIFY in production). */
export interface EventTransport {
  /** Largest payload accepted, in bytes. */
  readonly maxPayloadBytes: number;
  /** Sends one payload to every instance (this one included; the bridge ignores its own). */
  publish(payload: string): Promise<void>;
  /** Starts receiving; `onReconnect` after a dropped connection listens again (payloads may have been lost). */
  start(onMessage: (payload: string) => void, onReconnect: () => void): Promise<void>;
  stop(): Promise<void>;
}

type Scalar = string | number | boolean | null;

/** One announced event: ids only. */
type WireEvent =
  | { readonly k: 't'; readonly c: string; readonly id: string }
  | { readonly k: 'c'; readonly c: string }
  | { readonly k: 'd'; readonly o: string; readonly s: DeliveryOutcome }
  | { readonly k: 'x'; readonly y: string; readonly c?: string; readonly d: Readonly<Record<string, Scalar>> };

interface WireMessage {
  readonly i: string;
  readonly e: readonly WireEvent[];
}

export interface EventBridgeOptions {
  readonly events: HubEvents;
  readonly store: Pick<Store, 'getTranscriptEntries' | 'transcriptAfter' | 'lastTranscriptId' | 'getConversations' | 'getOutboxMany'>;
  readonly transport: EventTransport;
  /** Default: a random id per process. */
  readonly instanceId?: string;
  readonly logger?: { warn(obj: object, msg: string): void };
  /** Entries re-read before the newest one seen when catching up (commits finish out of id order). */
  readonly catchUpMargin?: number;
}

/** Custom events that stay local: progress of this instance's own publish, and the resync itself. */
const LOCAL_ONLY = new Set(['editor.publish_progress', RESYNC_EVENT]);
/** `data` keys of a custom event that travel (ids and numbers, never text). */
const ID_KEYS = new Set(['seq', 'version', 'rollbackTo', 'outcome']);
const SEEN_LIMIT = 20_000;

function isIdKey(key: string): boolean {
  return ID_KEYS.has(key) || key.endsWith('Id');
}

/** The id-like fields of a custom event's data: scalars under id keys, short strings only. */
export function idFields(data: Readonly<Record<string, unknown>>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!isIdKey(key)) continue;
    if (value === null || typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value.length <= 120)) out[key] = value;
  }
  return out;
}

/** Relays {@link HubEvents} between instances; see the module comment for the contract. */
export class EventBridge {
  readonly instanceId: string;
  private readonly events: HubEvents;
  private pending: WireEvent[] = [];
  private flushScheduled = false;
  private sending: Promise<void> = Promise.resolve();
  private receiving: Promise<void> = Promise.resolve();
  private readonly seen = new Set<string>();
  private newestSeen = 0;
  private running = false;
  /** Counters for tests, benchmarks and metrics. */
  readonly stats = { announced: 0, relayed: 0, caughtUp: 0, reconnects: 0 };

  private readonly onTranscript = (event: HubEventMap['transcript'][0]): void => {
    if (event.relayed === true) return;
    this.markSeen(event.entry.id);
    this.announce({ k: 't', c: event.conversationId, id: event.entry.id });
  };
  private readonly onConversation = (event: HubEventMap['conversation'][0]): void => {
    if (event.relayed !== true) this.announce({ k: 'c', c: event.conversation.id });
  };
  private readonly onDelivery = (event: HubEventMap['delivery'][0]): void => {
    if (event.relayed !== true) this.announce({ k: 'd', o: event.item.id, s: event.outcome });
  };
  private readonly onCustom = (event: HubEventMap['custom'][0]): void => {
    if (event.relayed === true || LOCAL_ONLY.has(event.type)) return;
    this.announce({ k: 'x', y: event.type, ...(event.conversationId === undefined ? {} : { c: event.conversationId }), d: idFields(event.data) });
  };

  constructor(private readonly options: EventBridgeOptions) {
    this.events = options.events;
    this.instanceId = options.instanceId ?? randomUUID();
  }

  /** Starts announcing local events and relaying other instances' ones. */
  async start(): Promise<void> {
    if (this.running) return;
    this.newestSeen = Number(await this.options.store.lastTranscriptId());
    await this.options.transport.start(
      (payload) => this.enqueueReceive(() => this.receive(payload)),
      () => this.enqueueReceive(() => this.catchUp()),
    );
    this.running = true;
    this.events.on('transcript', this.onTranscript);
    this.events.on('conversation', this.onConversation);
    this.events.on('delivery', this.onDelivery);
    this.events.on('custom', this.onCustom);
  }

  /** Stops relaying; announcements already queued are sent first. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.events.off('transcript', this.onTranscript);
    this.events.off('conversation', this.onConversation);
    this.events.off('delivery', this.onDelivery);
    this.events.off('custom', this.onCustom);
    this.flush();
    await this.sending;
    await this.options.transport.stop();
    await this.receiving;
  }

  private markSeen(id: string): void {
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    const numeric = Number(id);
    if (Number.isSafeInteger(numeric) && numeric > this.newestSeen) this.newestSeen = numeric;
  }

  private announce(event: WireEvent): void {
    this.stats.announced += 1;
    this.pending.push(event);
    // Events of one tick (a turn's entries, a delivery round) travel in one notification.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const events = this.pending;
    this.pending = [];
    if (events.length === 0) return;
    for (const payload of this.pack(events)) {
      this.sending = this.sending
        .then(() => this.options.transport.publish(payload))
        .catch((error: unknown) => this.options.logger?.warn({ err: error }, 'event relay: could not announce events to other instances'));
    }
  }

  /** Splits events into payloads under the transport's limit (ids only: one event is always small). */
  private pack(events: readonly WireEvent[]): string[] {
    const payloads: string[] = [];
    const limit = this.options.transport.maxPayloadBytes - 100;
    let batch: string[] = [];
    let size = 0;
    const close = (): void => {
      if (batch.length > 0) payloads.push(`{"i":${JSON.stringify(this.instanceId)},"e":[${batch.join(',')}]}`);
      batch = [];
      size = 0;
    };
    for (const event of events) {
      const json = JSON.stringify(event);
      if (Buffer.byteLength(json) > limit) continue;
      if (size + json.length + 1 > limit) close();
      batch.push(json);
      size += Buffer.byteLength(json) + 1;
    }
    close();
    return payloads;
  }

  private enqueueReceive(task: () => Promise<void>): void {
    // One at a time: events are re-emitted in the order the other instances announced them.
    this.receiving = this.receiving.then(task).catch((error: unknown) => this.options.logger?.warn({ err: error }, 'event relay: could not relay events from another instance'));
  }

  private emitRelayed<K extends keyof HubEventMap>(name: K, ...event: HubEventMap[K]): void {
    this.stats.relayed += 1;
    (this.events.emit as (name: K, ...args: HubEventMap[K]) => boolean)(name, ...event);
  }

  private async receive(payload: string): Promise<void> {
    let message: WireMessage;
    try {
      message = JSON.parse(payload) as WireMessage;
    } catch {
      return;
    }
    if (message.i === this.instanceId || !Array.isArray(message.e) || !this.running) return;
    const { store } = this.options;
    const entryIds: string[] = [];
    const conversationIds: string[] = [];
    const outboxIds: string[] = [];
    // Rows nobody here listens for are not read (the bridge itself is one listener of each kind).
    const wanted = (kind: keyof HubEventMap): boolean => this.events.listenerCount(kind) > 1;
    const wantTranscript = wanted('transcript');
    const wantConversation = wanted('conversation');
    const wantDelivery = wanted('delivery');
    for (const event of message.e) {
      if (event.k === 't') {
        if (!wantTranscript) this.markSeen(event.id);
        else if (!this.seen.has(event.id)) entryIds.push(event.id);
      } else if (event.k === 'c' && wantConversation) conversationIds.push(event.c);
      else if (event.k === 'd' && wantDelivery) outboxIds.push(event.o);
    }
    const [entries, conversations, items] = await Promise.all([
      entryIds.length === 0 ? [] : store.getTranscriptEntries(entryIds),
      conversationIds.length === 0 ? [] : store.getConversations(conversationIds),
      outboxIds.length === 0 ? [] : store.getOutboxMany(outboxIds),
    ]);
    const entryById = new Map(entries.map((entry) => [entry.id, entry]));
    const conversationById = new Map(conversations.map((conversation) => [conversation.id, conversation]));
    const itemById = new Map(items.map((item) => [item.id, item]));
    for (const event of message.e) {
      if (!this.running) return;
      if (event.k === 't') {
        const entry = entryById.get(event.id);
        if (entry === undefined || this.seen.has(entry.id)) continue;
        this.markSeen(entry.id);
        this.emitRelayed('transcript', { conversationId: entry.conversationId, entry, relayed: true });
      } else if (event.k === 'c') {
        const conversation = conversationById.get(event.c);
        if (conversation !== undefined) this.emitRelayed('conversation', { conversation, relayed: true });
      } else if (event.k === 'd') {
        const item = itemById.get(event.o);
        if (item !== undefined) this.emitRelayed('delivery', { item, outcome: event.s, ...(item.failure === null || event.s === 'sent' ? {} : { failure: item.failure }), relayed: true });
      } else if (event.k === 'x' && typeof event.y === 'string') {
        this.emitRelayed('custom', { type: event.y, ...(event.c === undefined ? {} : { conversationId: event.c }), data: { ...event.d }, relayed: true });
      }
    }
  }

  /** After a reconnect: re-emits the transcript entries committed meanwhile, then tells listeners to re-read. */
  private async catchUp(): Promise<void> {
    this.stats.reconnects += 1;
    const margin = this.options.catchUpMargin ?? 500;
    let after = String(Math.max(0, this.newestSeen - margin));
    for (let page = 0; page < 50 && this.running; page += 1) {
      const entries = await this.options.store.transcriptAfter(after, 500);
      for (const entry of entries) {
        if (this.seen.has(entry.id)) continue;
        this.markSeen(entry.id);
        this.stats.caughtUp += 1;
        this.emitRelayed('transcript', { conversationId: entry.conversationId, entry, relayed: true });
      }
      if (entries.length < 500) break;
      after = entries[entries.length - 1]?.id ?? after;
    }
    if (this.running) this.events.emit('custom', { type: RESYNC_EVENT, data: {}, relayed: true });
  }
}
