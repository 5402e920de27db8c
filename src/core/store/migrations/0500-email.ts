/**
 * `0500_email`: what the e-mail channel keeps so that a restart neither repeats nor skips mail and
 * a reply finds its thread.
 * - `email_mailboxes`: per configured mailbox, the IMAP UIDVALIDITY and the last UID stored.
 * - `email_messages`: every Message-ID the hub saw or sent, with the thread it belongs to and the
 *   citizen's address (a reply joins a thread only from the same address).
 * - `email_intake`: one row per IMAP message read (accepted, ignored with the reason, bounce),
 *   which is the mailbox's visible state and the per-sender hourly count.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import { autoIncrement } from './0001-core.js';
import type { DialectMigration } from './types.js';

export const email0500: DialectMigration = (dialect) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('email_mailboxes')
      .addColumn('mailbox', 'text', (c) => c.primaryKey())
      .addColumn('uid_validity', 'text', (c) => c.notNull())
      .addColumn('last_uid', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('email_messages')
      .addColumn('message_id', 'text', (c) => c.primaryKey())
      .addColumn('mailbox', 'text', (c) => c.notNull())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('email_messages_thread').on('email_messages').columns(['mailbox', 'thread_id']).execute();
    await db.schema
      .createTable('email_intake')
      .addColumn('seq', autoIncrement(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('mailbox', 'text', (c) => c.notNull())
      .addColumn('uid_validity', 'text', (c) => c.notNull())
      .addColumn('uid', 'bigint', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('email_intake_uid', ['mailbox', 'uid_validity', 'uid'])
      .execute();
    await db.schema.createIndex('email_intake_sender').on('email_intake').columns(['sender', 'status', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('email_intake').execute();
    await db.schema.dropTable('email_messages').execute();
    await db.schema.dropTable('email_mailboxes').execute();
  },
});
