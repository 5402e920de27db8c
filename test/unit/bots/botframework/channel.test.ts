import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBotFrameworkChannel, type BotFrameworkChannelModule } from '../../../../src/bots/botframework/channel.js';
import { botFrameworkSendError } from '../../../../src/bots/botframework/outbound.js';
import { loadBotFrameworkConfig, type BotFrameworkConfig } from '../../../../src/bots/botframework/config.js';
import type { InboundMessage, Recipient } from '../../../../src/core/message.js';
import { startFakeBotFrameworkConnector, type FakeBotFrameworkConnector } from '../../../helpers/fake-bf-connector.js';
import { channelDeps, fixtureText } from '../../../helpers/whatsapp-fakes.js';

const anonymous: BotFrameworkConfig = { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '', anonymous: true };

let connector: FakeBotFrameworkConnector;
let app: FastifyInstance | undefined;
beforeAll(async () => {
  connector = await startFakeBotFrameworkConnector();
});
afterAll(async () => {
  await connector.close();
});
beforeEach(() => {
  connector.requests.length = 0;
  // botbuilder prints refused requests with console.error; keep the test output readable.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await app?.close();
  app = undefined;
});

function activity(name: string): Record<string, unknown> {
  return { ...(JSON.parse(fixtureText('botframework', name)) as Record<string, unknown>), serviceUrl: connector.serviceUrl };
}

async function setup(config: BotFrameworkConfig = anonymous) {
  const deps = channelDeps();
  const channel: BotFrameworkChannelModule = createBotFrameworkChannel(config, deps);
  app = Fastify();
  if (channel.routes === undefined) throw new Error('no routes');
  await app.register(channel.routes.plugin, { prefix: channel.routes.prefix });
  await app.ready();
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app!.inject({ method: 'POST', url: '/api/messages', payload: body as Record<string, unknown>, headers });
  return { channel, deps, post };
}

function recipientOf(message: InboundMessage): Recipient {
  return { participant: message.from, conversationKey: message.conversationKey, ...(message.replyContext ? { replyContext: message.replyContext } : {}) };
}

