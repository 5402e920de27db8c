/**
 * Report queries over the roll-ups (never the transcripts): totals per slice group and a time
 * series per period in the queues' time zone, plus the live wallboard from the handoff tables.
 */
import { sql } from 'kysely';
import { HubError } from '../core/errors.js';
import { bucketStart, hourBucket, serviceLevelTarget, SLICES, type ReportsConfig, type SliceName } from './definitions.js';
import { dayTierTimezone } from './days.js';
import { computeIndicators, type Indicators, type MetricSum } from './indicators.js';
import { periodLabel, periodOfDay, periodStart, startOfLocalDay, wholeDays, type Period } from './periods.js';
import type { ReportsDb } from './schema.js';

export { PERIODS, periodLabel, startOfLocalDay, type Period } from './periods.js';

/** The longest range a report may cover. */
export const MAX_RANGE_MS = 2 * 366 * 24 * 3_600_000;

export interface ReportQuery {
  readonly from: Date;
  readonly to: Date;
  readonly by: readonly SliceName[];
  readonly period: Period;
  /** Only rows with these slice values. */
  readonly filter?: Partial<Record<SliceName, string>>;
}

export interface ReportGroup {
  readonly key: Partial<Record<SliceName, string>>;
  readonly indicators: Indicators;
}

export interface ReportPoint {
  /** The period's label in the queues' time zone (`2026-03-10`, `2026-W11`, `2026-03`, `2026-03-10T10`). */
  readonly period: string;
  /** When the period starts (UTC): local midnight of its first day, or the hour for hourly series. */
  readonly start: string;
  readonly indicators: Indicators;
}

export interface Report {
  readonly from: string;
  readonly to: string;
  readonly timezone: string;
  readonly period: Period;
  readonly by: SliceName[];
  readonly total: Indicators;
  readonly groups: ReportGroup[];
  readonly series: ReportPoint[];
}

const COLUMN: Record<SliceName, 'channel' | 'queue_id' | 'language' | 'intent' | 'agent_id'> = {
  channel: 'channel',
  queue: 'queue_id',
  language: 'language',
  intent: 'intent',
  agent: 'agent_id',
};

/** Parses `queue,channel`; throws 400 naming an unknown slice. */
export function parseSlices(value: string | undefined): SliceName[] {
  if (value === undefined || value.trim() === '') return [];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out: SliceName[] = [];
  for (const name of names) {
    if (!(SLICES as readonly string[]).includes(name)) {
      throw new HubError('HUB_ERR_BAD_PAYLOAD', `unknown slice "${name}": use ${SLICES.join(', ')}`);
    }
    if (!out.includes(name as SliceName)) out.push(name as SliceName);
  }
  return out;
}

