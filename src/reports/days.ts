/**
 * The tiers summed from the hourly roll-ups (`report_rollups`) without intent and agent: the daily
 * tier (`report_days`, per local day in the queues' time zone) and the hour-slice tier
 * (`report_hour_slices`, per UTC hour), each per channel, queue, language and metric. The live
 * writer adds to them in the same transaction as the hourly tier, and they are recomputed from the
 * hourly tier (never from raw facts), so they survive a retention purge exactly as it does.
 *
 * Which time zone the daily tier was made in is recorded (`report_meta.days_timezone`, written once
 * both tiers are whole): reports read them only when that is the configured zone, and
 * {@link ensureDayTier} recomputes them otherwise.
 */
import { setImmediate as yieldToTurns } from 'node:timers/promises';
import { sql, type Transaction } from 'kysely';
import { bucketStart } from './definitions.js';
import { localDayLabel, startOfLocalDay } from './periods.js';
import type { ReportsDatabase, ReportsDb } from './schema.js';

type Db = ReportsDb | Transaction<ReportsDatabase>;

/** The hourly columns a day row keeps. */
export interface HourRow {
  readonly bucket: string;
  readonly channel: string;
  readonly queue_id: string;
  readonly language: string;
  readonly metric: string;
  readonly n: number;
  readonly total: number;
  readonly peak: number;
}

interface DayRow {
  day: string;
  channel: string;
  queue_id: string;
  language: string;
  metric: string;
  n: number;
  total: number;
  peak: number;
}

const DAYS_TIMEZONE = 'days_timezone';
const CHUNK = 200;
const labels = new Map<string, string>();

/** The local day (`YYYY-MM-DD` in `timezone`) an hour bucket belongs to (by the hour's start). */
export function dayOfBucket(bucket: string, timezone: string): string {
  const key = `${timezone}|${bucket}`;
  let day = labels.get(key);
  if (day === undefined) {
    day = localDayLabel(bucketStart(bucket), timezone);
    // A year of hours per zone is plenty; start over rather than grow without bound.
    if (labels.size > 50_000) labels.clear();
    labels.set(key, day);
  }
  return day;
}

/** Sums hourly rows (or increments) per day row. */
export function sumByDay(rows: Iterable<HourRow>, timezone: string): DayRow[] {
  const days = new Map<string, DayRow>();
  for (const row of rows) {
    const day = dayOfBucket(row.bucket, timezone);
    const key = `${day}\u0000${row.channel}\u0000${row.queue_id}\u0000${row.language}\u0000${row.metric}`;
    const current = days.get(key);
    if (current === undefined) days.set(key, { day, channel: row.channel, queue_id: row.queue_id, language: row.language, metric: row.metric, n: row.n, total: row.total, peak: row.peak });
    else {
      current.n += row.n;
      current.total += row.total;
      current.peak = Math.max(current.peak, row.peak);
    }
  }
  return [...days.values()];
}

/** Sums hourly rows (or increments) per hour slice: intent and agent left out. */
export function sumBySlice(rows: Iterable<HourRow>): HourRow[] {
  const slices = new Map<string, { -readonly [K in keyof HourRow]: HourRow[K] }>();
  for (const row of rows) {
    const key = `${row.bucket}\u0000${row.channel}\u0000${row.queue_id}\u0000${row.language}\u0000${row.metric}`;
    const current = slices.get(key);
    if (current === undefined) slices.set(key, { bucket: row.bucket, channel: row.channel, queue_id: row.queue_id, language: row.language, metric: row.metric, n: row.n, total: row.total, peak: row.peak });
    else {
      current.n += row.n;
      current.total += row.total;
      current.peak = Math.max(current.peak, row.peak);
    }
  }
  return [...slices.values()];
}

/** Adds hour-slice rows to `report_hour_slices` (count and total added, peak kept at the largest). */
export async function upsertHourSlices(db: Db, dialect: 'sqlite' | 'postgres', rows: readonly HourRow[]): Promise<void> {
  const larger = dialect === 'sqlite' ? sql<number>`max(report_hour_slices.peak, excluded.peak)` : sql<number>`greatest(report_hour_slices.peak, excluded.peak)`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('report_hour_slices')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['bucket', 'channel', 'queue_id', 'language', 'metric']).doUpdateSet({
          n: sql<number>`report_hour_slices.n + excluded.n`,
          total: sql<number>`report_hour_slices.total + excluded.total`,
          peak: larger,
        }),
      )
      .execute();
  }
}

/** Adds day rows to `report_days` (count and total added, peak kept at the largest). */
export async function upsertDays(db: Db, dialect: 'sqlite' | 'postgres', rows: readonly DayRow[]): Promise<void> {
  const larger = dialect === 'sqlite' ? sql<number>`max(report_days.peak, excluded.peak)` : sql<number>`greatest(report_days.peak, excluded.peak)`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('report_days')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['day', 'channel', 'queue_id', 'language', 'metric']).doUpdateSet({
          n: sql<number>`report_days.n + excluded.n`,
          total: sql<number>`report_days.total + excluded.total`,
          peak: larger,
        }),
      )
      .execute();
  }
}

