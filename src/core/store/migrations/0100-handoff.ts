/**
 * `0100_handoff`: the handoff queue's users, sessions, tickets and event log (typed in
 * `src/handoff/schema.ts`). Shipped: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const handoff0100: DialectMigration = (dialect) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('handoff_users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('presence', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('languages', 'text', (c) => c.notNull())
      .addColumn('queues', 'text', (c) => c.notNull())
      .addColumn('idle_since', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('handoff_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('handoff_users.id'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('handoff_sessions_user').on('handoff_sessions').columns(['user_id']).execute();
    await db.schema
      .createTable('handoff_tickets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
      // NULLs are distinct in a UNIQUE constraint on both dialects: only open tickets collide.
      .addColumn('open_conversation_id', 'text', (c) => c.unique())
      .addColumn('queue_id', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('priority_rank', 'integer', (c) => c.notNull())
      .addColumn('sort_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('intent', 'text')
      .addColumn('language', 'text')
      .addColumn('out_of_hours', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sla_breached', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('notified_position', 'integer')
      .addColumn('notified_wait', 'integer')
      .addColumn('satisfaction', 'integer')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('enqueued_at', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // The queue order: status, then priority, then FIFO key.
    await db.schema.createIndex('handoff_tickets_queue').on('handoff_tickets').columns(['status', 'priority_rank', 'sort_key']).execute();
    await db.schema.createIndex('handoff_tickets_agent').on('handoff_tickets').columns(['agent_id', 'status']).execute();
    await db.schema.createIndex('handoff_tickets_conversation').on('handoff_tickets').columns(['conversation_id', 'created_at']).execute();
    await db.schema.createIndex('handoff_tickets_closed').on('handoff_tickets').columns(['queue_id', 'status', 'closed_at']).execute();
    await db.schema
      .createTable('handoff_events')
      .addColumn('seq', dialect === 'sqlite' ? 'integer' : 'serial', (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('ticket_id', 'text')
      .addColumn('conversation_id', 'text')
      .addColumn('queue_id', 'text')
      .addColumn('agent_id', 'text')
      .addColumn('actor_id', 'text')
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('handoff_events_ticket').on('handoff_events').columns(['ticket_id', 'seq']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['handoff_events', 'handoff_tickets', 'handoff_sessions', 'handoff_users']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
});
