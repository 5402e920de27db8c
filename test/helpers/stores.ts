/**
 * Store factories for tests: SQLite always; PostgreSQL when VENTANILLA_TEST_POSTGRES_URL is set
 * (each suite gets its own schema, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { createStore, dropPostgresSchema, type Store } from '../../src/core/store/index.js';

export const postgresUrl = process.env.VENTANILLA_TEST_POSTGRES_URL;

if (postgresUrl === undefined || postgresUrl === '') {
  console.warn('[ventanilla tests] VENTANILLA_TEST_POSTGRES_URL is not set: PostgreSQL store tests are skipped (.ci/run sets it).');
}

export interface StoreKind {
  readonly name: 'sqlite' | 'postgres';
  readonly enabled: boolean;
  open(): Promise<Store>;
}

const cleanups = new WeakMap<Store, () => Promise<void>>();

export const storeKinds: readonly StoreKind[] = [
  {
    name: 'sqlite',
    enabled: true,
    async open() {
      const store = await createStore(':memory:');
      await store.migrate();
      return store;
    },
  },
  {
    name: 'postgres',
    enabled: postgresUrl !== undefined && postgresUrl !== '',
    async open() {
      const url = postgresUrl ?? '';
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const store = await createStore(url, { schema, poolSize: 5 });
      await store.migrate();
      cleanups.set(store, () => dropPostgresSchema(url, schema));
      return store;
    },
  },
];

/** Closes the store and drops its PostgreSQL schema, if any. */
export async function disposeStore(store: Store): Promise<void> {
  await store.close();
  await cleanups.get(store)?.();
}

/**
 * Several stores on one new PostgreSQL schema (several instances of the hub on one database),
 * migrated; `dispose` closes them all and drops the schema. Needs VENTANILLA_TEST_POSTGRES_URL.
 */
export async function openSharedPostgres(count: number, poolSize = 5): Promise<{ stores: Store[]; schema: string; dispose: () => Promise<void> }> {
  const url = postgresUrl ?? '';
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const stores: Store[] = [];
  for (let index = 0; index < count; index += 1) {
    const store = await createStore(url, { schema, poolSize });
    await store.migrate();
    stores.push(store);
  }
  return {
    stores,
    schema,
    async dispose() {
      for (const store of stores) await store.close();
      await dropPostgresSchema(url, schema);
    },
  };
}
