/**
 * A data directory the hub cannot use, met as an operator meets it: the real `ventanilla start`
 * and `ventanilla users …` processes stop with a non-zero exit code and one sentence that names the
 * problem and the fix (no stack trace), and leave nothing half-migrated. Read-only runs the process
 * as an unprivileged user (root ignores file permissions); full runs it in a private mount
 * namespace on a small tmpfs that is full.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, MIGRATION_NAMES } from '../../src/core/store/index.js';
import { runUsersCli } from '../../src/accounts/users-cli.js';
import { killAllHubProcesses, runCli, type CliResult } from '../helpers/hub-process.js';

const dirs: string[] = [];
afterAll(() => {
  killAllHubProcesses();
  for (const dir of dirs) {
    // A directory made read-only for the test must be writable again to be removed by a non-root user.
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-bad-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

const PASSWORD = 'una clave bastante larga';
const STACK_FRAME = /\n\s+at /;

function expectOperatorError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).not.toBe(0);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

/** A data directory holding a migrated database with one user, made by the `users add` command in this process. */
async function installationWithUser(dataDir: string): Promise<void> {
  const store = await createStore(join(dataDir, 'ventanilla.db'));
  try {
    expect(await runUsersCli(['add', '--username', 'ana', '--role', 'agent', '--queues', 'tramites', '--languages', 'es', '--password-stdin'], Readable.from([PASSWORD]), () => undefined, { store })).toBe(0);
  } finally {
    await store.close();
  }
}

function usernames(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('select username from handoff_users order by username').all() as { username: string }[]).map((row) => row.username);
  } finally {
    db.close();
  }
}

// Root may write anywhere: the process under test runs as "nobody" then, and as the test's own user otherwise.
const unprivileged = process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 } } : {};

