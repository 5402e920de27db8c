/**
 * Business hours in the deployment's time zone, with national and local holidays.
 * Pure functions of (queue, config, instant): no clock is read here.
 */
import type { Language } from '../core/message.js';
import { addDays as addLocalDays, weekdayOf as zonedWeekday, zonedParts, zonedTimeToInstant, type LocalDate } from '../core/time-zone.js';
import { WEEKDAYS, type BusinessHours, type HandoffConfig, type QueueConfig, type Weekday } from './config.js';

interface LocalParts {
  readonly date: string; // YYYY-MM-DD
  readonly weekday: Weekday;
  readonly minutes: number; // minutes since local midnight
}

/** `YYYY-MM-DD` of a local date. */
function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** The local date of `YYYY-MM-DD`. */
function fromIso(date: string): LocalDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** The local calendar date, weekday and minute of day of an instant in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const p = zonedParts(instant, timeZone);
  const date = { year: p.year, month: p.month, day: p.day };
  return { date: isoDate(date), weekday: WEEKDAYS[zonedWeekday(date)] as Weekday, minutes: p.hour * 60 + p.minute };
}

/** The UTC instant of a local wall-clock time (`date` YYYY-MM-DD, `minutes` since midnight). */
export function localToInstant(date: string, minutes: number, timeZone: string): Date {
  return zonedTimeToInstant(fromIso(date), minutes * 60, timeZone);
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function rangesOf(hours: BusinessHours, weekday: Weekday): { from: number; to: number }[] {
  return hours[weekday]
    .map((range) => {
      const [from, to] = range.split('-') as [string, string];
      return { from: toMinutes(from), to: toMinutes(to) };
    })
    .sort((a, b) => a.from - b.from);
}

/** The holiday name when `date` (local YYYY-MM-DD) is a holiday for this queue. */
export function holidayOn(queue: QueueConfig, config: HandoffConfig, date: string): string | undefined {
  return queue.ignoreHolidays ? undefined : config.holidays.get(date);
}

function isOpenAt(queue: QueueConfig, config: HandoffConfig, local: LocalParts): boolean {
  if (holidayOn(queue, config, local.date) !== undefined) return false;
  return rangesOf(queue.businessHours, local.weekday).some((r) => local.minutes >= r.from && local.minutes < r.to);
}

/** True when the queue is open at `instant` (its weekday hours, minus holidays). */
export function isOpen(queue: QueueConfig, config: HandoffConfig, instant: Date): boolean {
  return isOpenAt(queue, config, localParts(instant, config.timezone));
}

/**
 * Whether each configured queue is open at `instant` (by queue id), as {@link isOpen} says, with
 * one conversion to local time for all of them: the assignment decision asks for every queue and
 * the conversion (`Intl`) costs more than the rest of the check.
 */
export function openQueues(config: HandoffConfig, instant: Date): Map<string, boolean> {
  const local = localParts(instant, config.timezone);
  return new Map(config.queues.map((q) => [q.id, isOpenAt(q, config, local)]));
}

function addDays(date: string, days: number): string {
  return isoDate(addLocalDays(fromIso(date), days));
}

function weekdayOf(date: string): Weekday {
  return WEEKDAYS[zonedWeekday(fromIso(date))] as Weekday;
}

/**
 * The next instant the queue opens after `instant` (itself when already open), looking up to
 * 30 days ahead; `undefined` when the queue has no hours at all in that window.
 */
export function nextOpening(queue: QueueConfig, config: HandoffConfig, instant: Date): Date | undefined {
  if (isOpen(queue, config, instant)) return instant;
  const local = localParts(instant, config.timezone);
  for (let offset = 0; offset <= 30; offset++) {
    const date = addDays(local.date, offset);
    if (holidayOn(queue, config, date) !== undefined) continue;
    for (const range of rangesOf(queue.businessHours, weekdayOf(date))) {
      if (offset === 0 && range.from <= local.minutes) continue;
      return localToInstant(date, range.from, config.timezone);
    }
  }
  return undefined;
}

const DAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// 2024-01-01 was a Monday: a fixed date per weekday to let Intl name it in each language.
const DAY_SAMPLE: Record<Weekday, string> = {
  mon: '2024-01-01',
  tue: '2024-01-02',
  wed: '2024-01-03',
  thu: '2024-01-04',
  fri: '2024-01-05',
  sat: '2024-01-06',
  sun: '2024-01-07',
};

function dayName(day: Weekday, language: Language): string {
  return new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${DAY_SAMPLE[day]}T12:00:00Z`));
}

const ALL_DAY: Record<Language, string> = { es: '24 horas', ca: '24 hores', gl: '24 horas', eu: '24 orduz', en: '24 hours' };

/**
 * The queue's weekly hours as one short line in `language`, consecutive days with equal hours
 * grouped ("lunes–jueves 08:30–14:30, 16:00–18:00; viernes 08:30–14:30").
 */
export function describeHours(hours: BusinessHours, language: Language): string {
  const groups: { days: Weekday[]; key: string }[] = [];
  for (const day of DAY_ORDER) {
    const key = hours[day].join(',');
    const last = groups[groups.length - 1];
    if (last !== undefined && last.key === key) last.days.push(day);
    else groups.push({ days: [day], key });
  }
  return groups
    .filter((g) => g.key !== '')
    .map((g) => {
      const first = g.days[0] as Weekday;
      const last = g.days[g.days.length - 1] as Weekday;
      const days = g.days.length === 1 ? dayName(first, language) : `${dayName(first, language)}–${dayName(last, language)}`;
      const ranges = g.key === '00:00-24:00' ? ALL_DAY[language] : g.key.split(',').map((r) => r.replace('-', '–')).join(', ');
      return `${days} ${ranges}`;
    })
    .join('; ');
}

/** A local date-time phrase for the citizen ("lunes, 5 de enero, 08:30"). */
export function formatWhen(instant: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(language, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(instant);
}
