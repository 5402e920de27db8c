/**
 * `ventanilla users …`: manage console users. Passwords are read from stdin only
 * (`--password-stdin`), never from arguments or defaults, so they stay out of shell history
 * and process lists.
 * The commands and their options: `users add|set|passwd|list` in `src/cli/commands.ts`.
 */
import { linePrinters, parseCommand, printExit, selectCommand, usageError, type CommandExit, type CommandOutput } from '../cli/args.js';
import { USERS, USERS_ADD, USERS_LIST, USERS_PASSWD, USERS_SET } from '../cli/commands.js';
import { HubError, isHubError } from '../core/errors.js';
import { isLanguage, LANGUAGES, type Language } from '../core/message.js';
import type { Store } from '../core/store/index.js';
import { recordAudit } from '../privacy/audit.js';
import { LoginThrottle } from '../privacy/login-throttle.js';
import { privacyDb, type PrivacyDb } from '../privacy/schema.js';
import { accountsDb } from './schema.js';
import { usersTable } from './users-table.js';
import { isRole, ROLES, UserDirectory, type Role, type UserChanges } from './users.js';

export interface UsersCliDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /** Known queue ids, to reject typos in `--queues`. */
  readonly queueIds?: readonly string[];
}

/**
 * Asks the operator one question and resolves their answer: given only when a person is at the
 * terminal (stdin is a TTY), so a script never waits on a question nobody will answer.
 */
export type Prompt = (question: string) => Promise<string>;

type Output = CommandOutput | ((line: string) => void);

/** What a `users` command line asks for, validated before the store is opened. */
type UsersRequest =
  | { readonly command: 'add'; readonly username: string; readonly role: Role; readonly changes: UserChanges; readonly languagesGiven: boolean }
  | { readonly command: 'set'; readonly username: string; readonly changes: UserChanges }
  | { readonly command: 'passwd'; readonly username: string }
  | { readonly command: 'list' };

interface UserOptionValues {
  readonly role?: string | undefined;
  readonly name?: string | undefined;
  readonly queues?: string | undefined;
  readonly languages?: string | undefined;
  readonly capacity?: string | undefined;
  readonly disable?: boolean | undefined;
  readonly enable?: boolean | undefined;
}

function isPasswordArgument(arg: string): boolean {
  return arg === '--password' || arg.startsWith('--password=');
}

async function readPassword(stdin: AsyncIterable<string | Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  // Only the line break a pipe or heredoc adds is removed: spaces may belong to the password.
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', 'no password on stdin: pipe it, e.g. `printf %s "$PASS" | ventanilla users add … --password-stdin`');
  return line;
}

function listOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function changesFrom(values: UserOptionValues): UserChanges {
  const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
  if (values.role !== undefined) {
    if (!isRole(values.role)) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--role: use one of ${ROLES.join(', ')}`);
    changes.role = values.role;
  }
  if (values.name !== undefined) changes.displayName = values.name;
  const queues = listOption(values.queues);
  if (queues !== undefined) changes.queues = queues;
  const languages = listOption(values.languages);
  if (languages !== undefined) {
    const bad = languages.filter((l) => !isLanguage(l));
    if (bad.length > 0) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--languages: unknown ${bad.join(', ')}; use es, ca, gl, eu, en`);
    changes.languages = languages as Language[];
  }
  if (values.capacity !== undefined) {
    const n = Number(values.capacity);
    if (!Number.isInteger(n) || n < 1 || n > 50) throw new HubError('HUB_ERR_BAD_PAYLOAD', '--capacity: a whole number from 1 to 50');
    changes.capacity = n;
  }
  if (values.disable === true && values.enable === true) throw new HubError('HUB_ERR_BAD_PAYLOAD', '--disable or --enable, not both');
  if (values.disable === true) changes.disabled = true;
  if (values.enable === true) changes.disabled = false;
  return changes;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', `--${name} is required`);
  return value;
}

/**
 * Parses and checks a `users` command line; nothing is read or opened. Returns the request, or the
 * help / usage error to print. Throws HUB_ERR_BAD_PAYLOAD for a bad value (unknown role, language).
 */
