/**
 * The daily tier of the roll-ups (`report_days`): the hourly rows summed per local day (in the
 * queues' time zone), channel, queue, language and metric. The live writer adds to it in the same
 * transaction as the hourly tier, and it is recomputed from the hourly tier (never from raw
 * facts), so it survives a retention purge exactly as the hourly tier does.
 *
 * Which time zone the tier was made in is recorded (`report_meta.days_timezone`): reports read it
 * only when that is the configured zone, and {@link ensureDayTier} recomputes it otherwise.
 */
import { sql, type Transaction } from 'kysely';
import { bucketStart } from './definitions.js';
import { localDayLabel } from './periods.js';
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

/**
 * Recomputes `report_days` from `report_rollups` in `timezone`, in one transaction that blocks
 * roll-up writers meanwhile (on PostgreSQL a SHARE lock on the hourly tier; SQLite transactions
 * are serialised), so no increment is counted twice or lost. Returns the day rows written.
 */
export async function rebuildDayTier(db: ReportsDb, dialect: 'sqlite' | 'postgres', timezone: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`lock table report_rollups in share mode`.execute(trx);
    await trx.deleteFrom('report_days').execute();
    const hours = await trx
      .selectFrom('report_rollups')
      .select(['bucket', 'channel', 'queue_id', 'language', 'metric', sql<number>`sum(n)`.as('n'), sql<number>`sum(total)`.as('total'), sql<number>`max(peak)`.as('peak')])
      .groupBy(['bucket', 'channel', 'queue_id', 'language', 'metric'])
      .execute();
    const days = sumByDay(
      hours.map((h) => ({ ...h, n: Number(h.n), total: Number(h.total), peak: Number(h.peak) })),
      timezone,
    ).filter((row) => row.n !== 0 || row.total !== 0 || row.peak !== 0);
    await upsertDays(trx, dialect, days);
    await trx
      .insertInto('report_meta')
      .values({ key: DAYS_TIMEZONE, value: timezone })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: timezone }))
      .execute();
    return days.length;
  });
}

/** Recomputes the daily tier when it was never made or made in another time zone; true if it did. */
export async function ensureDayTier(db: ReportsDb, dialect: 'sqlite' | 'postgres', timezone: string): Promise<boolean> {
  if ((await dayTierTimezone(db)) === timezone) return false;
  await rebuildDayTier(db, dialect, timezone);
  return true;
}
