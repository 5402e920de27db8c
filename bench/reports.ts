/**
 * `npm run bench:reports`: a 30-day quality report sliced by queue and channel (plus its daily
 * series) over roll-ups that stand for 1,000,000 conversations and 10,000,000 events, on SQLite
 * and on PostgreSQL (when VENTANILLA_TEST_POSTGRES_URL is set): p50/p99 of the query.
 *
 * The roll-up rows are generated directly (hour × slice × metric, with counts that add up to
 * 1 M conversations and 10 M events): replaying 10 M raw events through the reducer would take
 * far longer than the query it prepares, and the report reads only roll-ups either way.
 * `BENCH_DAYS` (default 60) spreads them; `BENCH_QUERIES` (default 40) sets the repetitions.
 *
 * The same report is timed twice in one run: from the hourly tier alone (`BENCH_HOURLY_QUERIES`,
 * default 3: it takes seconds each; 0 skips it and the equality check), then after the daily tier is computed from the hourly one
 * (`rebuildDayTier`, what the hub does on its first flush after the upgrade; its time is printed),
 * where whole days come from `report_days` and the partial edge days from `report_hour_slices`.
 * The two reports must be equal (checked, printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createStore, dropPostgresSchema, type Store } from '../src/core/store/index.js';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import { rebuildDayTier } from '../src/reports/days.js';
import { hourBucket, loadReportsConfig } from '../src/reports/definitions.js';
import { runReport, startOfLocalDay, type Report } from '../src/reports/queries.js';
import { reportsDb } from '../src/reports/schema.js';

const DAYS = Number(process.env.BENCH_DAYS ?? 60);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 40);
const HOURLY_QUERIES = Number(process.env.BENCH_HOURLY_QUERIES ?? 3);
const CONVERSATIONS = 1_000_000;
const EVENTS = 10_000_000;
const CHANNELS = ['webchat', 'telegram', 'whatsapp', 'x', 'botframework'];
const LANGUAGES = ['es', 'ca'];
const INTENTS = Array.from({ length: 10 }, (_, i) => `intent.${i}`);
const QUEUES = ['tributos', 'transporte', 'tramites', 'urgencias'];
const AGENTS = ['a1', 'a2', 'a3', 'a4'];
const CITIZEN_METRICS = ['conversations', 'citizen_messages', 'classified', 'bot_replies', 'bot_answers', 'contained'];
const HANDOFF_METRICS = ['handoffs', 'answered', 'answered_in_sl', 'wait_le:20', 'resolved', 'fcr', 'agent_replies', 'surveys'];
const config = loadReportsConfig(join(import.meta.dirname, '..', 'config'), {});
const start = Date.UTC(2026, 0, 1);
const hours = DAYS * 24;

type Row = { bucket: string; channel: string; queue_id: string; language: string; intent: string; agent_id: string; metric: string; n: number; total: number; peak: number };

/** Fills the roll-ups; returns the row count. */
async function generate(store: Store): Promise<number> {
  const db = reportsDb(store);
  const citizenSlices = CHANNELS.length * LANGUAGES.length * INTENTS.length;
  const perSliceConversations = CONVERSATIONS / hours / citizenSlices;
  let rows = 0;
  let batch: Row[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const all = batch;
    batch = [];
    // One transaction per flush (a commit per statement would measure fsyncs, not the report).
    await db.transaction().execute(async (trx) => {
      // Chunks under both dialects' bound-parameter limits.
      for (let k = 0; k < all.length; k += 500) await trx.insertInto('report_rollups').values(all.slice(k, k + 500)).execute();
    });
  };
  for (let h = 0; h < hours; h += 1) {
    const bucket = hourBucket(new Date(start + h * 3_600_000));
    // Integer counts whose sums come to the totals (the fraction is spread with a running remainder).
    const n = (base: number, i: number): number => Math.floor(base * (i + 1)) - Math.floor(base * i);
    let i = 0;
    for (const channel of CHANNELS) {
      for (const language of LANGUAGES) {
        for (const intent of INTENTS) {
          const conversations = n(perSliceConversations, h * citizenSlices + i);
          i += 1;
          for (const metric of CITIZEN_METRICS) {
            const scale = metric === 'citizen_messages' || metric === 'classified' || metric === 'bot_replies' ? 4 : metric === 'conversations' ? 1 : 0.7;
            batch.push({ bucket, channel, queue_id: '', language, intent, agent_id: '', metric, n: Math.round(conversations * scale), total: 0, peak: 0 });
          }
        }
      }
      for (const queue of QUEUES) {
        for (const agent of AGENTS) {
          for (const metric of HANDOFF_METRICS) {
            const count = Math.max(1, Math.round((perSliceConversations * citizenSlices) / (CHANNELS.length * QUEUES.length * AGENTS.length) * 0.15));
            batch.push({ bucket, channel, queue_id: queue, language: 'es', intent: '', agent_id: agent, metric, n: count, total: metric === 'answered' ? count * 15_000 : 0, peak: metric === 'answered' ? 90_000 : 0 });
          }
        }
      }
    }
    if (batch.length >= 30_000) {
      rows += batch.length;
      await flush();
    }
  }
  rows += batch.length;
  await flush();
  return rows;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Times the 30-day report `count` times (after 2 warm-up runs); returns the times and the last report. */
async function timeReport(store: Store, count: number, local = false): Promise<{ times: number[]; cpu: number[]; report: Report }> {
  const db = reportsDb(store);
  // UTC midnights (in Madrid 01:00: partial edge days on both sides), or the local midnights the
  // API and the CLI make of plain dates (`from=2026-01-31&to=2026-03-01`: whole days only).
  const from = local ? startOfLocalDay(new Date(start + (DAYS - 30) * 86_400_000 + 43_200_000), config.timezone) : new Date(start + (DAYS - 30) * 86_400_000);
  const to = local ? startOfLocalDay(new Date(start + DAYS * 86_400_000 + 43_200_000), config.timezone) : new Date(start + DAYS * 86_400_000);
  const times: number[] = [];
  // This process's CPU time per report (user + system): on SQLite the whole query runs here, so it
  // is what the report costs whatever else a shared machine runs (wall time waits for a core).
  const cpu: number[] = [];
  let report: Report | undefined;
  for (let q = 0; q < count + 2; q += 1) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    report = await runReport(db, config, { from, to, by: ['queue', 'channel'], period: 'day' });
    const elapsed = performance.now() - t0;
    const used = process.cpuUsage(c0);
    if (q >= 2) {
      times.push(elapsed);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { times, cpu, report: report as Report };
}

const figures = ({ times, cpu }: { times: readonly number[]; cpu: readonly number[] }): string =>
  `p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${(times[times.length - 1] ?? Number.NaN).toFixed(1)} ms (${times.length} queries); ` +
  `CPU of this process p50 ${percentile(cpu, 50).toFixed(1)} ms, p99 ${percentile(cpu, 99).toFixed(1)} ms`;

async function measure(name: string, store: Store): Promise<string> {
  const began = performance.now();
  const rows = await generate(store);
  const loadSeconds = (performance.now() - began) / 1000;
  // Before the daily tier exists the report reads the hourly tier alone (the "before" figure).
  const hourly = HOURLY_QUERIES > 0 ? await timeReport(store, HOURLY_QUERIES) : undefined;
  const t0 = performance.now();
  const dayRows = await rebuildDayTier(reportsDb(store), store.dialect, config.timezone);
  const tierSeconds = (performance.now() - t0) / 1000;
  // Planner statistics, as autovacuum keeps them on a live database (right after a bulk load
  // PostgreSQL has none, guesses a handful of rows and sorts where it would hash).
  if (store.dialect === 'postgres') await sql`analyze`.execute(store.kysely);
  const tiered = await timeReport(store, QUERIES);
  const localDays = await timeReport(store, QUERIES, true);
  const report = tiered.report;
  const same = hourly === undefined ? 'not compared (BENCH_HOURLY_QUERIES=0)' : isDeepStrictEqual(report, hourly.report) ? 'yes' : 'NO';
  const check = `${report.groups.length} groups, ${report.series.length} days, ${report.total.conversations} conversations in 30 days`;
  return [
    `${name.padEnd(10)} ${rows} hourly roll-up rows (loaded in ${loadSeconds.toFixed(0)} s); 30-day report by queue×channel, daily series (${check}):`,
    `${''.padEnd(10)}   hourly tier only:              ${hourly === undefined ? 'skipped (BENCH_HOURLY_QUERIES=0)' : figures(hourly)}`,
    `${''.padEnd(10)}   daily tier + hour-slice edges: ${figures(tiered)}   [daily tier: ${dayRows} rows built from the hourly tier in ${tierSeconds.toFixed(1)} s; reports equal: ${same}]`,
    `${''.padEnd(10)}   local-date range (whole days): ${figures(localDays)}`,
  ].join('\n');
}

const lines: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'ventanilla-bench-reports-'));
const only = process.env.BENCH_STORES?.split(',');
console.log(`reports benchmark: roll-ups for ${CONVERSATIONS.toLocaleString('en')} conversations / ${EVENTS.toLocaleString('en')} events over ${DAYS} days (generated directly), ${QUERIES} queries`);
if (only === undefined || only.includes('sqlite')) {
  const store = await createStore(join(dir, 'reports.db'));
  await store.migrate();
  lines.push(await measure('sqlite', store));
  await store.close();
}
const pgUrl = process.env.VENTANILLA_TEST_POSTGRES_URL;
if (pgUrl !== undefined && pgUrl !== '' && (only === undefined || only.includes('postgres'))) {
  const schema = `bench_reports_${Date.now()}`;
  const store = await createStore(pgUrl, { schema, poolSize: 4 });
  await store.migrate();
  try {
    lines.push(await measure('postgres', store));
  } finally {
    await store.close();
    await dropPostgresSchema(pgUrl, schema);
  }
} else console.log('VENTANILLA_TEST_POSTGRES_URL is not set (or BENCH_STORES excludes it): PostgreSQL figures skipped.');
for (const line of lines) console.log(line);
console.log('target: p99 ≤ 300 ms on SQLite and on PostgreSQL');
rmSync(dir, { recursive: true, force: true });
process.exit(0);
