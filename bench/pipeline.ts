/**
 * `npm run bench:pipeline`: messages per second through the in-process path (inbound stored →
 * safety → NLU → answer → outbox → delivery to a fake channel), on SQLite and on PostgreSQL
 * (when VENTANILLA_TEST_POSTGRES_URL is set; `BENCH_PG_DRIVERS=pg,postgres` on both client libraries), with p50/p99 turn latency at a paced 500 msg/s,
 * and raw nlp.js process() calls per second in the same run for the ratio. `BENCH_ROLLUPS=1` adds
 * the with/without comparison of the reports' roll-up writer (`BENCH_ROLLUP_ROUNDS` pairs, default
 * 4); `BENCH_ROLLUPS_ONLY=1` runs that comparison alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp, type Hub } from '../src/app.js';
import type { ChannelAdapter } from '../src/core/channel-port.js';
import { loadConfig } from '../src/config.js';
import type { OutboundMessage, Recipient } from '../src/core/message.js';
import { createStore, dropPostgresSchema, type PostgresDriverName, type Store } from '../src/core/store/index.js';
import { createIntents } from '../src/intents/index.js';
import { loadReportsConfig } from '../src/reports/definitions.js';
import { RollupWriter } from '../src/reports/writer.js';
import type { IntentsModule } from '../src/intents/contract.js';

const QUESTIONS = [
  'hola',
  '¿cuándo empieza la campaña de la renta?',
  'quiero pedir cita previa',
  'cuanto cuesta el abono transporte',
  'como me empadrono',
  'gracias',
  '¿dónde hay una oficina de atención?',
  'necesito el certificado digital',
];

class TimingAdapter implements ChannelAdapter {
  readonly channel = 'webchat' as const;
  readonly capabilities = { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' as const };
  delivered = 0;
  readonly firstReplyAt = new Map<string, number>();
  async send(to: Recipient, _message: OutboundMessage): Promise<{ id: string }> {
    this.delivered += 1;
    const key = to.replyContext?.bench;
    if (key !== undefined && !this.firstReplyAt.has(key)) this.firstReplyAt.set(key, performance.now());
    return { id: String(this.delivered) };
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** True once every stored message has had its turn and every reply is delivered. */
async function drained(store: Store): Promise<boolean> {
  return (
    (await store.listPendingInbound(1)).length === 0 && (await store.listOutbox('pending', 1)).length === 0 && (await store.listOutbox('sending', 1)).length === 0
  );
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('benchmark timed out waiting for deliveries');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The reports' roll-up writer as a hub plugin, for the with/without comparison. */
function rollupPlugin(hub: Hub) {
  const config = loadReportsConfig(join(import.meta.dirname, '..', 'config'), {});
  const writer = new RollupWriter({ store: hub.store, events: hub.events, config, clock: () => new Date(), logger: hub.logger });
  writer.start();
  return { name: 'reports', async register() {}, stop: () => writer.stop() };
}

async function hubOn(store: Store, intents: IntentsModule, adapter: TimingAdapter, rollups = false): Promise<Hub> {
  const hub = await buildApp({
    ...(rollups ? { plugins: [rollupPlugin] } : {}),
    config: loadConfig({ VENTANILLA_DATABASE_URL: ':memory:', LOG_LEVEL: 'silent' }),
    store,
    intents,
    channels: [() => ({ adapter })],
    logger: false,
    deliveryPolicy: { batchSize: 500, pollIntervalMs: 5 },
  });
  await hub.start();
  return hub;
}

let sequence = 0;
function inbound(conversation: number, text: string, benchKey: string) {
  sequence += 1;
  return {
    id: `bench-${sequence}`,
    conversationKey: `webchat:bench-${conversation}`,
    from: { channel: 'webchat' as const, id: `bench-${conversation}` },
    receivedAt: new Date(),
    kind: 'text' as const,
    text,
    replyContext: { bench: benchKey },
  };
}

/** Messages per second, and this process's CPU milliseconds per message, from accepting the first to delivering the last reply. */
async function throughputAndCpu(store: Store, intents: IntentsModule, messages: number, conversations: number, rollups = false): Promise<{ rate: number; cpuMs: number }> {
  const adapter = new TimingAdapter();
  const hub = await hubOn(store, intents, adapter, rollups);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  // Offered in waves, as webhooks arrive: each wave is accepted concurrently.
  const wave = 200;
  for (let offset = 0; offset < messages; offset += wave) {
    const batch = [];
    for (let i = offset; i < Math.min(messages, offset + wave); i += 1) {
      batch.push(hub.runner.accept(inbound(i % (conversations - 3), QUESTIONS[i % QUESTIONS.length] ?? 'hola', `t${i}`)));
    }
    await Promise.all(batch);
  }
  await until(() => drained(store), 300_000);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu0);
  if (adapter.firstReplyAt.size < messages) console.log(`  note: ${messages - adapter.firstReplyAt.size} of ${messages} messages got no reply`);
  await hub.app.close();
  return { rate: messages / seconds, cpuMs: (used.user + used.system) / 1000 / messages };
}

