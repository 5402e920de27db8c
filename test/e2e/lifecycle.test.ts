/**
 * The life of an installation, with the real processes an operator runs (`npm start`,
 * `node bin/ventanilla.js …`), on SQLite and on PostgreSQL: users added before the first start,
 * between starts and while the hub runs; a web chat conversation that survives SIGTERM and a
 * restart; the outbox and content commands on the stopped hub's data; and a SIGKILL right after
 * citizens wrote, after which every stored message gets exactly one answer.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllHubProcesses, login, runCli, startHubProcess, WebchatClient, type HubProcess } from '../helpers/hub-process.js';
import { postgresUrl } from '../helpers/stores.js';

const dirs: string[] = [];
afterAll(() => {
  killAllHubProcesses();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = 'una clave bastante larga';

interface Installation {
  readonly env: Record<string, string>;
  readonly workDir: string;
  dispose(): Promise<void>;
}

function sqliteInstallation(): Installation {
  const workDir = mkdtempSync(join(tmpdir(), 'ventanilla-life-'));
  dirs.push(workDir);
  return { env: { VENTANILLA_DATA_DIR: join(workDir, 'data') }, workDir, dispose: async () => undefined };
}

async function postgresInstallation(url: string): Promise<Installation> {
  const workDir = mkdtempSync(join(tmpdir(), 'ventanilla-life-pg-'));
  dirs.push(workDir);
  const schema = `life_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  // How an operator points the hub at a schema: the search_path in the URL.
  const databaseUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    env: { VENTANILLA_DATA_DIR: join(workDir, 'data'), VENTANILLA_DATABASE_URL: databaseUrl },
    workDir,
    dispose: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

async function addUser(env: Record<string, string>, username: string): Promise<void> {
  // An agent needs queues and languages (a script is refused without them, see onboarding.test.ts).
  const result = await runCli(['users', 'add', '--username', username, '--role', 'agent', '--queues', 'tramites', '--languages', 'es', '--password-stdin'], env, { input: `${PASSWORD}\n` });
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch(new RegExp(`^user ${username} created \\(role agent`));
  expect(result.code).toBe(0);
}

/** Lines of `outbox list --status <status>`: one per reply, tab-separated, conversation key third. */
async function outboxLines(env: Record<string, string>, status: string): Promise<string[]> {
  const result = await runCli(['outbox', 'list', '--status', status, '--limit', '1000'], env);
  expect(result.code, `outbox list --status ${status}: ${result.stderr}`).toBe(0);
  return result.stdout.trim() === `no ${status} replies` ? [] : result.stdout.trim().split('\n');
}

/** Longest a reply leased by a killed hub waits (config/default.yaml outbox.leaseMs), plus a margin for a loaded machine. */
const LEASE_WAIT_MS = 60_000 + 45_000;

/**
 * Polls `outbox list --status sent` (beside the running hub) until every conversation in
 * `sessions` has `perConversation` sent replies; resolves those lines. Fails after
 * {@link LEASE_WAIT_MS} saying which conversations fell short and what else the outbox holds.
 */
