/**
 * The editor's tables (migration `0200_editor`): the draft intents, numbered immutable versions
 * (content + trained model), the audit log, small metadata and the unrecognised-question inbox.
 * Text ids, ISO timestamps as text, 0/1 booleans and JSON as text, so SQLite and PostgreSQL share
 * one code path.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../core/store/index.js';
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
  /** What the reason refers to (migration `0740_feedback`): the answer rated 👎, the follow-up that said "no"; masked. */
  detail: string | null;
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
export function editorDb(store: Store): EditorDb {
  return store.kysely as unknown as EditorDb;
}

