/**
 * Natural date formatting for data-backed answers in each language; the time-zone arithmetic is
 * `core/time-zone.ts`, re-exported here for the data providers.
 */
import type { Language } from '../../core/message.js';

export {
  addDays,
  compareDates,
  localDateOf,
  parseLocalDate,
  toGtfsDate,
  weekdayOf,
  zonedParts,
  zonedTimeToInstant,
  type LocalDate,
} from '../../core/time-zone.js';
import { zonedParts, type LocalDate } from '../../core/time-zone.js';

const LOCALES: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', gl: 'gl-ES', eu: 'eu-ES', en: 'en-GB' };

// ICU's Basque output ("ekainaren 30(a)") hedges the article; write the usual form ourselves.
const BASQUE_MONTHS_GENITIVE = [
  'urtarrilaren', 'otsailaren', 'martxoaren', 'apirilaren', 'maiatzaren', 'ekainaren',
  'uztailaren', 'abuztuaren', 'irailaren', 'urriaren', 'azaroaren', 'abenduaren',
] as const;

/** Basque suffix of a year used as a modifier (`2025eko`, `2026ko`): `-eko` after numerals ending in a consonant. */
export function basqueYearSuffix(year: number): string {
  const lastTwo = year % 100;
  const units = lastTwo % 10;
  // bat (1) and bost (5) end in a consonant, as do hamar (10), hogeita hamar (30), … (x0 with odd tens).
  if (units === 1 || units === 5) return 'eko';
  if (units === 0 && lastTwo % 20 === 10) return 'eko';
  return 'ko';
}

/**
 * A date as people write it in `language`: "30 de junio de 2026", "30 de juny del 2026",
 * "30 de xuño de 2026", "2026ko ekainaren 30a", "30 June 2026". `withYear: false` drops the year.
 */
export function formatDate(date: LocalDate, language: Language, withYear = true): string {
  if (language === 'eu') {
    const dayMonth = `${BASQUE_MONTHS_GENITIVE[date.month - 1] ?? ''} ${date.day}a`;
    return withYear ? `${date.year}${basqueYearSuffix(date.year)} ${dayMonth}` : dayMonth;
  }
  const formatter = new Intl.DateTimeFormat(LOCALES[language], {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    ...(withYear ? { year: 'numeric' } : {}),
  });
  // Catalan ICU writes a typographic apostrophe (d’abril); keep it, it is the correct glyph.
  return formatter.format(new Date(Date.UTC(date.year, date.month - 1, date.day, 12)));
}

/** `HH:MM` of `instant` in `timeZone` (24-hour clock, as timetables are written in Spain). */
export function formatClockTime(instant: Date, timeZone: string): string {
  const p = zonedParts(instant, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}
