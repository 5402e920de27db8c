/**
 * A @fastify/rate-limit store whose counters live in the hub's database (`rate_limit_counters`,
 * migration `0810_rate_limits`), so that several instances behind one load balancer count
 * together: a client that spreads its requests over three instances meets the limit it would meet
 * on one. Each count is one upsert statement (no read-then-write that two instances could
 * interleave). Keys are hashed before they are stored: the database never holds an address or a
 * session id because of a limit.
 *
 * Windows are fixed (like the plugin's own in-memory store) and measured with this process's clock:
 * instances behind one balancer are expected to keep their clocks in sync (NTP).
 * `continueExceeding` and `exponentialBackoff` are not supported (the hub uses neither).
 */
import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { sql, type Kysely } from 'kysely';

/** The table this store reads and writes. */
export interface RateLimitCountersTable {
  key: string;
  hits: number;
  /** When the current window ends, ms since the epoch (bigint: strings on PostgreSQL). */
  window_end: number | string | bigint;
}

export interface RateLimitDb {
  rate_limit_counters: RateLimitCountersTable;
}

export interface SharedRateLimitOptions {
  /** Prefix of every key, so that two plugins counting `client:<ip>` do not share a counter. */
  readonly namespace: string;
  /** ms since the epoch; default Date.now (tests move it). */
  readonly now?: () => number;
  /** How often expired counters are deleted, at most (default one minute). */
  readonly purgeEveryMs?: number;
}

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

function storedKey(namespace: string, key: string): string {
  return createHash('sha256').update(`${namespace}\u0000${key}`).digest('base64url').slice(0, 32);
}

/**
 * One more hit on `key` in a window of `windowMs`: returns the hits of the current window and the
 * ms left in it. A window that ended starts again at 1.
 */
export async function countHit(db: Kysely<RateLimitDb>, key: string, windowMs: number, now: number): Promise<{ current: number; ttl: number }> {
  const end = now + windowMs;
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ key, hits: 1, window_end: end })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({
        hits: sql<number>`case when rate_limit_counters.window_end <= ${now} then 1 else rate_limit_counters.hits + 1 end`,
        window_end: sql<number>`case when rate_limit_counters.window_end <= ${now} then ${end} else rate_limit_counters.window_end end`,
      }),
    )
    .returning(['hits', 'window_end'])
    .executeTakeFirstOrThrow();
  return { current: Number(row.hits), ttl: Math.max(0, Number(row.window_end) - now) };
}

/**
 * A store constructor for `@fastify/rate-limit` (`store` option) counting in `db`. Every limiter
 * of a plugin (the global one and those of `createRateLimit`) shares the table; their keys differ.
 */
export function sharedRateLimitStore(db: Kysely<unknown>, options: SharedRateLimitOptions): FastifyRateLimitStoreCtor {
  const counters = db as Kysely<RateLimitDb>;
  const now = options.now ?? Date.now;
  const purgeEveryMs = options.purgeEveryMs ?? 60_000;
  let nextPurge = 0;
  let purging = false;

  // Expired rows are deleted now and then, off the request's path: a failed purge is retried later.
  function purgeSoon(at: number): void {
    if (purging || at < nextPurge) return;
    purging = true;
    nextPurge = at + purgeEveryMs;
    void counters
      .deleteFrom('rate_limit_counters')
      .where('window_end', '<=', at)
      .execute()
      .catch(() => undefined)
      .finally(() => {
        purging = false;
      });
  }

  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: IncrCallback, timeWindow?: number, _max?: number): void {
      // The plugin always passes the window (its typings leave it out).
      const windowMs = timeWindow ?? 60_000;
      const at = now();
      countHit(counters, storedKey(options.namespace, key), windowMs, at).then(
        (result) => {
          purgeSoon(at);
          callback(null, result);
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return DatabaseRateLimitStore;
}