async function throughput(store: Store, intents: IntentsModule, messages: number, conversations: number, rollups = false): Promise<number> {
  return (await throughputAndCpu(store, intents, messages, conversations, rollups)).rate;
}

async function pacedLatency(store: Store, intents: IntentsModule, rate: number, seconds: number): Promise<{ p50: number; p99: number; max: number }> {
  const adapter = new TimingAdapter();
  const hub = await hubOn(store, intents, adapter);
  const sentAt = new Map<string, number>();
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const key = `p${i}`;
    sentAt.set(key, performance.now());
    void hub.runner.accept(inbound(i % 497, QUESTIONS[i % QUESTIONS.length] ?? 'hola', key));
  }
  await until(() => drained(store), 300_000);
  const latencies = [...sentAt.entries()]
    .filter(([key]) => adapter.firstReplyAt.has(key))
    .map(([key, at]) => (adapter.firstReplyAt.get(key) ?? Number.NaN) - at)
    .sort((a, b) => a - b);
  await hub.app.close();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? Number.NaN };
}

async function rawNlp(intents: IntentsModule, calls: number): Promise<number> {
  const raw = (intents as IntentsModule & { rawProcess?: (language: string, text: string) => Promise<unknown> }).rawProcess;
  if (raw === undefined) return Number.NaN;
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) await raw('es', QUESTIONS[i % QUESTIONS.length] ?? 'hola');
  return calls / ((performance.now() - start) / 1000);
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

const messages = Number(process.env.BENCH_MESSAGES ?? 10_000);
const intents = await createIntents({});
const dir = mkdtempSync(join(tmpdir(), 'ventanilla-bench-'));
const rows: string[] = [];
const nlpRate = await rawNlp(intents, 5_000);

const only = process.env.BENCH_STORES?.split(',');
const targets: { name: string; open: () => Promise<{ store: Store; dispose: () => Promise<void> }> }[] = [
  {
    name: 'sqlite (file, WAL)',
    open: async () => {
      const store = await createStore(join(dir, `bench-${Date.now()}.db`));
      await store.migrate();
      return { store, dispose: () => store.close() };
    },
  },
];
const pgUrl = process.env.VENTANILLA_TEST_POSTGRES_URL;
if (pgUrl !== undefined && pgUrl !== '') {
  // BENCH_PG_DRIVERS=pg,postgres measures the store on both client libraries in one run.
  const drivers = (process.env.BENCH_PG_DRIVERS ?? 'pg').split(',').filter((d): d is PostgresDriverName => d === 'pg' || d === 'postgres');
  for (const driver of drivers) {
    targets.push({
      name: driver === 'pg' ? 'postgres' : 'postgres (postgres.js)',
      open: async () => {
        const schema = `bench_${Date.now()}`;
        const store = await createStore(pgUrl, { schema, driver, poolSize: Number(process.env.BENCH_PG_POOL ?? 10) });
        await store.migrate();
        return { store, dispose: async () => { await store.close(); await dropPostgresSchema(pgUrl, schema); } };
      },
    });
  }
} else {
  console.log('VENTANILLA_TEST_POSTGRES_URL is not set: PostgreSQL figures skipped.');
}

