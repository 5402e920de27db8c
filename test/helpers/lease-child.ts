/**
 * A hub instance in a child process on a shared PostgreSQL schema, for the SIGKILL test of turn
 * leases. It stores LEASE_CONVERSATIONS × LEASE_MESSAGES messages (`hola k<c> #<n>`, each
 * citizen's one after the other, citizens side by side), prints `stored` once they all are, and
 * runs their turns slowly (LEASE_TURN_MS each) so that it still owns conversations when the test
 * kills it. It never delivers: replies wait in the outbox for the surviving instance.
 */
import { buildApp } from '../../src/app.js';
import type { ChannelAdapter } from '../../src/core/channel-port.js';
import type { Middleware } from '../../src/core/pipeline.js';
import { createStore } from '../../src/core/store/index.js';
import { fakeIntents } from './fake-intents.js';
import { testConfig } from './test-config.js';

const url = process.env.LEASE_PG_URL ?? '';
const schema = process.env.LEASE_SCHEMA ?? '';
const conversations = Number(process.env.LEASE_CONVERSATIONS ?? 20);
const messages = Number(process.env.LEASE_MESSAGES ?? 5);
const turnMs = Number(process.env.LEASE_TURN_MS ?? 200);

const store = await createStore(url, { schema, poolSize: 4 });
const adapter: ChannelAdapter = {
  channel: 'webchat',
  capabilities: { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' },
  send: () => new Promise<{ id: string }>(() => undefined),
};
const slow: Middleware = async (_ctx, next) => {
  await new Promise((resolve) => setTimeout(resolve, turnMs));
  await next();
};
const hub = await buildApp({
  config: testConfig(),
  store,
  intents: fakeIntents(),
  firstSteps: [slow],
  channels: [() => ({ adapter })],
  logger: false,
  turnLease: { leaseMs: Number(process.env.LEASE_MS ?? 2_000), sweepMs: 100 },
});
await hub.start({ delivery: false });
await Promise.all(
  Array.from({ length: conversations }, async (_, c) => {
    for (let n = 0; n < messages; n += 1) {
      const user = `k${c}`;
      await hub.runner.accept({ id: `${user}-${n}`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text: `hola ${user} #${n}` });
    }
  }),
);
process.stdout.write(`stored ${hub.runner.leaseOwner}\n`);
// Runs until killed.
await new Promise(() => undefined);
