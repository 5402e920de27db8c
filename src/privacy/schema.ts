/**
 * The tables the privacy module reads and writes: its own (migration `0600_privacy`) and the
 * columns it needs of other modules' tables (the handoff event log, the editor's inbox), typed here
 * so the module depends on the schema, not on those modules' code.
 */
import type { Generated, Kysely } from 'kysely';
import type { Store } from '../core/store/index.js';
import type { Database } from '../core/store/schema.js';

export interface PrivacyLeasesTable {
  name: string;
  holder: string;
  expires_at: string;
}

export interface PrivacyAuditTable {
  seq: Generated<number>;
  at: string;
  /** The staff user (or `cli`, `system`) who did it. */
  actor: string;
  /** `transcript.read`, `contact.export`, `contact.erase`, `login`, `login.failed`, `role.change`… */
  action: string;
  conversation_id: string | null;
  contact_id: string | null;
  reason: string | null;
  /** JSON details (never citizen text). */
  details: string;
}

export interface PrivacyErasuresTable {
  id: string;
  contact_id: string;
  channel: string;
  /** HMAC-SHA-256 hex (server secret) of `channel:external id`, to answer a second erasure without the identifier (bare SHA-256 in older records). */
  subject_hash: string;
  erased_at: string;
  actor: string;
  /** JSON counts of what was pseudonymised or removed. */
  details: string;
}

export interface LoginThrottleTable {
  /** `client:<address>` or `account:<username>`. */
  key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

/** The columns of `handoff_events` (migration `0100_handoff`) the purge and the rights use. */
export interface HandoffEventsColumns {
  seq: Generated<number>;
  type: string;
  ticket_id: string | null;
  conversation_id: string | null;
  data: string;
  created_at: string;
}

/** The columns of `handoff_tickets` the rights use (the ticket itself is a report figure and stays). */
export interface HandoffTicketsColumns {
  id: string;
  conversation_id: string;
  reason: string;
  intent: string | null;
  language: string | null;
  status: string;
  satisfaction: number | null;
  created_at: string;
  closed_at: string | null;
}

/** The columns of `editor_unrecognized` (migration `0200_editor`) the purge and the rights use. */
export interface EditorUnrecognizedColumns {
  id: string;
  text: string;
  conversation_id: string;
  status: string;
  created_at: string;
}

export interface PrivacyTables {
  privacy_leases: PrivacyLeasesTable;
  privacy_audit: PrivacyAuditTable;
  privacy_erasures: PrivacyErasuresTable;
  login_throttle: LoginThrottleTable;
  handoff_events: HandoffEventsColumns;
  handoff_tickets: HandoffTicketsColumns;
  editor_unrecognized: EditorUnrecognizedColumns;
}

export type PrivacyDb = Kysely<Database & PrivacyTables>;

/** The store's Kysely instance, typed with the privacy module's tables too. */
export function privacyDb(store: Store): PrivacyDb {
  return store.kysely as unknown as PrivacyDb;
}
