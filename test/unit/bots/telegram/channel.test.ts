import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramChannel, TELEGRAM_OFFSET_CURSOR } from '../../../../src/bots/telegram/channel.js';
import type { TelegramConfig } from '../../../../src/bots/telegram/config.js';
import type { ChannelModule } from '../../../../src/core/channel-port.js';
import { HubError } from '../../../../src/core/errors.js';
import type { Recipient } from '../../../../src/core/message.js';
import { createMemoryChannelDeps, startFakeTelegramApi, type FakeTelegramApi, type MemoryChannelDeps } from '../../../helpers/fake-telegram-api.js';
import { telegramFixture, telegramFixtureBytes } from '../../../helpers/telegram-payloads.js';
import { sendDegraded } from '../../../helpers/send-degraded.js';

const SECRET = 'webhook-secret_123';
const ana: Recipient = { participant: { channel: 'telegram', id: '5550001' }, conversationKey: 'telegram:5550001' };

function config(api: FakeTelegramApi, overrides: Partial<TelegramConfig> = {}): TelegramConfig {
  return { botToken: '123:TEST', mode: 'webhook', webhookSecret: SECRET, apiRoot: api.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 2000, ...overrides };
}

async function sendError(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('expected send to fail');
}

let api: FakeTelegramApi;
let deps: MemoryChannelDeps;
beforeEach(async () => {
  api = await startFakeTelegramApi();
  deps = createMemoryChannelDeps();
});
afterEach(async () => {
  await api.close();
});

describe('telegram adapter send', () => {
  it('sends the text degrade() rendered as MarkdownV2, unchanged', async () => {
    const channel = createTelegramChannel(config(api), deps);
    const result = await channel.adapter.send(ana, { kind: 'text', text: 'Empieza el 2 de abril \\(online\\)\\.' });
    expect(result.id).toBe('1');
    expect(api.callsOf('sendMessage')[0]?.body).toEqual({ chat_id: '5550001', text: 'Empieza el 2 de abril \\(online\\)\\.', parse_mode: 'MarkdownV2' });
  });

  it('sends choices as an inline keyboard whose callback_data is the payload', async () => {
    const channel = createTelegramChannel(config(api), deps);
    await channel.adapter.send(ana, { kind: 'choices', text: '¿Qué trámite?', choices: [{ title: 'Renta', payload: 'intent:renta' }, { title: 'Padrón', payload: 'intent:padron' }] });
    expect(api.callsOf('sendMessage')[0]?.body.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Renta', callback_data: 'intent:renta' }], [{ text: 'Padrón', callback_data: 'intent:padron' }]],
    });
  });

  it('falls back to a numbered list when a payload exceeds 64 bytes', async () => {
    const channel = createTelegramChannel(config(api), deps);
    await sendDegraded(channel.adapter, ana, { kind: 'choices', text: 'Elige.', choices: [{ title: 'Larga (A)', payload: 'x'.repeat(65) }] });
    const body = api.callsOf('sendMessage')[0]?.body;
    expect(body?.reply_markup).toBeUndefined();
    expect(body?.text).toBe('Elige\\.\n\n1\\. Larga \\(A\\)');
  });

  it('turns a 429 into a retryable error carrying retry_after', async () => {
    api.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 });
    const channel = createTelegramChannel(config(api), deps);
    const error = await sendError(channel.adapter.send(ana, { kind: 'text', text: 'hola' }));
    expect(error).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE', retryable: true, retryAfterMs: 7000 });
  });

  it('marks the conversation unreachable on 403 and does not ask for a retry', async () => {
    api.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    const channel = createTelegramChannel(config(api), deps);
    const error = await sendError(channel.adapter.send(ana, { kind: 'text', text: 'hola' }));
    expect(error).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT', retryable: false });
    expect(deps.unreachable).toEqual(['telegram:5550001']);
  });

  it('retries 5xx and timeouts', async () => {
    api.failNext('sendMessage', { status: 502, description: 'Bad Gateway' });
    const channel = createTelegramChannel(config(api, { requestTimeoutMs: 300 }), deps);
    expect(await sendError(channel.adapter.send(ana, { kind: 'text', text: 'hola' }))).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE' });
    api.failNext('sendMessage', { status: 0, hang: true });
    expect(await sendError(channel.adapter.send(ana, { kind: 'text', text: 'hola' }))).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE' });
  });

  it('treats other 4xx as permanent without marking unreachable', async () => {
    api.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    const channel = createTelegramChannel(config(api), deps);
    expect(await sendError(channel.adapter.send(ana, { kind: 'text', text: 'hola' }))).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT' });
    expect(deps.unreachable).toEqual([]);
  });
});

