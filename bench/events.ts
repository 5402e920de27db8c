/**
 * `npm run bench:events` (`tsx bench/events.ts`): cross-instance event latency on PostgreSQL.
 * Two hub "instances" in this process, each with its own store (pools), HubEvents, event relay
 * and LISTEN connection, on one schema. A transcript entry is committed on A and emitted there;
 * the time until B re-emits it (NOTIFY → LISTEN → row read from the store → local emit) is
 * measured:
 *   1. one at a time (200 events, each waited for): the latency of a lone event;
 *   2. paced at 500 events/s (1,000 events): latency under a steady load;
 *   3. a burst of 1,000 events emitted at once: latency of the last and throughput.
 * Needs VENTANILLA_TEST_POSTGRES_URL (or VENTANILLA_BENCH_POSTGRES_URL). Target (issue 13):
 * cross-instance event p99 ≤ 200 ms.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { EventBridge } from '../src/core/event-bridge.js';
import { HubEvents } from '../src/core/events.js';
import { eventChannelName, pgEventTransport } from '../src/core/store/pg-notify.js';
import { createStore, dropPostgresSchema, type Store, type TranscriptEntry } from '../src/core/store/index.js';

const url = process.env.VENTANILLA_BENCH_POSTGRES_URL ?? process.env.VENTANILLA_TEST_POSTGRES_URL;
if (url === undefined || url === '') {
  console.log('bench:events needs PostgreSQL: set VENTANILLA_TEST_POSTGRES_URL (e.g. postgres://root@127.0.0.1:5432/test). Skipped.');
  process.exit(0);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(label: string, values: readonly number[]): void {
  console.log(`${label.padEnd(34)} n=${String(values.length).padStart(5)}  p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(6)} ms  max ${Math.max(...values).toFixed(1).padStart(6)} ms`);
}

interface Instance {
  readonly store: Store;
  readonly events: HubEvents;
  readonly bridge: EventBridge;
}

async function instance(schema: string): Promise<Instance> {
  const store = await createStore(url ?? '', { schema, poolSize: 5 });
  await store.migrate();
  const events = new HubEvents();
  const transport = pgEventTransport({ url: url ?? '', channel: eventChannelName(url ?? '', schema), db: store.kysely as unknown as Kysely<unknown> });
  const bridge = new EventBridge({ events, store, transport });
  await bridge.start();
  return { store, events, bridge };
}

const schema = `bench_ev_${randomBytes(5).toString('hex')}`;
const a = await instance(schema);
const b = await instance(schema);
try {
  const { conversation } = await a.store.ingest({ id: 'bench-1', conversationKey: 'webchat:bench', from: { channel: 'webchat', id: 'bench' }, receivedAt: new Date(), kind: 'text', text: 'hola' });
  const emittedAt = new Map<string, number>();
  const arrived = new Map<string, number>();
  let onArrive: (() => void) | undefined;
  b.events.on('transcript', ({ entry }) => {
    arrived.set(entry.id, performance.now());
    onArrive?.();
  });
  const commit = async (n: number): Promise<TranscriptEntry[]> =>
    a.store.appendTranscript(conversation.id, Array.from({ length: n }, (_, i) => ({ author: 'bot' as const, kind: 'text', text: `respuesta ${i}` })));
  const emit = (entry: TranscriptEntry): void => {
    emittedAt.set(entry.id, performance.now());
    a.events.emit('transcript', { conversationId: conversation.id, entry });
  };
  const waitAll = async (ids: readonly string[], timeoutMs: number): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    while (ids.some((id) => !arrived.has(id))) {
      if (performance.now() > deadline) throw new Error(`${ids.filter((id) => !arrived.has(id)).length} events never arrived`);
      await new Promise<void>((resolve) => {
        onArrive = resolve;
        setTimeout(resolve, 50);
      });
    }
  };
  const latencies = (ids: readonly string[]): number[] => ids.map((id) => (arrived.get(id) ?? Number.NaN) - (emittedAt.get(id) ?? Number.NaN));

  // Warm-up: connections, prepared plans.
  for (const entry of await commit(20)) emit(entry);
  await waitAll([...emittedAt.keys()], 10_000);

  const lone: string[] = [];
  for (let i = 0; i < 200; i += 1) {
    const [entry] = await commit(1);
    if (entry === undefined) throw new Error('no entry');
    emit(entry);
    lone.push(entry.id);
    await waitAll([entry.id], 10_000);
  }
  summary('one at a time', latencies(lone));

  const paced: string[] = [];
  const pacedEntries = await commit(1000);
  const start = performance.now();
  for (const [index, entry] of pacedEntries.entries()) {
    const due = start + index * 2;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    emit(entry);
    paced.push(entry.id);
  }
  await waitAll(paced, 30_000);
  summary('paced, 500 events/s', latencies(paced));

  const burstEntries = await commit(1000);
  const burstStart = performance.now();
  for (const entry of burstEntries) emit(entry);
  const burst = burstEntries.map((entry) => entry.id);
  await waitAll(burst, 30_000);
  const burstMs = Math.max(...burst.map((id) => arrived.get(id) ?? 0)) - burstStart;
  summary('burst of 1,000 at once', latencies(burst));
  console.log(`burst throughput                   ${Math.round((1000 / burstMs) * 1000)} events/s (${burstMs.toFixed(0)} ms for 1,000)`);
  console.log(`notifications sent by A            ${a.bridge.stats.announced} events announced; B relayed ${b.bridge.stats.relayed}`);
} finally {
  await a.bridge.stop();
  await b.bridge.stop();
  await a.store.close();
  await b.store.close();
  await dropPostgresSchema(url, schema);
}
