/**
 * The retention purge: deletes the raw rows of each data class older than its retention period
 * (`privacy.retentionDays`), in short ranges so turns keep running between them. It deletes only
 * raw rows: conversations, contacts and handoff tickets (the figures reports count) stay, as do
 * the report roll-ups.
 * - transcripts: the transcript, inbound messages and sent replies of conversations idle for the
 *   whole period and not with a person (mode neither `queued` nor `agent`);
 * - unrecognized: the editor's inbox entries; handoffEvents: the handoff event log;
 * - auditLog: the access audit (`privacy_audit`); deadLetters: replies dead-lettered that long ago.
 *
 * How a class is walked: in (time, key) order along an index that ends with the key (migration
 * `0820_purge_keys`). Each batch first finds the (time, key) of the batch-th row after the
 * previous boundary (an index range read), then deletes the rows between the two boundaries that
 * are past retention in one statement, its own short transaction. No batch rescans what an earlier
 * one kept, none scans a whole table, and none depends on how many rows share one timestamp.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { RetentionClass, RetentionDays } from './retention-config.js';
import type { PrivacyDb } from './schema.js';

/** What a purge removed (or, dry, would remove), per table. */
export interface PurgeCounts {
  readonly transcript: number;
  readonly inbound: number;
  readonly sentReplies: number;
  readonly unrecognized: number;
  readonly handoffEvents: number;
  readonly auditLog: number;
  readonly deadLetters: number;
}

/** Options of {@link purgeExpired}. */
export interface PurgeOptions {
  /** The clock reading the periods count back from. */
  readonly now: Date;
  readonly retentionDays: RetentionDays;
  /** Count what would go, delete nothing. */
  readonly dryRun?: boolean;
  /**
   * Rows per batch, fixed. Without it the purge starts at 1,000 and sizes each batch so it takes
   * about `batchMs`: more rows per batch on a quiet database, fewer when turns compete for it.
   */
  readonly batchSize?: number;
  /** The time one batch should take when the size adapts (default 20 ms): what a turn may wait for it. */
  readonly batchMs?: number;
  /**
   * After each batch the purge rests this many times as long as the batch took (default 1), so it
   * takes at most about half of the database's time and turns get the rest; 0 only yields.
   */
  readonly restRatio?: number;
  /**
   * Whether turns are running or waiting in this process (the hub's `runner.busy`). On SQLite,
   * before each batch the purge waits for a moment when it says no, checking every few milliseconds, for at
   * most `maxYieldMs` (default 2,000) so that a hub never idle still gets purged. Turns come
   * first: a rest proportional to the batch alone gave the purge half the time whatever the
   * traffic, and on SQLite (one writer, statements that hold the process) a hub busy more than
   * half the time then queued turns for minutes.
   */
  readonly busy?: () => boolean;
  readonly maxYieldMs?: number;
}

/** Resolves when `busy` says no (checked every 2 ms), or after `maxMs`. */
async function gap(busy: () => boolean, maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  while (busy() && performance.now() < until) await sleep(2);
}

/** One data class as the purge walks it. */
interface Target {
  readonly name: keyof PurgeCounts;
  readonly table: string;
  /** The time column the period counts from, and the key that breaks its ties. */
  readonly time: string;
  readonly key: string;
  readonly cutoff: string;
  /** What else a row must satisfy to go (its status, its conversation being idle); the outbox status is in {@link statusOf}. */
  readonly also?: RawBuilder<unknown>;
}

const DAY_MS = 86_400_000;

function cutoffs(now: Date, days: RetentionDays): Record<RetentionClass, string> {
  const before = (count: number): string => new Date(now.getTime() - count * DAY_MS).toISOString();
  return { transcripts: before(days.transcripts), unrecognized: before(days.unrecognized), handoffEvents: before(days.handoffEvents), auditLog: before(days.auditLog), deadLetters: before(days.deadLetters) };
}