describe('telegram webhook route', () => {
  let app: FastifyInstance;
  let channel: ChannelModule;

  beforeEach(async () => {
    channel = createTelegramChannel(config(api), deps);
    app = Fastify();
    const routes = channel.routes;
    if (routes === undefined) throw new Error('webhook mode must expose routes');
    expect(routes.prefix).toBe('/webhooks/telegram');
    await app.register(routes.plugin, { prefix: routes.prefix });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
  });

  function post(payload: Buffer | string, secret: string | null = SECRET) {
    return app.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      payload,
    });
  }

  it('accepts a signed update and answers 200 once it is stored', async () => {
    const response = await post(telegramFixtureBytes('text'));
    expect(response.statusCode).toBe(200);
    expect(deps.stored.map((message) => message.text)).toEqual(['¿cuándo empieza la campaña de la renta?']);
  });

  it('answers 401 and stores nothing for a missing or wrong secret', async () => {
    expect((await post(telegramFixtureBytes('text'), null)).statusCode).toBe(401);
    expect((await post(telegramFixtureBytes('text'), 'wrong-secret_123')).statusCode).toBe(401);
    expect((await post(telegramFixtureBytes('text'), 'short')).statusCode).toBe(401);
    expect(deps.accepted).toEqual([]);
  });

  it('answers 400 for a malformed update and stores nothing', async () => {
    expect((await post('{not json')).statusCode).toBe(400);
    expect((await post(telegramFixtureBytes('malformed-no-chat'))).statusCode).toBe(400);
    expect(deps.accepted).toEqual([]);
  });

  it('answers 200 and ignores an unknown update type', async () => {
    expect((await post(telegramFixtureBytes('my-chat-member'))).statusCode).toBe(200);
    expect(deps.accepted).toEqual([]);
  });

  it('hands a retried update to the sink with the same id, so the store dedupes it', async () => {
    await post(telegramFixtureBytes('voice'));
    await post(telegramFixtureBytes('voice'));
    expect(deps.accepted).toHaveLength(2);
    expect(deps.accepted[0]?.id).toBe(deps.accepted[1]?.id);
    expect(deps.stored).toHaveLength(1);
    expect(deps.stored[0]?.kind).toBe('attachment');
  });

  it('answers 503 with Retry-After (so Telegram retries) when the store is down', async () => {
    deps.failAccept();
    const refused = await post(telegramFixtureBytes('text'));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect((await post(telegramFixtureBytes('text'))).statusCode).toBe(200);
  });

  it('answers the callback query after storing the button press', async () => {
    expect((await post(telegramFixtureBytes('callback-query'))).statusCode).toBe(200);
    const [call] = await api.waitForCalls('answerCallbackQuery', 1);
    expect(call?.body.callback_query_id).toBe('4382000000000000001');
    expect(deps.stored[0]).toMatchObject({ kind: 'postback', payload: 'intent:renta' });
  });

  it('looks the bot up to accept a group mention', async () => {
    expect((await post(telegramFixtureBytes('group-mention'))).statusCode).toBe(200);
    expect((await post(telegramFixtureBytes('group-unaddressed'))).statusCode).toBe(200);
    expect(deps.stored.map((message) => message.text)).toEqual(['¿horario de la oficina?']);
    expect(api.callsOf('getMe')).toHaveLength(1);
  });
});

describe('telegram polling', () => {
  it('stores updates, persists the offset and resumes after a restart without re-reading', async () => {
    const first = createTelegramChannel(config(api, { mode: 'polling' }), deps);
    expect(first.routes).toBeUndefined();
    api.pushUpdate(telegramFixture('text'));
    const lastId = api.pushUpdate(telegramFixture('callback-query'));
    await first.start?.();
    await api.waitForCalls('answerCallbackQuery', 1);
    await first.stop?.();
    expect(deps.stored.map((message) => message.kind)).toEqual(['text', 'postback']);
    expect(Number(deps.cursorValues.get(TELEGRAM_OFFSET_CURSOR))).toBe(lastId + 1);

    // A new process with the same durable cursor: only the new update is read.
    api.pushUpdate(telegramFixture('location'));
    const second = createTelegramChannel(config(api, { mode: 'polling' }), deps);
    await second.start?.();
    await api.waitForCalls('getUpdates', api.callsOf('getUpdates').length + 2);
    await second.stop?.();
    expect(deps.accepted.map((message) => message.kind)).toEqual(['text', 'postback', 'location']);
    const offsets = api.callsOf('getUpdates').map((call) => call.body.offset);
    expect(offsets[0]).toBe(0);
    expect(offsets).toContain(lastId + 1);
  });

  it('does not advance past an update the store could not take', async () => {
    deps.failAccept(1);
    api.pushUpdate(telegramFixture('text'));
    const channel = createTelegramChannel(config(api, { mode: 'polling' }), deps);
    await channel.start?.();
    // Polling backs off and fetches the same update again.
    await api.waitForCalls('getUpdates', 2);
    const deadline = Date.now() + 10_000;
    while (deps.stored.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await channel.stop?.();
    expect(deps.stored.map((message) => message.id)).toEqual(['5550001:11']);
  });
});
