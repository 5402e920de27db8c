/**
 * The accounts' tables: console users and their server-side sessions. The tables keep the names
 * the handoff migration (`0100_handoff`) gave them; the same conventions as the core store apply
 * (text ids, ISO-8601 UTC timestamps as text, 0/1 booleans, JSON as text).
 */
import type { Kysely } from 'kysely';
import type { Store } from '../core/store/index.js';

export interface UsersTable {
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
  /** The last successful login (migration `0750_accounts`). */
  last_login_at: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** sha256 of the cookie token: a database leak does not leak usable sessions. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  /** The absolute end of the session. */
  expires_at: string;
  /** The last request made with it, for the idle timeout (migration `0750_accounts`; NULL: never since). */
  last_seen_at: string | null;
}

export interface AccountsTables {
  handoff_users: UsersTable;
  handoff_sessions: SessionsTable;
}

export type AccountsDb = Kysely<AccountsTables>;

/** The store's Kysely instance, typed with the accounts' tables only. */
export function accountsDb(store: Store): AccountsDb {
  return store.kysely as unknown as AccountsDb;
}
