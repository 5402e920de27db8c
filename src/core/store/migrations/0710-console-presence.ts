/**
 * `0710_console_presence`: the presence each console user last chose themselves
 * (`handoff_presence_memory`), so the console can offer it back on the next login. The current
 * presence (`handoff_users.presence`) is also written by the hub (logout, the presence timeout)
 * and cannot tell what the agent wanted.
 * Shipped once released: never edit it, add a new migration.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const consolePresence0710: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('handoff_presence_memory')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('presence', 'text', (c) => c.notNull())
      .addColumn('chosen_at', 'text', (c) => c.notNull())
      .execute();
  },
});
