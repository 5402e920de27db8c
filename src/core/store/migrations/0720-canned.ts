/**
 * `0720_canned_responses`: the console's canned responses, one row per queue, response and
 * language, so supervisors edit them in the console instead of in `config/queues.yaml` (which
 * seeds them). A deleted response keeps its row with `deleted_at`, so the next start-up's seeding
 * does not bring it back.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const canned0720: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('canned_responses')
      .addColumn('queue_id', 'text', (c) => c.notNull())
      .addColumn('canned_id', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('deleted_at', 'text')
      .addPrimaryKeyConstraint('canned_responses_pk', ['queue_id', 'canned_id', 'language'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('canned_responses').execute();
  },
});
