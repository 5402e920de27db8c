/**
 * The live roll-up writer: listens to the hub's events (transcript entries and `handoff.*`),
 * reads the stored rows they point at, and adds their increments to the roll-ups in batches (one
 * transaction per flush, every `flushMs` or every 500 events), so turns never wait for reports.
 *
 * A citizen message is counted once its turn committed (its NLU annotations are stored then);
 * until then that conversation's later events wait too, so each conversation's facts are reduced
 * in order. Rows are read back from the store, so the figures equal those of the rebuild.
 */
import type { HubEvents, HubEventMap } from '../core/events.js';
import type { Store } from '../core/store/index.js';
import { ensureDayTier } from './days.js';
import type { ReportsConfig } from './definitions.js';
import { reduceEvent, newState, type ConversationReportState, type ReportEvent } from './reducer.js';
import { DeltaSet, loadStates, saveStates, upsertDeltas } from './rollup-store.js';
import { reportsDb, type ReportsDb } from './schema.js';
import { conversationInfo, handoffEvent, transcriptEvent } from './source.js';

interface Item {
  readonly source: 'transcript' | 'handoff';
  /** A citizen message (its turn may not have committed yet). */
  readonly citizen: boolean;
  readonly seq: number;
  readonly conversationId: string;
  readonly seenAt: number;
}

export interface WriterLogger {
  error(obj: object, msg?: string): void;
}

export interface RollupWriterOptions {
  readonly store: Store;
  readonly events: HubEvents;
  readonly config: ReportsConfig;
  readonly clock: () => Date;
  readonly logger: WriterLogger;
  /** Flush interval (default 1000 ms). */
  readonly flushMs?: number;
  /** A citizen message whose turn has not committed after this long is counted as it is (default 5 min). */
  readonly turnWaitMs?: number;
}

/** How often conversations waiting for a turn's commit are looked at again without news. */
const RETRY_MS = 2000;

/** Keeps the roll-ups up to date while the hub runs. */
export class RollupWriter {
  private readonly db: ReportsDb;
  private queue: Item[] = [];
  /**
   * Conversations whose oldest unwritten event is a citizen message whose turn had not committed,
   * with their events in order (that message first). They are looked at again when another event
   * of theirs arrives (the turn's replies come after its commit), or when a check every
   * {@link RETRY_MS} finds that message's turn committed ({@link unblocked}), not at every flush:
   * a backlog of turns must not be re-read over and over.
   */
  private readonly waiting = new Map<string, Item[]>();
  private lastRetry = 0;
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** The daily tier was checked against the configured zone (see {@link ensureDayTier}). */
  private daysChecked = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly onTranscript = (event: HubEventMap['transcript'][0]): void => {
    if (event.entry.author === 'system') return;
    this.push({ source: 'transcript', citizen: event.entry.author === 'citizen', seq: Number(event.entry.id), conversationId: event.conversationId, seenAt: Date.now() });
  };
  private readonly onCustom = (event: HubEventMap['custom'][0]): void => {
    if (!event.type.startsWith('handoff.') || event.conversationId === undefined) return;
    const seq = event.data.seq;
    if (typeof seq !== 'number') return;
    this.push({ source: 'handoff', citizen: false, seq, conversationId: event.conversationId, seenAt: Date.now() });
  };

  constructor(private readonly options: RollupWriterOptions) {
    this.db = reportsDb(options.store);
  }