function requestFrom(args: readonly string[]): UsersRequest | CommandExit {
  const selected = selectCommand(USERS, args);
  if (!selected.ok) return selected;
  // Refused by name, not only as an unknown option: the reason is the point.
  if (selected.rest.some(isPasswordArgument)) return usageError(selected.spec, 'passwords are never taken as arguments: pipe it and use --password-stdin');
  switch (selected.spec) {
    case USERS_ADD: {
      const parsed = parseCommand(USERS_ADD, selected.rest);
      if (!parsed.ok) return parsed;
      const username = required(parsed.values.username, 'username');
      const role = parsed.values.role;
      if (role === undefined || !isRole(role)) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--role is required: one of ${ROLES.join(', ')}`);
      if (parsed.values['password-stdin'] !== true) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'there is no default password: pass --password-stdin and pipe the password');
      return { command: 'add', username, role, changes: changesFrom(parsed.values), languagesGiven: parsed.values.languages !== undefined };
    }
    case USERS_SET: {
      const parsed = parseCommand(USERS_SET, selected.rest);
      if (!parsed.ok) return parsed;
      return { command: 'set', username: required(parsed.values.username, 'username'), changes: changesFrom(parsed.values) };
    }
    case USERS_PASSWD: {
      const parsed = parseCommand(USERS_PASSWD, selected.rest);
      if (!parsed.ok) return parsed;
      const username = required(parsed.values.username, 'username');
      if (parsed.values['password-stdin'] !== true) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'pass --password-stdin and pipe the new password');
      return { command: 'passwd', username };
    }
    default: {
      const parsed = parseCommand(USERS_LIST, selected.rest);
      if (!parsed.ok) return parsed;
      return { command: 'list' };
    }
  }
}

/** Typos in `--queues` are refused against the configured queues (when known). */
function checkQueues(request: UsersRequest, queueIds: readonly string[] | undefined): void {
  const queues = 'changes' in request ? request.changes.queues : undefined;
  const unknown = queues === undefined || queueIds === undefined ? [] : queues.filter((q) => !queueIds.includes(q));
  if (unknown.length > 0) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--queues: unknown ${unknown.join(', ')}; known: ${queueIds?.join(', ')}`);
}

const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { es: 'Spanish', ca: 'Catalan', gl: 'Galician', eu: 'Basque', en: 'English' };
const LANGUAGE_LIST = LANGUAGES.map((l) => `${l} (${LANGUAGE_NAMES[l]})`).join(', ');

/** Parses a comma list of languages; the problem in words when one is unknown. */
function languagesFrom(answer: string): Language[] | string {
  const list = listOption(answer) ?? [];
  const bad = list.filter((l) => !isLanguage(l));
  if (bad.length > 0) return `unknown ${bad.join(', ')}; use ${LANGUAGES.join(', ')}`;
  return list as Language[];
}

/** Parses a comma list of queues against the configured ones; the problem in words otherwise. */
function queuesFrom(answer: string, queueIds: readonly string[] | undefined): string[] | string {
  const list = listOption(answer) ?? [];
  if (list.length === 0) return 'at least one queue';
  const unknown = queueIds === undefined ? [] : list.filter((q) => !queueIds.includes(q));
  return unknown.length > 0 ? `unknown ${unknown.join(', ')}; configured: ${queueIds?.join(', ') ?? ''}` : list;
}

async function ask<T>(prompt: Prompt, question: string, parse: (answer: string) => T | string, err: (line: string) => void): Promise<T> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const parsed = parse((await prompt(question)).trim());
    if (typeof parsed !== 'string') return parsed;
    err(`  ${parsed}`);
  }
  throw new HubError('HUB_ERR_BAD_PAYLOAD', 'no valid answer after three tries: nothing was created');
}

/**
 * An agent is offered only conversations of their queues and languages: one created without them
 * would see "Nadie espera" while citizens wait. So `users add --role agent` without `--queues` or
 * `--languages` asks for them when a person is at the terminal. From a script the agent serves
 * every configured queue and answers in Spanish, and the command says so; with no queue configured
 * it stops (exit 2) listing the languages, before anything is opened or written.
 */
async function completeAgent(
  request: Extract<UsersRequest, { command: 'add' }>,
  queueIds: readonly string[] | undefined,
  prompt: Prompt | undefined,
  err: (line: string) => void,
): Promise<Extract<UsersRequest, { command: 'add' }> | CommandExit> {
  if (request.role !== 'agent') return request;
  const needsQueues = request.changes.queues === undefined || request.changes.queues.length === 0;
  const needsLanguages = !request.languagesGiven;
  if (!needsQueues && !needsLanguages) return request;
  const queueList = queueIds === undefined || queueIds.length === 0 ? '(none configured in config/queues.yaml)' : queueIds.join(', ');
  if (prompt === undefined && (!needsQueues || (queueIds !== undefined && queueIds.length > 0))) {
    // From a script the defaults are said aloud, and are never "nobody": every configured queue
    // (the agent sees everyone waiting), Spanish for the languages.
    const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = { ...request.changes };
    if (needsQueues) {
      changes.queues = [...(queueIds ?? [])];
      err(`queues: ${changes.queues.join(', ')} (every configured queue; pass --queues to narrow what ${request.username} is offered)`);
    }
    if (needsLanguages) {
      changes.languages = ['es'];
      err(`languages: es (the default; pass --languages es,ca,gl,eu,en for the ones ${request.username} answers in)`);
    }
    return { ...request, changes, languagesGiven: true };
  }
  if (prompt === undefined) {
    const problems: string[] = [];
    if (needsQueues) problems.push(`an agent needs --queues: they are offered only the conversations of their queues, and without one their console says "Nadie espera" while citizens wait.\nConfigured queues: ${queueList}   e.g. --queues ${queueIds?.slice(0, 2).join(',') ?? 'tramites'}`);
    if (needsLanguages) problems.push(`an agent needs --languages: they are offered only conversations in these languages.\nLanguages: ${LANGUAGE_LIST}   e.g. --languages es or --languages es,ca,eu`);
    return usageError(USERS_ADD, `${problems.join('\n')}\nNothing was created.`);
  }
  const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = { ...request.changes };
  if (needsQueues) {
    changes.queues = await ask(prompt, `Queues ${request.username} serves, comma-separated (configured: ${queueList}): `, (a) => queuesFrom(a, queueIds), err);
  }
  if (needsLanguages) {
    changes.languages = await ask(prompt, `Languages ${request.username} answers in, comma-separated (${LANGUAGE_LIST}) [es]: `, (a) => (a === '' ? ['es' as const] : languagesFrom(a)), err);
  }
  return { ...request, changes, languagesGiven: true };
}