function targets(cut: Record<RetentionClass, string>): readonly Target[] {
  // Correlated on the conversation's primary key, one lookup per row: an `in (select …)` list
  // would read every idle conversation again for each batch.
  const idleConversation = (table: string): RawBuilder<unknown> =>
    sql`exists (select 1 from conversations c where c.id = ${sql.ref(`${table}.conversation_id`)} and c.updated_at < ${cut.transcripts} and c.mode not in ('queued', 'agent'))`;
  return [
    { name: 'transcript', table: 'transcript', time: 'created_at', key: 'seq', cutoff: cut.transcripts, also: idleConversation('transcript') },
    { name: 'inbound', table: 'inbound', time: 'received_at', key: 'id', cutoff: cut.transcripts, also: sql`inbound.status = 'processed' and ${idleConversation('inbound')}` },
    { name: 'sentReplies', table: 'outbox', time: 'created_at', key: 'seq', cutoff: cut.transcripts, also: idleConversation('outbox') },
    { name: 'unrecognized', table: 'editor_unrecognized', time: 'created_at', key: 'id', cutoff: cut.unrecognized },
    { name: 'handoffEvents', table: 'handoff_events', time: 'created_at', key: 'seq', cutoff: cut.handoffEvents },
    { name: 'auditLog', table: 'privacy_audit', time: 'at', key: 'seq', cutoff: cut.auditLog },
    { name: 'deadLetters', table: 'outbox', time: 'created_at', key: 'seq', cutoff: cut.deadLetters },
  ];
}

/** A position in a class's (time, key) order. */
interface Boundary {
  readonly time: string;
  readonly key: string | number;
}

/** The outbox index leads with the status: saying it lets a range read stay inside one status. */
function statusOf(target: Target): RawBuilder<unknown> {
  if (target.name === 'sentReplies') return sql` and outbox.status = 'sent'`;
  if (target.name === 'deadLetters') return sql` and outbox.status = 'dead'`;
  return sql``;
}

/** Rows of `target` past its cutoff, and the class's own condition (status, idle conversation). */
function pastCutoff(target: Target): RawBuilder<unknown> {
  const also = target.also === undefined ? sql`` : sql` and ${target.also}`;
  return sql`${sql.ref(`${target.table}.${target.time}`)} < ${target.cutoff}${statusOf(target)}${also}`;
}

/** The `size`-th row after `after` in (time, key) order, or undefined when fewer are left. */
async function nextBoundary(db: PrivacyDb, target: Target, after: Boundary | undefined, size: number): Promise<Boundary | undefined> {
  const time = sql.ref(`${target.table}.${target.time}`);
  const key = sql.ref(`${target.table}.${target.key}`);
  // The plain `time >=` bound gives the index range a start (SQLite does not seek on a row value);
  // the row value then skips the rows an earlier batch kept at that same time.
  const from = after === undefined ? sql`` : sql` and ${time} >= ${after.time} and (${time}, ${key}) > (${after.time}, ${after.key})`;
  const result = await sql<{ t: string; k: string | number }>`select ${time} as t, ${key} as k from ${sql.table(target.table)} where ${time} < ${target.cutoff}${statusOf(target)}${from} order by ${time}, ${key} limit 1 offset ${size - 1}`.execute(
    db,
  );
  const row = result.rows[0];
  return row === undefined ? undefined : { time: row.t, key: row.k };
}

/**
 * The rows strictly after `after` and up to `upTo` (either open), as conditions each of which is
 * one index range: an equal time with a key range, or a time range. A single row-value range
 * would read, on SQLite, every row from `after` to the cutoff for each batch.
 */
function ranges(target: Target, after: Boundary | undefined, upTo: Boundary | undefined): RawBuilder<unknown>[] {
  const time = sql.ref(`${target.table}.${target.time}`);
  const key = sql.ref(`${target.table}.${target.key}`);
  if (after !== undefined && upTo !== undefined && after.time === upTo.time) return [sql`${time} = ${after.time} and ${key} > ${after.key} and ${key} <= ${upTo.key}`];
  const parts: RawBuilder<unknown>[] = [];
  if (after !== undefined) parts.push(sql`${time} = ${after.time} and ${key} > ${after.key}`);
  const lower = after === undefined ? sql`` : sql` and ${time} > ${after.time}`;
  const upper = upTo === undefined ? sql`` : sql` and ${time} < ${upTo.time}`;
  parts.push(sql`${time} is not null${lower}${upper}`);
  if (upTo !== undefined) parts.push(sql`${time} = ${upTo.time} and ${key} <= ${upTo.key}`);
  return parts;
}

