/**
 * A hub in a child process, for crash tests. It stores the messages named in CRASH_MESSAGES
 * (`|`-separated; `who=text` writes from the citizen `who`, default `crash`), "delivers" replies
 * by appending them to CRASH_SINK (a stand-in for the platform), and kills itself with SIGKILL at
 * the point CRASH_AT names:
 *   after-ingest  – the message is stored, its turn has not committed
 *   after-commit  – the reply is in the outbox, not yet sent
 *   while-b-hangs – every reply is committed before delivery starts; replies to citizen `b` hang
 *                   (the platform never answers) and the process is killed once another reply
 *                   is recorded as sent (or after 3 s): the platform accepted it meanwhile
 *   none          – run until the outbox is empty, then exit 0
 */
import { appendFileSync } from 'node:fs';
import { buildApp } from '../../src/app.js';
import type { ChannelAdapter } from '../../src/core/channel-port.js';
import { loadConfig } from '../../src/config.js';
import { createStore } from '../../src/core/store/index.js';
import { fakeIntents } from './fake-intents.js';

const crashAt = process.env.CRASH_AT ?? 'none';
const sinkPath = process.env.CRASH_SINK ?? '';
const messages = (process.env.CRASH_MESSAGES ?? '').split('|').filter((m) => m !== '');

const store = await createStore(process.env.CRASH_DB ?? '');
if (crashAt === 'after-ingest') {
  store.completeTurn = () => {
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => undefined);
  };
}
const adapter: ChannelAdapter = {
  channel: 'webchat',
  capabilities: { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' },
  async send(to, message) {
    if (crashAt === 'after-commit') process.kill(process.pid, 'SIGKILL');
    if (crashAt === 'while-b-hangs' && to.conversationKey === 'webchat:b') {
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline && (await store.listOutbox('sent', 10)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      process.kill(process.pid, 'SIGKILL');
      return new Promise<{ id: string }>(() => undefined);
    }
    appendFileSync(sinkPath, `${JSON.stringify({ to: to.conversationKey, text: message.kind === 'attachment' ? message.url : message.text })}\n`);
    return { id: 'ok' };
  },
};
const hub = await buildApp({
  config: loadConfig({ VENTANILLA_DATABASE_URL: ':memory:', LOG_LEVEL: 'silent' }),
  store,
  intents: fakeIntents(),
  channels: [() => ({ adapter })],
  logger: false,
  deliveryPolicy: { pollIntervalMs: 10 },
});
// In one delivery batch: every reply is committed before the worker starts.
const batched = crashAt === 'while-b-hangs';
await hub.start({ delivery: !batched });
for (const [index, entry] of messages.entries()) {
  const [who, text] = entry.includes('=') ? [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] : ['crash', entry];
  const inbound = { id: `crash-${index}`, conversationKey: `webchat:${who}`, from: { channel: 'webchat' as const, id: who }, receivedAt: new Date(), kind: 'text' as const, text };
  if (batched) await hub.runner.acceptAndWait(inbound);
  else await hub.runner.accept(inbound);
}
if (batched) hub.worker.start();
for (let i = 0; i < 500; i += 1) {
  const pending = (await store.listPendingInbound(10)).length + (await store.listOutbox('pending', 10)).length + (await store.listOutbox('sending', 10)).length;
  if (pending === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 10));
}
await hub.app.close();
await store.close();
process.exit(0);
