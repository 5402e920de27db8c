/**
 * `0820_purge_keys`: the retention purge walks each data class in (time, key) order and deletes
 * one short range at a time, so each index it needs ends with the row's key: a batch is then an
 * index range whatever the number of rows sharing one timestamp, and a row the purge must keep
 * (a conversation still with a person) is stepped over once instead of rescanned every batch.
 * Each new index replaces the `0600_privacy` one with the same leading columns, so turns maintain
 * no more indexes than before.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

/** [old index (0600), new index, table, new columns, old columns]. */
const INDEXES: readonly (readonly [string, string, string, readonly string[], readonly string[]])[] = [
  ['transcript_created', 'transcript_purge', 'transcript', ['created_at', 'seq'], ['created_at']],
  ['inbound_received', 'inbound_purge', 'inbound', ['received_at', 'id'], ['received_at']],
  ['outbox_status_created', 'outbox_purge', 'outbox', ['status', 'created_at', 'seq'], ['status', 'created_at']],
  ['handoff_events_created', 'handoff_events_purge', 'handoff_events', ['created_at', 'seq'], ['created_at']],
  ['editor_unrecognized_created', 'editor_unrecognized_purge', 'editor_unrecognized', ['created_at', 'id'], ['created_at']],
  ['privacy_audit_at', 'privacy_audit_purge', 'privacy_audit', ['at', 'seq'], ['at']],
];

export const purgeKeys0820: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    for (const [old, name, table, columns] of INDEXES) {
      await db.schema.createIndex(name).on(table).columns([...columns]).execute();
      await db.schema.dropIndex(old).execute();
    }
  },
  async down(db: Kysely<unknown>) {
    for (const [old, name, table, , columns] of INDEXES) {
      await db.schema.createIndex(old).on(table).columns([...columns]).execute();
      await db.schema.dropIndex(name).execute();
    }
  },
});
