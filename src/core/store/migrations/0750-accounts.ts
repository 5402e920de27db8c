/**
 * `0750_accounts`: what session timeouts and the users list need.
 * - `handoff_sessions.last_seen_at`: when the session last made a request, so an idle session
 *   expires after `auth.idleMinutes` on whichever instance it next reaches (NULL for sessions
 *   opened before this migration: their creation time counts instead).
 * - `handoff_users.last_login_at`: the last successful login, shown by `ventanilla users list`.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const accounts0750: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('handoff_sessions').addColumn('last_seen_at', 'text').execute();
    await db.schema.alterTable('handoff_users').addColumn('last_login_at', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('handoff_users').dropColumn('last_login_at').execute();
    await db.schema.alterTable('handoff_sessions').dropColumn('last_seen_at').execute();
  },
});
