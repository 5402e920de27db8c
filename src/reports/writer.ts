/**
 * The live roll-up writer: listens to the hub's events (transcript entries, turn commits and
 * `handoff.*`) and adds their increments to the roll-ups in batches (one transaction per flush,
 * every `flushMs` or every 500 events), so turns never wait for reports.
 *
 * Transcript entries come whole in their events (no read-back: reading them cost more CPU than the
 * turns' own commits); handoff transitions are read back by sequence number (rare, and their
 * events keep only ids). A citizen message is counted with its turn's annotations, once the turn
 * committed; until then that conversation's later events wait too, so each conversation's facts
 * are reduced in order, and the figures equal those of the rebuild.
 *
 * Who counts what: each instance counts the events that happened on it (relayed ones are skipped),
 * a citizen message on the instance that stored it. Progress lives in memory: events not yet
 * flushed when the process dies are not counted (`reports rebuild` recomputes them); a flush
 * writes increments and conversation states in one transaction, so nothing is counted twice.
 */
import type { HubEvents, HubEventMap } from '../core/events.js';
import type { Store } from '../core/store/index.js';
import { ensureDayTier } from './days.js';
import type { ReportsConfig } from './definitions.js';
import { reduceEvent, newState, type ConversationReportState, type ReportEvent } from './reducer.js';
import { DeltaSet, loadStates, saveStates, upsertDeltas } from './rollup-store.js';
import { reportsDb, type ReportsDb } from './schema.js';
import { conversationInfo, entryEvent, handoffEvent, transcriptEvent } from './source.js';

/**
 * One fact waiting to be written, in its conversation's order. A citizen message is known from
 * its ingest; its `event` comes with its turn's commit (the `turn` event carries the annotated
 * entry) or, for a turn committed elsewhere or never, from a read of its row.
 */
type Item =
  | { readonly source: 'citizen'; readonly seq: number; readonly seenAt: number; resolved: boolean; event: ReportEvent | undefined }
  | { readonly source: 'reply'; readonly seq: number; readonly event: ReportEvent }
  | { readonly source: 'handoff'; readonly seq: number };

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

/**
 * PostgreSQL: how often citizen messages still waiting for their turn are looked up (another
 * instance may have run the turn; its `turn` event stays there).
 */
const RETRY_MS = 2000;
/** Events that make a flush start at once. */
const FLUSH_EVENTS = 500;

/** Keeps the roll-ups up to date while the hub runs. */
export class RollupWriter {
  private readonly db: ReportsDb;
  /**
   * Per conversation, the facts not written yet, in the order they happened. A citizen message
   * whose turn has not committed holds back the ones after it; the others are written at the
   * next flush.
   */
  private readonly held = new Map<string, Item[]>();
  /** Citizen messages held by conversation and sequence number, for their `turn` event. */
  private readonly citizens = new Map<number, Extract<Item, { source: 'citizen' }>>();
  /** Facts ready to be written since the last flush (starts one at {@link FLUSH_EVENTS}). */
  private ready = 0;
  private lastRetry = 0;
  private readonly seen = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** The daily tier was checked against the configured zone (see {@link ensureDayTier}). */
  private daysChecked = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly onTranscript = (event: HubEventMap['transcript'][0]): void => {
    // Another instance counts what happened there.
    if (event.relayed === true) return;
    const { entry } = event;
    if (entry.author === 'system') return;
    const seq = Number(entry.id);
    if (!this.firstTime(`t:${seq}`)) return;
    if (entry.author === 'citizen') {
      const item = { source: 'citizen' as const, seq, seenAt: Date.now(), resolved: false, event: undefined };
      this.citizens.set(seq, item);
      this.hold(event.conversationId, item);
      return;
    }
    const reportEvent = entryEvent(entry);
    if (reportEvent !== undefined) this.hold(event.conversationId, { source: 'reply', seq, event: reportEvent });
  };
  private readonly onTurn = (event: HubEventMap['turn'][0]): void => {
    if (event.relayed === true) return;
    // Only a message stored on this instance (seen at its ingest) is counted here.
    const item = this.citizens.get(Number(event.entry.id));
    if (item === undefined) return;
    this.resolve(item, entryEvent(event.entry));
  };
  private readonly onCustom = (event: HubEventMap['custom'][0]): void => {
    if (event.relayed === true) return;
    if (!event.type.startsWith('handoff.') || event.conversationId === undefined) return;
    const seq = event.data.seq;
    if (typeof seq !== 'number' || !this.firstTime(`h:${seq}`)) return;
    this.hold(event.conversationId, { source: 'handoff', seq });
  };

  constructor(private readonly options: RollupWriterOptions) {
    this.db = reportsDb(options.store);
  }

  /** Subscribes to the hub's events and starts the flush timer (idempotent). */
  start(): void {
    if (this.timer !== undefined) return;
    this.options.events.on('transcript', this.onTranscript);
    this.options.events.on('turn', this.onTurn);
    this.options.events.on('custom', this.onCustom);
    this.timer = setInterval(() => void this.flush(), this.options.flushMs ?? 1000);
    this.timer.unref();
  }

