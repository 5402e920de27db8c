/**
 * End to end with a third-party Telegram emulator (npm telegram-test-api) in polling mode:
 * the real app (store, runner, outbox) and the real Telegram channel over loopback HTTP.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import telegramTestApi from 'telegram-test-api';
import type { TelegramServer as TelegramServerClass } from 'telegram-test-api/lib/telegramServer.js';
import { buildApp, type Hub } from '../../src/app.js';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { testConfig } from '../helpers/test-config.js';
import { CAMPAIGN_ANSWER, scriptedChannelIntents, unescapeMarkdownV2 } from '../helpers/scripted-intents.js';

// The package sets `module.exports = TelegramServer` while its typings declare a default export.
const TelegramServer = telegramTestApi as unknown as typeof TelegramServerClass;
const TOKEN = '424242:E2E-TOKEN';

/** telegram-test-api cannot listen on port 0: borrow a free port from the OS first. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let server: TelegramServerClass;
let hub: Hub;

function botReplies(chatId: number): string[] {
  return server.storage.botMessages
    .filter((update) => update.botToken === TOKEN && String(update.message.chat_id) === String(chatId))
    .map((update) => unescapeMarkdownV2(String(update.message.text)));
}

beforeAll(async () => {
  const port = await freePort();
  server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  hub = await buildApp({
    config: testConfig(),
    intents: scriptedChannelIntents(),
    logger: false,
    channels: [
      (services) =>
        createTelegramChannel(
          // The emulator answers getUpdates at once (no long polling): a short idle pause keeps it cheap.
          { botToken: TOKEN, mode: 'polling', apiRoot: server.config.apiURL, pollTimeoutSeconds: 1, pollIdleDelayMs: 20, requestTimeoutMs: 5000 },
          services,
        ),
    ],
  });
  await hub.start();
});

afterAll(async () => {
  await hub?.app.close();
  await server?.stop();
});

describe('Telegram polling against telegram-test-api', () => {
  it('answers "¿cuándo empieza la campaña de la renta?" with the campaign answer', async () => {
    const client = server.getClient(TOKEN, { userId: 5001, chatId: 5001, firstName: 'Ana', userName: 'ana_test' });
    await client.sendMessage(client.makeMessage('¿cuándo empieza la campaña de la renta?'));
    await until(() => botReplies(5001).length > 0);
    expect(botReplies(5001)).toEqual([CAMPAIGN_ANSWER]);
  });

  it('20 users × 5 messages at once: 100 replies, each once, in order per user', async () => {
    const users = Array.from({ length: 20 }, (_, index) => 6000 + index);
    await Promise.all(
      users.map(async (userId) => {
        const client = server.getClient(TOKEN, { userId, chatId: userId, firstName: `U${userId}`, userName: `u${userId}` });
        for (let n = 1; n <= 5; n += 1) await client.sendMessage(client.makeMessage(`mensaje ${n} de ${userId}`));
      }),
    );
    await until(() => users.reduce((sum, userId) => sum + botReplies(userId).length, 0) >= 100);
    // Let a straggling duplicate, if any, arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const userId of users) {
      expect(botReplies(userId)).toEqual([1, 2, 3, 4, 5].map((n) => `eco: mensaje ${n} de ${userId}`));
    }
  });
});
