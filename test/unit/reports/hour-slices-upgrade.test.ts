/**
 * Migration `0850_report_hour_slices` on a database whose daily tier was made by the previous
 * version: the tier is emptied and unmarked, so reports read the hourly tier (same figures) until
 * the hub's first flush recomputes the daily and hour-slice tiers from the hourly one; then a range
 * with partial edge days (or an hourly series) is answered by the summed tiers alone, with the
 * same report.
 */
import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createStore, dropPostgresSchema, type Store } from '../../../src/core/store/index.js';
import { migrationProvider } from '../../../src/core/store/migrations/index.js';
import { loadReportsConfig } from '../../../src/reports/definitions.js';
import { dayTierTimezone, ensureDayTier } from '../../../src/reports/days.js';
import { runReport } from '../../../src/reports/queries.js';
import { reportsDb } from '../../../src/reports/schema.js';
import { CONFIG_DIR } from '../../helpers/handoff-hub.js';
import { postgresUrl } from '../../helpers/stores.js';

const config = loadReportsConfig(CONFIG_DIR, {});

const kinds: { name: string; enabled: boolean; open: () => Promise<{ store: Store; schema?: string; dispose: () => Promise<void> }> }[] = [
  { name: 'sqlite', enabled: true, open: async () => { const store = await createStore(':memory:'); return { store, dispose: () => store.close() }; } },
  {
    name: 'postgres',
    enabled: postgresUrl !== undefined && postgresUrl !== '',
    open: async () => {
      const url = postgresUrl ?? '';
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const store = await createStore(url, { schema, poolSize: 2 });
      await sql`create schema if not exists ${sql.id(schema)}`.execute(store.kysely);
      return { store, schema, dispose: async () => { await store.close(); await dropPostgresSchema(url, schema); } };
    },
  },
];

describe.each(kinds.filter((k) => k.enabled))('migration 0850_report_hour_slices ($name)', (kind) => {
  it('drops the old daily tier and its mark; the first flush rebuilds both summed tiers, reports equal throughout', async () => {
    const { store, schema, dispose } = await kind.open();
    try {
      const migrator = new Migrator({ db: store.kysely, provider: migrationProvider(store.dialect), ...(schema === undefined ? {} : { migrationTableSchema: schema }) });
      expect((await migrator.migrateTo('0760_report_days')).error).toBeUndefined();
      const db = reportsDb(store);
      // Three days of hourly rows (two intents and agents per slice), and the daily tier 0760 made.
      const hourly = [];
      for (let h = 0; h < 72; h += 1) {
        const bucket = new Date(Date.UTC(2026, 2, 1) + h * 3_600_000).toISOString().slice(0, 13);
        for (const intent of ['tramites.padron', 'tributos.renta']) {
          hourly.push({ bucket, channel: 'webchat', queue_id: '', language: 'es', intent, agent_id: '', metric: 'conversations', n: 1 + (h % 3), total: 0, peak: 0 });
          hourly.push({ bucket, channel: 'telegram', queue_id: 'tramites', language: 'es', intent, agent_id: `a${h % 2}`, metric: 'answered', n: 1, total: 1000 * h, peak: 500 * h });
        }
      }
      await db.insertInto('report_rollups').values(hourly).execute();
      await db.insertInto('report_days').values({ day: '2026-03-01', channel: 'webchat', queue_id: '', language: 'es', metric: 'conversations', n: 999, total: 0, peak: 0 }).execute();
      await db.insertInto('report_meta').values({ key: 'days_timezone', value: config.timezone }).execute();

      await store.migrate();
      expect(await dayTierTimezone(db)).toBeUndefined();
      expect(await db.selectFrom('report_days').selectAll().execute()).toEqual([]);
      // UTC midnights: in Madrid the first and last local days are partial.
      const query = { from: new Date('2026-03-01T05:00:00Z'), to: new Date('2026-03-03T20:00:00Z'), by: ['queue', 'channel'] as ('queue' | 'channel')[], period: 'day' as const };
      const fromHourly = await runReport(db, config, query);
      expect(fromHourly.total.conversations).toBeGreaterThan(0);

      expect(await ensureDayTier(db, store.dialect, config.timezone)).toBe(true);
      const slices = await db.selectFrom('report_hour_slices').select(['bucket', 'channel', 'metric', 'n', 'total', 'peak']).where('bucket', '=', '2026-03-01T10').orderBy('channel').execute();
      // One row per hour and slice: the two intents (and agents) summed, the peak the larger.
      expect(slices.map((r) => [r.bucket, r.channel, r.metric, Number(r.n), Number(r.total), Number(r.peak)])).toEqual([
        ['2026-03-01T10', 'telegram', 'answered', 2, 20_000, 5_000],
        ['2026-03-01T10', 'webchat', 'conversations', 4, 0, 0],
      ]);
      const hourlySeries = await runReport(db, config, { ...query, period: 'hour' });
      expect(await runReport(db, config, query)).toEqual(fromHourly);
      // The summed tiers alone answer (the hourly tier emptied), an hourly series too.
      await db.deleteFrom('report_rollups').execute();
      expect(await runReport(db, config, query)).toEqual(fromHourly);
      expect(await runReport(db, config, { ...query, period: 'hour' })).toEqual(hourlySeries);
      expect(hourlySeries.series.length).toBe(63);
    } finally {
      await dispose();
    }
  }, 60_000);
});
