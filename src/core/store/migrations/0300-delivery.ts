/**
 * `0300_delivery`: what delivery needs to resume and to explain itself.
 * - `outbox.parts_sent`: how many parts of a split reply the platform accepted, so a retry
 *   resumes after them instead of sending part 1 again.
 * - `outbox.failure`: the last failure as JSON (kind, status, the platform's words), which the
 *   agent console shows in plain words next to the message.
 * - `conversations.held_outbox`: 1 while replies wait for the citizen to reopen the platform's
 *   reply window (WhatsApp 24 h); the citizen's next message releases them.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const delivery0300: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    // SQLite adds one column per ALTER TABLE.
    await db.schema.alterTable('outbox').addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('outbox').addColumn('failure', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('held_outbox', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('conversations').dropColumn('held_outbox').execute();
    await db.schema.alterTable('outbox').dropColumn('failure').execute();
    await db.schema.alterTable('outbox').dropColumn('parts_sent').execute();
  },
});