describe('Bot Framework inbound', () => {
  it('stores a message activity and answers 200 (anonymous mode warns)', async () => {
    const { deps, post } = await setup();
    const response = await post(activity('message.json'));
    expect(response.statusCode).toBe(200);
    expect(deps.sink.accepted).toHaveLength(1);
    expect(deps.sink.accepted[0]).toMatchObject({
      id: 'act-0001',
      conversationKey: 'botframework:emulator:conv-0001|livechat',
      kind: 'text',
      text: 'Hola',
      from: { channel: 'botframework', id: 'user-0001', displayName: 'Ciudadano Prueba', locale: 'es-ES' },
      replyContext: {
        serviceUrl: connector.serviceUrl,
        conversationId: 'conv-0001|livechat',
        activityId: 'act-0001',
        channelId: 'emulator',
        botId: 'bot-0001',
        botName: 'Ventanilla',
      },
    });
    expect(deps.logger.lines.some((line) => line.level === 'warn' && /anonymous mode/.test(line.msg ?? ''))).toBe(true);
  });

  it('turns a suggested-action press into a postback with its payload', async () => {
    const { deps, post } = await setup();
    await post(activity('suggested-action-reply.json'));
    expect(deps.sink.accepted[0]).toMatchObject({ kind: 'postback', payload: 'renta.plazos', text: 'Plazos' });
  });

  it('turns a conversationUpdate adding the citizen into one welcome postback (not for the bot itself)', async () => {
    const { deps, post } = await setup();
    await post(activity('conversation-update.json'));
    expect(deps.sink.accepted).toHaveLength(1);
    expect(deps.sink.accepted[0]).toMatchObject({ kind: 'postback', payload: 'welcome', from: { id: 'user-0001' } });
    expect(deps.sink.accepted[0]?.replyContext?.activityId).toBeUndefined();
  });

  it('answers 400 for a body that is not an activity', async () => {
    const { deps, post } = await setup();
    expect((await post([1, 2])).statusCode).toBe(400);
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('with an app id configured, answers 401 to a request without a token and stores nothing', async () => {
    const { deps, post } = await setup({ appId: '00000000-0000-0000-0000-000000000001', appPassword: 'secret', appType: 'MultiTenant', tenantId: '', anonymous: false });
    const response = await post(activity('message.json'));
    expect(response.statusCode).toBe(401);
    expect(deps.sink.accepted).toHaveLength(0);
    const forged = await post(activity('message.json'), { authorization: 'Bearer not.a.jwt' });
    expect(forged.statusCode).toBe(401);
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('answers 400 to malformed activities (never a 5xx the channel would retry forever) and stores nothing', async () => {
    const { deps, post } = await setup();
    // Written as text: JSON.stringify itself would overflow the stack on 50,000 levels.
    const deepText = (levels: number) =>
      `${JSON.stringify({ ...activity('message.json'), channelData: undefined }).slice(0, -1)},"channelData":${'{"nested":'.repeat(levels)}"bottom"${'}'.repeat(levels)}}`;
    const attachmentWithoutType = { ...activity('message.json'), attachments: [{ contentUrl: 'http://127.0.0.1/a.png', name: 'a.png' }] };
    const malformed: readonly (Record<string, unknown> | string)[] = [
      { ...activity('message.json'), text: 42 },
      { ...activity('message.json'), text: { rich: true } },
      attachmentWithoutType,
      { ...activity('conversation-update.json'), membersAdded: { id: 'user-0001' } },
      { ...activity('conversation-update.json'), membersAdded: [{ name: 'sin id' }] },
      deepText(50_000),
      deepText(100),
      { ...activity('message.json'), type: 7 },
      { ...activity('message.json'), from: 'user-0001' },
      { ...activity('message.json'), conversation: { id: 12 } },
      { ...activity('message.json'), timestamp: 1e20 },
      { ...activity('message.json'), serviceUrl: 'not a url' },
      { ...activity('message.json'), serviceUrl: undefined },
      { ...activity('message.json'), value: { payload: 5 }, attachments: 'none' },
    ];
    for (const body of malformed) {
      const response = await post(body, { 'content-type': 'application/json' });
      expect(response.statusCode, (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 300)).toBe(400);
      expect(response.json(), response.body).toMatchObject({ error: 'HUB_ERR_BAD_PAYLOAD' });
    }
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('answers an activity type the bot does not handle (invoke) with a 4xx, not a 5xx', async () => {
    const { deps, post } = await setup();
    const response = await post({ ...activity('message.json'), type: 'invoke', name: 'adaptiveCard/action', value: {} });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('in anonymous mode accepts only loopback serviceUrls (the Emulator) and never calls another', async () => {
    const { channel, deps, post } = await setup();
    for (const serviceUrl of ['http://10.0.0.5:8080', 'https://evil.example.org', 'http://169.254.169.254/latest', 'http://127.0.0.1.nip.io:3000']) {
      const response = await post({ ...activity('message.json'), serviceUrl });
      expect(response.statusCode, serviceUrl).toBe(403);
      expect(response.json().message).toMatch(/loopback/);
    }
    expect(deps.sink.accepted).toHaveLength(0);
    for (const serviceUrl of [connector.serviceUrl, connector.serviceUrl.replace('127.0.0.1', 'localhost'), 'http://[::1]:9']) {
      expect((await post({ ...activity('message.json'), id: `act-${serviceUrl}`, serviceUrl })).statusCode, serviceUrl).toBe(200);
    }
    expect(deps.sink.accepted).toHaveLength(3);
    // A reply context stored before this check (or forged in the store) is refused at send time too.
    const recipient = { ...recipientOf(deps.sink.accepted[0]!), replyContext: { ...deps.sink.accepted[0]!.replyContext, serviceUrl: 'http://10.0.0.5:8080' } };
    const error = await channel.adapter.send(recipient, { kind: 'text', text: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT', message: expect.stringMatching(/loopback/) });
    expect(connector.requests).toHaveLength(0);
  });

  it('cuts a text over 10,000 characters before storing it', async () => {
    const { deps, post } = await setup();
    expect((await post({ ...activity('message.json'), text: `hola ${'a'.repeat(200_000)}` })).statusCode).toBe(200);
    const text = deps.sink.accepted[0]?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(text.startsWith('hola aaa')).toBe(true);
    expect(text.endsWith('[…]')).toBe(true);
  });

  it('answers 503 when the activity cannot be stored, so the channel retries', async () => {
    const { deps, post } = await setup();
    deps.sink.failWith = new Error('database unavailable');
    expect((await post(activity('message.json'))).statusCode).toBe(503);
  });
});

describe('Bot Framework sending', () => {
  it('replies through the serviceUrl at /v3/conversations/{id}/activities/{replyToId}', async () => {
    const { channel, deps, post } = await setup();
    await post(activity('message.json'));
    const result = await channel.adapter.send(recipientOf(deps.sink.accepted[0]!), { kind: 'text', text: 'Hola, soy el asistente municipal.' });
    expect(result.id).toBe('bf-activity-1');
    expect(connector.requests).toHaveLength(1);
    const [request] = connector.requests;
    expect(request?.path).toBe(`/v3/conversations/${encodeURIComponent('conv-0001|livechat')}/activities/act-0001`);
    expect(request?.conversationId).toBe('conv-0001|livechat');
    expect(request?.replyToId).toBe('act-0001');
    expect(request?.activity).toMatchObject({
      type: 'message',
      text: 'Hola, soy el asistente municipal.',
      replyToId: 'act-0001',
      from: { id: 'bot-0001' },
      recipient: { id: 'user-0001' },
      conversation: { id: 'conv-0001|livechat' },
    });
  });

  it('sends choices as suggested actions that come back as postbacks', async () => {
    const { channel, deps, post } = await setup();
    await post(activity('message.json'));
    await channel.adapter.send(recipientOf(deps.sink.accepted[0]!), {
      kind: 'choices',
      text: '¿Qué necesita sobre la renta?',
      choices: [
        { title: 'Plazos', payload: 'renta.plazos' },
        { title: 'Cita previa', payload: 'renta.cita' },
      ],
    });
    expect(connector.requests[0]?.activity).toMatchObject({
      text: '¿Qué necesita sobre la renta?',
      suggestedActions: {
        actions: [
          { type: 'messageBack', title: 'Plazos', text: 'Plazos', displayText: 'Plazos', value: { payload: 'renta.plazos' } },
          { type: 'messageBack', title: 'Cita previa', text: 'Cita previa', displayText: 'Cita previa', value: { payload: 'renta.cita' } },
        ],
      },
    });
  });

  it('sends the welcome to the conversation (no replyToId)', async () => {
    const { channel, deps, post } = await setup();
    await post(activity('conversation-update.json'));
    await channel.adapter.send(recipientOf(deps.sink.accepted[0]!), { kind: 'text', text: 'Bienvenido' });
    expect(connector.requests[0]?.path).toBe(`/v3/conversations/${encodeURIComponent('conv-0001|livechat')}/activities`);
  });

  it('emits handoff.initiate and handoff.status event activities', async () => {
    const { channel, deps, post } = await setup();
    await post(activity('message.json'));
    const recipient = recipientOf(deps.sink.accepted[0]!);
    await channel.emitHandoffEvent(recipient, 'handoff.initiate', { queue: 'renta', reason: 'citizen' });
    await channel.emitHandoffEvent(recipient, 'handoff.status', { state: 'accepted' });
    expect(connector.requests.map((request) => request.activity)).toMatchObject([
      { type: 'event', name: 'handoff.initiate', value: { queue: 'renta', reason: 'citizen' } },
      { type: 'event', name: 'handoff.status', value: { state: 'accepted' } },
    ]);
  });

  it('throws a permanent error when the connector refuses (403)', async () => {
    const { channel, deps, post } = await setup();
    await post(activity('message.json'));
    connector.failNext(403);
    const error = await channel.adapter.send(recipientOf(deps.sink.accepted[0]!), { kind: 'text', text: 'x' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT', retryable: false });
  });

  it('classifies connector errors: 429 (with Retry-After) and 5xx retryable, network retryable, 4xx permanent', () => {
    const restError = (statusCode: number, retryAfter?: string) =>
      Object.assign(new Error(`status ${statusCode}`), {
        statusCode,
        response: { status: statusCode, headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) } },
      });
    expect(botFrameworkSendError(restError(429, '3'))).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE', retryAfterMs: 3000 });
    expect(botFrameworkSendError(restError(502))).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE' });
    expect(botFrameworkSendError(new Error('ECONNREFUSED'))).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE' });
    expect(botFrameworkSendError(restError(404))).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT' });
  });

  it('refuses permanently when the recipient has no serviceUrl', async () => {
    const { channel } = await setup();
    const error = await channel.adapter
      .send({ participant: { channel: 'botframework', id: 'u' }, conversationKey: 'botframework:emulator:c' }, { kind: 'text', text: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT' });
  });
});

describe('loadBotFrameworkConfig', () => {
  it('is disabled unless enabled or an app id is set', () => {
    expect(loadBotFrameworkConfig({})).toBeUndefined();
    expect(loadBotFrameworkConfig({ BOTFRAMEWORK_ENABLED: 'true' })).toMatchObject({ anonymous: true, appId: '' });
  });
  it('reads Microsoft\'s variable names and checks the combinations', () => {
    expect(loadBotFrameworkConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw' })).toEqual({
      appId: 'id',
      appPassword: 'pw',
      appType: 'MultiTenant',
      tenantId: '',
      anonymous: false,
    });
    expect(() => loadBotFrameworkConfig({ MicrosoftAppId: 'id' })).toThrowError(expect.objectContaining({ code: 'HUB_ERR_CONFIG', message: expect.stringContaining('MicrosoftAppPassword') }));
    expect(() => loadBotFrameworkConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant' })).toThrowError(
      expect.objectContaining({ message: expect.stringContaining('MicrosoftAppTenantId') }),
    );
    expect(() => loadBotFrameworkConfig({ BOTFRAMEWORK_ENABLED: 'true', MicrosoftAppType: 'Other' })).toThrowError(expect.objectContaining({ code: 'HUB_ERR_CONFIG' }));
  });
});
