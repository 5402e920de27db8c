/**
 * `0810_rate_limits`: request-limit counters shared by every instance on one database (the web
 * chat's per-client and per-session limits; typed in `src/http/shared-rate-limit.ts`).
 * - `rate_limit_counters`: one row per counter key (a hash: never an address or a session id as
 *   such), the hits of its current window and when that window ends (ms since the epoch).
 * Rows whose window ended are deleted by the instances as they count.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const rateLimits0810: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limit_counters')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addColumn('window_end', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rate_limit_counters_window_end').on('rate_limit_counters').column('window_end').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('rate_limit_counters').ifExists().execute();
  },
});
