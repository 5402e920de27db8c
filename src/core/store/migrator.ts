/**
 * Schema migrations: this version's list applied in one transaction, and a clear refusal of a
 * database a newer version migrated.
 */
import { Migrator, sql } from 'kysely';
import { HubError } from '../errors.js';
import { MIGRATION_NAMES, migrationProvider } from './migrations/index.js';
import type { StoreContext } from './context.js';

/** Applies and reports migrations. */
export class StoreMigrator {
  constructor(
    private readonly ctx: StoreContext,
    private readonly schema: string | undefined,
  ) {}

  /**
   * Brings the schema to this version's migration list ({@link MIGRATION_NAMES}). Pending migrations apply in one
   * transaction (both dialects), so a failure leaves the database as it was; on PostgreSQL
   * Kysely's migration lock makes concurrent instances apply them once. Throws HUB_ERR_STORE when
   * the database was migrated by a newer version (it names the unknown migration and what to do).
   */
  async migrate(): Promise<void> {
    await this.refuseNewerSchema();
    const schema = await this.migrationSchema();
    const migrator = new Migrator({
      db: this.ctx.db,
      provider: migrationProvider(this.ctx.dialect),
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
    let { error, results } = await migrator.migrateToLatest();
    // Kysely finds its tables by introspecting every schema of the database, which fails with
    // 3F000 when another schema is dropped at that moment (other tenants, test schemas). Nothing
    // was applied then (one transaction): try again.
    for (let attempt = 1; attempt < 4 && error !== undefined && droppedElsewhere(error, schema); attempt += 1) {
      ({ error, results } = await migrator.migrateToLatest());
    }
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new HubError('HUB_ERR_STORE', `migration ${failed} failed: ${String(error)}`, { cause: error });
    }
  }

  /**
   * The PostgreSQL schema the migration tables live in: the configured one, else the one the
   * search_path selects. Named explicitly because Kysely looks for its tables in every schema: a
   * kysely_migration of another schema in the same database (another app, another instance) would
   * be taken for this one's.
   */
  private async migrationSchema(): Promise<string | undefined> {
    if (this.schema !== undefined || this.ctx.dialect !== 'postgres') return this.schema;
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.ctx.db);
    return rows[0]?.schema ?? undefined;
  }

  /** Names of the migrations this database has recorded (empty for a new database). */
  async appliedMigrations(): Promise<string[]> {
    const schema = await this.migrationSchema();
    // Asked of the catalogue directly, for this schema only: Kysely's introspection reads every
    // schema and fails when another one is dropped meanwhile.
    const found =
      this.ctx.dialect === 'postgres'
        ? await sql<{ n: number }>`select 1 as n from pg_catalog.pg_tables where schemaname = ${schema ?? 'public'} and tablename = 'kysely_migration'`.execute(this.ctx.db)
        : await sql<{ n: number }>`select 1 as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(this.ctx.db);
    if (found.rows.length === 0) return [];
    const rows = await sql<{ name: string }>`select name from ${sql.table(schema === undefined ? 'kysely_migration' : `${schema}.kysely_migration`)} order by name`.execute(this.ctx.db);
    return rows.rows.map((row) => row.name);
  }

  private async refuseNewerSchema(): Promise<void> {
    const known = new Set(MIGRATION_NAMES);
    const unknown = (await this.appliedMigrations()).filter((name) => !known.has(name));
    if (unknown.length === 0) return;
    throw new HubError(
      'HUB_ERR_STORE',
      `this database was created or upgraded by a newer version of Ventanilla (it has migration ${unknown.join(', ')}, which this version does not know). ` +
        'Run the version that upgraded it (or newer), or point VENTANILLA_DATABASE_URL at a backup made before the upgrade.',
    );
  }
}

/** A PostgreSQL "schema does not exist" (3F000) about a schema other than ours: a concurrent DROP SCHEMA elsewhere. */
function droppedElsewhere(error: unknown, schema: string | undefined): boolean {
  if (error === null || typeof error !== 'object' || (error as { code?: unknown }).code !== '3F000') return false;
  const message = (error as { message?: unknown }).message;
  return schema === undefined || typeof message !== 'string' || !message.includes(`"${schema}"`);
}
