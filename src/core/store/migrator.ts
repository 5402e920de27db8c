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
    const { error, results } = await migrator.migrateToLatest();
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
    const tables = await this.ctx.db.introspection.getTables({ withInternalKyselyTables: true });
    if (!tables.some((table) => table.name === 'kysely_migration' && (schema === undefined || table.schema === schema))) return [];
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