/** The time zone the daily tier was computed in (undefined: never computed). */
export async function dayTierTimezone(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('report_meta').select('value').where('key', '=', DAYS_TIMEZONE).executeTakeFirst();
  return row?.value;
}

const HOUR_MS = 3_600_000;
const ceilHour = (date: Date): Date => new Date(Math.ceil(date.getTime() / HOUR_MS) * HOUR_MS);
const hourOf = (date: Date): string => date.toISOString().slice(0, 13);

/**
 * Recomputes one local day of `report_days`, and its hours in `report_hour_slices`, from its hours
 * in `report_rollups`, in one transaction
 * that holds roll-up writers off meanwhile (on PostgreSQL a SHARE lock on the hourly tier; SQLite
 * transactions are serialised): an increment a writer adds before or after it is counted once.
 */
async function rebuildDay(db: ReportsDb, dialect: 'sqlite' | 'postgres', timezone: string, dayStart: Date): Promise<number> {
  const day = localDayLabel(dayStart, timezone);
  // The hours whose start falls in this local day (by the hour's start, as dayOfBucket counts).
  const from = hourOf(ceilHour(dayStart));
  const to = hourOf(ceilHour(startOfLocalDay(new Date(dayStart.getTime() + 26 * HOUR_MS), timezone)));
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`lock table report_rollups in share mode`.execute(trx);
    await trx.deleteFrom('report_days').where('day', '=', day).execute();
    await trx.deleteFrom('report_hour_slices').where('bucket', '>=', from).where('bucket', '<', to).execute();
    const hours = await trx
      .selectFrom('report_rollups')
      .select(['bucket', 'channel', 'queue_id', 'language', 'metric', sql<number>`sum(n)`.as('n'), sql<number>`sum(total)`.as('total'), sql<number>`max(peak)`.as('peak')])
      .where('bucket', '>=', from)
      .where('bucket', '<', to)
      .groupBy(['bucket', 'channel', 'queue_id', 'language', 'metric'])
      .execute();
    const nonZero = (row: { n: number; total: number; peak: number }): boolean => row.n !== 0 || row.total !== 0 || row.peak !== 0;
    // The query grouped by hour and slice: its rows are the hour-slice tier's rows.
    const slices = hours.map((h) => ({ ...h, n: Number(h.n), total: Number(h.total), peak: Number(h.peak) }));
    const rows = sumByDay(slices, timezone).filter(nonZero);
    await upsertDays(trx, dialect, rows);
    await upsertHourSlices(trx, dialect, slices.filter(nonZero));
    return rows.length;
  });
}

/**
 * Recomputes `report_days` (in `timezone`) and `report_hour_slices` from `report_rollups`, one local day per transaction with
 * the event loop free between days, so a hub with years of roll-ups keeps answering turns while it
 * runs (on SQLite a single statement over every hour would hold the process for tens of seconds).
 * Writers may keep adding meanwhile: a day's increments land either before its recomputation
 * (which includes them, from the hourly tier) or after it. Reports read the tier only once it is
 * whole: the zone mark is written last. Returns the day rows written.
 */
export async function rebuildDayTier(db: ReportsDb, dialect: 'sqlite' | 'postgres', timezone: string): Promise<number> {
  await db.deleteFrom('report_meta').where('key', '=', DAYS_TIMEZONE).execute();
  // Rows of another zone's days would not be replaced day by day: start empty.
  await db.deleteFrom('report_days').execute();
  await db.deleteFrom('report_hour_slices').execute();
  const span = await db.selectFrom('report_rollups').select([sql<string | null>`min(bucket)`.as('first'), sql<string | null>`max(bucket)`.as('last')]).executeTakeFirst();
  let written = 0;
  if (span?.first != null && span.last != null) {
    const last = localDayLabel(bucketStart(span.last), timezone);
    for (let dayStart = startOfLocalDay(bucketStart(span.first), timezone); ; dayStart = startOfLocalDay(new Date(dayStart.getTime() + 26 * HOUR_MS), timezone)) {
      written += await rebuildDay(db, dialect, timezone, dayStart);
      if (localDayLabel(dayStart, timezone) >= last) break;
      await yieldToTurns();
    }
  }
  await db
    .insertInto('report_meta')
    .values({ key: DAYS_TIMEZONE, value: timezone })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: timezone }))
    .execute();
  return written;
}

/** Recomputes the daily tier when it was never made or made in another time zone; true if it did. */
export async function ensureDayTier(db: ReportsDb, dialect: 'sqlite' | 'postgres', timezone: string): Promise<boolean> {
  if ((await dayTierTimezone(db)) === timezone) return false;
  await rebuildDayTier(db, dialect, timezone);
  return true;
}
