/**
 * Handoff configuration: queues, skills, business hours, holidays, priority rules, survey, timers
 * and login policy, read from `config/queues.yaml` and validated with a TypeBox schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { HubError } from '../core/errors.js';
import { LANGUAGES, type Language } from '../core/message.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const TimeRange = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' });
const DayHours = Type.Array(TimeRange);
const BusinessHoursSchema = Type.Object(
  { mon: DayHours, tue: DayHours, wed: DayHours, thu: DayHours, fri: DayHours, sat: DayHours, sun: DayHours },
  { additionalProperties: false },
);
const LanguageSchema = Type.Union(LANGUAGES.map((l) => Type.Literal(l)));
const Holiday = Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), name: Type.String() }, { additionalProperties: false });
const CannedText = Type.String({ minLength: 1, maxLength: 2000 });
const Canned = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9-]+$' }),
    title: Type.String({ minLength: 1 }),
    // Spanish; `texts` holds the other languages (the console offers the citizen's, else this one).
    text: CannedText,
    texts: Type.Optional(Type.Object({ ca: Type.Optional(CannedText), gl: Type.Optional(CannedText), eu: Type.Optional(CannedText), en: Type.Optional(CannedText) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const QueueSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_-]+$' }),
    name: Type.String({ minLength: 1 }),
    skills: Type.Object(
      { domains: Type.Array(Type.String()), languages: Type.Array(LanguageSchema, { minItems: 1 }) },
      { additionalProperties: false },
    ),
    businessHours: Type.Optional(BusinessHoursSchema),
    ignoreHolidays: Type.Optional(Type.Boolean()),
    maxWaitMinutes: Type.Optional(Type.Number({ minimum: 1 })),
    /** Seconds an agent has to accept a chat offered to them before it goes to the next one. */
    offerSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 600 })),
    canned: Type.Optional(Type.Array(Canned)),
  },
  { additionalProperties: false },
);

