/**
 * Telegram webhook mode through the real app (store, runner, outbox, degrade), replies sent to a
 * fake Bot API on loopback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { testConfig } from '../helpers/test-config.js';
import { telegramFixtureBytes } from '../helpers/telegram-payloads.js';
import { CAMPAIGN_ANSWER, ONLY_TEXT, scriptedChannelIntents, unescapeMarkdownV2 } from '../helpers/scripted-intents.js';

const SECRET = 'integration-secret';
let api: FakeTelegramApi;
let hub: Hub;

beforeAll(async () => {
  api = await startFakeTelegramApi();
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await hub?.app.close();
  api.calls.length = 0;
});

async function startHub(): Promise<Hub> {
  hub = await buildApp({
    config: testConfig(),
    intents: scriptedChannelIntents(),
    logger: false,
    channels: [(services) => createTelegramChannel({ botToken: '123:INT', mode: 'webhook', webhookSecret: SECRET, apiRoot: api.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 2000 }, services)],
  });
  await hub.start();
  return hub;
}

function post(body: Buffer, secret: string | null = SECRET) {
  return hub.app.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    payload: body,
  });
}

const sentTexts = (): string[] => api.callsOf('sendMessage').map((call) => unescapeMarkdownV2(String(call.body.text)));

describe('Telegram webhook through the app', () => {
  it('answers the campaign question', async () => {
    await startHub();
    expect((await post(telegramFixtureBytes('text'))).statusCode).toBe(200);
    await api.waitForCalls('sendMessage', 1);
    expect(sentTexts()).toEqual([CAMPAIGN_ANSWER]);
    expect(api.callsOf('sendMessage')[0]?.body).toMatchObject({ chat_id: '5550001', parse_mode: 'MarkdownV2' });
  });

  it('wrong or missing secret → 401 and no row written', async () => {
    await startHub();
    expect((await post(telegramFixtureBytes('text'), null)).statusCode).toBe(401);
    expect((await post(telegramFixtureBytes('text'), 'not-the-secret')).statusCode).toBe(401);
    expect(await hub.store.getConversationByKey('telegram:5550001')).toBeUndefined();
  });

  it('a duplicated update → one reply', async () => {
    await startHub();
    expect((await post(telegramFixtureBytes('text'))).statusCode).toBe(200);
    expect((await post(telegramFixtureBytes('text'))).statusCode).toBe(200);
    await api.waitForCalls('sendMessage', 1);
    await hub.runner.drain();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.callsOf('sendMessage')).toHaveLength(1);
  });

  it('a voice note → the "only text" reply, with its metadata in the transcript', async () => {
    await startHub();
    expect((await post(telegramFixtureBytes('voice'))).statusCode).toBe(200);
    await api.waitForCalls('sendMessage', 1);
    expect(sentTexts()).toEqual([ONLY_TEXT]);
    const conversation = await hub.store.getConversationByKey('telegram:5550001');
    const transcript = conversation === undefined ? [] : await hub.store.getTranscript(conversation.id);
    const citizen = transcript.find((entry) => entry.author === 'citizen');
    expect(citizen?.kind).toBe('attachment');
    expect(JSON.stringify(citizen?.data ?? {})).toContain('voice');
  });

  it('a blocked bot (403) marks the conversation unreachable', async () => {
    await startHub();
    api.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    await post(telegramFixtureBytes('text'));
    await api.waitForCalls('sendMessage', 1);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await hub.store.getConversationByKey('telegram:5550001'))?.unreachable !== true) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await hub.store.getConversationByKey('telegram:5550001'))?.unreachable).toBe(true);
    expect(api.callsOf('sendMessage')).toHaveLength(1);
  });
});
