/**
 * Report periods in the queues' time zone: the label of the period an instant falls in, local
 * midnights, and the whole local days inside a range (what the daily tier can answer).
 */

export const PERIODS = ['hour', 'day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  // Building a formatter costs far more than using one: one per zone.
  let format = formatters.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, format);
  }
  return format;
}

function localParts(date: Date, timezone: string): { year: number; month: number; day: number; hour: number } {
  const parts = formatter(timezone).formatToParts(date);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO 8601 week label (`2026-W11`) of a calendar date. */
function isoWeekLabel(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${pad(week)}`;
}

/** The label of the period a local calendar date (and hour) falls in. */
function labelOf(year: number, month: number, day: number, hour: number, period: Period): string {
  switch (period) {
    case 'hour':
      return `${year}-${pad(month)}-${pad(day)}T${pad(hour)}`;
    case 'day':
      return `${year}-${pad(month)}-${pad(day)}`;
    case 'month':
      return `${year}-${pad(month)}`;
    case 'week':
      return isoWeekLabel(year, month, day);
  }
}

/** The label of the period an instant falls in, in `timezone`. */
export function periodLabel(date: Date, period: Period, timezone: string): string {
  const { year, month, day, hour } = localParts(date, timezone);
  return labelOf(year, month, day, hour, period);
}

/** The local day (`YYYY-MM-DD`) of an instant in `timezone`. */
export function localDayLabel(date: Date, timezone: string): string {
  return periodLabel(date, 'day', timezone);
}

/** The label of the period (day, week or month) a local day label (`YYYY-MM-DD`) falls in. */
export function periodOfDay(day: string, period: Exclude<Period, 'hour'>): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return labelOf(year, month, date, 0, period);
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

/** Local midnight starting a local day label (`YYYY-MM-DD`). */
export function startOfDayLabel(day: string, timezone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  // Noon UTC of that date is on that local date in every zone within ±12 h.
  return startOfLocalDay(new Date(Date.UTC(year, month - 1, date, 12)), timezone);
}

/**
 * The whole local days inside `[from, to)` (both on UTC hours): `[first, end)` as day labels and
 * the instants they start at, or undefined when there is none or a local midnight is not on a UTC
 * hour (zones with half-hour offsets: the hourly tier answers those).
 */
export function wholeDays(from: Date, to: Date, timezone: string): { first: string; end: string; firstStart: Date; endStart: Date } | undefined {
  let firstStart = startOfLocalDay(from, timezone);
  // The next local midnight: 26 h on lands inside the next day whatever its length (23–25 h).
  if (firstStart.getTime() < from.getTime()) firstStart = startOfLocalDay(new Date(firstStart.getTime() + 26 * 3_600_000), timezone);
  const endStart = startOfLocalDay(to, timezone);
  if (firstStart.getTime() >= endStart.getTime()) return undefined;
  if (firstStart.getTime() % 3_600_000 !== 0 || endStart.getTime() % 3_600_000 !== 0) return undefined;
  return { first: localDayLabel(firstStart, timezone), end: localDayLabel(endStart, timezone), firstStart, endStart };
}

/** The instant a day, week or month starts: local midnight of its first day. */
export function periodStart(label: string, period: Exclude<Period, 'hour'>, timezone: string): Date {
  switch (period) {
    case 'day':
      return startOfDayLabel(label, timezone);
    case 'month':
      return startOfDayLabel(`${label}-01`, timezone);
    case 'week': {
      const [yearText, weekText] = label.split('-W') as [string, string];
      const year = Number(yearText);
      // Monday of ISO week 1 is the Monday on or before 4 January.
      const jan4 = new Date(Date.UTC(year, 0, 4));
      const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000 + (Number(weekText) - 1) * 7 * 86_400_000);
      return startOfDayLabel(monday.toISOString().slice(0, 10), timezone);
    }
  }
}