  /** Unsubscribes and writes what is pending. */
  async stop(): Promise<void> {
    this.options.events.off('transcript', this.onTranscript);
    this.options.events.off('turn', this.onTurn);
    this.options.events.off('custom', this.onCustom);
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.enqueueFlush(true);
  }

  /** Events received but not written yet. */
  get pending(): number {
    let count = 0;
    for (const items of this.held.values()) count += items.length;
    return count;
  }

  /** Writes every event received so far whose turn committed; resolves when written. */
  flush(): Promise<void> {
    return this.enqueueFlush(false);
  }

  /** False for an event already taken (several emitters of one entry). */
  private firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    // Duplicates come close together: a short memory suffices.
    if (this.seen.size > 20_000) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  private hold(conversationId: string, item: Item): void {
    const items = this.held.get(conversationId);
    if (items === undefined) this.held.set(conversationId, [item]);
    else items.push(item);
    if (item.source !== 'citizen') this.countReady();
  }

  private resolve(item: Extract<Item, { source: 'citizen' }>, event: ReportEvent | undefined): void {
    item.resolved = true;
    item.event = event;
    this.citizens.delete(item.seq);
    this.countReady();
  }

  private countReady(): void {
    this.ready += 1;
    if (this.ready >= FLUSH_EVENTS) {
      this.ready = 0;
      void this.flush();
    }
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
    this.ready = 0;
    await this.lookUpWaiting(final);
    // Per conversation, the facts up to the first citizen message still waiting for its turn.
    const taken = new Map<string, number>();
    const batch: Item[] = [];
    for (const [conversationId, items] of this.held) {
      let count = 0;
      for (const item of items) {
        if (item.source === 'citizen' && !item.resolved) break;
        count += 1;
      }
      if (count === 0) continue;
      taken.set(conversationId, count);
      for (let i = 0; i < count; i += 1) batch.push(items[i] as Item);
    }
    if (batch.length === 0) return;
    await this.apply(batch);
    // Written: forget them (events that arrived meanwhile were appended after them).
    for (const [conversationId, count] of taken) {
      const items = this.held.get(conversationId);
      if (items === undefined) continue;
      items.splice(0, count);
      if (items.length === 0) this.held.delete(conversationId);
    }
  }

  /**
   * Citizen messages whose `turn` event did not come are looked up in the store: on PostgreSQL
   * every {@link RETRY_MS} (another instance may have run the turn), on any store once they waited
   * `turnWaitMs` (counted as stored, annotated or not), and all of them at the final flush. One
   * narrow read of those messages alone; on SQLite, where every turn runs in this process, none
   * at all in the normal course.
   */
  private async lookUpWaiting(final: boolean): Promise<void> {
    if (this.citizens.size === 0) return;
    const now = Date.now();
    const waitMs = this.options.turnWaitMs ?? 300_000;
    const retry = this.options.store.dialect === 'postgres' && now - this.lastRetry >= RETRY_MS;
    if (retry) this.lastRetry = now;
    const due = [...this.citizens.values()].filter((item) => final || retry || now - item.seenAt >= waitMs);
    for (let i = 0; i < due.length; i += 500) {
      const chunk = due.slice(i, i + 500);
      const rows = await this.db
        .selectFrom('transcript')
        .leftJoin('inbound', 'inbound.id', 'transcript.inbound_id')
        .select(['transcript.seq', 'transcript.conversation_id', 'transcript.author', 'transcript.data', 'transcript.intent', 'transcript.language', 'transcript.created_at', 'inbound.status'])
        .where('transcript.seq', 'in', chunk.map((item) => item.seq))
        .execute();
      const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
      for (const item of chunk) {
        // Resolved meanwhile by its `turn` event.
        if (item.resolved) continue;
        const row = bySeq.get(item.seq);
        // Gone (purged, erased): nothing to count.
        if (row === undefined) this.resolve(item, undefined);
        else if (row.status !== 'pending' || now - item.seenAt >= waitMs) this.resolve(item, transcriptEvent(row));
      }
    }
  }

  /** Reduces `items` (each conversation's in order) and writes the increments and states in one transaction. */
  private async apply(items: readonly Item[]): Promise<void> {
    const db = this.db;
    const hSeqs = items.filter((i) => i.source === 'handoff').map((i) => i.seq);
    const handoff = new Map<number, ReportEvent | undefined>();
    for (let i = 0; i < hSeqs.length; i += 500) {
      const rows = await db.selectFrom('handoff_events').selectAll().where('seq', 'in', hSeqs.slice(i, i + 500)).execute();
      for (const row of rows) handoff.set(Number(row.seq), handoffEvent(row));
    }
    const events: ReportEvent[] = [];
    for (const item of items) {
      const event = item.source === 'handoff' ? handoff.get(item.seq) : item.event;
      if (event !== undefined) events.push(event);
    }
    if (events.length === 0) return;

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
  }
}
