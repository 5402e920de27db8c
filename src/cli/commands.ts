/**
 * Every command of `ventanilla`, with its options: the one list that `ventanilla --help`, each
 * command's `--help` and each command's parser read. Plain data, so listing the commands loads none
 * of the modules that run them.
 */
import { listCommands, type CommandGroup, type CommandSpec } from './args.js';

export const START = {
  name: 'start',
  synopsis: '',
  summary: 'start the hub (same as npm start); configured by environment variables (see the README)',
  options: {},
} as const satisfies CommandSpec;

export const CHAT = {
  name: 'chat',
  synopsis: '[--lang xx] [--db PATH] [--user ID]',
  summary: 'talk to the bot in this terminal; piped input gives one reply block per line',
  options: { lang: { type: 'string' }, db: { type: 'string' }, user: { type: 'string' } },
  details: [
    '--lang xx   the language the citizen says they speak (es, ca, gl, eu, en)',
    '--db PATH   keep the conversation in this SQLite file (default: in memory)',
    '--user ID   the citizen id of this terminal (default: a new one)',
  ],
} as const satisfies CommandSpec;

export const OUTBOX_LIST = {
  name: 'outbox list',
  synopsis: '[--status dead|held|pending|sending|sent] [--limit N]',
  summary: 'list replies by delivery state (default: dead-lettered ones)',
  options: { status: { type: 'string' }, limit: { type: 'string' } },
} as const satisfies CommandSpec;

export const OUTBOX_RETRY = {
  name: 'outbox retry',
  synopsis: '--all | ID...',
  summary: 'move dead-lettered replies back to the queue; a running hub sends them within a second',
  options: { all: { type: 'boolean' } },
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
} as const satisfies CommandSpec;

export const NLU_TRY = {
  name: 'nlu try',
  synopsis: '"texto" [--lang xx]',
  summary: 'classify one message: intent, score, language and the answer',
  options: { lang: { type: 'string' } },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY },
  details: ['--lang xx   the language the citizen chose (es, ca, gl, eu, en); weighs more than detection'],
} as const satisfies CommandSpec;

export const NLU_EVAL = {
  name: 'nlu eval',
  synopsis: '--file F.jsonl | --kfold K  [--errors] [--json]',
  summary: 'accuracy per language and intent on a labelled file, or k-fold cross-validation of the own corpus',
  options: { file: { type: 'string' }, kfold: { type: 'string' }, errors: { type: 'boolean' }, json: { type: 'boolean' } },
  details: [
    '--file F.jsonl  lines {"text": "...", "intent": "<id>", "lang": "xx"} classified as live turns',
    '--kfold K       stratified K-fold of config/intents (train on K-1 folds, test on the other; FAQ intents and None)',
    '--errors        also list every misclassified line (expected → predicted, score) and the confusion matrix',
    '--json          one JSON object (with --errors: the lines and the matrix too)',
  ],
} as const satisfies CommandSpec;

export const GTFS_IMPORT = {
  name: 'gtfs import',
  synopsis: '<feed.zip|feed-dir> [--key NAME]',
  summary: 'import a GTFS feed for timetable answers (same key = replaced)',
  options: { key: { type: 'string' } },
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec;

export const TELEGRAM_SET_WEBHOOK = {
  name: 'telegram set-webhook',
  synopsis: '--url URL',
  summary: 'register the Telegram webhook with TELEGRAM_WEBHOOK_SECRET as its secret token',
  options: { url: { type: 'string' } },
  details: ['URL is the public https address of this hub; a bare origin gets /webhooks/telegram appended.'],
} as const satisfies CommandSpec;

export const TELEGRAM_DELETE_WEBHOOK = {
  name: 'telegram delete-webhook',
  synopsis: '',
  summary: 'remove the Telegram webhook (then use TELEGRAM_MODE=polling, or set it again)',
  options: {},
} as const satisfies CommandSpec;

const PASSWORD_NOTE = 'The password is read from stdin, never from arguments: printf %s "$PASS" | ventanilla users …';
const USER_FIELDS = [
  '--role R          agent, supervisor, editor or admin',
  '--name N          the name the console shows',
  '--queues a,b      queues the user serves (config/handoff.yaml)',
  '--languages es,ca languages the user answers in',
  '--capacity N      conversations at once, 1 to 50',
];

export const USERS_ADD = {
  name: 'users add',
  synopsis: '--username U --role R --password-stdin [--name N] [--queues a,b] [--languages es,ca] [--capacity N]',
  summary: 'create a console/editor user',
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    name: { type: 'string' },
    queues: { type: 'string' },
    languages: { type: 'string' },
    capacity: { type: 'string' },
  },
  details: [
    ...USER_FIELDS,
    '',
    'An agent is offered only the conversations of their queues and languages: without --queues or',
    '--languages the command asks for them at a terminal; from a script it uses every configured',
    'queue and es, and says so.',
    '',
    PASSWORD_NOTE,
  ],
} as const satisfies CommandSpec;