async function execute(request: UsersRequest, users: UserDirectory, stdin: AsyncIterable<string | Buffer>, audit: PrivacyDb, clock: () => Date): Promise<string> {
  switch (request.command) {
    case 'add': {
      const { changes } = request;
      const password = await readPassword(stdin);
      const user = await users.create({
        username: request.username,
        role: request.role,
        password,
        ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
        ...(changes.capacity === undefined ? {} : { capacity: changes.capacity }),
        ...(changes.languages === undefined ? {} : { languages: changes.languages }),
        ...(changes.queues === undefined ? {} : { queues: changes.queues }),
      });
      return `user ${user.username} created (role ${user.role}, queues ${user.queues.join(',') || '-'}, languages ${user.languages.join(',')}, capacity ${user.capacity})\n`;
    }
    case 'set': {
      const user = await users.byUsername(request.username);
      if (user === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no user "${request.username}"`);
      const updated = await users.update(user.id, request.changes);
      if (updated.role !== user.role) {
        await recordAudit(audit, { actor: 'cli', action: 'role.change', details: { username: user.username, from: user.role, to: updated.role }, at: clock() });
      }
      return `user ${updated.username} updated (role ${updated.role}, queues ${updated.queues.join(',') || '-'}, languages ${updated.languages.join(',')}, capacity ${updated.capacity}${updated.disabled ? ', disabled' : ''})\n`;
    }
    case 'passwd': {
      const user = await users.byUsername(request.username);
      if (user === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no user "${request.username}"`);
      await users.setPassword(user.id, await readPassword(stdin));
      // A new password from an administrator also lifts a lockout after failed logins.
      await new LoginThrottle(audit).succeeded(user.username);
      return `password of ${user.username} changed; their sessions were closed and any login lockout lifted\n`;
    }
    case 'list': {
      const list = await users.list();
      if (list.length === 0) return 'no users yet: add one with `ventanilla users add`\n';
      return usersTable(list);
    }
  }
}

/**
 * Runs `users <command>` (`args` may start with `users`); returns the exit code (0 ok, 1 error,
 * 2 usage). The arguments are checked before the store is opened: a usage error or a bad value
 * never touches the database. Without `deps`, the hub's configured store and queues are used.
 * Writes results and errors to `output`; never echoes a password.
 */
export async function runUsersCli(
  args: readonly string[],
  stdin: AsyncIterable<string | Buffer>,
  output: Output,
  deps?: UsersCliDeps,
  prompt?: Prompt,
): Promise<number> {
  const out: CommandOutput =
    typeof output !== 'function'
      ? output
      : {
          write(text: string): void {
            for (const line of text.replace(/\n$/, '').split('\n')) output(line);
          },
        };
  const { err } = linePrinters(out);
  try {
    const parsed = requestFrom(args);
    if ('ok' in parsed) return printExit(parsed, linePrinters(out).out, err);
    // From the command line: the hub's configured queues and store, opened once the line is checked.
    const configured = deps === undefined ? await configuration() : undefined;
    const queueIds = configured?.queueIds ?? deps?.queueIds;
    checkQueues(parsed, queueIds);
    const request = parsed.command === 'add' ? await completeAgent(parsed, queueIds, prompt, err) : parsed;
    if ('ok' in request) return printExit(request, linePrinters(out).out, err);
    const store: Store = configured === undefined ? (deps as UsersCliDeps).store : await configured.openStore();
    try {
      await store.migrate();
      const clock = deps?.clock ?? (() => new Date());
      out.write(await execute(request, new UserDirectory(accountsDb(store), clock), stdin, privacyDb(store), clock));
      return 0;
    } finally {
      if (deps === undefined) await store.close();
    }
  } catch (error) {
    if (isHubError(error)) {
      err(`error: ${error.message}`);
      return isHubError(error, 'HUB_ERR_CONFIG') ? 78 : 1;
    }
    throw error;
  }
}

/** The hub's configured queues, and how to open its store (not opened yet). */
async function configuration(): Promise<{ readonly queueIds: readonly string[]; openStore(): Promise<Store> }> {
  const [{ loadConfig }, { createStore }, { loadHandoffConfig }] = await Promise.all([import('../config.js'), import('../core/store/index.js'), import('../handoff/config.js')]);
  const config = loadConfig();
  return { queueIds: loadHandoffConfig(config.configDir).queues.map((q) => q.id), openStore: () => createStore(config.databaseUrl) };
}
