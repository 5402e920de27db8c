/**
 * `ventanilla users …`: manage console users. Passwords are read from stdin only
 * (`--password-stdin`), never from arguments or defaults, so they stay out of shell history
 * and process lists.
 *
 *   users add --username U --role R --password-stdin [--name N] [--queues a,b] [--languages es,ca] [--capacity 3]
 *   users set --username U [--role R] [--name N] [--queues a,b] [--languages es,ca] [--capacity 3] [--disable|--enable]
 *   users passwd --username U --password-stdin
 *   users list
 */
import { HubError, isHubError } from '../core/errors.js';
import { isLanguage, type Language } from '../core/message.js';
import type { KyselyStore } from '../core/store/kysely-store.js';
import { handoffDb } from './schema.js';
import { isRole, ROLES, UserDirectory, type UserChanges } from './users.js';

export interface UsersCliDeps {
  readonly store: KyselyStore;
  readonly clock?: () => Date;
  /** Known queue ids, to reject typos in `--queues`. */
  readonly queueIds?: readonly string[];
}

const USAGE = `usage:
  ventanilla users add --username U --role ${ROLES.join('|')} --password-stdin [--name N] [--queues a,b] [--languages es,ca] [--capacity N]
  ventanilla users set --username U [--role R] [--name N] [--queues a,b] [--languages es,ca] [--capacity N] [--disable|--enable]
  ventanilla users passwd --username U --password-stdin
  ventanilla users list
`;

const FLAGS = new Set(['--password-stdin', '--disable', '--enable']);

function parseArgs(args: readonly string[]): { command: string | undefined; options: Map<string, string | true> } {
  const list = args[0] === 'users' ? args.slice(1) : [...args];
  const command = list[0];
  const options = new Map<string, string | true>();
  for (let i = 1; i < list.length; i++) {
    const arg = list[i] as string;
    if (!arg.startsWith('--')) throw new HubError('HUB_ERR_BAD_PAYLOAD', `unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq !== -1) {
      options.set(arg.slice(0, eq), arg.slice(eq + 1));
    } else if (FLAGS.has(arg)) {
      options.set(arg, true);
    } else {
      const value = list[i + 1];
      if (value === undefined || value.startsWith('--')) throw new HubError('HUB_ERR_BAD_PAYLOAD', `${arg} needs a value`);
      options.set(arg, value);
      i++;
    }
  }
  if (options.has('--password')) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'passwords are never taken as arguments: pipe it and use --password-stdin');
  return { command, options };
}

async function readPassword(stdin: AsyncIterable<string | Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  // Only the line break a pipe or heredoc adds is removed: spaces may belong to the password.
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', 'no password on stdin: pipe it, e.g. `printf %s "$PASS" | ventanilla users add … --password-stdin`');
  return line;
}

function listOption(value: string | true | undefined): string[] | undefined {
  if (value === undefined || value === true) return undefined;
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function changesFrom(options: Map<string, string | true>, queueIds: readonly string[] | undefined): UserChanges {
  const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
  const role = options.get('--role');
  if (role !== undefined) {
    if (!isRole(role)) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--role: use one of ${ROLES.join(', ')}`);
    changes.role = role;
  }
  const name = options.get('--name');
  if (typeof name === 'string') changes.displayName = name;
  const queues = listOption(options.get('--queues'));
  if (queues !== undefined) {
    const unknown = queueIds === undefined ? [] : queues.filter((q) => !queueIds.includes(q));
    if (unknown.length > 0) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--queues: unknown ${unknown.join(', ')}; known: ${queueIds?.join(', ')}`);
    changes.queues = queues;
  }
  const languages = listOption(options.get('--languages'));
  if (languages !== undefined) {
    const bad = languages.filter((l) => !isLanguage(l));
    if (bad.length > 0) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--languages: unknown ${bad.join(', ')}; use es, ca, gl, eu, en`);
    changes.languages = languages as Language[];
  }
  const capacity = options.get('--capacity');
  if (typeof capacity === 'string') {
    const n = Number(capacity);
    if (!Number.isInteger(n) || n < 1 || n > 50) throw new HubError('HUB_ERR_BAD_PAYLOAD', '--capacity: a whole number from 1 to 50');
    changes.capacity = n;
  }
  if (options.has('--disable')) changes.disabled = true;
  if (options.has('--enable')) changes.disabled = false;
  return changes;
}

