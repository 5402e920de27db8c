/**
 * `0800_turn_leases`: turn ownership as a lease on the conversation row, so several instances on
 * one PostgreSQL database run one turn at a time per conversation without holding a connection.
 * - `conversations.pending_inbound`: stored messages of the conversation not yet processed. Ingest
 *   adds one and the turn commit takes one away, each in the statement that already writes the
 *   row, so the owner learns in its commit whether more is waiting.
 * - `conversations.lease_owner` / `lease_until`: the instance running the conversation's turns and
 *   until when (ISO-8601 UTC). Released by the commit that leaves nothing pending; an instance that
 *   dies loses its leases at `lease_until` and another one takes the conversation over.
 * - `conversations_claimable`: a partial index over conversations with pending messages, which is
 *   what an instance looks through for conversations whose owner died.
 * Existing databases get their counters from the pending rows. SQLite (one process) keeps the
 * counter too (one code path) and never takes a lease.
 * Shipped once released: never edit it, add a new migration.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const turnLeases0800: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    // SQLite adds one column per ALTER TABLE.
    await db.schema.alterTable('conversations').addColumn('pending_inbound', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('conversations').addColumn('lease_owner', 'text').execute();
    await db.schema.alterTable('conversations').addColumn('lease_until', 'text').execute();
    await sql`update conversations set pending_inbound = (select count(*) from inbound where inbound.conversation_id = conversations.id and inbound.status = 'pending')`.execute(db);
    await db.schema
      .createIndex('conversations_claimable')
      .on('conversations')
      .column('lease_until')
      .where(sql.ref('pending_inbound'), '>', 0)
      .execute();
    await db.schema.createIndex('inbound_conversation_pending').on('inbound').columns(['conversation_id', 'status', 'received_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('inbound_conversation_pending').ifExists().execute();
    await db.schema.dropIndex('conversations_claimable').ifExists().execute();
    await db.schema.alterTable('conversations').dropColumn('lease_until').execute();
    await db.schema.alterTable('conversations').dropColumn('lease_owner').execute();
    await db.schema.alterTable('conversations').dropColumn('pending_inbound').execute();
  },
});
