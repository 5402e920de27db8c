/**
 * `0400_reports`: the quality-indicator roll-ups of `src/reports` (typed in
 * `src/reports/schema.ts`).
 * - `report_rollups`: one row per UTC hour, slice (channel, queue, language, intent, agent) and
 *   metric, with a count, a total and a peak (milliseconds for durations), so a report over a
 *   month reads hundreds of rows per slice, never the transcripts.
 * - `report_state`: per conversation, what the roll-up writer must remember between events
 *   (open ticket, answers that may still be re-contacted within 72 h).
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const reports0400: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('report_rollups')
      .addColumn('bucket', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('queue_id', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('intent', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text', (c) => c.notNull())
      .addColumn('metric', 'text', (c) => c.notNull())
      .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('peak', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('report_rollups_pk', ['bucket', 'channel', 'queue_id', 'language', 'intent', 'agent_id', 'metric'])
      .execute();
    await db.schema
      .createTable('report_state')
      .addColumn('conversation_id', 'text', (c) => c.primaryKey())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('report_state').ifExists().execute();
    await db.schema.dropTable('report_rollups').ifExists().execute();
  },
});
