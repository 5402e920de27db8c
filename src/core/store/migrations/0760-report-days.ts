/**
 * `0760_report_days`: the daily tier of the quality-indicator roll-ups (typed in
 * `src/reports/schema.ts`).
 * - `report_days`: one row per local day (in the queues' time zone), channel, queue, language and
 *   metric, with the count, total and peak of the hourly rows of that day summed (the peak is the
 *   largest). Intent and agent are left out: a 30-day report by queue and channel reads a few
 *   thousand rows instead of the hourly tier's hundreds of thousands.
 * - `report_meta`: settings the tiers were computed with (`days_timezone`): a daily tier made in
 *   another time zone is not read, and the hub recomputes it from the hourly tier.
 * Empty on creation: the hub fills `report_days` from `report_rollups` on its first flush.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const reportDays0760: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('report_days')
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('queue_id', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('peak', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('report_days_pk', ['day', 'channel', 'queue_id', 'language', 'metric'])
      .execute();
    await db.schema
      .createTable('report_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('report_meta').ifExists().execute();
    await db.schema.dropTable('report_days').ifExists().execute();
  },
});
