/**
 * `npm run bench:cluster`: several hub instances on one PostgreSQL schema against one instance,
 * in the same run (issue 13). Each instance is its own process (bench/cluster-node.ts: the real
 * app, Telegram webhook channel, event relay on); the fake Bot API is another process; this
 * process is the load: BENCH_CHATS citizens, each sending BENCH_MESSAGES messages one after the
 * other (the next once the previous got its 200, as Telegram does per chat), message k of chat c
 * going to instance (c + k) mod n — direct alternating requests, no proxy in between.
 *
 * Prints per setup: intake (updates/s, p50/p99 of the webhook's answer), end to end (messages/s
 * from the first request to the last reply, p50/p99 from request to reply at the fake API), and
 * the exactly-once / in-order check (each message answered once; each chat's replies in the order
 * sent). Exit code 1 when a message is lost, doubled or answered out of order.
 *
 * BENCH_DATABASE_URL (default VENTANILLA_TEST_POSTGRES_URL, else postgres://root@127.0.0.1:5432/test),
 * BENCH_INSTANCES (2), BENCH_CHATS (200), BENCH_MESSAGES (10), BENCH_POOL (10 per instance).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createStore, dropPostgresSchema } from '../src/core/store/index.js';

const databaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.VENTANILLA_TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
const instances = Number(process.env.BENCH_INSTANCES ?? 2);
const chats = Number(process.env.BENCH_CHATS ?? 200);
const perChat = Number(process.env.BENCH_MESSAGES ?? 10);
const poolSize = Number(process.env.BENCH_POOL ?? 10);
const SECRET = 'bench-secret';

interface Call {
  readonly chat: number;
  readonly text: string;
  readonly at: number;
}

function forkTs(file: string, args: string[] = []): ChildProcess {
  return fork(fileURLToPath(new URL(file, import.meta.url)), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function firstMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`child exited with ${String(code)} before it answered`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.send('stop');
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs one update; resolves the status code. */
function post(base: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/webhooks/telegram`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': SECRET } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface SetupResult {
  readonly name: string;
  readonly intakePerSecond: number;
  readonly intakeP50: number;
  readonly intakeP99: number;
  readonly endToEndPerSecond: number;
  readonly e2eP50: number;
  readonly e2eP99: number;
  readonly sent: number;
  readonly refused: number;
  readonly lost: number;
  readonly doubled: number;
  readonly outOfOrder: number;
  /** Replies committed (outbox order) out of the order sent: the turns, not the deliveries, were reordered. */
  readonly turnsOutOfOrder: number;
}

/** Per conversation, replies whose outbox position (commit order of the turns) is out of the order sent. */
async function turnsOutOfOrder(schema: string): Promise<number> {
  const store = await createStore(databaseUrl, { schema, poolSize: 1 });
  try {
    const { rows } = await sql<{ conversation_id: string; message: string }>`select conversation_id, message from outbox order by seq`.execute(store.kysely);
    const last = new Map<string, number>();
    let wrong = 0;
    for (const row of rows) {
      const k = Number(String((JSON.parse(row.message) as { text?: string }).text).split(':')[3]);
      if (k <= (last.get(row.conversation_id) ?? -1)) wrong += 1;
      last.set(row.conversation_id, k);
    }
    return wrong;
  } finally {
    await store.close();
  }
}

async function runSetup(name: string, count: number, apiRoot: string, api: ChildProcess, chatBase: number): Promise<SetupResult> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  // Migrated once here: the bench measures turns, not several instances racing for the migration lock.
  const setupStore = await createStore(databaseUrl, { schema, poolSize: 1 });
  await setupStore.migrate();
  await setupStore.close();
  const nodes: ChildProcess[] = [];
  const bases: string[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const node = forkTs('./cluster-node.ts', [JSON.stringify({ url: databaseUrl, schema, apiRoot, secret: SECRET, poolSize })]);
      nodes.push(node);
      bases.push((await firstMessage<{ url: string }>(node)).url);
    }
    const sentAt = new Map<string, number>();
    const intake: number[] = [];
    let refused = 0;
    let updateId = chatBase * 100;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: chats }, async (_, c) => {
        const chat = chatBase + c;
        for (let k = 0; k < perChat; k += 1) {
          const id = (updateId += 1);
          const text = `m:${chat}:${k}`;
          const body = JSON.stringify({
            update_id: id,
            message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'B' }, from: { id: chat, is_bot: false, first_name: 'B', language_code: 'es' }, text },
          });
          const t0 = performance.now();
          sentAt.set(`r:${text}`, Date.now());
          const status = await post(bases[(c + k) % count] ?? '', body);
          intake.push(performance.now() - t0);
          if (status !== 200) refused += 1;
        }
      }),
    );
    const intakeMs = Date.now() - started;
    // Wait for every reply (or two minutes), then a little longer for a late duplicate.
    const expected = chats * perChat;
    const deadline = Date.now() + 120_000;
    let calls: Call[] = [];
    for (;;) {
      api.send('calls');
      calls = (await firstMessage<{ calls: Call[] }>(api)).calls.filter((call) => call.chat >= chatBase && call.chat < chatBase + chats);
      if (calls.length >= expected || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lastReply = Math.max(...calls.map((call) => call.at));
    await new Promise((resolve) => setTimeout(resolve, 500));
    api.send('calls');
    calls = (await firstMessage<{ calls: Call[] }>(api)).calls.filter((call) => call.chat >= chatBase && call.chat < chatBase + chats);

    const seen = new Map<string, number>();
    const e2e: number[] = [];
    const lastIndex = new Map<number, number>();
    let outOfOrder = 0;
    for (const call of calls) {
      seen.set(call.text, (seen.get(call.text) ?? 0) + 1);
      const sent = sentAt.get(call.text);
      if (sent !== undefined && seen.get(call.text) === 1) e2e.push(call.at - sent);
      const k = Number(call.text.split(':')[3]);
      if (k <= (lastIndex.get(call.chat) ?? -1)) outOfOrder += 1;
      lastIndex.set(call.chat, k);
    }
    const lost = [...sentAt.keys()].filter((text) => !seen.has(text)).length;
    const doubled = [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const turnsWrong = await turnsOutOfOrder(schema);
    intake.sort((x, y) => x - y);
    e2e.sort((x, y) => x - y);
    return {
      name,
      intakePerSecond: (expected * 1000) / intakeMs,
      intakeP50: percentile(intake, 50),
      intakeP99: percentile(intake, 99),
      endToEndPerSecond: (expected * 1000) / (lastReply - started),
      e2eP50: percentile(e2e, 50),
      e2eP99: percentile(e2e, 99),
      sent: expected,
      refused,
      lost,
      doubled,
      outOfOrder,
      turnsOutOfOrder: turnsWrong,
    };
  } finally {
    for (const node of nodes) await stop(node);
    await dropPostgresSchema(databaseUrl, schema);
  }
}

async function main(): Promise<void> {
  const api = forkTs('./cluster-api-process.ts');
  const { apiRoot } = await firstMessage<{ apiRoot: string }>(api);
  console.log(`bench:cluster — ${chats} chats × ${perChat} messages, each chat sequential, pool ${poolSize} per instance; PostgreSQL ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`);
  console.log(`load average before: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const results: SetupResult[] = [];
  try {
    results.push(await runSetup('1 instance', 1, apiRoot, api, 10_000_000));
    results.push(await runSetup(`${instances} instances`, instances, apiRoot, api, 20_000_000));
  } finally {
    await stop(api);
  }
  const header = ['setup', 'intake/s', 'p50 ms', 'p99 ms', 'e2e msg/s', 'e2e p50', 'e2e p99', 'non-200', 'lost', 'doubled', 'disordered', '(in turns)'];
  console.log(header.map((cell, index) => (index === 0 ? cell.padEnd(14) : cell.padStart(11))).join(''));
  for (const r of results) {
    const row = [r.name, r.intakePerSecond.toFixed(0), r.intakeP50.toFixed(1), r.intakeP99.toFixed(1), r.endToEndPerSecond.toFixed(0), r.e2eP50.toFixed(0), r.e2eP99.toFixed(0), String(r.refused), String(r.lost), String(r.doubled), String(r.outOfOrder), String(r.turnsOutOfOrder)];
    console.log(row.map((cell, index) => (index === 0 ? cell.padEnd(14) : cell.padStart(11))).join(''));
  }
  const [one, many] = results;
  if (one !== undefined && many !== undefined) console.log(`ratio ${many.name} / 1 instance, end to end: ${(many.endToEndPerSecond / one.endToEndPerSecond).toFixed(2)}`);
  console.log(`load average after: ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  agent.destroy();
  if (results.some((r) => r.lost > 0 || r.doubled > 0 || r.outOfOrder > 0 || r.refused > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
