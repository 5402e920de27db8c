/**
 * `0740_feedback`: the citizen's 👍/👎 on bot answers.
 * - `message_feedback`: one row per rated answer (`outbox_id` unique: the outbox item that
 *   delivered it, which the transcript entry names too). A retried webhook or a double click finds
 *   the row and changes nothing; a citizen who changes their mind updates `value`.
 * - `editor_unrecognized.detail`: what the inbox shows next to the reason (the bot answer that was
 *   rated down, the follow-up that said "no"), masked like the question itself.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const feedback0740: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('message_feedback')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('outbox_id', 'text', (c) => c.notNull().unique())
      .addColumn('entry_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('intent', 'text')
      .addColumn('score', 'real')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('message_feedback_created').on('message_feedback').columns(['created_at']).execute();
    await db.schema.createIndex('message_feedback_conversation').on('message_feedback').columns(['conversation_id']).execute();
    await db.schema.alterTable('editor_unrecognized').addColumn('detail', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('message_feedback').execute();
    await db.schema.alterTable('editor_unrecognized').dropColumn('detail').execute();
  },
});
