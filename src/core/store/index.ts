/**
 * Opens the store the URL names: a `postgres://` (or `postgresql://`) URL → PostgreSQL through
 * `pg`; anything else is a SQLite file path (`:memory:` for a throw-away store) through
 * better-sqlite3 in WAL mode.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, type Dialect, type DialectAdapter } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import pg from 'pg';
import postgres from 'postgres';
import { HubError } from '../errors.js';
import { storageError, type StoragePlace } from '../storage-errors.js';
import { KyselyStore, type KyselyStoreOptions } from './kysely-store.js';
import type { Database } from './schema.js';
import type { Store } from './types.js';

export { MIGRATION_NAMES, type DialectMigration } from './migrations/index.js';
export type * from './types.js';
export type { Database } from './schema.js';

export interface CreateStoreOptions {
  /** PostgreSQL only: a schema to create and use (tests isolate themselves this way). */
  readonly schema?: string;
  /** PostgreSQL only: connections in the main pool (intake has 2 more of its own). */
  readonly poolSize?: number;
  /**
   * PostgreSQL only: the client library under Kysely. `pg` (the default) or `postgres`
   * (postgres.js, which keeps every statement prepared on its connection). `npm run bench:pipeline`
   * measures both (`BENCH_PG_DRIVERS`); LISTEN/NOTIFY and the singleton lock always use `pg`.
   */
  readonly driver?: PostgresDriverName;
}

/** The PostgreSQL client libraries the store can run on. */
export type PostgresDriverName = 'pg' | 'postgres';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens (but does not migrate) the store for `url`. */
export async function createStore(url: string, options: CreateStoreOptions = {}): Promise<Store> {
  return isPostgresUrl(url) ? openPostgres(url, options) : openSqlite(url);
}

function openSqlite(path: string): Store {
  const place = { directory: dirname(path), file: path };
  let database: BetterSqlite3.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(place.directory, { recursive: true });
    database = new BetterSqlite3(path);
    // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes
    // (only an OS crash can lose the last transactions), which is the failure the outbox guards.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    probeWritable(database);
  } catch (error) {
    database?.close();
    throw (
      storageError(error, place) ??
      new HubError('HUB_ERR_CONFIG', `cannot open the SQLite database at ${path}: ${String(error)}. Set VENTANILLA_DATABASE_URL to a writable file path.`, { cause: error })
    );
  }
  const statements = withStatementCache(database);
  const db = new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database: statements }) });
  const iterate = (sql: string, parameters: readonly unknown[]): IterableIterator<unknown> => statements.prepare(sql).iterate(...parameters);
  return new SqliteStore({ db, dialect: 'sqlite', destroy: () => db.destroy(), iterate }, place);
}

/**
 * SQLite opens a file it may not write read-only without a word, and an already migrated
 * database needs no write at start-up: without this probe a read-only file would be found out by
 * the first citizen message. A header write inside a rolled-back transaction changes nothing.
 */
function probeWritable(database: BetterSqlite3.Database): void {
  const version = Number(database.pragma('user_version', { simple: true }));
  database.exec('BEGIN IMMEDIATE');
  try {
    database.pragma(`user_version = ${version}`);
  } finally {
    if (database.inTransaction) database.exec('ROLLBACK');
  }
}

/** A SQLite store whose migration failures for lack of space or permission say so, with the path and the fix. */
class SqliteStore extends KyselyStore {
  constructor(
    options: KyselyStoreOptions,
    private readonly place: StoragePlace,
  ) {
    super(options);
  }

  override async migrate(): Promise<void> {
    try {
      await super.migrate();
    } catch (error) {
      throw storageError(error, this.place) ?? error;
    }
  }
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its migrator
 * would apply each migration bare: a failure half-way (disk full, a crash) would leave a
 * half-migrated file. With this adapter pending migrations apply in one transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * Kysely prepares every query anew; preparing costs as much as running a small statement, so the
 * hub's few dozen distinct statements are kept prepared. Bounded, because `in (?, ?, …)` lists
 * make new SQL strings.
 */
function withStatementCache(database: BetterSqlite3.Database): { close(): void; prepare(sql: string): BetterSqlite3.Statement } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        if (cache.size >= 500) cache.clear();
        statement = database.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new HubError('HUB_ERR_CONFIG', `invalid PostgreSQL schema name "${name}": use lower-case letters, digits and _`);
  }
  return `"${name}"`;
}

async function openPostgres(url: string, options: CreateStoreOptions): Promise<Store> {
  const schema = options.schema === undefined ? undefined : quoteIdent(options.schema);
  const admin = new pg.Client({ connectionString: url });
  try {
    // Connecting once up front turns a wrong URL or a server that is down into one clear sentence.
    await admin.connect();
  } catch (error) {
    throw new HubError(
      'HUB_ERR_STORE',
      `cannot connect to PostgreSQL at ${describePostgresUrl(url)} (${error instanceof Error ? error.message : String(error)}). Check VENTANILLA_DATABASE_URL and that the server is running and accepts this user.`,
      { cause: error },
    );
  }
  try {
    if (schema !== undefined) await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await admin.end();
  }
  const db = new Kysely<Database>({ dialect: postgresDialect(url, schema, options.poolSize ?? 10, options.driver ?? 'pg') });
  // Intake first: a webhook's store-before-acknowledge has connections of its own, so a burst of
  // turn statements queued on the main pool never delays a platform's 200.
  const intake = new Kysely<Database>({ dialect: postgresDialect(url, schema, 2, options.driver ?? 'pg') });
  const trySingletonLock = async (key: string): Promise<(() => Promise<void>) | undefined> => {
    // A dedicated client: the lock lives as long as this session, whatever the pools do.
    const client = new pg.Client({ connectionString: url });
    // A dropped session ends the lock with it; unheard, the client's 'error' would end the process.
    client.on('error', () => {});
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 1)) AS locked', [key]);
    if (rows[0]?.locked !== true) {
      await client.end();
      return undefined;
    }
    return async () => {
      await client.end();
    };
  };
  return new KyselyStore({
    db,
    dialect: 'postgres',
    trySingletonLock,
    intake,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    destroy: async () => {
      await intake.destroy();
      await db.destroy();
    },
  });
}

/** A Kysely dialect on a pool of `max` connections whose search_path is `schema` (quoted) from their first query. */
function postgresDialect(url: string, schema: string | undefined, max: number, driver: PostgresDriverName): Dialect {
  if (driver === 'postgres') {
    // postgres.js sets run-time parameters in the startup packet too; `prepare` (its default) names
    // each distinct statement once per connection.
    const sql = postgres(url, { max, prepare: true, onnotice: () => {}, ...(schema === undefined ? {} : { connection: { search_path: schema } }) });
    return new PostgresJSDialect({ postgres: sql });
  }
  // The search_path goes in the startup packet so every pooled connection is in the schema from its first query.
  const pool = new pg.Pool({ connectionString: url, max, ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }) });
  // A connection the server drops (a restart, a network cut) reports an 'error' that, unheard,
  // would end the process: on the pool when the connection was idle, on the client itself when
  // Kysely held it between statements. Its queries fail (requests get 503, isStoreUnreachable),
  // the pool discards it on release and opens a new one on the next query.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new PostgresDialect({ pool });
}

/** Host, port and database of a PostgreSQL URL, without the credentials. */
function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '5432' : parsed.port}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}

/** Drops a test schema (PostgreSQL test isolation). */
export async function dropPostgresSchema(url: string, schemaName: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schemaName)} CASCADE`);
  } finally {
    await client.end();
  }
}