async function deleteRange(db: PrivacyDb, target: Target, after: Boundary | undefined, upTo: Boundary | undefined): Promise<number> {
  let removed = 0;
  for (const part of ranges(target, after, upTo)) {
    const result = await sql`delete from ${sql.table(target.table)} where ${part} and ${pastCutoff(target)}`.execute(db);
    removed += Number(result.numAffectedRows ?? 0n);
  }
  return removed;
}

async function countPast(db: PrivacyDb, target: Target): Promise<number> {
  const result = await sql<{ count: string | number }>`select count(*) as count from ${sql.table(target.table)} where ${pastCutoff(target)}`.execute(db);
  return Number(result.rows[0]?.count ?? 0);
}

/**
 * Deletes (or with `dryRun` counts) every raw row past its class's retention at `now`. Each batch
 * is one short statement on an index range, and the purge rests between batches, so a purge of a
 * million rows never holds the database (or, on SQLite, the process) for long. Safe to run
 * concurrently with turns; run it from one instance at a time (see `startRetentionPurge`).
 */
export async function purgeExpired(db: PrivacyDb, options: PurgeOptions): Promise<PurgeCounts> {
  const fixed = options.batchSize === undefined ? undefined : Math.max(1, Math.floor(options.batchSize));
  const budgetMs = Math.max(1, options.batchMs ?? 20);
  let batchSize = fixed ?? 1000;
  const restRatio = Math.max(0, options.restRatio ?? 1);
  const counts: Record<keyof PurgeCounts, number> = { transcript: 0, inbound: 0, sentReplies: 0, unrecognized: 0, handoffEvents: 0, auditLog: 0, deadLetters: 0 };
  const walk = targets(cutoffs(options.now, options.retentionDays));
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // Only SQLite waits for gaps: there one writer in this process runs the purge's statements and
  // the turns'. PostgreSQL runs them side by side, and its turns (leases, round trips) are in
  // flight nearly all the time, so waiting would only stretch the purge (measured: 1,000 rows/s).
  const busy = postgres ? undefined : options.busy;
  if (options.dryRun !== true && postgres) {
    // PostgreSQL plans by its statistics, and a table bulk-loaded since autovacuum last looked has
    // none that say so: the batch query would then sort every old row instead of reading the index
    // in order, once per batch. ANALYZE samples (bounded work) and does not block writes.
    for (const table of new Set(['conversations', ...walk.map((target) => target.table)])) await sql`analyze ${sql.table(table)}`.execute(db);
  }
  for (const target of walk) {
    if (options.dryRun === true) {
      counts[target.name] = await countPast(db, target);
      continue;
    }
    let after: Boundary | undefined;
    for (;;) {
      if (busy !== undefined) await gap(busy, Math.max(0, options.maxYieldMs ?? 2000));
      const started = performance.now();
      const upTo = await nextBoundary(db, target, after, batchSize);
      // Without a boundary fewer than a batch are left: the last range is open-ended.
      counts[target.name] += await deleteRange(db, target, after, upTo);
      if (upTo === undefined) break;
      after = upTo;
      const took = performance.now() - started;
      // Towards the time budget, at most doubling or halving per batch, between 100 and 20,000 rows.
      if (fixed === undefined) batchSize = Math.round(Math.min(20_000, Math.max(100, batchSize * Math.min(2, Math.max(0.5, budgetMs / Math.max(took, 0.1))))));
      // A timer, not just the next tick: queued turns get the database before the next batch.
      await sleep(Math.min(1000, took * restRatio));
    }
  }
  return counts;
}
