/**
 * Conversations per channel with the real bot (nlp.js in five languages, the decision policy,
 * data-backed answers): a greeting, a renta question, a choice picked with the channel's own
 * button, and "quiero hablar con una persona". The channel integration tests use a scripted bot to
 * pin the plumbing; these pin what a citizen actually gets.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createBotFrameworkChannel } from '../../src/bots/botframework/index.js';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { createXChannel, DM_INVITATION, xSignature } from '../../src/bots/x/index.js';
import { EventEmitter } from 'node:events';
import { createWhatsAppCloudChannel, createWhatsAppWebChannel, type WhatsAppWebClientLike } from '../../src/bots/whatsapp/index.js';
import { createDataProviders } from '../../src/intents/data/index.js';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { startFakeBotFrameworkConnector, type FakeBotFrameworkConnector } from '../helpers/fake-bf-connector.js';
import { startFakeGraphApi, type FakeGraphApi } from '../helpers/fake-graph-api.js';
import { startFakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { startFakeXApi } from '../helpers/fake-x-api.js';
import { ACCOUNT_ID, xFixture } from '../helpers/x-payloads.js';
import { telegramFixture } from '../helpers/telegram-payloads.js';
import { unescapeMarkdownV2 } from '../helpers/scripted-intents.js';
import { testConfig } from '../helpers/test-config.js';
import { fixtureText, waitFor, whatsappFixture } from '../helpers/whatsapp-fakes.js';
import { sharedModelCache } from '../helpers/model-cache.js';

// Inside the 2025 campaign, so the renta answer is the date-computed one.
const NOW = new Date('2026-05-10T10:00:00+02:00');
let intents: Intents;
let graph: FakeGraphApi;

beforeAll(async () => {
  const config = testConfig();
  const providers = await createDataProviders({ dataDir: config.dataDir, configDir: config.configDir, clock: () => NOW });
  intents = await createIntents({ providers, ...sharedModelCache() });
  graph = await startFakeGraphApi();
});
afterAll(async () => {
  await graph.close();
});

describe('WhatsApp Cloud API with the real bot', () => {
  let hub: Hub;
  afterAll(async () => {
    await hub.app.close();
  });

  function webhook(file: string, replace: Record<string, string>): string {
    let body = whatsappFixture(file, new Date());
    for (const [from, to] of Object.entries(replace)) body = body.split(from).join(to);
    return body;
  }
  async function say(body: string, expectedReplies: number): Promise<Record<string, unknown>[]> {
    const signature = `sha256=${createHmac('sha256', 'secret').update(body).digest('hex')}`;
    const response = await hub.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, payload: body });
    expect(response.statusCode).toBe(200);
    await waitFor(() => graph.requests.length >= expectedReplies, `${expectedReplies} replies`);
    return graph.requests.slice(expectedReplies - 1).map((request) => request.body);
  }
  const text = (n: number, words: string) => webhook('text.json', { 'wamid.TEST_TEXT_0001': `wamid.REAL_${n}`, '"Hola"': JSON.stringify(words) });

  it('greets, answers the campaign dates, lets the citizen pick from a numbered choice (titles too long for buttons), and hands over', async () => {
    hub = await buildApp({
      config: testConfig(),
      intents,
      clock: () => NOW,
      logger: false,
      channels: [(services) => createWhatsAppCloudChannel({ token: 't', appSecret: 'secret', verifyToken: 'v', phoneNumberId: '200000000000002', graphBaseUrl: graph.baseUrl }, services, { now: () => new Date() })],
    });
    await hub.start();

    const [greeting] = await say(text(1, 'Hola'), 1);
    expect(greeting).toMatchObject({ to: '34600000001', type: 'text', text: { body: expect.stringMatching(/Hola/) } });

    const [renta] = await say(text(2, '¿hasta cuándo puedo presentar la renta?'), 2);
    expect(renta).toMatchObject({ type: 'text', text: { body: expect.stringMatching(/abierta hasta el 30 de junio/) } });

    // A question about two topics (the digital certificate and lost property) gets a choice. One
    // title is longer than a WhatsApp reply button (20) or list row (24), so the choice comes as
    // a numbered list, and the citizen answers with the number.
    const [clarify] = await say(text(3, '¿certificado digital u objetos perdidos?'), 3);
    expect(clarify).toMatchObject({ type: 'text' });
    const body = String((clarify as { text: { body: string } }).text.body);
    const line = body.split('\n').find((row) => /^\d+\. .*certificado/i.test(row));
    expect(line).toBeDefined();
    const [answer] = await say(text(4, line?.split('.')[0] ?? ''), 4);
    expect(answer).toMatchObject({ type: 'text', text: { body: expect.stringMatching(/certificado|Cl@ve/i) } });

    const [handoff] = await say(text(5, 'quiero hablar con una persona'), 5);
    expect(handoff).toMatchObject({ type: 'text', text: { body: expect.stringMatching(/persona/) } });
    expect((await hub.store.getConversationByKey('whatsapp:34600000001'))?.mode).toBe('queued');
  });
});

describe('Bot Framework with the real bot', () => {
  let hub: Hub;
  let connector: FakeBotFrameworkConnector;
  afterAll(async () => {
    await hub.app.close();
    await connector.close();
  });

  it('welcomes, greets, answers the campaign dates, takes a suggested action, and hands over', async () => {
    connector = await startFakeBotFrameworkConnector();
    hub = await buildApp({
      config: testConfig(),
      intents,
      clock: () => NOW,
      logger: false,
      channels: [(services) => createBotFrameworkChannel({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, services)],
    });
    await hub.start();
    const activity = (name: string, overrides: Record<string, unknown> = {}) => ({ ...(JSON.parse(fixtureText('botframework', name)) as Record<string, unknown>), serviceUrl: connector.serviceUrl, ...overrides });
    const say = async (body: Record<string, unknown>, expected: number) => {
      expect((await hub.app.inject({ method: 'POST', url: '/api/messages', payload: body })).statusCode).toBe(200);
      await waitFor(() => connector.requests.length >= expected, `${expected} replies`);
      return connector.requests[expected - 1]?.activity ?? {};
    };

    expect(await say(activity('conversation-update.json'), 1)).toMatchObject({ type: 'message', text: expect.stringMatching(/Hola/) });
    expect(await say(activity('message.json', { id: 'r-1', text: 'hola' }), 2)).toMatchObject({ text: expect.stringMatching(/Hola/), replyToId: 'r-1' });
    expect(await say(activity('message.json', { id: 'r-2', text: '¿hasta cuándo puedo presentar la renta?' }), 3)).toMatchObject({
      text: expect.stringMatching(/abierta hasta el 30 de junio/),
    });
    const clarify = await say(activity('message.json', { id: 'r-3', text: '¿certificado digital u objetos perdidos?' }), 4);
    const actions = (clarify as { suggestedActions?: { actions: { title: string; value: { payload: string } }[] } }).suggestedActions?.actions ?? [];
    const certificate = actions.find((action) => /certificado/i.test(action.title));
    expect(certificate).toBeDefined();
    const picked = await say(activity('suggested-action-reply.json', { id: 'r-4', text: certificate?.title, value: certificate?.value }), 5);
    expect(picked).toMatchObject({ text: expect.stringMatching(/certificado|Cl@ve/i), replyToId: 'r-4' });
    expect(await say(activity('message.json', { id: 'r-5', text: 'quiero hablar con una persona' }), 6)).toMatchObject({ text: expect.stringMatching(/persona/) });
    expect((await hub.store.getConversationByKey('botframework:emulator:conv-0001|livechat'))?.mode).toBe('queued');
  });
});

describe('Telegram with the real bot', () => {
  it('greets, answers the campaign dates, takes an inline-keyboard choice, and hands over', async () => {
    const api = await startFakeTelegramApi();
    const hub = await buildApp({
      config: testConfig(),
      intents,
      clock: () => NOW,
      logger: false,
      channels: [(services) => createTelegramChannel({ botToken: '123:REAL', mode: 'webhook', webhookSecret: 's3cret', apiRoot: api.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 2000 }, services)],
    });
    try {
      await hub.start();
      let update = 1;
      const send = async (body: Record<string, unknown>, expected: number) => {
        const response = await hub.app.inject({ method: 'POST', url: '/webhooks/telegram', headers: { 'x-telegram-bot-api-secret-token': 's3cret' }, payload: { ...body, update_id: 1000 + update++ } });
        expect(response.statusCode).toBe(200);
        await api.waitForCalls('sendMessage', expected);
        return api.callsOf('sendMessage')[expected - 1]?.body ?? {};
      };
      const base = telegramFixture('text') as { message: Record<string, unknown> };
      const text = (id: number, words: string) => ({ message: { ...base.message, message_id: id, text: words } });

      expect(unescapeMarkdownV2(String((await send(text(1, 'hola'), 1)).text))).toMatch(/Hola/);
      expect(unescapeMarkdownV2(String((await send(text(2, '¿hasta cuándo puedo presentar la renta?'), 2)).text))).toMatch(/abierta hasta el 30 de junio/);
      const clarify = await send(text(3, '¿certificado digital u objetos perdidos?'), 3);
      const keyboard = (clarify.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
      const certificate = keyboard.find((button) => /certificado/i.test(button.text));
      expect(certificate).toBeDefined();
      const callback = telegramFixture('callback-query') as { callback_query: Record<string, unknown> };
      const picked = await send({ callback_query: { ...callback.callback_query, id: 'cb-real-1', data: certificate?.callback_data } }, 4);
      expect(unescapeMarkdownV2(String(picked.text))).toMatch(/certificado|Cl@ve/i);
      expect(api.callsOf('answerCallbackQuery').length).toBeGreaterThanOrEqual(1);
      expect(unescapeMarkdownV2(String((await send(text(5, 'quiero hablar con una persona'), 5)).text))).toMatch(/persona/);
      expect((await hub.store.getConversationByKey('telegram:5550001'))?.mode).toBe('queued');
    } finally {
      await hub.app.close();
      await api.close();
    }
  });
});

describe('whatsapp-web.js with the real bot (client mocked: no browser)', () => {
  it('greets, answers the campaign dates, takes a numbered choice, and hands over', async () => {
    class FakeClient extends EventEmitter implements WhatsAppWebClientLike {
      readonly sent: string[] = [];
      async initialize(): Promise<void> {}
      async destroy(): Promise<void> {}
      async sendMessage(_chatId: string, content: string) {
        this.sent.push(content);
        return { id: { _serialized: `true_out_${this.sent.length}` } };
      }
      async requestPairingCode(): Promise<string> {
        return 'ABCD1234';
      }
    }
    const client = new FakeClient();
    const hub = await buildApp({
      config: testConfig(),
      intents,
      clock: () => NOW,
      logger: false,
      channels: [
        (services) =>
          createWhatsAppWebChannel(
            { chromiumPath: '/usr/bin/chromium', sessionDir: '/tmp/unused/wwebjs' },
            { ...services, clientFactory: () => client, acquireSingletonLock: async () => true, printQr: () => undefined },
          ),
      ],
    });
    try {
      await hub.start();
      client.emit('ready');
      let n = 0;
      const say = async (body: string): Promise<string> => {
        n += 1;
        const before = client.sent.length;
        client.emit('message', { id: { _serialized: `false_34600000009@c.us_REAL${n}` }, from: '34600000009@c.us', fromMe: false, isStatus: false, body, type: 'chat', timestamp: Math.floor(Date.now() / 1000), _data: { notifyName: 'Prueba' } });
        await waitFor(() => client.sent.length > before, `a reply to "${body}"`);
        return client.sent.slice(before).join('\n');
      };
      expect(await say('hola')).toMatch(/Hola/);
      expect(await say('¿hasta cuándo puedo presentar la renta?')).toMatch(/abierta hasta el 30 de junio/);
      // No buttons on whatsapp-web.js: the choices arrive numbered and the citizen answers "2"-style.
      const clarify = await say('¿certificado digital u objetos perdidos?');
      const line = clarify.split('\n').find((row) => /^\d+\. .*(certificado)/i.test(row));
      expect(line).toBeDefined();
      expect(await say(line?.split('.')[0] ?? '')).toMatch(/certificado|Cl@ve/i);
      expect(await say('quiero hablar con una persona')).toMatch(/persona/);
      expect((await hub.store.getConversationByKey('whatsapp:34600000009'))?.mode).toBe('queued');
    } finally {
      await hub.app.close();
    }
  });
});

describe('X with the real bot', () => {
  it('answers DMs in full, and public mentions briefly, with no personal data, moving a person request to DMs', async () => {
    const api = await startFakeXApi(ACCOUNT_ID);
    const hub = await buildApp({
      config: testConfig(),
      intents,
      clock: () => NOW,
      logger: false,
      channels: [(services) => createXChannel({ appKey: 'k', appSecret: 'consumer-secret', accessToken: 't', accessSecret: 'ts', accountId: ACCOUNT_ID, mode: 'webhook', apiBaseUrl: api.baseUrl, pollIntervalMs: 20, requestTimeoutMs: 2000 }, services)],
    });
    try {
      await hub.start();
      let n = 0;
      const post = async (payload: Record<string, unknown>) => {
        const body = Buffer.from(JSON.stringify(payload));
        const response = await hub.app.inject({ method: 'POST', url: '/webhooks/x', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature('consumer-secret', body) }, payload: body });
        expect(response.statusCode).toBe(200);
      };
      const dm = async (text: string): Promise<string> => {
        n += 1;
        const before = api.sentDms.length;
        const fixture = xFixture('dm') as { direct_message_events: { id: string; message_create: { message_data: { text: string } } }[] };
        const event = { ...fixture.direct_message_events[0], id: `19000000000001${n}` } as { message_create: { message_data: { text: string } } };
        event.message_create = { ...event.message_create, message_data: { ...event.message_create.message_data, text } };
        await post({ ...fixture, direct_message_events: [event] });
        await waitFor(() => api.sentDms.length > before, `a DM reply to "${text}"`);
        return api.sentDms.slice(before).map((m) => m.text).join('\n');
      };
      const mention = async (text: string): Promise<{ inReplyTo: string; text: string }> => {
        n += 1;
        const before = api.replies.length;
        const fixture = xFixture('mention') as { tweet_create_events: Record<string, unknown>[] };
        const id = `19000000000002${n}`;
        await post({ ...fixture, tweet_create_events: [{ ...fixture.tweet_create_events[0], id: Number(id), id_str: id, text: `@ayto_pruebas ${text}` }] });
        await waitFor(() => api.replies.length > before, `a public reply to "${text}"`);
        const reply = api.replies[before];
        return { inReplyTo: reply?.inReplyTo ?? '', text: reply?.text ?? '' };
      };

      expect(await dm('hola')).toMatch(/Hola/);
      expect(await dm('¿hasta cuándo puedo presentar la renta?')).toMatch(/abierta hasta el 30 de junio/);

      const publicAnswer = await mention('¿hasta cuándo puedo presentar la renta?');
      expect(publicAnswer.inReplyTo).toMatch(/^19000000000002/);
      expect(publicAnswer.text.length).toBeLessThanOrEqual(280);
      expect(publicAnswer.text).toMatch(/30 de junio/);

      const person = await mention('quiero hablar con una persona');
      expect(person.text).toBe(DM_INVITATION);
    } finally {
      await hub.app.close();
      await api.close();
    }
  });
});