export const USERS_SET = {
  name: 'users set',
  synopsis: '--username U [--role R] [--name N] [--queues a,b] [--languages es,ca] [--capacity N] [--disable|--enable]',
  summary: 'change a user; --disable stops them logging in',
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    queues: { type: 'string' },
    languages: { type: 'string' },
    capacity: { type: 'string' },
    disable: { type: 'boolean' },
    enable: { type: 'boolean' },
  },
  details: USER_FIELDS,
} as const satisfies CommandSpec;

export const USERS_PASSWD = {
  name: 'users passwd',
  synopsis: '--username U --password-stdin',
  summary: "set a user's password (closes their sessions)",
  options: { username: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
  details: [PASSWORD_NOTE],
} as const satisfies CommandSpec;

export const USERS_LIST = {
  name: 'users list',
  synopsis: '',
  summary: 'list users as a table: username, name, role, queues, languages, last login',
  options: {},
} as const satisfies CommandSpec;

export const CONTENT_EXPORT = {
  name: 'content export',
  synopsis: '<dir> [--format yaml|json|csv] [--separator ";"]',
  summary: 'write the FAQ draft as config files (or utterances.csv)',
  options: { format: { type: 'string' }, separator: { type: 'string' } },
  details: ['--separator ";"  the CSV separator a spreadsheet in a Spanish locale expects (default ",")'],
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec;

export const CONTENT_IMPORT = {
  name: 'content import',
  synopsis: '<file...> [--replace] [--as USER]',
  summary: 'import FAQ files into the draft (all or nothing); publish in the editor to make it live',
  options: { replace: { type: 'boolean' }, as: { type: 'string' } },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY },
} as const satisfies CommandSpec;

export const PRIVACY_PURGE = {
  name: 'privacy purge',
  synopsis: '[--dry-run]',
  summary: 'delete personal data past its retention (privacy.retentionDays); --dry-run only counts it',
  options: { 'dry-run': { type: 'boolean' } },
} as const satisfies CommandSpec;

const SUBJECT_OPTIONS = { contact: { type: 'string' }, channel: { type: 'string' }, user: { type: 'string' }, as: { type: 'string' } } as const;
const SUBJECT_DETAILS = [
  '--contact CHANNEL:ID   the citizen, e.g. whatsapp:34612345678, telegram:123456, x:@vecina',
  '--channel C --user ID  the same, given apart',
  '--as USER              who asks (recorded in the audit; default cli)',
];

export const PRIVACY_EXPORT = {
  name: 'privacy export',
  synopsis: '--contact CHANNEL:ID [--as USER]',
  summary: "print as JSON everything kept about one citizen (RGPD art. 15); recorded in the audit",
  options: SUBJECT_OPTIONS,
  details: SUBJECT_DETAILS,
} as const satisfies CommandSpec;

export const PRIVACY_ERASE = {
  name: 'privacy erase',
  synopsis: '--contact CHANNEL:ID [--as USER]',
  summary: "erase one citizen's data (RGPD art. 17): transcripts pseudonymised, identifiers removed; erasing twice is harmless",
  options: SUBJECT_OPTIONS,
  details: SUBJECT_DETAILS,
} as const satisfies CommandSpec;

export const AUDIT_LIST = {
  name: 'audit list',
  synopsis: '[--limit N] [--conversation ID] [--actor USER] [--action A]',
  summary: 'list who read which conversation, exported or erased whose data, logins, failed logins and role changes (newest first)',
  options: { limit: { type: 'string' }, conversation: { type: 'string' }, actor: { type: 'string' }, action: { type: 'string' } },
  details: ['--action A   only login, login.failed, role.change, transcript.read, contact.export or contact.erase'],
} as const satisfies CommandSpec;

export const REPORTS_REBUILD = {
  name: 'reports rebuild',
  synopsis: '[--days]',
  summary: 'recompute the quality-indicator roll-ups from the stored transcripts and handoff events (run with the hub stopped); --days recomputes only the summed tiers (daily, hour slices) from the hourly one (safe after a retention purge)',
  options: { days: { type: 'boolean' } },
} as const satisfies CommandSpec;

export const REPORTS_EXPORT = {
  name: 'reports export',
  synopsis: '--from DATE --to DATE [--by queue,channel] [--period day] [--format csv|json] [--separator semicolon|comma] [--rows groups|series] [--out FILE]',
  summary: 'write a quality report as CSV (UTF-8 with BOM, `;` by default) or JSON',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    by: { type: 'string' },
    period: { type: 'string' },
    format: { type: 'string' },
    separator: { type: 'string' },
    rows: { type: 'string' },
    out: { type: 'string' },
  },
  details: [
    'DATE: 2026-03-01 (a day in the queues’ time zone; --to includes its day) or an ISO date-time with offset.',
    '--by: slices among channel, queue, language, intent, agent. --period: hour, day, week or month.',
    '--rows series: one row per period instead of one per slice combination.',
    'Example: ventanilla reports export --from 2026-03-01 --to 2026-03-31 --by queue,channel --format csv > marzo.csv',
  ],
} as const satisfies CommandSpec;

