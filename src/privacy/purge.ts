/**
 * The retention purge: deletes the raw rows of each data class older than its retention period
 * (`privacy.retentionDays`), in small batches so turns keep running between them. It deletes only
 * raw rows: conversations, contacts and handoff tickets (the figures reports count) stay, as do
 * the report roll-ups.
 * - transcripts: the transcript, inbound messages and sent replies of conversations idle for the
 *   whole period and not with a person (mode neither `queued` nor `agent`);
 * - unrecognized: the editor's inbox entries; handoffEvents: the handoff event log;
 * - auditLog: the access audit (`privacy_audit`); deadLetters: replies dead-lettered that long ago.
 */
import { setImmediate as yieldToTurns } from 'node:timers/promises';
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
  /** Rows per delete statement (default 2,000): small enough that a turn waits for one at most. */
  readonly batchSize?: number;
}

interface Target {
  readonly name: keyof PurgeCounts;
  count(): Promise<number>;
  /** Deletes up to `limit` rows; returns how many went. */
  deleteBatch(limit: number): Promise<number>;
}

const DAY_MS = 86_400_000;

function cutoffs(now: Date, days: RetentionDays): Record<RetentionClass, string> {
  const before = (count: number): string => new Date(now.getTime() - count * DAY_MS).toISOString();
  return { transcripts: before(days.transcripts), unrecognized: before(days.unrecognized), handoffEvents: before(days.handoffEvents), auditLog: before(days.auditLog), deadLetters: before(days.deadLetters) };
}

const deleted = (result: readonly { numDeletedRows: bigint }[]): number => result.reduce((sum, row) => sum + Number(row.numDeletedRows), 0);

function targets(db: PrivacyDb, cut: Record<RetentionClass, string>): readonly Target[] {
  const idle = db.selectFrom('conversations').select('conversations.id').where('conversations.updated_at', '<', cut.transcripts).where('conversations.mode', 'not in', ['queued', 'agent']);
  const transcript = db.selectFrom('transcript').where('transcript.created_at', '<', cut.transcripts).where('transcript.conversation_id', 'in', idle);
  const inbound = db.selectFrom('inbound').where('inbound.received_at', '<', cut.transcripts).where('inbound.status', '=', 'processed').where('inbound.conversation_id', 'in', idle);
  const sent = db.selectFrom('outbox').where('outbox.status', '=', 'sent').where('outbox.created_at', '<', cut.transcripts).where('outbox.conversation_id', 'in', idle);
  const unrecognized = db.selectFrom('editor_unrecognized').where('editor_unrecognized.created_at', '<', cut.unrecognized);
  const events = db.selectFrom('handoff_events').where('handoff_events.created_at', '<', cut.handoffEvents);
  const audit = db.selectFrom('privacy_audit').where('privacy_audit.at', '<', cut.auditLog);
  const dead = db.selectFrom('outbox').where('outbox.status', '=', 'dead').where('outbox.created_at', '<', cut.deadLetters);
  const countOf = async (query: { executeTakeFirst(): Promise<{ count: string | number | bigint } | undefined> }): Promise<number> => Number((await query.executeTakeFirst())?.count ?? 0);
  return [
    { name: 'transcript', count: () => countOf(transcript.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('transcript').where('seq', 'in', transcript.select('transcript.seq').limit(limit)).execute()) },
    { name: 'inbound', count: () => countOf(inbound.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('inbound').where('id', 'in', inbound.select('inbound.id').limit(limit)).execute()) },
    { name: 'sentReplies', count: () => countOf(sent.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('outbox').where('seq', 'in', sent.select('outbox.seq').limit(limit)).execute()) },
    { name: 'unrecognized', count: () => countOf(unrecognized.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('editor_unrecognized').where('id', 'in', unrecognized.select('editor_unrecognized.id').limit(limit)).execute()) },
    { name: 'handoffEvents', count: () => countOf(events.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('handoff_events').where('seq', 'in', events.select('handoff_events.seq').limit(limit)).execute()) },
    { name: 'auditLog', count: () => countOf(audit.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('privacy_audit').where('seq', 'in', audit.select('privacy_audit.seq').limit(limit)).execute()) },
    { name: 'deadLetters', count: () => countOf(dead.select((eb) => eb.fn.countAll<string | number>().as('count'))), deleteBatch: async (limit) => deleted(await db.deleteFrom('outbox').where('seq', 'in', dead.select('outbox.seq').limit(limit)).execute()) },
  ];
}

/**
 * Deletes (or with `dryRun` counts) every raw row past its class's retention at `now`. Each batch
 * is its own statement and the event loop turns between batches, so a purge of a million rows
 * never holds the database (or, on SQLite, the process) for long. Safe to run concurrently with
 * turns; run it from one instance at a time (see `startRetentionPurge`).
 */
export async function purgeExpired(db: PrivacyDb, options: PurgeOptions): Promise<PurgeCounts> {
  const batchSize = options.batchSize ?? 2000;
  const counts: Record<keyof PurgeCounts, number> = { transcript: 0, inbound: 0, sentReplies: 0, unrecognized: 0, handoffEvents: 0, auditLog: 0, deadLetters: 0 };
  for (const target of targets(db, cutoffs(options.now, options.retentionDays))) {
    if (options.dryRun === true) {
      counts[target.name] = await target.count();
      continue;
    }
    for (;;) {
      const removed = await target.deleteBatch(batchSize);
      counts[target.name] += removed;
      if (removed < batchSize) break;
      await yieldToTurns();
    }
  }
  return counts;
}
