/**
 * Several instances on one PostgreSQL schema (issue 13, items 5 and 7): instances started at the
 * same moment on a new database migrate it once (whichever takes the migration lock; the others
 * find it done), and the web chat's request limits count across instances, as one instance would
 * count, with no store configured: on PostgreSQL the hub counts in the database by default.
 * (Login limits across instances: test/unit/privacy/login-throttle-shared.test.ts.)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createStore, dropPostgresSchema, MIGRATION_NAMES, type Store } from '../../src/core/store/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { postgresUrl } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const enabled = postgresUrl !== undefined && postgresUrl !== '';
const url = postgresUrl ?? '';

describe.skipIf(!enabled)('several instances on one PostgreSQL schema', () => {
  const schema = `cl_${randomBytes(6).toString('hex')}`;
  const stores: Store[] = [];
  const hubs: Hub[] = [];

  beforeAll(async () => {
    // Three instances' stores on a new schema, none migrated yet.
    for (let index = 0; index < 3; index += 1) stores.push(await createStore(url, { schema, poolSize: 3 }));
  }, 60_000);

  afterAll(async () => {
    for (const hub of hubs) await hub.app.close();
    for (const store of stores.slice(hubs.length)) await store.close();
    await dropPostgresSchema(url, schema);
  }, 60_000);

  it('three instances migrating a new schema at the same moment apply each migration once', { timeout: 60_000 }, async () => {
    const results = await Promise.allSettled(stores.map((store) => store.migrate()));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    for (const store of stores) expect(await store.appliedMigrations()).toEqual([...MIGRATION_NAMES]);
    const { rows } = await sql<{ name: string; n: string }>`select name, count(*) as n from kysely_migration group by name having count(*) > 1`.execute(stores[0]?.kysely ?? (undefined as never));
    expect(rows).toEqual([]);
  });

  describe('web chat limits', () => {
    let a: Hub;
    let b: Hub;

    beforeAll(async () => {
      for (const store of stores.slice(0, 2)) {
        const hub = await buildApp({
          config: testConfig(),
          store,
          ownsStore: true,
          intents: fakeIntents(),
          logger: false,
          channels: [(services) => createWebchatChannel({ ...services, limits: { messagesPerSessionPerMinute: 3, requestsPerClientPerMinute: 12, sessionsPerClientPerHour: 2 } })],
        });
        await hub.start({ delivery: false });
        hubs.push(hub);
      }
      [a, b] = hubs as [Hub, Hub];
    }, 60_000);

    const newSession = (hub: Hub, ip: string) => hub.app.inject({ method: 'POST', url: '/webchat/api/sessions', remoteAddress: ip });
    const say = (hub: Hub, sessionId: string, ip: string) =>
      hub.app.inject({ method: 'POST', url: '/webchat/api/messages', remoteAddress: ip, payload: { sessionId, clientMessageId: randomUUID(), text: 'hola' } });

    it('a session\'s messages split over two instances meet the per-session limit as on one, refused on both', async () => {
      const { sessionId } = (await newSession(a, '198.51.100.1')).json() as { sessionId: string };
      expect((await say(a, sessionId, '198.51.100.1')).statusCode).toBe(202);
      expect((await say(b, sessionId, '198.51.100.1')).statusCode).toBe(202);
      expect((await say(a, sessionId, '198.51.100.1')).statusCode).toBe(202);
      for (const hub of [b, a]) {
        const refused = await say(hub, sessionId, '198.51.100.1');
        expect(refused.statusCode).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      }
    });

    it('a conversation that moves to another instance is not counted there as a new one', async () => {
      const ip = '203.0.113.40';
      const { sessionId } = (await newSession(a, ip)).json() as { sessionId: string };
      expect((await say(a, sessionId, ip)).statusCode).toBe(202);
      // B has not seen this session, but its conversation is in the store: still one new conversation.
      expect((await say(b, sessionId, ip)).statusCode).toBe(202);
      expect((await newSession(b, ip)).statusCode).toBe(200);
      expect((await newSession(a, ip)).statusCode).toBe(429);
    });

    it('a client\'s new conversations and requests split over two instances are counted together', async () => {
      const ip = '203.0.113.20';
      expect((await newSession(a, ip)).statusCode).toBe(200);
      expect((await newSession(b, ip)).statusCode).toBe(200);
      // The third new conversation from this address, on either instance, is one too many.
      expect((await newSession(a, ip)).statusCode).toBe(429);
      expect((await newSession(b, ip)).statusCode).toBe(429);
      // Another address is not affected.
      expect((await newSession(b, '203.0.113.21')).statusCode).toBe(200);

      // Requests per client: 12 per minute in all, at the same moment on both instances.
      const ip2 = '192.0.2.50';
      const burst = await Promise.all(Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? a : b).app.inject({ method: 'GET', url: '/webchat/api/texts', remoteAddress: ip2 })));
      const codes = burst.map((response) => response.statusCode);
      expect(codes.filter((code) => code === 429)).toHaveLength(4);
      expect(codes.filter((code) => code !== 429).length).toBe(12);
    });
  });
});
