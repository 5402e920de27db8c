/**
 * `0001_core`: contacts, conversations, the inbound inbox, the outbox, the transcript and cursors.
 * Shipped: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { Dialect, DialectMigration } from './types.js';

export function autoIncrement(dialect: Dialect): 'integer' | 'serial' {
  return dialect === 'sqlite' ? 'integer' : 'serial';
}

export const core0001: DialectMigration = (dialect) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('contacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('locale', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('contacts_channel_external_id', ['channel', 'external_id'])
      .execute();
    await db.schema
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('conversation_key', 'text', (c) => c.notNull().unique())
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('language', 'text')
      .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('unreachable', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reply_context', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_inbound_at', 'text')
      .execute();
    await db.schema.createIndex('conversations_mode').on('conversations').columns(['mode', 'updated_at']).execute();
    await db.schema
      .createTable('inbound')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('channel_message_id', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'text')
      .addUniqueConstraint('inbound_channel_message', ['channel', 'channel_message_id'])
      .execute();
    await db.schema.createIndex('inbound_pending').on('inbound').columns(['status', 'received_at']).execute();
    await db.schema
      .createTable('outbox')
      .addColumn('seq', autoIncrement(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('channel_message_id', 'text')
      .addColumn('delivery_status', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('outbox_conversation').on('outbox').columns(['conversation_id', 'status']).execute();
    await db.schema.createIndex('outbox_channel_message').on('outbox').columns(['channel', 'channel_message_id']).execute();
    await db.schema
      .createTable('transcript')
      .addColumn('seq', autoIncrement(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('data', 'text')
      .addColumn('intent', 'text')
      .addColumn('score', 'real')
      .addColumn('language', 'text')
      .addColumn('outbox_id', 'integer')
      .addColumn('inbound_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('transcript_conversation').on('transcript').columns(['conversation_id', 'seq']).execute();
    await db.schema.createIndex('transcript_inbound').on('transcript').column('inbound_id').execute();
    await db.schema
      .createTable('cursors')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['cursors', 'transcript', 'outbox', 'inbound', 'conversations', 'contacts']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
});
