/**
 * `0850_report_hour_slices`: a third roll-up tier and storage that matches how reports read
 * (typed in `src/reports/schema.ts`).
 * - `report_hour_slices`: the hourly rows summed per UTC hour, channel, queue, language and metric
 *   (intent and agent left out, as in `report_days`). A report whose range cuts a local day reads
 *   that day's hours here: about a sixth of the hourly tier's rows for the same hours.
 * - `report_days` is made again with the same columns: on SQLite both tables are `WITHOUT ROWID`,
 *   so a range of days or hours is one ordered walk of the primary key that holds the counts (a
 *   rowid table walks its key index and looks every row up in the table).
 * - The daily tier's zone mark is removed, so the hub fills both tiers from `report_rollups` on its
 *   first flush (`ensureDayTier`, one local day per transaction) and reports read the hourly tier
 *   until then: no copy inside the migration, however many roll-ups the database holds.
 * Shipped once released: never edit it, add a new migration.
 */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect, DialectMigration } from './types.js';

/** `WITHOUT ROWID` on SQLite: the table is its primary key's B-tree. */
function clustered<T extends string, C extends string>(dialect: Dialect, table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
  return dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table;
}

function sliceTable<T extends string>(db: Kysely<unknown>, name: T, time: 'day' | 'bucket') {
  return db.schema
    .createTable(name)
    .addColumn(time, 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('peak', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint(`${name}_pk`, [time, 'channel', 'queue_id', 'language', 'metric']);
}

export const reportHourSlices0850: DialectMigration = (dialect) => ({
  async up(db: Kysely<unknown>) {
    await clustered(dialect, sliceTable(db, 'report_hour_slices', 'bucket')).execute();
    await db.schema.dropTable('report_days').execute();
    await clustered(dialect, sliceTable(db, 'report_days', 'day')).execute();
    await sql`delete from report_meta where key = 'days_timezone'`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('report_hour_slices').ifExists().execute();
    // Back to 0760's rowid table, empty and unmarked: the older hub recomputes it.
    await db.schema.dropTable('report_days').execute();
    await sliceTable(db, 'report_days', 'day').execute();
    await sql`delete from report_meta where key = 'days_timezone'`.execute(db);
  },
});
