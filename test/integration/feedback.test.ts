/**
 * Citizen 👍/👎 through the real app: the Telegram answer carries the two inline buttons, a real
 * `callback_query` update records the rating once (a retried webhook and a second click change
 * nothing), and the web chat's feedback API is idempotent and refuses answers of other
 * conversations.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createHubCore, type Hub } from '../../src/app.js';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createFeedback, type FeedbackModule } from '../../src/feedback/index.js';
import { feedbackDb } from '../../src/feedback/schema.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { testConfig } from '../helpers/test-config.js';
import { telegramFixtureBytes } from '../helpers/telegram-payloads.js';
import { CAMPAIGN_ANSWER, scriptedChannelIntents, unescapeMarkdownV2 } from '../helpers/scripted-intents.js';

const SECRET = 'feedback-secret';
let api: FakeTelegramApi;
let hub: Hub | undefined;
let feedback: FeedbackModule;

beforeAll(async () => {
  api = await startFakeTelegramApi();
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
  api.calls.length = 0;
});

async function startHub(): Promise<Hub> {
  const core = await createHubCore({ config: testConfig(), logger: false });
  feedback = createFeedback({ store: core.store, events: core.events });
  hub = await buildApp({
    config: core.config,
    core,
    intents: scriptedChannelIntents(),
    firstSteps: [feedback.step],
    feedback: (key, ref, value) => feedback.record(key, ref, value),
    channels: [
      (services) => createTelegramChannel({ botToken: '123:FB', mode: 'webhook', webhookSecret: SECRET, apiRoot: api.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 2000 }, services),
      (services) => createWebchatChannel(services),
    ],
  });
  await hub.start();
  return hub;
}

function postTelegram(body: Buffer | string) {
  return hub!.app.inject({ method: 'POST', url: '/webhooks/telegram', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, payload: body });
}

/** The fixture's real callback_query shape, pressing `data` under the message the bot sent. */
function callbackUpdate(updateId: number, callbackId: string, data: string, keyboard: unknown): string {
  const update = JSON.parse(telegramFixtureBytes('callback-query').toString('utf8')) as { update_id: number; callback_query: Record<string, unknown> & { message: Record<string, unknown> } };
  update.update_id = updateId;
  update.callback_query.id = callbackId;
  update.callback_query.data = data;
  update.callback_query.message.text = CAMPAIGN_ANSWER;
  update.callback_query.message.reply_markup = keyboard;
  return JSON.stringify(update);
}

async function feedbackRows() {
  return feedbackDb(hub!.store).selectFrom('message_feedback').selectAll().execute();
}