async function waitForSent(env: Record<string, string>, sessions: readonly string[], perConversation: number): Promise<string[]> {
  const deadline = Date.now() + LEASE_WAIT_MS;
  for (;;) {
    const sent = await outboxLines(env, 'sent');
    const short = sessions.filter((id) => sent.filter((line) => line.split('\t')[2] === `webchat:${id}`).length < perConversation);
    if (short.length === 0) return sent;
    if (Date.now() > deadline) {
      const others = [...(await outboxLines(env, 'sending')), ...(await outboxLines(env, 'pending'))];
      throw new Error(`after ${LEASE_WAIT_MS} ms, conversations ${short.join(', ')} still have fewer than ${perConversation} sent replies; sending/pending:\n${others.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

async function expectStopped(hub: HubProcess): Promise<void> {
  await hub.stop('SIGTERM');
  // The hub (node, not npm) logged the graceful path: intake stopped, turns finished, replies flushed.
  expect(hub.output()).toContain('shutting down: finishing turns and flushing replies');
  expect(hub.output()).not.toMatch(/shutdown failed|cannot start/i);
}

async function lifecycle(installation: Installation): Promise<void> {
  const { env, workDir } = installation;

  // Before the first start: the command creates and migrates the database itself.
  await addUser(env, 'antes');

  let hub = await startHubProcess(env, 'npm');
  let chat = new WebchatClient(hub.url);
  const sessionId = await chat.session();
  await chat.send(sessionId, 'hola');
  const firstHistory = await chat.waitForReplies(sessionId, 1);
  expect(firstHistory[0]).toMatchObject({ author: 'citizen', text: 'hola' });
  expect(firstHistory.slice(1).map((item) => item.text).join(' ')).toMatch(/Hola/);
  // How many messages one "hola" turn sends: the yardstick for "exactly one answer" below.
  const repliesPerTurn = firstHistory.filter((item) => item.author !== 'citizen').length;
  expect(await login(hub.url, 'antes', PASSWORD)).toBe(200);
  await expectStopped(hub);

  // Between starts: the commands open the same data the hub left.
  await addUser(env, 'entre');
  expect(await outboxLines(env, 'pending')).toEqual([]);
  const sent = await outboxLines(env, 'sent');
  expect(sent.filter((line) => line.split('\t')[2] === `webchat:${sessionId}`)).toHaveLength(repliesPerTurn);
  const exportDir = join(workDir, 'export');
  const exported = await runCli(['content', 'export', exportDir, '--format', 'json'], env);
  expect(exported.code).toBe(0);
  expect(exported.stdout).toMatch(/^exported \d+ intents to /);
  expect(readdirSync(exportDir).length).toBeGreaterThan(0);

  // Started again on the same data (the restart that used to fail): the history is there.
  hub = await startHubProcess(env, 'npm');
  chat = new WebchatClient(hub.url);
  expect(await chat.history(sessionId)).toEqual(firstHistory);
  expect(await login(hub.url, 'entre', PASSWORD)).toBe(200);
  expect(await login(hub.url, 'entre', 'otra clave cualquiera')).toBe(401);
  // While the hub runs: the command writes beside it, and the running hub lets the user in.
  await addUser(env, 'durante');
  expect(await login(hub.url, 'durante', PASSWORD)).toBe(200);

  // Citizens write; the hub is killed the moment the last message is stored (202).
  const sessions = await Promise.all(Array.from({ length: 6 }, () => chat.session()));
  await Promise.all(sessions.map((id) => chat.send(id, 'hola')));
  await hub.stop('SIGKILL');

  hub = await startHubProcess(env, 'bin');
  chat = new WebchatClient(hub.url);
  for (const id of sessions) await chat.waitForReplies(id, repliesPerTurn);
  for (const id of sessions) {
    const items = await chat.history(id);
    expect(items.filter((item) => item.author === 'citizen').map((item) => item.text)).toEqual(['hola']);
    expect(items.filter((item) => item.author !== 'citizen')).toHaveLength(repliesPerTurn);
  }
  // The history shows a reply once its turn committed (transcript and outbox in one transaction);
  // it is *sent* a moment later. A reply the killed hub had leased stays `sending` until that lease
  // ends (outbox.leaseMs, 60 s): then this hub sends it. So wait for the sends, not read once.
  const sentAfter = await waitForSent(env, sessions, repliesPerTurn);
  await expectStopped(hub);

  // Exactly once: each conversation's replies were sent once, none is left waiting or leased.
  expect(await outboxLines(env, 'pending')).toEqual([]);
  expect(await outboxLines(env, 'sending')).toEqual([]);
  for (const id of sessions) expect(sentAfter.filter((line) => line.split('\t')[2] === `webchat:${id}`)).toHaveLength(repliesPerTurn);
}

describe('the life of an installation, as real processes', () => {
  it('SQLite: users before, between and during runs; restart keeps history; SIGKILL loses nothing', { timeout: 600_000 }, async () => {
    await lifecycle(sqliteInstallation());
  });

  if (postgresUrl === undefined || postgresUrl === '') {
    it.skip('PostgreSQL: skipped because VENTANILLA_TEST_POSTGRES_URL is not set', () => undefined);
  } else {
    const url = postgresUrl;
    it('PostgreSQL: the same life on a schema of its own', { timeout: 600_000 }, async () => {
      const installation = await postgresInstallation(url);
      try {
        await lifecycle(installation);
      } finally {
        killAllHubProcesses();
        await installation.dispose();
      }
    });
  }
});