if (only !== undefined) targets.splice(0, targets.length, ...targets.filter((t) => only.some((o) => t.name.startsWith(o))));
console.log(`pipeline benchmark: ${messages} messages over 1000 conversations; paced run 500 msg/s for 10 s`);
for (const target of targets) {
  if (process.env.BENCH_ROLLUPS_ONLY !== '1') {
    const a = await target.open();
    const rate = await throughput(a.store, intents, messages, 1000);
    await a.dispose();
    const b = await target.open();
    const latency = await pacedLatency(b.store, intents, 500, 10);
    await b.dispose();
    rows.push(`${target.name.padEnd(20)} ${fmt(rate).padStart(8)} msg/s   at 500 msg/s: p50 ${fmt(latency.p50, 1)} ms, p99 ${fmt(latency.p99, 1)} ms, max ${fmt(latency.max, 1)} ms   ratio to raw nlp.js ${fmt(rate / nlpRate, 2)}`);
  }
  if (process.env.BENCH_ROLLUPS === '1') {
    // Same run, in pairs without/with the reports' roll-up writer, the order swapped every pair
    // (A B, B A, …) so a load drift on a shared machine falls on both alike. The overhead is the
    // median of the pairs' ratios; the best of each side is printed too. Equal counts on both
    // sides: a best-of over more runs on one side would favour it.
    const pairs = Number(process.env.BENCH_ROLLUP_ROUNDS ?? 4);
    const without: number[] = [];
    const withRollups: number[] = [];
    const ratios: number[] = [];
    // CPU per message of this process (turns, delivery and the writer all run here; PostgreSQL's
    // own CPU is not counted): what the writer costs when the machine's load swamps the rates.
    const cpuRatios: number[] = [];
    for (let pair = 0; pair < pairs; pair += 1) {
      const runs = new Map<boolean, { rate: number; cpuMs: number }>();
      for (const rollups of pair % 2 === 0 ? [false, true] : [true, false]) {
        const c = await target.open();
        runs.set(rollups, await throughputAndCpu(c.store, intents, messages, 1000, rollups));
        await c.dispose();
      }
      const off = runs.get(false) ?? { rate: Number.NaN, cpuMs: Number.NaN };
      const on = runs.get(true) ?? { rate: Number.NaN, cpuMs: Number.NaN };
      without.push(off.rate);
      withRollups.push(on.rate);
      ratios.push(on.rate / off.rate);
      cpuRatios.push(on.cpuMs / off.cpuMs);
    }
    const median = (list: number[]): number => {
      const sorted = [...list].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
    };
    const best = (list: number[]): number => Math.max(...list);
    rows.push(
      `${''.padEnd(20)} roll-ups, ${pairs} alternating pairs: without ${without.map((r) => fmt(r)).join('/')} msg/s, with ${withRollups.map((r) => fmt(r)).join('/')} msg/s; ` +
        `overhead: median of pair ratios ${fmt((1 - median(ratios)) * 100, 1)} % (pairs ${ratios.map((r) => fmt((1 - r) * 100, 1)).join('/')} %), best-of ${fmt((1 - best(withRollups) / best(without)) * 100, 1)} %; ` +
        `CPU per message with/without: median +${fmt((median(cpuRatios) - 1) * 100, 1)} % (pairs ${cpuRatios.map((r) => fmt((r - 1) * 100, 1)).join('/')} %) (target ≤ 5 %)`,
    );
  }
}
console.log(`raw nlp.js process(): ${fmt(nlpRate)} calls/s (es)`);
for (const row of rows) console.log(row);
console.log('targets: ≥ 2,000 msg/s on SQLite; p99 ≤ 20 ms at 500 msg/s');
rmSync(dir, { recursive: true, force: true });
process.exit(0);