export const OUTBOX = { name: 'outbox', commands: [OUTBOX_LIST, OUTBOX_RETRY] } as const satisfies CommandGroup;
export const NLU = { name: 'nlu', commands: [NLU_TRY, NLU_EVAL] } as const satisfies CommandGroup;
export const GTFS = { name: 'gtfs', commands: [GTFS_IMPORT] } as const satisfies CommandGroup;
export const TELEGRAM = { name: 'telegram', commands: [TELEGRAM_SET_WEBHOOK, TELEGRAM_DELETE_WEBHOOK] } as const satisfies CommandGroup;
export const USERS = { name: 'users', commands: [USERS_ADD, USERS_SET, USERS_PASSWD, USERS_LIST] } as const satisfies CommandGroup;
export const CONTENT = { name: 'content', commands: [CONTENT_EXPORT, CONTENT_IMPORT] } as const satisfies CommandGroup;
export const PRIVACY = { name: 'privacy', commands: [PRIVACY_PURGE, PRIVACY_EXPORT, PRIVACY_ERASE] } as const satisfies CommandGroup;
export const AUDIT = { name: 'audit', commands: [AUDIT_LIST] } as const satisfies CommandGroup;
export const REPORTS = { name: 'reports', commands: [REPORTS_REBUILD, REPORTS_EXPORT] } as const satisfies CommandGroup;

/** Every command, in the order `ventanilla --help` lists them. */
export const ALL_COMMANDS: readonly CommandSpec[] = [START, CHAT, ...OUTBOX.commands, ...NLU.commands, ...GTFS.commands, ...TELEGRAM.commands, ...USERS.commands, ...CONTENT.commands, ...PRIVACY.commands, ...AUDIT.commands, ...REPORTS.commands];

/** `ventanilla --help`. */
export function mainUsage(): string {
  return `usage: ventanilla <command> [options]\n\n${listCommands(ALL_COMMANDS)}\n\nventanilla <command> --help shows one command. Settings come from environment variables (see the README).\n`;
}
