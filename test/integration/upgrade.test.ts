/**
 * Upgrades: databases written by the previous version (test/fixtures/store, made by the hub at
 * commit 8f9cf84) open, migrate and keep their data, on SQLite and on PostgreSQL; a database from
 * a newer version is refused with a message that says what to do, and left untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createStore, dropPostgresSchema, MIGRATION_NAMES } from '../../src/core/store/index.js';
import { createHub } from '../../src/hub.js';
import { postgresUrl } from '../helpers/stores.js';
import { SUITE_ENV } from '../helpers/test-config.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'store');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-upgrade-'));
  dirs.push(dir);
  return dir;
}

/** Starts the real composition root on `env`, reads one web chat history and the users, stops. */
async function openHub(env: NodeJS.ProcessEnv, sessionId: string): Promise<{ texts: string[]; users: string[] }> {
  const hub = await createHub(loadConfig(env), { env, logger: false, http: true });
  try {
    await hub.start();
    const history = await hub.app.inject({ method: 'GET', url: `/webchat/api/history?sessionId=${sessionId}` });
    expect(history.statusCode).toBe(200);
    const texts = (history.json() as { items: { text: string }[] }).items.map((item) => item.text);
    const login = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'wrong password here' } });
    expect(login.statusCode).toBe(401);
    const users = (await hub.store.kysely.selectFrom('handoff_users' as never).select('username' as never).execute()) as { username: string }[];
    return { texts, users: users.map((user) => user.username) };
  } finally {
    await hub.app.close();
  }
}

describe('upgrade from the previous version', () => {
  it('SQLite: the hub opens a data dir written by the previous version, with its history and users', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ventanilla.db'), gunzipSync(readFileSync(join(FIXTURES, 'v0.1-sqlite.db.gz'))));
    const env = { ...SUITE_ENV, VENTANILLA_DATA_DIR: dir, LOG_LEVEL: 'silent', VENTANILLA_NOW: '2026-05-10T10:00:00+02:00' };
    const first = await openHub(env, 'twlII8B7SFtEZuWg-HjuP8ri');
    expect(first.texts).toContain('¿cuándo empieza la campaña de la renta?');
    expect(first.texts.length).toBe(6);
    expect(first.users).toEqual(['admin']);
    // And again: the second start on upgraded data is what broke before.
    const second = await openHub(env, 'twlII8B7SFtEZuWg-HjuP8ri');
    expect(second.texts).toEqual(first.texts);
    const store = await createStore(join(dir, 'ventanilla.db'));
    expect(await store.appliedMigrations()).toEqual([...MIGRATION_NAMES]);
    await store.close();
    // Two real hub starts (migrations, model load, the day-tier rebuild on first flush): 30 s is
    // too tight for that on a shared two-core CI machine.
  }, 180_000);

  it('SQLite: a database from a newer version is refused, named, and left as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'ventanilla.db');
    const store = await createStore(file);
    await store.migrate();
    await store.kysely.insertInto('kysely_migration' as never).values({ name: '9999_from_the_future', timestamp: new Date().toISOString() } as never).execute();
    const before = await store.appliedMigrations();
    await expect(store.migrate()).rejects.toThrow(/newer version of Ventanilla .*9999_from_the_future.*backup/);
    expect(await store.appliedMigrations()).toEqual(before);
    await store.close();
  });

  describe.skipIf(postgresUrl === undefined || postgresUrl === '')('PostgreSQL', () => {
    it('a schema written by the previous version opens, migrates and keeps its data', async () => {
      const url = postgresUrl ?? '';
      const schema = `up_${randomBytes(6).toString('hex')}`;
      const dump = gunzipSync(readFileSync(join(FIXTURES, 'v0.1-postgres.sql.gz'))).toString('utf8').replaceAll('upgrade_fixture', schema);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(dump);
      } finally {
        await client.end();
      }
      try {
        const env = {
          ...SUITE_ENV,
          VENTANILLA_DATA_DIR: tempDir(),
          VENTANILLA_DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
          LOG_LEVEL: 'silent',
        };
        const first = await openHub(env, 'i7CnU9N6ZuSpZO58z6yTuRFx');
        expect(first.texts).toContain('quiero hablar con una persona');
        expect(first.users).toEqual(['admin']);
        const second = await openHub(env, 'i7CnU9N6ZuSpZO58z6yTuRFx');
        expect(second.texts).toEqual(first.texts);
      } finally {
        await dropPostgresSchema(url, schema);
      }
    });
  });
});
