/**
 * Login limits across instances: two hubs behind one load balancer share the database, so the
 * failures one instance counts lock the account and the client on the other too (counters live in
 * `login_throttle`, never in a process's memory). On a SQLite file opened by two stores, and on one
 * PostgreSQL schema opened by two pools when VENTANILLA_TEST_POSTGRES_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, dropPostgresSchema, type Store } from '../../../src/core/store/index.js';
import { parseTrustProxy, trustProxyOption } from '../../../src/core/trust-proxy.js';
import { registerErrorReplies } from '../../../src/http/errors.js';
import { createAgent, createHarness, type Harness } from '../../helpers/handoff-hub.js';
import { postgresUrl, type StoreKind } from '../../helpers/stores.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A StoreKind whose every `open()` opens the same database anew (a second instance). */
function sharedSqliteFile(): StoreKind {
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-throttle-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return {
    name: 'sqlite',
    enabled: true,
    async open(): Promise<Store> {
      const store = await createStore(join(dir, 'ventanilla.db'));
      await store.migrate();
      return store;
    },
  };
}

function sharedPostgresSchema(url: string): StoreKind {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  cleanups.push(() => dropPostgresSchema(url, schema));
  return {
    name: 'postgres',
    enabled: true,
    async open(): Promise<Store> {
      const store = await createStore(url, { schema, poolSize: 3 });
      await store.migrate();
      return store;
    },
  };
}

/** One hub instance: its own store connection, handoff module and HTTP server, as behind a proxy. */
async function instance(kind: StoreKind): Promise<{ harness: Harness; server: FastifyInstance }> {
  const harness = await createHarness({ store: kind });
  const server = Fastify({ trustProxy: trustProxyOption(parseTrustProxy('1')) });
  registerErrorReplies(server);
  await server.register(harness.handoff.routes.plugin, { prefix: harness.handoff.routes.prefix });
  await server.ready();
  cleanups.push(async () => {
    await server.close();
    await harness.handoff.stop();
    await harness.store.close();
  });
  return { harness, server };
}

function login(server: FastifyInstance, client: string, username: string, password: string) {
  return server.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': client }, payload: { username, password } });
}

async function sharedAcrossInstances(kind: StoreKind): Promise<void> {
  const a = await instance(kind);
  const b = await instance(kind);
  await createAgent(a.harness, { username: 'luis' }, 'offline');
  await createAgent(a.harness, { username: 'ana' }, 'offline');

  // Per client: five failures split over both instances, then the sixth is refused on either.
  for (let i = 0; i < 5; i++) expect((await login(i % 2 === 0 ? a.server : b.server, '203.0.113.5', 'ana', `mala-${i}`)).statusCode).toBe(401);
  expect((await login(a.server, '203.0.113.5', 'ana', 'contraseña-de-prueba')).statusCode).toBe(429);
  expect((await login(b.server, '203.0.113.5', 'ana', 'contraseña-de-prueba')).statusCode).toBe(429);
  // Another client is not affected, on either instance.
  expect((await login(b.server, '198.51.100.7', 'ana', 'contraseña-de-prueba')).statusCode).toBe(200);

  // Per account: ten failures in a row from ten addresses, alternating instances, lock it everywhere.
  for (let i = 0; i < 10; i++) expect((await login(i % 2 === 0 ? b.server : a.server, `192.0.2.${i + 10}`, 'luis', `mala-${i}`)).statusCode).toBe(401);
  for (const server of [a.server, b.server]) {
    const locked = await login(server, '198.51.100.99', 'luis', 'contraseña-de-prueba');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ reason: 'account', message: expect.stringMatching(/^Cuenta bloqueada por demasiados intentos fallidos/) });
  }
}

describe('login limits shared by every instance on one database', () => {
  it('SQLite file opened by two instances', { timeout: 180_000 }, async () => {
    await sharedAcrossInstances(sharedSqliteFile());
  });

  if (postgresUrl === undefined || postgresUrl === '') {
    it.skip('PostgreSQL: skipped because VENTANILLA_TEST_POSTGRES_URL is not set', () => undefined);
  } else {
    const url = postgresUrl;
    it('PostgreSQL schema opened by two instances', { timeout: 180_000 }, async () => {
      await sharedAcrossInstances(sharedPostgresSchema(url));
    });
  }
});