/**
 * Runs `users <command>`; returns the exit code (0 ok, 1 error, 2 usage). Writes results and
 * errors to `out`; never echoes a password.
 */
export async function runUsersCli(
  args: readonly string[],
  stdin: AsyncIterable<string | Buffer>,
  output: { write(text: string): unknown } | ((line: string) => void),
  deps?: UsersCliDeps,
): Promise<number> {
  const out = {
    write(text: string): void {
      if (typeof output !== 'function') {
        output.write(text);
        return;
      }
      for (const line of text.replace(/\n$/, '').split('\n')) output(line);
    },
  };
  if (deps === undefined) {
    // From the command line: the hub's configured store and queues.
    const [{ loadConfig }, { createStore }, { loadHandoffConfig }] = await Promise.all([
      import('../config.js'),
      import('../core/store/index.js'),
      import('./config.js'),
    ]);
    const config = loadConfig();
    const store = await createStore(config.databaseUrl);
    try {
      const queueIds = loadHandoffConfig(config.configDir).queues.map((q) => q.id);
      return await runUsersCli(args, stdin, out, { store, queueIds });
    } finally {
      await store.close();
    }
  }
  try {
    const { command, options } = parseArgs(args);
    if (command === undefined || command === 'help' || command === '--help') {
      out.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    await deps.store.migrate();
    const users = new UserDirectory(handoffDb(deps.store), deps.clock ?? (() => new Date()));
    const username = options.get('--username');
    switch (command) {
      case 'add': {
        if (typeof username !== 'string') throw new HubError('HUB_ERR_BAD_PAYLOAD', '--username is required');
        const role = options.get('--role');
        if (typeof role !== 'string' || !isRole(role)) throw new HubError('HUB_ERR_BAD_PAYLOAD', `--role is required: one of ${ROLES.join(', ')}`);
        if (options.get('--password-stdin') !== true) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'there is no default password: pass --password-stdin and pipe the password');
        const changes = changesFrom(options, deps.queueIds);
        const password = await readPassword(stdin);
        const user = await users.create({
          username,
          role,
          password,
          ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
          ...(changes.capacity === undefined ? {} : { capacity: changes.capacity }),
          ...(changes.languages === undefined ? {} : { languages: changes.languages }),
          ...(changes.queues === undefined ? {} : { queues: changes.queues }),
        });
        out.write(`user ${user.username} created (role ${user.role}, queues ${user.queues.join(',') || '-'}, languages ${user.languages.join(',')}, capacity ${user.capacity})\n`);
        return 0;
      }
      case 'set': {
        if (typeof username !== 'string') throw new HubError('HUB_ERR_BAD_PAYLOAD', '--username is required');
        const user = await users.byUsername(username);
        if (user === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no user "${username}"`);
        const updated = await users.update(user.id, changesFrom(options, deps.queueIds));
        out.write(`user ${updated.username} updated (role ${updated.role}, queues ${updated.queues.join(',') || '-'}, languages ${updated.languages.join(',')}, capacity ${updated.capacity}${updated.disabled ? ', disabled' : ''})\n`);
        return 0;
      }
      case 'passwd': {
        if (typeof username !== 'string') throw new HubError('HUB_ERR_BAD_PAYLOAD', '--username is required');
        if (options.get('--password-stdin') !== true) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'pass --password-stdin and pipe the new password');
        const user = await users.byUsername(username);
        if (user === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no user "${username}"`);
        await users.setPassword(user.id, await readPassword(stdin));
        out.write(`password of ${user.username} changed; their sessions were closed\n`);
        return 0;
      }
      case 'list': {
        for (const user of await users.list()) {
          out.write(`${user.username}\t${user.role}\t${user.presence}\t${user.queues.join(',') || '-'}\t${user.languages.join(',')}\t${user.capacity}${user.disabled ? '\tdisabled' : ''}\n`);
        }
        return 0;
      }
      default:
        out.write(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (isHubError(error)) {
      out.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