/** The schema of `config/queues.yaml`. */
export const HandoffConfigSchema = Type.Object(
  {
    timezone: Type.String({ default: 'Europe/Madrid' }),
    defaultQueue: Type.String(),
    emergencyQueue: Type.String(),
    defaults: Type.Object(
      {
        businessHours: BusinessHoursSchema,
        maxWaitMinutes: Type.Number({ minimum: 1, default: 20 }),
        defaultHandleMinutes: Type.Number({ minimum: 1, default: 6 }),
        offerSeconds: Type.Integer({ minimum: 5, maximum: 600, default: 30 }),
      },
      { additionalProperties: false },
    ),
    queues: Type.Array(QueueSchema, { minItems: 1 }),
    holidays: Type.Object(
      { national: Type.Array(Holiday, { default: [] }), local: Type.Array(Holiday, { default: [] }) },
      { additionalProperties: false, default: {} },
    ),
    priority: Type.Object(
      {
        vulnerable: Type.Object(
          {
            intents: Type.Array(Type.String(), { default: [] }),
            domains: Type.Array(Type.String(), { default: [] }),
            keywords: Type.Array(Type.String(), { default: [] }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    survey: Type.Object({ enabled: Type.Boolean({ default: true }) }, { additionalProperties: false, default: {} }),
    abandonAfterHours: Type.Number({ minimum: 1, default: 96 }),
    presenceTimeoutMinutes: Type.Number({ minimum: 1, default: 3 }),
    languageFallbackMinutes: Type.Number({ minimum: 0, default: 5 }),
    tickSeconds: Type.Number({ minimum: 1, default: 15 }),
    /** Offers an agent lets lapse in a row before they are set away (0: never). */
    offerMissesBeforeAway: Type.Integer({ minimum: 0, default: 2 }),
    auth: Type.Object(
      {
        /** Absolute session lifetime: a login lasts at most this long, however active. */
        sessionHours: Type.Number({ minimum: 1, maximum: 168, default: 12 }),
        /** Idle session lifetime: a session with no request for this long ends (ENS). */
        idleMinutes: Type.Number({ minimum: 1, maximum: 1440, default: 30 }),
        loginMaxPerMinute: Type.Integer({ minimum: 1, default: 5 }),
        cookieSecure: Type.Union([Type.Boolean(), Type.Literal('auto')], { default: 'auto' }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Quality indicators: validated by src/reports (service level per queue and target). */
    reports: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export type HandoffConfigFile = Static<typeof HandoffConfigSchema>;
export type BusinessHours = Static<typeof BusinessHoursSchema>;
export type CannedResponse = Static<typeof Canned>;

/** One queue, with defaults applied. */
export interface QueueConfig {
  readonly id: string;
  readonly name: string;
  readonly domains: readonly string[];
  readonly languages: readonly Language[];
  readonly businessHours: BusinessHours;
  readonly ignoreHolidays: boolean;
  readonly maxWaitMinutes: number;
  /** Seconds an agent has to accept an offered chat. */
  readonly offerSeconds: number;
  readonly canned: readonly CannedResponse[];
}

/** The resolved handoff configuration (defaults applied, env overrides applied). */
export interface HandoffConfig {
  readonly timezone: string;
  readonly defaultQueue: string;
  readonly emergencyQueue: string;
  readonly defaultHandleMinutes: number;
  readonly queues: readonly QueueConfig[];
  /** `YYYY-MM-DD` → holiday name (national and local merged). */
  readonly holidays: ReadonlyMap<string, string>;
  readonly vulnerable: { readonly intents: readonly string[]; readonly domains: readonly string[]; readonly keywords: readonly string[] };
  readonly surveyEnabled: boolean;
  readonly abandonAfterHours: number;
  readonly presenceTimeoutMinutes: number;
  readonly languageFallbackMinutes: number;
  readonly tickSeconds: number;
  /** Lapsed offers in a row before the agent is set away (0: never). */
  readonly offerMissesBeforeAway: number;
  readonly auth: { readonly sessionHours: number; readonly idleMinutes: number; readonly loginMaxPerMinute: number; readonly cookieSecure: boolean };
}

function configError(file: string, key: string, problem: string, fix: string): HubError {
  return new HubError('HUB_ERR_CONFIG', `${file}: ${key}: ${problem}. Fix: ${fix}`, { details: { file, key } });
}

function pathToKey(path: string): string {
  // TypeBox paths look like `/queues/0/skills/languages/1`; show them as `queues[0].skills.languages[1]`.
  return path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function hintFor(key: string): string {
  if (/businessHours/.test(key)) return 'use a list of "HH:MM-HH:MM" ranges per weekday (mon…sun), [] for closed';
  if (/languages/.test(key)) return `use languages among ${LANGUAGES.join(', ')}`;
  if (/date$/.test(key)) return 'write dates as "YYYY-MM-DD"';
  if (/\.id$|^queues\[\d+\]\.id/.test(key)) return 'use lowercase letters, digits, "-" or "_"';
  return 'see the comments in config/queues.yaml for the expected shape';
}

/**
 * Validates a parsed config object and resolves it. Throws `HUB_ERR_CONFIG` naming the first
 * wrong key and how to fix it.
 */
export function resolveHandoffConfig(raw: unknown, env: Readonly<Record<string, string | undefined>> = {}, file = 'config/queues.yaml'): HandoffConfig {
  const withDefaults = Value.Default(HandoffConfigSchema, structuredClone(raw ?? {}));
  const first = [...Value.Errors(HandoffConfigSchema, withDefaults)][0];
  if (first !== undefined) {
    const key = pathToKey(first.path) || '(root)';
    const problem = first.message + (first.value === undefined ? ' (missing)' : ` (got ${JSON.stringify(first.value)})`);
    throw configError(file, key, problem, hintFor(key));
  }
  const parsed = withDefaults as HandoffConfigFile;
  const ids = new Set<string>();
  parsed.queues.forEach((queue, index) => {
    if (ids.has(queue.id)) throw configError(file, `queues[${index}].id`, `duplicate queue id "${queue.id}"`, 'give every queue a unique id');
    ids.add(queue.id);
  });
  for (const key of ['defaultQueue', 'emergencyQueue'] as const) {
    if (!ids.has(parsed[key])) {
      throw configError(file, key, `"${parsed[key]}" is not a queue id`, `use one of ${[...ids].join(', ')}`);
    }
  }
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: parsed.timezone });
  } catch {
    throw configError(file, 'timezone', `unknown time zone "${parsed.timezone}"`, 'use an IANA zone such as Europe/Madrid or Atlantic/Canary');
  }
  const holidays = new Map<string, string>();
  for (const [group, list] of [['national', parsed.holidays.national], ['local', parsed.holidays.local]] as const) {
    list.forEach((holiday, index) => {
      const date = new Date(`${holiday.date}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== holiday.date) {
        throw configError(file, `holidays.${group}[${index}].date`, `"${holiday.date}" is not a calendar date`, 'write a real date as "YYYY-MM-DD"');
      }
      holidays.set(holiday.date, holiday.name);
    });
  }
  const checkHours = (hours: BusinessHours, key: string): void => {
    for (const day of WEEKDAYS) {
      hours[day].forEach((range, index) => {
        const [from, to] = range.split('-');
        if (from === undefined || to === undefined || from >= to) {
          throw configError(file, `${key}.${day}[${index}]`, `range "${range}" ends before it starts`, 'write "HH:MM-HH:MM" with the end after the start');
        }
      });
    }
  };
  checkHours(parsed.defaults.businessHours, 'defaults.businessHours');
  parsed.queues.forEach((queue, index) => {
    if (queue.businessHours !== undefined) checkHours(queue.businessHours, `queues[${index}].businessHours`);
  });

  if (parsed.auth.idleMinutes > parsed.auth.sessionHours * 60) {
    throw configError(file, 'auth.idleMinutes', `${parsed.auth.idleMinutes} minutes is longer than auth.sessionHours (${parsed.auth.sessionHours} h), so it would never apply`, 'make it shorter than the session, e.g. 30');
  }
  const secureEnv = env.VENTANILLA_COOKIE_SECURE;
  let cookieSecure: boolean;
  if (secureEnv !== undefined && secureEnv !== '') {
    if (!['0', '1', 'true', 'false'].includes(secureEnv)) {
      throw new HubError('HUB_ERR_CONFIG', `VENTANILLA_COOKIE_SECURE="${secureEnv}" is not a boolean. Fix: set it to 1 or 0`);
    }
    cookieSecure = secureEnv === '1' || secureEnv === 'true';
  } else {
    cookieSecure = parsed.auth.cookieSecure === 'auto' ? env.NODE_ENV === 'production' : parsed.auth.cookieSecure;
  }

  return {
    timezone: env.VENTANILLA_TIMEZONE !== undefined && env.VENTANILLA_TIMEZONE !== '' ? env.VENTANILLA_TIMEZONE : parsed.timezone,
    defaultQueue: parsed.defaultQueue,
    emergencyQueue: parsed.emergencyQueue,
    defaultHandleMinutes: parsed.defaults.defaultHandleMinutes,
    queues: parsed.queues.map((queue) => ({
      id: queue.id,
      name: queue.name,
      domains: queue.skills.domains,
      languages: queue.skills.languages,
      businessHours: queue.businessHours ?? parsed.defaults.businessHours,
      ignoreHolidays: queue.ignoreHolidays ?? false,
      maxWaitMinutes: queue.maxWaitMinutes ?? parsed.defaults.maxWaitMinutes,
      offerSeconds: queue.offerSeconds ?? parsed.defaults.offerSeconds,
      canned: queue.canned ?? [],
    })),
    holidays,
    vulnerable: parsed.priority.vulnerable,
    surveyEnabled: parsed.survey.enabled,
    abandonAfterHours: parsed.abandonAfterHours,
    presenceTimeoutMinutes: parsed.presenceTimeoutMinutes,
    languageFallbackMinutes: parsed.languageFallbackMinutes,
    tickSeconds: parsed.tickSeconds,
    offerMissesBeforeAway: parsed.offerMissesBeforeAway,
    auth: { sessionHours: parsed.auth.sessionHours, idleMinutes: parsed.auth.idleMinutes, loginMaxPerMinute: parsed.auth.loginMaxPerMinute, cookieSecure },
  };
}

/**
 * Reads and validates `<configDir>/queues.yaml`. Env: `VENTANILLA_COOKIE_SECURE` (1/0) overrides
 * `auth.cookieSecure`; `VENTANILLA_TIMEZONE` overrides `timezone`; `NODE_ENV=production` makes
 * `cookieSecure: auto` secure. Throws `HUB_ERR_CONFIG` when the file is missing or wrong.
 */
export function loadHandoffConfig(configDir: string, env: Readonly<Record<string, string | undefined>> = process.env): HandoffConfig {
  const file = join(configDir, 'queues.yaml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HubError('HUB_ERR_CONFIG', `${file}: cannot read the handoff queues. Fix: create it (see config/queues.yaml in the repository)`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new HubError('HUB_ERR_CONFIG', `${file}: not valid YAML (${(error as Error).message}). Fix: correct the YAML syntax at that line`, { cause: error });
  }
  return resolveHandoffConfig(raw, env, file);
}

/** The queue with this id; throws `HUB_ERR_NOT_FOUND` when unknown. */
export function queueById(config: HandoffConfig, queueId: string): QueueConfig {
  const queue = config.queues.find((q) => q.id === queueId);
  if (queue === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `queue "${queueId}" does not exist; known queues: ${config.queues.map((q) => q.id).join(', ')}`);
  return queue;
}