  /** Subscribes to the hub's events and starts the flush timer (idempotent). */
  start(): void {
    if (this.timer !== undefined) return;
    this.options.events.on('transcript', this.onTranscript);
    this.options.events.on('custom', this.onCustom);
    this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? 1000);
    this.timer.unref();
  }

  /** Unsubscribes and writes what is pending. */
  async stop(): Promise<void> {
    this.options.events.off('transcript', this.onTranscript);
    this.options.events.off('custom', this.onCustom);
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.enqueueFlush(true);
  }

  /** Events received but not written yet. */
  get pending(): number {
    let waiting = 0;
    for (const items of this.waiting.values()) waiting += items.length;
    return this.queue.length + waiting;
  }

  private push(item: Item): void {
    const key = `${item.source}:${item.seq}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    // Duplicates come close together (several emitters of one entry): a short memory suffices.
    if (this.seen.size > 20_000) this.seen.delete(this.seen.values().next().value as string);
    this.queue.push(item);
    if (this.queue.length >= 500) void this.flush();
  }

  /** Writes every event received so far whose turn committed; resolves when written. */
  flush(): Promise<void> {
    return this.enqueueFlush(false);
  }

  private enqueueFlush(final: boolean): Promise<void> {
    this.flushing = this.flushing.then(() =>
      this.flushOnce(final).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'reports: roll-up flush failed; retrying at the next flush');
      }),
    );
    return this.flushing;
  }

  private async flushOnce(final = false): Promise<void> {
    if (!this.daysChecked) {
      // Before the first increment: a tier made in another zone (or never) is recomputed from the
      // hourly tier, so the increments that follow land on a tier that is whole.
      await ensureDayTier(this.db, this.options.store.dialect, this.options.config.timezone);
      this.daysChecked = true;
    }
    const incoming = this.queue;
    this.queue = [];
    const woken = new Set<string>(final ? this.waiting.keys() : []);
    if (!final && this.waiting.size > 0 && Date.now() - this.lastRetry >= RETRY_MS) {
      this.lastRetry = Date.now();
      for (const conversationId of await this.unblocked()) woken.add(conversationId);
    }
    for (const item of incoming) if (!item.citizen && this.waiting.has(item.conversationId)) woken.add(item.conversationId);
    // Per conversation, what waited comes before what just arrived.
    const batch: Item[] = [];
    for (const conversationId of woken) {
      batch.push(...(this.waiting.get(conversationId) ?? []));
      this.waiting.delete(conversationId);
    }
    for (const item of incoming) {
      const held = this.waiting.get(item.conversationId);
      if (held !== undefined) held.push(item);
      else batch.push(item);
    }
    if (batch.length === 0) return;
    try {
      for (const item of await this.apply(batch)) {
        const held = this.waiting.get(item.conversationId);
        if (held === undefined) this.waiting.set(item.conversationId, [item]);
        else held.push(item);
      }
    } catch (error) {
      this.queue = [...batch, ...this.queue];
      throw error;
    }
  }

  /**
   * The waiting conversations whose blocking citizen message (the first item they hold) can be
   * counted now: its turn committed, its row is gone, or it waited longer than `turnWaitMs`. One
   * narrow read of those messages alone: a backlog of turns under load is thousands of held
   * events, and reading them all back every {@link RETRY_MS} cost more than the roll-ups.
   */
  private async unblocked(): Promise<string[]> {
    const waitMs = this.options.turnWaitMs ?? 300_000;
    const heads = new Map<number, string>();
    const ready: string[] = [];
    for (const [conversationId, items] of this.waiting) {
      const head = items[0];
      if (head === undefined || head.source !== 'transcript' || Date.now() - head.seenAt >= waitMs) ready.push(conversationId);
      else heads.set(head.seq, conversationId);
    }
    const seqs = [...heads.keys()];
    const pending = new Set<number>();
    for (let i = 0; i < seqs.length; i += 500) {
      const rows = await this.db
        .selectFrom('transcript')
        .innerJoin('inbound', 'inbound.id', 'transcript.inbound_id')
        .select('transcript.seq')
        .where('transcript.seq', 'in', seqs.slice(i, i + 500))
        .where('transcript.author', '=', 'citizen')
        .where('inbound.status', '=', 'pending')
        .execute();
      for (const row of rows) pending.add(Number(row.seq));
    }
    for (const [seq, conversationId] of heads) if (!pending.has(seq)) ready.push(conversationId);
    return ready;
  }

  private async apply(items: readonly Item[]): Promise<Item[]> {
    const db = this.db;
    const tSeqs = items.filter((i) => i.source === 'transcript').map((i) => i.seq);
    const hSeqs = items.filter((i) => i.source === 'handoff').map((i) => i.seq);
    const transcript = new Map<number, { event: ReportEvent | undefined; pendingTurn: boolean }>();
    for (let i = 0; i < tSeqs.length; i += 500) {
      const rows = await db
        .selectFrom('transcript')
        .leftJoin('inbound', 'inbound.id', 'transcript.inbound_id')
        .select(['transcript.seq', 'transcript.conversation_id', 'transcript.author', 'transcript.data', 'transcript.intent', 'transcript.language', 'transcript.created_at', 'inbound.status'])
        .where('transcript.seq', 'in', tSeqs.slice(i, i + 500))
        .execute();
      for (const row of rows) transcript.set(Number(row.seq), { event: transcriptEvent(row), pendingTurn: row.author === 'citizen' && row.status === 'pending' });
    }
    const handoff = new Map<number, ReportEvent | undefined>();
    for (let i = 0; i < hSeqs.length; i += 500) {
      const rows = await db.selectFrom('handoff_events').selectAll().where('seq', 'in', hSeqs.slice(i, i + 500)).execute();
      for (const row of rows) handoff.set(Number(row.seq), handoffEvent(row));
    }

    const waitMs = this.options.turnWaitMs ?? 300_000;
    const blocked = new Set<string>();
    const deferred: Item[] = [];
    const events: ReportEvent[] = [];
    for (const item of items) {
      if (blocked.has(item.conversationId)) {
        deferred.push(item);
        continue;
      }
      if (item.source === 'transcript') {
        const row = transcript.get(item.seq);
        if (row === undefined) continue;
        if (row.pendingTurn && Date.now() - item.seenAt < waitMs) {
          blocked.add(item.conversationId);
          deferred.push(item);
          continue;
        }
        if (row.event !== undefined) events.push(row.event);
      } else {
        const event = handoff.get(item.seq);
        if (event !== undefined) events.push(event);
      }
    }
    if (events.length === 0) return deferred;

    const ids = [...new Set(events.map((e) => e.conversationId))];
    const states = await loadStates(db, ids);
    const missing = ids.filter((id) => !states.has(id));
    if (missing.length > 0) {
      const info = await conversationInfo(db, missing);
      for (const id of missing) {
        const conversation = info.get(id);
        states.set(id, newState(conversation?.channel ?? '', conversation?.language ?? null));
      }
    }
    const deltas = new DeltaSet();
    for (const event of events) {
      const state = states.get(event.conversationId) as ConversationReportState;
      for (const delta of reduceEvent(state, event, this.options.config)) deltas.add(delta);
    }
    const now = this.options.clock().toISOString();
    await db.transaction().execute(async (trx) => {
      await upsertDeltas(trx, this.options.store.dialect, deltas, this.options.config.timezone);
      await saveStates(trx, states, now);
    });
    return deferred;
  }
}
