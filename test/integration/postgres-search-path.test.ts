/**
 * A PostgreSQL schema chosen the way an operator chooses it (the search_path in
 * VENTANILLA_DATABASE_URL) migrates on its own, even when another schema of the same database
 * already has Kysely's migration tables (another app, another installation).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStore, dropPostgresSchema, MIGRATION_NAMES } from '../../src/core/store/index.js';
import { postgresUrl } from '../helpers/stores.js';

describe.skipIf(postgresUrl === undefined || postgresUrl === '')('PostgreSQL schema from the search_path', () => {
  it('a fresh schema migrates beside another schema that has migration tables', async () => {
    const url = postgresUrl ?? '';
    const other = `sp_other_${randomBytes(5).toString('hex')}`;
    const mine = `sp_mine_${randomBytes(5).toString('hex')}`;
    const neighbour = await createStore(url, { schema: other, poolSize: 2 });
    // An empty schema of our own, selected only by the URL.
    const creator = await createStore(url, { schema: mine, poolSize: 1 });
    await creator.close();
    try {
      await neighbour.migrate();
      const store = await createStore(`${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${mine}`)}`, { poolSize: 2 });
      try {
        expect(await store.appliedMigrations()).toEqual([]);
        await store.migrate();
        expect(await store.appliedMigrations()).toEqual([...MIGRATION_NAMES]);
        const tables = await store.kysely.introspection.getTables({ withInternalKyselyTables: true });
        expect(tables.filter((table) => table.schema === mine).map((table) => table.name)).toEqual(expect.arrayContaining(['kysely_migration', 'inbound', 'outbox', 'handoff_users']));
        // Migrating again finds its own record and does nothing.
        await store.migrate();
      } finally {
        await store.close();
      }
    } finally {
      await neighbour.close();
      await dropPostgresSchema(url, other);
      await dropPostgresSchema(url, mine);
    }
  });
});
