/**
 * Time-zone arithmetic with `Intl` only (no date library): the wall clock of an instant in a
 * named zone, and the instant a wall clock shows. Business hours, the tax calendar and the
 * timetables are all defined in local time of a zone.
 */

/** A calendar date in some zone, `YYYY-MM-DD` order. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of `instant` in `timeZone`. */
export function zonedParts(
  instant: Date,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fields: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? 0,
    month: fields['month'] ?? 0,
    day: fields['day'] ?? 0,
    hour: fields['hour'] ?? 0,
    minute: fields['minute'] ?? 0,
    second: fields['second'] ?? 0,
  };
}

/** The local date of `instant` in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = zonedParts(instant, timeZone);
  return { year, month, day };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const p = zonedParts(new Date(instant), timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (instant % 1000));
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time. For a time that
 * does not exist (spring-forward gap) it returns the instant one offset later, like most libraries.
 */
export function zonedTimeToInstant(date: LocalDate, secondsOfDay: number, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day) + secondsOfDay * 1000;
  const first = guess - offsetAt(guess, timeZone);
  // A second pass settles the cases where the offset changes between the guess and the answer.
  const second = guess - offsetAt(first, timeZone);
  return new Date(second);
}

/** `date` shifted by `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** `YYYYMMDD` as a number, the GTFS date form. */
export function toGtfsDate(date: LocalDate): number {
  return date.year * 10000 + date.month * 100 + date.day;
}

/** Parses `YYYYMMDD` (number or string) or `YYYY-MM-DD`. Returns undefined for anything else. */
export function parseLocalDate(value: string | number): LocalDate | undefined {
  const digits = String(value).replace(/-/g, '');
  if (!/^\d{8}$/.test(digits)) return undefined;
  const date = { year: Number(digits.slice(0, 4)), month: Number(digits.slice(4, 6)), day: Number(digits.slice(6, 8)) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : undefined;
}

/** Negative, zero or positive as `a` is before, equal to or after `b`. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return toGtfsDate(a) - toGtfsDate(b);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}