describe('feedback on Telegram', () => {
  it('an answer carries 👍/👎; a callback_query records 👎 once, however often it is retried or clicked', async () => {
    await startHub();
    expect((await postTelegram(telegramFixtureBytes('text'))).statusCode).toBe(200);
    const [answer] = await api.waitForCalls('sendMessage', 1);
    expect(unescapeMarkdownV2(String(answer?.body.text))).toBe(CAMPAIGN_ANSWER);
    const keyboard = answer?.body.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    expect(keyboard.inline_keyboard).toHaveLength(1);
    const [up, down] = keyboard.inline_keyboard[0] ?? [];
    expect([up?.text, down?.text]).toEqual(['👍', '👎']);
    expect(down?.callback_data).toMatch(/^fb:down:[0-9]+$/);
    expect(Buffer.byteLength(down?.callback_data ?? '')).toBeLessThanOrEqual(64);

    const press = callbackUpdate(900100, '4382000000000000101', down?.callback_data ?? '', keyboard);
    expect((await postTelegram(press)).statusCode).toBe(200);
    const calls = await api.waitForCalls('sendMessage', 2);
    expect(unescapeMarkdownV2(String(calls[1]?.body.text))).toMatch(/^Gracias por decírnoslo/);
    // The thanks is not itself an answer to rate.
    expect(calls[1]?.body.reply_markup).toBeUndefined();
    await api.waitForCalls('answerCallbackQuery', 1);
    let rows = await feedbackRows();
    expect(rows.map((row) => [row.value, row.channel, row.intent])).toEqual([['down', 'telegram', 'renta.campana_fechas']]);

    // Telegram retries the same update (same update and callback id): stored once, answered once.
    expect((await postTelegram(press)).statusCode).toBe(200);
    // A double click: a new callback_query with the same data.
    expect((await postTelegram(callbackUpdate(900101, '4382000000000000102', down?.callback_data ?? '', keyboard))).statusCode).toBe(200);
    await api.waitForCalls('sendMessage', 3);
    await hub!.runner.drain();
    rows = await feedbackRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value).toBe('down');
    expect(rows[0]?.updated_at).toBe(rows[0]?.created_at);
    expect(api.callsOf('sendMessage')).toHaveLength(3);
  });

  it('a forged payload naming another conversation\'s answer records nothing', async () => {
    await startHub();
    await postTelegram(telegramFixtureBytes('text'));
    const [answer] = await api.waitForCalls('sendMessage', 1);
    const keyboard = answer?.body.reply_markup as { inline_keyboard: { callback_data: string }[][] };
    const outboxId = keyboard.inline_keyboard[0]?.[0]?.callback_data.split(':')[2] ?? '';
    const forged = JSON.parse(callbackUpdate(900200, '4382000000000000201', `fb:down:${Number(outboxId) + 1000}`, keyboard)) as { callback_query: { from: { id: number }; message: { chat: { id: number } } } };
    expect((await postTelegram(JSON.stringify(forged))).statusCode).toBe(200);
    await api.waitForCalls('sendMessage', 2);
    expect(await feedbackRows()).toHaveLength(0);
  });
});

describe('feedback on the web chat', () => {
  it('POST /webchat/api/feedback records once, changes on a different value, refuses other conversations and bad bodies', async () => {
    const app = (await startHub()).app;
    const { sessionId } = (await app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json<{ sessionId: string }>();
    const sent = await app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: '3f2b8c1e-1d2a-4c3b-9e8f-0a1b2c3d4e5f', text: '¿Cuándo empieza la campaña de la renta?' } });
    expect(sent.statusCode).toBe(202);
    await hub!.runner.drain();
    const history = (await app.inject({ method: 'GET', url: `/webchat/api/history?sessionId=${sessionId}` })).json<{ items: { author: string; text: string; feedbackRef?: string }[] }>();
    const answer = history.items.find((item) => item.author === 'bot');
    expect(answer?.text).toBe(CAMPAIGN_ANSWER);
    const ref = answer?.feedbackRef ?? '';
    expect(ref).toMatch(/^[0-9]+$/);
    // The citizen's own message has nothing to rate.
    expect(history.items.find((item) => item.author === 'citizen')?.feedbackRef).toBeUndefined();

    const rate = (value: string, body: Record<string, unknown> = {}) => app.inject({ method: 'POST', url: '/webchat/api/feedback', payload: { sessionId, ref, value, ...body } });
    expect((await rate('down')).json()).toEqual({ status: 'recorded' });
    expect((await rate('down')).json()).toEqual({ status: 'unchanged' });
    expect((await feedbackRows()).map((row) => row.value)).toEqual(['down']);
    expect((await rate('up')).json()).toEqual({ status: 'changed' });
    expect((await feedbackRows()).map((row) => [row.value, row.channel])).toEqual([['up', 'webchat']]);

    // Another session cannot rate this answer.
    const other = (await app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json<{ sessionId: string }>().sessionId;
    const stolen = await app.inject({ method: 'POST', url: '/webchat/api/feedback', payload: { sessionId: other, ref, value: 'down' } });
    expect(stolen.statusCode).toBe(404);
    expect((await rate('meh')).statusCode).toBe(400);
    expect((await rate('down', { ref: '../1' })).statusCode).toBe(400);
    expect((await feedbackRows()).map((row) => row.value)).toEqual(['up']);
  });
});
