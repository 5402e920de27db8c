/**
 * The hub's clock. Date-dependent answers (the tax calendar, next departures) read the time only
 * through a {@link Clock}, so demos, tests and evaluations can pin it with `VENTANILLA_NOW`.
 */
import { HubError } from './errors.js';

/** Returns "now". Pure function of the environment it was created from. */
export type Clock = () => Date;

// An explicit offset or `Z` is required: a bare local time would silently depend on the host's TZ.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Creates the clock. When `VENTANILLA_NOW` is set (an ISO 8601 date-time with an offset, e.g.
 * `2026-05-10T10:00:00+02:00`), the clock always returns that instant; otherwise the system time.
 *
 * @throws HubError `HUB_ERR_CONFIG` when `VENTANILLA_NOW` is set but is not such a date-time.
 */
export function createClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const raw = env['VENTANILLA_NOW']?.trim();
  if (raw === undefined || raw === '') return () => new Date();
  const fixed = ISO_DATE_TIME.test(raw) ? new Date(raw) : new Date(Number.NaN);
  if (Number.isNaN(fixed.getTime())) {
    throw new HubError(
      'HUB_ERR_CONFIG',
      `VENTANILLA_NOW is "${raw}" but must be an ISO date-time such as 2026-05-10T10:00:00+02:00 (unset it to use the system clock)`,
    );
  }
  const millis = fixed.getTime();
  // A fresh Date each call: callers may mutate what they get.
  return () => new Date(millis);
}
