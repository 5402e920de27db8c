/**
 * The handoff module's tables and its migration (`0100_handoff`). Same conventions as the core
 * store: text ids, ISO-8601 UTC timestamps as text, 0/1 booleans, JSON as text; one query path
 * for SQLite and PostgreSQL.
 */
import type { Generated, Kysely } from 'kysely';
import type { KyselyStore } from '../core/store/kysely-store.js';
import { registerMigrations, type DialectMigration } from '../core/store/migrations.js';
import type { Database } from '../core/store/schema.js';

export interface HandoffUsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  /** agent | supervisor | editor | admin */
  role: string;
  /** available | away | offline */
  presence: string;
  capacity: number;
  /** JSON array of language codes. */
  languages: string;
  /** JSON array of queue ids. */
  queues: string;
  /** When the agent last got a conversation (or became available): "idle longest" sorts on it. */
  idle_since: string;
  last_seen_at: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface HandoffSessionsTable {
  /** sha256 of the cookie token: a database leak does not leak usable sessions. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface HandoffTicketsTable {
  id: string;
  conversation_id: string;
  /** The conversation id while the ticket is open (queued/assigned), NULL after: one open ticket per conversation. */
  open_conversation_id: string | null;
  queue_id: string;
  /** urgent | vulnerable | normal */
  priority: string;
  /** 0 urgent, 1 vulnerable, 2 normal: the first sort key of the queue. */
  priority_rank: number;
  /** FIFO key within a priority: `1|<enqueued ISO>`, or `0|…` for chats sent back to the head. */
  sort_key: string;
  /** queued | assigned | resolved | cancelled | abandoned */
  status: string;
  agent_id: string | null;
  reason: string;
  intent: string | null;
  language: string | null;
  out_of_hours: number;
  sla_breached: number;
  notified_position: number | null;
  notified_wait: number | null;
  satisfaction: number | null;
  created_at: string;
  enqueued_at: string;
  assigned_at: string | null;
  closed_at: string | null;
  updated_at: string;
}

export interface HandoffEventsTable {
  seq: Generated<number>;
  type: string;
  ticket_id: string | null;
  conversation_id: string | null;
  queue_id: string | null;
  agent_id: string | null;
  actor_id: string | null;
  data: string;
  created_at: string;
}

export interface HandoffTables {
  handoff_users: HandoffUsersTable;
  handoff_sessions: HandoffSessionsTable;
  handoff_tickets: HandoffTicketsTable;
  handoff_events: HandoffEventsTable;
}

export type HandoffDatabase = Database & HandoffTables;
export type HandoffDb = Kysely<HandoffDatabase>;

/** The store's Kysely instance, typed with the handoff tables too. */
export function handoffDb(store: KyselyStore): HandoffDb {
  return store.kysely as unknown as HandoffDb;
}

const handoff0100: DialectMigration = (dialect) => ({
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

/** Registers the `0100_handoff` migration with the core store (idempotent). Call before `store.migrate()`. */
export function registerHandoffMigrations(): void {
  registerMigrations({ '0100_handoff': handoff0100 });
}
