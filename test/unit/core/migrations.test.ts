/**
 * The migration list is the schema's history: ordered, unique, and complete in every process,
 * whichever module it imported (no registration by import side effect).
 */
import { describe, expect, it } from 'vitest';
import { createStore, MIGRATION_NAMES } from '../../../src/core/store/index.js';

describe('migration list', () => {
  it('is sorted and unique, as Kysely applies migrations in name order', () => {
    expect([...MIGRATION_NAMES].sort()).toEqual([...MIGRATION_NAMES]);
    expect(new Set(MIGRATION_NAMES).size).toBe(MIGRATION_NAMES.length);
  });

  it('keeps the names of shipped migrations, which existing databases recorded', () => {
    expect(MIGRATION_NAMES.slice(0, 3)).toEqual(['0001_core', '0100_handoff', '0200_editor']);
  });

  it('a store opened by itself creates every module table', async () => {
    const store = await createStore(':memory:');
    await store.migrate();
    const tables = (await store.kysely.introspection.getTables()).map((table) => table.name);
    expect(tables).toEqual(expect.arrayContaining(['conversations', 'outbox', 'handoff_tickets', 'handoff_users', 'editor_versions', 'editor_unrecognized']));
    expect(await store.appliedMigrations()).toEqual([...MIGRATION_NAMES]);
    await store.migrate();
    await store.close();
  });
});
