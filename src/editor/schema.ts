/**
 * The editor's tables (migration `0200_editor`): the draft intents, numbered immutable versions
 * (content + trained model), the audit log, small metadata and the unrecognised-question inbox.
 * Text ids, ISO timestamps as text, 0/1 booleans and JSON as text, so SQLite and PostgreSQL share
 * one code path.
 */
import type { Kysely } from 'kysely';
import type { KyselyStore } from '../core/store/index.js';
import { registerMigrations, type DialectMigration } from '../core/store/migrations.js';
import type { Database } from '../core/store/schema.js';

export interface EditorDraftTable {
  id: string;
  /** JSON of the {@link EditorIntent}. */
  data: string;
  updated_at: string;
  updated_by: string;
}

export interface EditorVersionsTable {
  number: number;
  kind: string;
  /** JSON of the whole {@link EditorContent}. */
  content: string;
  /** JSON `{ [language]: nlp.js export }`; null until trained (the seeded version 1). */
  model: string | null;
  author: string;
  message: string;
  /** JSON of the {@link DiffSummary} against the previous version. */
  diff: string;
  /** For rollbacks: the version whose content this one restores. */
  source_version: number | null;
  /** Dev-set accuracy measured when it was published (null when no dev set). */
  accuracy: number | null;
  created_at: string;
}

export interface EditorAuditTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  /** JSON details (never citizen text). */
  details: string;
}

export interface EditorMetaTable {
  key: string;
  value: string;
}

export interface EditorUnrecognizedTable {
  id: string;
  /** Similarity key: the sorted content words of the normalised, masked text. */
  group_key: string;
  /** The citizen's text with personal data masked. */
  text: string;
  language: string | null;
  intent: string | null;
  score: number | null;
  reason: string;
  conversation_id: string;
  /** The citizen transcript entry id: the same question is never filed twice. */
  entry_id: string;
  status: string;
  assigned_intent: string | null;
  resolved_by: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface EditorTables {
  editor_draft: EditorDraftTable;
  editor_versions: EditorVersionsTable;
  editor_audit: EditorAuditTable;
  editor_meta: EditorMetaTable;
  editor_unrecognized: EditorUnrecognizedTable;
}

export type EditorDb = Kysely<Database & EditorTables>;

/** The store's Kysely instance, typed with the editor tables too. */
export function editorDb(store: KyselyStore): EditorDb {
  return store.kysely as unknown as EditorDb;
}

const editor0200: DialectMigration = () => ({
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

/** Registers the `0200_editor` migration with the core store (idempotent). Call before `store.migrate()`. */
export function registerEditorMigrations(): void {
  registerMigrations({ '0200_editor': editor0200 });
}