describe('a read-only data directory', () => {
  it('`ventanilla start` stops at once, naming the directory and how to fix it', { timeout: 180_000 }, async () => {
    const dataDir = join(tempDir(), 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o555);
    const result = await runCli(['start'], { VENTANILLA_DATA_DIR: dataDir, PORT: '0' }, unprivileged);
    expectOperatorError(result, new RegExp(`^Ventanilla cannot start: cannot write ${dataDir}: it is read-only for this process \\(EACCES.*Give .*write access to ${dataDir}.*VENTANILLA_DATA_DIR`));
    expect(result.code).toBe(78);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('`users add` on a database in a read-only directory refuses, names the file and writes nothing', { timeout: 180_000 }, async () => {
    const dataDir = join(tempDir(), 'data');
    await installationWithUser(dataDir);
    chmodSync(dataDir, 0o555);
    const result = await runCli(['users', 'add', '--username', 'sara', '--role', 'agent', '--queues', 'tramites', '--languages', 'es', '--password-stdin'], { VENTANILLA_DATA_DIR: dataDir }, { input: PASSWORD, ...unprivileged });
    expectOperatorError(result, new RegExp(`^error: cannot write ${dataDir}/ventanilla.db: it is read-only for this process \\(SQLITE_READONLY.*write access to ${dataDir}`));
    chmodSync(dataDir, 0o755);
    expect(usernames(join(dataDir, 'ventanilla.db'))).toEqual(['ana']);
  });

  it('a read-only database file in a writable directory is found at open, not at the first write', { timeout: 180_000 }, async () => {
    const dataDir = join(tempDir(), 'data');
    await installationWithUser(dataDir);
    chmodSync(dataDir, 0o777);
    chmodSync(join(dataDir, 'ventanilla.db'), 0o444);
    const result = await runCli(['users', 'list'], { VENTANILLA_DATA_DIR: dataDir }, unprivileged);
    expectOperatorError(result, new RegExp(`^error: cannot write ${dataDir}/ventanilla.db: it is read-only for this process \\(SQLITE_READONLY`));
    expect(result.stdout).toBe('');
  });
});

/**
 * Runs `ventanilla <args>` in a private mount namespace where `<mount>/data` is on a tmpfs with
 * only `leaveBytes` free, then copies what it wrote to `<out>` for inspection.
 */
async function runOnFullDisk(args: readonly string[], root: string, leaveBytes: number, input?: string): Promise<{ result: CliResult; written: string }> {
  const mount = join(root, 'mnt');
  const written = join(root, 'written');
  mkdirSync(mount);
  mkdirSync(written);
  const script = join(root, 'full-disk.sh');
  writeFileSync(
    script,
    [
      'set -e',
      'mount -t tmpfs -o size=4m tmpfs "$MNT"',
      'mkdir "$MNT/data"',
      'avail=$(df --output=avail -B1 "$MNT" | tail -n 1)',
      'head -c $((avail - LEAVE)) /dev/zero > "$MNT/filler"',
      'set +e',
      '"$@"',
      'rc=$?',
      'cp -a "$MNT/data/." "$OUT/"',
      'exit $rc',
    ].join('\n'),
  );
  const result = await runCli(args, { VENTANILLA_DATA_DIR: join(mount, 'data'), PORT: '0', MNT: mount, OUT: written, LEAVE: String(leaveBytes) }, { input: input ?? '', wrap: ['unshare', '--user', '--map-root-user', '--mount', 'sh', script] });
  return { result, written };
}

function tmpfsUnavailable(): string | undefined {
  const probe = mkdtempSync(join(tmpdir(), 'ventanilla-tmpfs-probe-'));
  try {
    const run = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs "${probe}"`], { encoding: 'utf8' });
    if (run.error !== undefined) return `unshare is not available (${run.error.message})`;
    return run.status === 0 ? undefined : `cannot mount a tmpfs in a private namespace here (${run.stderr.trim()})`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const noTmpfs = tmpfsUnavailable();
if (noTmpfs !== undefined) console.warn(`[ventanilla tests] full-disk tests skipped: ${noTmpfs}`);

describe.skipIf(noTmpfs !== undefined)('a full data directory', () => {
  it('`ventanilla start` on a full disk stops with a sentence, and leaves no half-imported timetable', { timeout: 180_000 }, async () => {
    const { result, written } = await runOnFullDisk(['start'], tempDir(), 48 * 1024);
    expectOperatorError(result, /^Ventanilla cannot start: no space left to write .*data.* \((SQLITE_FULL: database or disk is full|ENOSPC: no space left on device.*)\)\. Free space on the disk that holds .*data/);
    // The demo timetable is imported into a temporary file and renamed: nothing half-written stays.
    expect(readdirSync(written).filter((name) => name.startsWith('gtfs.db'))).toEqual([]);
  });

  it('`users add` on a full disk: migrations roll back whole, and the next run with space works', { timeout: 180_000 }, async () => {
    const root = tempDir();
    const { result, written } = await runOnFullDisk(['users', 'add', '--username', 'ana', '--role', 'agent', '--queues', 'tramites', '--languages', 'es', '--password-stdin'], root, 48 * 1024, PASSWORD);
    expectOperatorError(result, /^error: no space left to write .*ventanilla\.db \(SQLITE_FULL: database or disk is full\)\. Free space .*rolled back/);
    const file = join(written, 'ventanilla.db');
    expect(existsSync(file)).toBe(true);
    // Opened as it was left (a copy: the hub is gone): no migration recorded, no table made.
    const copy = join(root, 'inspect.db');
    copyFileSync(file, copy);
    const store = await createStore(copy);
    try {
      expect(await store.appliedMigrations()).toEqual([]);
      expect(await store.kysely.introspection.getTables({ withInternalKyselyTables: true })).toEqual([]);
      // With space, the same file migrates to this version.
      await store.migrate();
      expect(await store.appliedMigrations()).toEqual([...MIGRATION_NAMES]);
    } finally {
      await store.close();
    }
  });
});

describe('a database from a newer version', () => {
  it('`ventanilla start` and `users list` refuse it by name and change nothing', { timeout: 240_000 }, async () => {
    const dataDir = join(tempDir(), 'data');
    await installationWithUser(dataDir);
    const file = join(dataDir, 'ventanilla.db');
    const db = new BetterSqlite3(file);
    db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999_from_the_future', new Date().toISOString());
    db.close();
    const newer = /newer version of Ventanilla \(it has migration 9999_from_the_future, which this version does not know\)\. Run the version that upgraded it/;

    const listed = await runCli(['users', 'list'], { VENTANILLA_DATA_DIR: dataDir });
    expectOperatorError(listed, newer);
    const started = await runCli(['start'], { VENTANILLA_DATA_DIR: dataDir, PORT: '0' });
    expectOperatorError(started, newer);
    expect(started.stderr).toMatch(/^Ventanilla cannot start: /);

    const after = new BetterSqlite3(file, { readonly: true });
    try {
      expect((after.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name)).toEqual([...MIGRATION_NAMES, '9999_from_the_future']);
    } finally {
      after.close();
    }
    expect(usernames(file)).toEqual(['ana']);
  });
});
