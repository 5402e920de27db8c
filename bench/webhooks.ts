/**
 * `npm run bench:webhooks`: load on POST /webhooks/telegram (unique, correctly signed updates)
 * through the real app, and on a bare fastify route in the same run for comparison. Prints
 * requests/s, p99 latency, the ratio, and the replies the fake Bot API received once the outbox
 * drained (must equal the accepted updates).
 * Targets (issue 4): ≥ 1,500 updates/s accepted, ratio ≥ 0.25, p99 ≤ 50 ms.
 * BENCH_SECONDS (default 8), BENCH_CONNECTIONS (default 20) and BENCH_DATABASE_URL (default: a temp SQLite file) tune the run.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createTelegramChannel } from '../src/bots/telegram/index.js';
import type { IntentsModule } from '../src/intents/contract.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number; average: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** The fake Bot API in its own process (Telegram's servers are not on the hub's machine). */
async function startFakeBotApiProcess(): Promise<{ apiRoot: string; count(): Promise<number>; close(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./fake-bot-api-process.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const apiRoot = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { apiRoot: string }).apiRoot));
    child.once('error', reject);
  });
  return {
    apiRoot,
    count: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve((message as { count: number }).count));
        child.send('count');
      }),
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

/** Runs autocannon in a child process: the load generator gets its own event loop and core. */
function load(options: { url: string; headers: Record<string, string>; connections: number; duration: number; telegram: boolean; firstId: number }): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-worker.mjs', import.meta.url)), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => resolve(result as AutocannonResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${String(code)}`));
    });
  });
}

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECRET = 'bench-secret';

// A one-step answer: the bench measures intake and delivery, not the NLU.
const intents: IntentsModule = {
  safety: async (_ctx, next) => next(),
  understand: [
    async (ctx) => {
      ctx.language = 'es';
      ctx.reply({ kind: 'text', text: 'La campaña de la Renta empieza el 2 de abril.' });
    },
  ],
  classify: async () => ({ intent: 'None', score: 0, language: 'es', languageSource: 'default', alternatives: [], safety: false }),
  ready: () => true,
};

async function main(): Promise<void> {
  let stored = 0;
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-bench-'));
  const botApi = await startFakeBotApiProcess();
  const hub = await buildApp({
    config: loadConfig({ VENTANILLA_DATABASE_URL: process.env.BENCH_DATABASE_URL ?? join(dir, 'bench.sqlite'), LOG_LEVEL: 'silent' }),
    intents,
    logger: false,
    channels: [(services) => createTelegramChannel({ botToken: '1:BENCH', mode: 'webhook', webhookSecret: SECRET, apiRoot: botApi.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 10_000 }, {
      ...services,
      // Count what was durably stored (first time only): requests still in flight when autocannon
      // stops are stored and answered although autocannon does not count their 200.
      sink: {
        async accept(message) {
          const result = await services.sink.accept(message);
          if (!result.duplicate) stored += 1;
          return result;
        },
      },
    })],
  });
  await hub.start();
  const hubUrl = await hub.app.listen({ port: 0, host: '127.0.0.1' });

  const bare = Fastify();
  bare.post('/', async () => ({ ok: true }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  console.log(`bench:webhooks — ${seconds}s × ${connections} connections each (autocannon in its own process)`);
  const bareResult = await load({ url: bareUrl, connections, duration: seconds, headers: { 'content-type': 'application/json' }, telegram: false, firstId: 1 });
  const hubResult = await load({
    url: `${hubUrl}/webhooks/telegram`,
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    telegram: true,
    firstId: 1,
  });

  const accepted = hubResult['2xx'];
  const drainStart = Date.now();
  let replies = await botApi.count();
  while (replies < stored && Date.now() - drainStart < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    replies = await botApi.count();
  }
  const drainMs = Date.now() - drainStart;

  const ratio = hubResult.requests.average / bareResult.requests.average;
  const rows = [
    ['route', 'req/s', 'p99 ms', 'avg ms', '2xx', 'non-2xx', 'errors'],
    ['bare fastify POST /', bareResult.requests.average.toFixed(0), String(bareResult.latency.p99), bareResult.latency.average.toFixed(2), String(bareResult['2xx']), String(bareResult.non2xx), String(bareResult.errors)],
    ['POST /webhooks/telegram', hubResult.requests.average.toFixed(0), String(hubResult.latency.p99), hubResult.latency.average.toFixed(2), String(hubResult['2xx']), String(hubResult.non2xx), String(hubResult.errors)],
  ];
  for (const row of rows) console.log(row.map((cell, index) => (index === 0 ? cell.padEnd(26) : cell.padStart(9))).join(''));
  console.log(`ratio webhook/bare: ${ratio.toFixed(3)} (target ≥ 0.25)`);
  console.log(`accepted updates/s: ${hubResult.requests.average.toFixed(0)} (target ≥ 1500); p99 ${hubResult.latency.p99} ms (target ≤ 50)`);
  // Let a late duplicate show up before counting.
  await new Promise((resolve) => setTimeout(resolve, 500));
  replies = await botApi.count();
  console.log(`updates accepted (200 seen by autocannon): ${accepted}; stored (incl. in flight at the end): ${stored}`);
  console.log(`replies received by the fake Bot API: ${replies} of ${stored} stored updates ${replies === stored ? '✓' : '✗'} (outbox drained ${drainMs} ms after the load)`);

  await bare.close();
  await hub.app.close();
  await botApi.close();
  rmSync(dir, { recursive: true, force: true });
  if (replies !== stored || stored < accepted) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
