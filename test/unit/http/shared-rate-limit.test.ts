/**
 * The database-backed @fastify/rate-limit store: counts per key in fixed windows, a window that
 * ended starts again, two stores on one database (two instances) add to the same counter even when
 * they count at the same moment, keys are stored hashed, expired counters are purged. On SQLite
 * and, when VENTANILLA_TEST_POSTGRES_URL is set, on PostgreSQL.
 */
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/store/index.js';
import { sharedRateLimitStore, type RateLimitDb } from '../../../src/http/shared-rate-limit.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';

function incr(store: FastifyRateLimitStore, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  return new Promise((resolve, reject) => {
    (store.incr as (key: string, cb: (error: Error | null, result?: { current: number; ttl: number }) => void, window: number, max: number) => void)(
      key,
      (error, result) => (error === null && result !== undefined ? resolve(result) : reject(error ?? new Error('no result'))),
      windowMs,
      10,
    );
  });
}

function open(store: Store, now: () => number, namespace = 'hub'): FastifyRateLimitStore {
  const Ctor = sharedRateLimitStore(store.kysely as unknown as Kysely<unknown>, { namespace, now, purgeEveryMs: 0 });
  return new Ctor({});
}

const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await disposeStore(store);
});

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`shared rate-limit store (${kind.name})`, () => {
    it('counts hits per key within a window, tells the time left, and starts again when the window ends', async () => {
      const db = await kind.open();
      opened.push(db);
      let now = 1_000_000;
      const limiter = open(db, () => now);
      expect(await incr(limiter, 'client:198.51.100.7', 60_000)).toEqual({ current: 1, ttl: 60_000 });
      now += 10_000;
      expect(await incr(limiter, 'client:198.51.100.7', 60_000)).toEqual({ current: 2, ttl: 50_000 });
      expect(await incr(limiter, 'client:203.0.113.9', 60_000)).toEqual({ current: 1, ttl: 60_000 });
      now += 50_000;
      // The window [1 000 000, 1 060 000) has ended: a new one starts at 1.
      expect(await incr(limiter, 'client:198.51.100.7', 60_000)).toEqual({ current: 1, ttl: 60_000 });
    });

    it('two stores on one database (two instances) count together, also at the same moment', async () => {
      const db = await kind.open();
      opened.push(db);
      const a = open(db, () => 5_000_000);
      // A child (what createRateLimit makes) counts in the same table.
      const b = open(db, () => 5_000_000).child({} as Parameters<FastifyRateLimitStore['child']>[0]);
      const results = await Promise.all(Array.from({ length: 20 }, (_, index) => incr(index % 2 === 0 ? a : b, 'session:abc', 60_000)));
      expect(results.map((result) => result.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
      expect((await incr(a, 'session:abc', 60_000)).current).toBe(21);
      // Another namespace (another plugin) has its own counter for the same key.
      expect((await incr(open(db, () => 5_000_000, 'other'), 'session:abc', 60_000)).current).toBe(1);
    });

    it('stores keys hashed and deletes counters whose window ended', async () => {
      const db = await kind.open();
      opened.push(db);
      let now = 9_000_000;
      const limiter = open(db, () => now);
      await incr(limiter, 'client:198.51.100.7', 1000);
      const table = db.kysely as unknown as Kysely<RateLimitDb>;
      const rows = await table.selectFrom('rate_limit_counters').select('key').execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.key).not.toContain('198.51.100.7');
      now += 5000;
      await incr(limiter, 'client:203.0.113.9', 1000);
      // The purge runs after the count, off the request's path.
      for (let attempt = 0; attempt < 100; attempt += 1) {
        if ((await table.selectFrom('rate_limit_counters').select('key').execute()).length === 1) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await table.selectFrom('rate_limit_counters').select('key').execute()).toHaveLength(1);
    });
  });
}
