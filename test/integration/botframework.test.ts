/**
 * A Bot Framework conversation through the real app: activities POSTed to /api/messages in
 * anonymous mode, replies arriving at a fake connector on loopback through the serviceUrl.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createBotFrameworkChannel } from '../../src/bots/botframework/index.js';
import { startFakeBotFrameworkConnector, type FakeBotFrameworkConnector } from '../helpers/fake-bf-connector.js';
import { testConfig } from '../helpers/test-config.js';
import { fixtureText, scriptedIntents, waitFor } from '../helpers/whatsapp-fakes.js';

let connector: FakeBotFrameworkConnector;
let hub: Hub | undefined;
beforeAll(async () => {
  connector = await startFakeBotFrameworkConnector();
});
afterAll(async () => {
  await connector.close();
});
beforeEach(() => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await hub?.app.close();
  hub = undefined;
  connector.requests.length = 0;
});

function activity(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(JSON.parse(fixtureText('botframework', name)) as Record<string, unknown>), serviceUrl: connector.serviceUrl, ...overrides };
}

describe('Bot Framework conversation through the app', () => {
  it('welcome, greeting, a renta question with suggested actions, a choice, and "quiero hablar con una persona"', async () => {
    hub = await buildApp({
      config: testConfig(),
      intents: scriptedIntents(),
      logger: false,
      channels: [(services) => createBotFrameworkChannel({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, services)],
    });
    await hub.start();
    const post = (body: Record<string, unknown>) => hub!.app.inject({ method: 'POST', url: '/api/messages', payload: body });
    const conversationPath = `/v3/conversations/${encodeURIComponent('conv-0001|livechat')}/activities`;

    expect((await post(activity('conversation-update.json'))).statusCode).toBe(200);
    await waitFor(() => connector.requests.length >= 1, 'the welcome');
    expect(connector.requests[0]).toMatchObject({ path: conversationPath, activity: { type: 'message', text: 'Bienvenido a la ventanilla virtual del ayuntamiento.' } });

    await post(activity('message.json'));
    await waitFor(() => connector.requests.length >= 2, 'the greeting');
    expect(connector.requests[1]).toMatchObject({
      path: `${conversationPath}/act-0001`,
      activity: { text: '¡Hola! Soy el asistente del ayuntamiento. ¿En qué puedo ayudarte?', replyToId: 'act-0001' },
    });

    await post(activity('message.json', { id: 'act-0010', text: 'Tengo una duda con la renta' }));
    await waitFor(() => connector.requests.length >= 3, 'the renta choices');
    expect(connector.requests[2]).toMatchObject({
      path: `${conversationPath}/act-0010`,
      activity: {
        text: '¿Qué necesitas sobre la declaración de la renta?',
        suggestedActions: { actions: [{ title: 'Plazos', value: { payload: 'renta.plazos' } }, { title: 'Borrador' }, { title: 'Cita previa' }] },
      },
    });

    await post(activity('suggested-action-reply.json'));
    await waitFor(() => connector.requests.length >= 4, 'the chosen answer');
    expect(connector.requests[3]?.activity).toMatchObject({ text: 'La campaña de la renta va del 2 de abril al 30 de junio.', replyToId: 'act-0002' });

    await post(activity('message.json', { id: 'act-0011', text: 'quiero hablar con una persona' }));
    await waitFor(() => connector.requests.length >= 5, 'the handoff notice');
    expect(connector.requests[4]?.activity.text).toContain('Te paso con una persona');
    expect((await hub.store.getConversationByKey('botframework:emulator:conv-0001|livechat'))?.mode).toBe('queued');
  });

  it('with an app id configured, refuses an unauthenticated activity with 401 and stores nothing', async () => {
    hub = await buildApp({
      config: testConfig(),
      intents: scriptedIntents(),
      logger: false,
      channels: [
        (services) =>
          createBotFrameworkChannel({ appId: '00000000-0000-0000-0000-000000000001', appPassword: 'pw', appType: 'MultiTenant', tenantId: '', anonymous: false }, services),
      ],
    });
    await hub.start();
    const response = await hub.app.inject({ method: 'POST', url: '/api/messages', payload: activity('message.json') });
    expect(response.statusCode).toBe(401);
    expect(await hub.store.getConversationByKey('botframework:emulator:conv-0001|livechat')).toBeUndefined();
  });
});