/** Checks a range: `from` before `to`, at most two years. Throws 400 with the reason. */
export function checkRange(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'from and to must be ISO dates such as 2026-03-01 or 2026-03-01T00:00:00Z');
  if (from.getTime() >= to.getTime()) throw new HubError('HUB_ERR_BAD_PAYLOAD', `from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'the range is longer than two years: split it');
}

function ceilBucket(date: Date): string {
  const floor = hourBucket(date);
  return bucketStart(floor).getTime() === date.getTime() ? floor : hourBucket(new Date(bucketStart(floor).getTime() + 3_600_000));
}

const toSum = (row: { n: unknown; total: unknown; peak: unknown }): MetricSum => ({ n: Number(row.n), total: Number(row.total), peak: Number(row.peak) });

function addSum(map: Map<string, MetricSum>, metric: string, sum: MetricSum): void {
  const current = map.get(metric);
  if (current === undefined) map.set(metric, { ...sum });
  else {
    current.n += sum.n;
    current.total += sum.total;
    current.peak = Math.max(current.peak, sum.peak);
  }
}

type Sums = Map<string, MetricSum>;
type GroupedRow = Record<string, unknown> & { metric: string; n: unknown; total: unknown; peak: unknown };

/** The sums every tier's rows add up the same way: counts and totals summed, peaks at their maximum. */
const SUMS = [sql<number>`sum(n)`.as('n'), sql<number>`sum(total)`.as('total'), sql<number>`max(peak)`.as('peak')] as const;

/** What one tier's queries gave: sums per group and per series label. */
interface TierPart {
  readonly grouped: readonly GroupedRow[];
  /** Series rows with their period label and the instant the period starts. */
  readonly series: readonly { label: string; start: Date; row: GroupedRow }[];
}

/**
 * Hours `[fromBucket, toBucket)` from the hourly tier, or from the hour-slice tier when the query
 * names only channel, queue and language (a sixth of the rows for the same hours).
 */
async function fromHours(db: ReportsDb, config: ReportsConfig, query: ReportQuery, fromBucket: string, toBucket: string, table: 'report_rollups' | 'report_hour_slices'): Promise<TierPart> {
  // The hour-slice tier has the hourly tier's columns but intent and agent, which a query sent
  // there never names (slicesFit): typed as the hourly tier, one query builder serves both.
  let base = db.selectFrom(table as 'report_rollups').where('bucket', '>=', fromBucket).where('bucket', '<', toBucket);
  for (const [name, value] of Object.entries(query.filter ?? {}) as [SliceName, string | undefined][]) {
    if (value !== undefined) base = base.where(COLUMN[name], '=', value);
  }
  const columns = query.by.map((name) => COLUMN[name]);
  // Side by side: on PostgreSQL each on its own pooled connection (SQLite runs them in turn).
  const [grouped, byBucket] = await Promise.all([
    base
      .select(columns)
      .select(['metric', ...SUMS])
      .groupBy([...columns, 'metric'])
      .execute(),
    base
      .select(['bucket', 'metric', ...SUMS])
      .groupBy(['bucket', 'metric'])
      .execute(),
  ]);
  const starts = new Map<string, Date>();
  const series = byBucket.map((row) => {
    const hour = bucketStart(row.bucket);
    const label = periodLabel(hour, query.period, config.timezone);
    let start = starts.get(label);
    if (start === undefined) {
      start = query.period === 'hour' ? hour : periodStart(label, query.period, config.timezone);
      starts.set(label, start);
    }
    // An hour label can stand for two UTC hours (the autumn clock change): the earlier starts it.
    if (hour.getTime() < start.getTime()) starts.set(label, (start = hour));
    return { label, start, row: row as unknown as GroupedRow };
  });
  for (const point of series) point.start = starts.get(point.label) ?? point.start;
  return { grouped: grouped as unknown as GroupedRow[], series };
}

/** Daily tier, local days `[firstDay, endDay)`. */
async function fromDays(db: ReportsDb, config: ReportsConfig, query: ReportQuery, firstDay: string, endDay: string, period: Exclude<Period, 'hour'>): Promise<TierPart> {
  let base = db.selectFrom('report_days').where('day', '>=', firstDay).where('day', '<', endDay);
  for (const [name, value] of Object.entries(query.filter ?? {}) as [SliceName, string | undefined][]) {
    if (value !== undefined) base = base.where(DAY_COLUMN[name as DaySlice], '=', value);
  }
  const columns = query.by.map((name) => DAY_COLUMN[name as DaySlice]);
  const [grouped, byDay] = await Promise.all([
    base
      .select(columns)
      .select(['metric', ...SUMS])
      .groupBy([...columns, 'metric'])
      .execute(),
    base
      .select(['day', 'metric', ...SUMS])
      .groupBy(['day', 'metric'])
      .execute(),
  ]);
  const starts = new Map<string, Date>();
  const series = byDay.map((row) => {
    const label = periodOfDay(row.day, period);
    let start = starts.get(label);
    if (start === undefined) {
      start = periodStart(label, period, config.timezone);
      starts.set(label, start);
    }
    return { label, start, row: row as unknown as GroupedRow };
  });
  return { grouped: grouped as unknown as GroupedRow[], series };
}

const DAY_SLICES = ['channel', 'queue', 'language'] as const;
type DaySlice = (typeof DAY_SLICES)[number];
const DAY_COLUMN: Record<DaySlice, 'channel' | 'queue_id' | 'language'> = { channel: 'channel', queue: 'queue_id', language: 'language' };

/** The summed tiers (daily, hour slices) can answer: no intent or agent asked for. */
function slicesFit(query: ReportQuery): boolean {
  const slices = [...query.by, ...(Object.entries(query.filter ?? {}) as [SliceName, string | undefined][]).filter(([, v]) => v !== undefined).map(([k]) => k)];
  return slices.every((name) => (DAY_SLICES as readonly string[]).includes(name));
}

const notHourly = (query: ReportQuery): query is ReportQuery & { period: Exclude<Period, 'hour'> } => query.period !== 'hour';

/**
 * A report: totals, one group per combination of the `by` slices, and a series per period. Hours
 * are whole: `from` is rounded down and `to` up to the hour. When the query names only channel,
 * queue and language and the summed tiers were made in the configured zone, whole local days are
 * read from the daily tier (day, week or month series) and the other hours (the partial days at
 * the edges, or every hour of an hourly series) from the hour-slice tier; any other query reads
 * the hourly tier. The tiers give the same figures (a property test holds them equal).
 */
export async function runReport(db: ReportsDb, config: ReportsConfig, query: ReportQuery): Promise<Report> {
  checkRange(query.from, query.to);
  const fromBucket = hourBucket(query.from);
  const toBucket = ceilBucket(query.to);
  const parts: TierPart[] = [];
  const summed = slicesFit(query) && (await dayTierTimezone(db)) === config.timezone;
  const hours = summed ? 'report_hour_slices' : 'report_rollups';
  const days = summed && notHourly(query) ? wholeDays(bucketStart(fromBucket), bucketStart(toBucket), config.timezone) : undefined;
  if (days !== undefined && notHourly(query)) {
    const reads = [fromDays(db, config, query, days.first, days.end, query.period)];
    if (hourBucket(days.firstStart) > fromBucket) reads.push(fromHours(db, config, query, fromBucket, hourBucket(days.firstStart), hours));
    if (hourBucket(days.endStart) < toBucket) reads.push(fromHours(db, config, query, hourBucket(days.endStart), toBucket, hours));
    // The order of the parts does not matter: they are summed.
    parts.push(...(await Promise.all(reads)));
  } else parts.push(await fromHours(db, config, query, fromBucket, toBucket, hours));

  const groups = new Map<string, { key: Partial<Record<SliceName, string>>; sums: Sums }>();
  const total: Sums = new Map();
  const series = new Map<string, { start: Date; sums: Sums }>();
  for (const part of parts) {
    for (const row of part.grouped) {
      const key: Partial<Record<SliceName, string>> = {};
      for (const name of query.by) key[name] = String(row[COLUMN[name]] ?? '');
      const id = JSON.stringify(key);
      let group = groups.get(id);
      if (group === undefined) {
        group = { key, sums: new Map() };
        groups.set(id, group);
      }
      const sum = toSum(row);
      addSum(group.sums, row.metric, sum);
      addSum(total, row.metric, sum);
    }
    for (const { label, start, row } of part.series) {
      let point = series.get(label);
      if (point === undefined) {
        point = { start, sums: new Map() };
        series.set(label, point);
      }
      if (start.getTime() < point.start.getTime()) point.start = start;
      addSum(point.sums, row.metric, toSum(row));
    }
  }
  const queueFilter = query.filter?.queue;
  const target = serviceLevelTarget(config, queueFilter);
  return {
    from: bucketStart(fromBucket).toISOString(),
    to: bucketStart(toBucket).toISOString(),
    timezone: config.timezone,
    period: query.period,
    by: [...query.by],
    total: computeIndicators(total, target),
    groups: [...groups.values()]
      .map((group) => ({ key: group.key, indicators: computeIndicators(group.sums, serviceLevelTarget(config, group.key.queue ?? queueFilter)) }))
      .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key))),
    series: [...series.entries()]
      .sort(([, a], [, b]) => a.start.getTime() - b.start.getTime())
      .map(([period, point]) => ({ period, start: point.start.toISOString(), indicators: computeIndicators(point.sums, target) })),
  };
}

export interface Wallboard {
  readonly at: string;
  readonly queues: {
    readonly id: string;
    readonly name: string;
    readonly waiting: number;
    readonly longestWaitSeconds: number | null;
    readonly serviceLevelToday: number | null;
    readonly serviceLevelTarget: number;
  }[];
  readonly agents: { readonly online: number; readonly available: number; readonly away: number; readonly busy: number };
  readonly serviceLevelToday: number | null;
  readonly serviceLevelTarget: number;
  readonly handoffsToday: number;
  readonly abandonedToday: number;
}

/** What is happening now: waiting per queue, longest wait, agents online/busy, service level today. */
export async function wallboard(db: ReportsDb, config: ReportsConfig, queues: readonly { id: string; name: string }[], now: Date): Promise<Wallboard> {
  const waiting = await db
    .selectFrom('handoff_tickets')
    .select(['queue_id', sql<number>`count(*)`.as('waiting'), sql<string>`min(enqueued_at)`.as('oldest')])
    .where('status', '=', 'queued')
    .groupBy('queue_id')
    .execute();
  const users = await db.selectFrom('handoff_users').select(['id', 'presence']).where('disabled', '=', 0).where('role', 'in', ['agent', 'supervisor', 'admin']).execute();
  const busyRows = await db.selectFrom('handoff_tickets').select('agent_id').distinct().where('status', '=', 'assigned').where('agent_id', 'is not', null).execute();
  const busy = new Set(busyRows.map((r) => r.agent_id));
  const today = await runReport(db, config, { from: startOfLocalDay(now, config.timezone), to: new Date(now.getTime() + 1), by: ['queue'], period: 'day' });
  const todayByQueue = new Map(today.groups.map((g) => [g.key.queue ?? '', g.indicators]));
  const byQueue = new Map(waiting.map((w) => [w.queue_id, w]));
  return {
    at: now.toISOString(),
    queues: queues.map((queue) => {
      const row = byQueue.get(queue.id);
      return {
        id: queue.id,
        name: queue.name,
        waiting: Number(row?.waiting ?? 0),
        longestWaitSeconds: row === undefined ? null : Math.max(0, Math.round((now.getTime() - new Date(row.oldest).getTime()) / 1000)),
        serviceLevelToday: todayByQueue.get(queue.id)?.serviceLevel ?? null,
        serviceLevelTarget: serviceLevelTarget(config, queue.id),
      };
    }),
    agents: {
      online: users.filter((u) => u.presence !== 'offline').length,
      available: users.filter((u) => u.presence === 'available').length,
      away: users.filter((u) => u.presence === 'away').length,
      busy: users.filter((u) => u.presence !== 'offline' && busy.has(u.id)).length,
    },
    serviceLevelToday: today.total.serviceLevel,
    serviceLevelTarget: serviceLevelTarget(config),
    handoffsToday: today.total.handoffs,
    abandonedToday: today.total.abandoned,
  };
}
