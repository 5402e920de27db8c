/**
 * `0200_editor`: the FAQ editor's draft, versions, audit log, metadata and unrecognised inbox
 * (typed in `src/editor/schema.ts`). Shipped: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const editor0200: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('editor_draft')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('editor_versions')
      .addColumn('number', 'integer', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('model', 'text')
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('diff', 'text', (c) => c.notNull())
      .addColumn('source_version', 'integer')
      .addColumn('accuracy', 'real')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('editor_audit')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('editor_audit_at').on('editor_audit').columns(['at']).execute();
    await db.schema
      .createTable('editor_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('editor_unrecognized')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_key', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('language', 'text')
      .addColumn('intent', 'text')
      .addColumn('score', 'real')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('entry_id', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('assigned_intent', 'text')
      .addColumn('resolved_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .execute();
    await db.schema.createIndex('editor_unrecognized_status').on('editor_unrecognized').columns(['status', 'group_key']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['editor_unrecognized', 'editor_meta', 'editor_audit', 'editor_versions', 'editor_draft']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
});
