/**
 * Report queries over the roll-ups (never the transcripts): totals per slice group and a time
 * series per period in the queues' time zone, plus the live wallboard from the handoff tables.
 */
import { sql } from 'kysely';
import { HubError } from '../core/errors.js';
import { bucketStart, hourBucket, serviceLevelTarget, SLICES, type ReportsConfig, type SliceName } from './definitions.js';
import { computeIndicators, type Indicators, type MetricSum } from './indicators.js';
import type { ReportsDb } from './schema.js';

export const PERIODS = ['hour', 'day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

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
  /** When the period's first hour starts (UTC). */
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

function localParts(date: Date, timezone: string): { year: number; month: number; day: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The label of the period an instant falls in, in `timezone`. */
export function periodLabel(date: Date, period: Period, timezone: string): string {
  const { year, month, day, hour } = localParts(date, timezone);
  switch (period) {
    case 'hour':
      return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}`;
    case 'day':
      return `${year}-${pad(month)}-${pad(day)}`;
    case 'month':
      return `${year}-${pad(month)}`;
    case 'week': {
      // ISO 8601 week of the local calendar date.
      const d = new Date(Date.UTC(year, month - 1, day));
      const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
      d.setUTCDate(d.getUTCDate() + 4 - weekday);
      const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
      return `${d.getUTCFullYear()}-W${pad(week)}`;
    }
  }
}

/** Local midnight of the day `date` falls in, in `timezone` (as a UTC instant). */
export function startOfLocalDay(date: Date, timezone: string): Date {
  const { year, month, day } = localParts(date, timezone);
  // Try the offsets a zone can have; the right one maps back to local 00:00 of that day.
  for (let offsetHours = -14; offsetHours <= 14; offsetHours++) {
    const candidate = new Date(Date.UTC(year, month - 1, day, 0, 0, 0) - offsetHours * 3_600_000);
    const parts = localParts(candidate, timezone);
    if (parts.year === year && parts.month === month && parts.day === day && parts.hour === 0) return candidate;
  }
  return new Date(Date.UTC(year, month - 1, day));
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

/**
 * A report: totals, one group per combination of the `by` slices, and a series per period. Hours
 * are whole: `from` is rounded down and `to` up to the hour.
 */
export async function runReport(db: ReportsDb, config: ReportsConfig, query: ReportQuery): Promise<Report> {
  checkRange(query.from, query.to);
  const fromBucket = hourBucket(query.from);
  const toBucket = ceilBucket(query.to);
  let base = db.selectFrom('report_rollups').where('bucket', '>=', fromBucket).where('bucket', '<', toBucket);
  for (const [name, value] of Object.entries(query.filter ?? {}) as [SliceName, string | undefined][]) {
    if (value !== undefined) base = base.where(COLUMN[name], '=', value);
  }
  const columns = query.by.map((name) => COLUMN[name]);
  const grouped = await base
    .select(columns)
    .select(['metric', sql<number>`sum(n)`.as('n'), sql<number>`sum(total)`.as('total'), sql<number>`max(peak)`.as('peak')])
    .groupBy([...columns, 'metric'])
    .execute();
  const groups = new Map<string, { key: Partial<Record<SliceName, string>>; sums: Map<string, MetricSum> }>();
  const total = new Map<string, MetricSum>();
  for (const row of grouped as unknown as (Record<string, unknown> & { metric: string; n: unknown; total: unknown; peak: unknown })[]) {
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
  const series = new Map<string, { start: string; sums: Map<string, MetricSum> }>();
  const byBucket = await base
    .select(['bucket', 'metric', sql<number>`sum(n)`.as('n'), sql<number>`sum(total)`.as('total'), sql<number>`max(peak)`.as('peak')])
    .groupBy(['bucket', 'metric'])
    .orderBy('bucket')
    .execute();
  for (const row of byBucket) {
    const start = bucketStart(row.bucket);
    const label = periodLabel(start, query.period, config.timezone);
    let point = series.get(label);
    if (point === undefined) {
      point = { start: start.toISOString(), sums: new Map() };
      series.set(label, point);
    }
    addSum(point.sums, row.metric, toSum(row));
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
    series: [...series.entries()].map(([period, point]) => ({ period, start: point.start, indicators: computeIndicators(point.sums, target) })),
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
