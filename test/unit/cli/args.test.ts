/**
 * The one argument parser, through `main` as the `ventanilla` command runs it: every command
 * answers `--help` (exit 0) and refuses an unknown option with its usage (exit 2), and neither
 * opens the database.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/cli/args.js';
import { ALL_COMMANDS, OUTBOX_RETRY, TELEGRAM_SET_WEBHOOK, USERS_ADD } from '../../../src/cli/commands.js';
import { main } from '../../../src/cli.js';
import { ROLES } from '../../../src/accounts/users.js';

async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ventanilla <command> arguments', () => {
  let dir = '';
  const saved = { dataDir: process.env.VENTANILLA_DATA_DIR, databaseUrl: process.env.VENTANILLA_DATABASE_URL };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ventanilla-args-'));
    // A data directory that does not exist yet: any command that opened the store would create it.
    process.env.VENTANILLA_DATA_DIR = join(dir, 'data');
    delete process.env.VENTANILLA_DATABASE_URL;
  });
  afterEach(() => {
    for (const [key, value] of [['VENTANILLA_DATA_DIR', saved.dataDir], ['VENTANILLA_DATABASE_URL', saved.databaseUrl]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('`ventanilla --help` lists every command, users passwd, set and list included', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const spec of ALL_COMMANDS) expect(out).toContain(`  ${spec.name} ${spec.synopsis}`.trimEnd());
    for (const name of ['users add', 'users set', 'users passwd', 'users list']) expect(out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('no command, or an unknown one, is a usage error', async () => {
    expect(await run([])).toMatchObject({ code: 2, out: '', err: expect.stringContaining('usage: ventanilla <command>') });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/^ventanilla: unknown command "frobnicate"/) });
    expect(await run(['users', 'frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/^ventanilla users: unknown command "frobnicate"[\s\S]*users passwd/) });
  });

  // Every command parses strictly, `nlu try|eval` included.
  const parsedHere = ALL_COMMANDS;

  it.each(ALL_COMMANDS.map((spec) => [spec.name]))('`%s --help` prints its usage and exits 0 without opening the database', async (name) => {
    const { code, out, err } = await run([...name.split(' '), '--help']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(new RegExp(`^usage: ventanilla ${name}`));
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it.each(parsedHere.map((spec) => [spec.name]))('`%s --frobnicate` is refused with its usage, exit 2, without opening the database', async (name) => {
    const { code, out, err } = await run([...name.split(' '), '--frobnicate']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(new RegExp(`^ventanilla ${name}: unknown option --frobnicate\\n\\nusage: ventanilla ${name}`));
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('`users add --help` names every role', async () => {
    const { out } = await run(['users', 'add', '--help']);
    for (const role of ROLES) expect(out).toContain(role);
  });
});

describe('parseCommand', () => {
  it('reads values, inline values and booleans', () => {
    const parsed = parseCommand(USERS_ADD, ['--username', 'ana', '--role=agent', '--password-stdin', '--queues', 'a,b']);
    expect(parsed).toEqual({ ok: true, values: { username: 'ana', role: 'agent', 'password-stdin': true, queues: 'a,b' }, positionals: [] });
  });

  it('says which option lacks its value, and which takes none', () => {
    expect(parseCommand(TELEGRAM_SET_WEBHOOK, ['--url'])).toMatchObject({ ok: false, exitCode: 2, text: expect.stringMatching(/^ventanilla telegram set-webhook: --url needs a value\n/) });
    expect(parseCommand(TELEGRAM_SET_WEBHOOK, ['--url', '--help'])).toMatchObject({ ok: false, exitCode: 0 });
    expect(parseCommand(OUTBOX_RETRY, ['--all=yes'])).toMatchObject({ ok: false, exitCode: 2, text: expect.stringMatching(/^ventanilla outbox retry: --all takes no value\n/) });
  });

  it('counts positional arguments, and `--` ends the options', () => {
    expect(parseCommand(USERS_ADD, ['ana'])).toMatchObject({ ok: false, exitCode: 2, text: expect.stringMatching(/unexpected argument "ana"/) });
    expect(parseCommand(OUTBOX_RETRY, ['12', '13'])).toMatchObject({ ok: true, positionals: ['12', '13'] });
    expect(parseCommand(OUTBOX_RETRY, ['--', '--help'])).toMatchObject({ ok: true, positionals: ['--help'] });
  });
});
