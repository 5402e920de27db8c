/**
 * Reading and writing the roll-up tables: increments are merged in memory, then upserted (count
 * and total added, peak kept at the largest) in one statement per chunk, to the hourly tier and,
 * summed without intent and agent, to the daily and hour-slice tiers.
 */
import { sql, type Transaction } from 'kysely';
import { sumByDay, sumBySlice, upsertDays, upsertHourSlices } from './days.js';
import type { Delta } from './definitions.js';
import type { ConversationReportState } from './reducer.js';
import type { ReportsDatabase, ReportsDb } from './schema.js';

/** Increments merged by row key. */
export class DeltaSet {
  readonly rows = new Map<string, { bucket: string; channel: string; queue_id: string; language: string; intent: string; agent_id: string; metric: string; n: number; total: number; peak: number }>();

  add(delta: Delta): void {
    const { slice } = delta;
    const key = `${delta.bucket}\u0000${slice.channel}\u0000${slice.queue}\u0000${slice.language}\u0000${slice.intent}\u0000${slice.agent}\u0000${delta.metric}`;
    const row = this.rows.get(key);
    if (row === undefined) {
      this.rows.set(key, {
        bucket: delta.bucket,
        channel: slice.channel,
        queue_id: slice.queue,
        language: slice.language,
        intent: slice.intent,
        agent_id: slice.agent,
        metric: delta.metric,
        n: delta.n,
        total: delta.total,
        peak: delta.peak,
      });
      return;
    }
    row.n += delta.n;
    row.total += delta.total;
    row.peak = Math.max(row.peak, delta.peak);
  }

  get size(): number {
    return this.rows.size;
  }
}

const CHUNK = 200;

/**
 * Adds the increments to `report_rollups` and, when `timezone` is given, to the tiers summed from
 * it (`report_days`, local days in that zone, and `report_hour_slices`). Call it inside the caller's transaction so both tiers
 * move together.
 */
export async function upsertDeltas(db: ReportsDb | Transaction<ReportsDatabase>, dialect: 'sqlite' | 'postgres', deltas: DeltaSet, timezone?: string): Promise<void> {
  const rows = [...deltas.rows.values()].map((row) => ({ ...row, total: Math.round(row.total), peak: Math.round(row.peak) }));
  if (timezone !== undefined) {
    await upsertDays(db, dialect, sumByDay(rows, timezone));
    await upsertHourSlices(db, dialect, sumBySlice(rows));
  }
  const larger = dialect === 'sqlite' ? sql<number>`max(report_rollups.peak, excluded.peak)` : sql<number>`greatest(report_rollups.peak, excluded.peak)`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('report_rollups')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['bucket', 'channel', 'queue_id', 'language', 'intent', 'agent_id', 'metric']).doUpdateSet({
          n: sql<number>`report_rollups.n + excluded.n`,
          total: sql<number>`report_rollups.total + excluded.total`,
          peak: larger,
        }),
      )
      .execute();
  }
}

/** The stored states of these conversations. */
export async function loadStates(db: ReportsDb | Transaction<ReportsDatabase>, conversationIds: readonly string[]): Promise<Map<string, ConversationReportState>> {
  const states = new Map<string, ConversationReportState>();
  for (let i = 0; i < conversationIds.length; i += 500) {
    const rows = await db.selectFrom('report_state').select(['conversation_id', 'data']).where('conversation_id', 'in', conversationIds.slice(i, i + 500)).execute();
    for (const row of rows) states.set(row.conversation_id, JSON.parse(row.data) as ConversationReportState);
  }
  return states;
}

/** Stores these states (insert or replace). */
export async function saveStates(db: ReportsDb | Transaction<ReportsDatabase>, states: ReadonlyMap<string, ConversationReportState>, now: string): Promise<void> {
  const rows = [...states].map(([conversationId, state]) => ({ conversation_id: conversationId, data: JSON.stringify(state), updated_at: now }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('report_state')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ data: sql<string>`excluded.data`, updated_at: sql<string>`excluded.updated_at` }))
      .execute();
  }
}
