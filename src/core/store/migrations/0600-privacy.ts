/**
 * `0600_privacy`: what retention, the data subject's rights and the access audit need.
 * - `privacy_leases`: one row per periodic job (the daily purge); the instance holding an
 *   unexpired lease runs it, so several hubs on one PostgreSQL never purge at once.
 * - `privacy_audit`: who read which conversation, exported or erased whose data, and why.
 * - `privacy_erasures`: the record an erasure leaves (which contact, when, by whom, how much),
 *   without the identifiers it removed.
 * - `login_throttle`: failed logins per client and per account, shared by every instance, for the
 *   login limit and the account lockout.
 * - indexes on the creation time of every class the purge deletes, so a purge batch is an index
 *   range and not a table scan.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import { autoIncrement } from './0001-core.js';
import type { DialectMigration } from './types.js';

export const privacy0600: DialectMigration = (dialect) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('privacy_leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('privacy_audit')
      .addColumn('seq', autoIncrement(dialect), (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text')
      .addColumn('contact_id', 'text')
      .addColumn('reason', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('privacy_audit_at').on('privacy_audit').columns(['at']).execute();
    await db.schema
      .createTable('privacy_erasures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('contact_id', 'text', (c) => c.notNull().unique())
      .addColumn('channel', 'text', (c) => c.notNull())
      // SHA-256 of `channel:external id`: a second erasure of the same person is recognised (and
      // answered as done) without keeping the identifier itself.
      .addColumn('subject_hash', 'text', (c) => c.notNull().unique())
      .addColumn('erased_at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('login_throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .execute();
    await db.schema.createIndex('transcript_created').on('transcript').columns(['created_at']).execute();
    await db.schema.createIndex('inbound_received').on('inbound').columns(['received_at']).execute();
    await db.schema.createIndex('outbox_status_created').on('outbox').columns(['status', 'created_at']).execute();
    await db.schema.createIndex('handoff_events_created').on('handoff_events').columns(['created_at']).execute();
    await db.schema.createIndex('editor_unrecognized_created').on('editor_unrecognized').columns(['created_at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const index of ['editor_unrecognized_created', 'handoff_events_created', 'outbox_status_created', 'inbound_received', 'transcript_created']) {
      await db.schema.dropIndex(index).execute();
    }
    await db.schema.dropTable('login_throttle').execute();
    await db.schema.dropTable('privacy_erasures').execute();
    await db.schema.dropTable('privacy_audit').execute();
    await db.schema.dropTable('privacy_leases').execute();
  },
});
