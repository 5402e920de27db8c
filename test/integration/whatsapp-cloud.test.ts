/**
 * A WhatsApp Cloud API conversation through the real app (store, turn runner, outbox, degrade):
 * signed webhooks in, replies POSTed to a fake Graph API on loopback.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWhatsAppCloudChannel } from '../../src/bots/whatsapp/index.js';
import { startFakeGraphApi, type FakeGraphApi } from '../helpers/fake-graph-api.js';
import { testConfig } from '../helpers/test-config.js';
import { cloudTestConfig, scriptedIntents, waitFor, whatsappFixture } from '../helpers/whatsapp-fakes.js';

let graph: FakeGraphApi;
let hub: Hub | undefined;
beforeAll(async () => {
  graph = await startFakeGraphApi();
});
afterAll(async () => {
  await graph.close();
});
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
  graph.requests.length = 0;
});

async function startHub(): Promise<Hub> {
  const config = cloudTestConfig(graph.baseUrl);
  hub = await buildApp({
    config: testConfig(),
    intents: scriptedIntents(),
    logger: false,
    channels: [(services) => createWhatsAppCloudChannel(config, services)],
  });
  await hub.start();
  return hub;
}

/** A fixture with its timestamp set to now (inside the 24-hour window), text and ids replaced. */
function webhook(file: string, replace: Record<string, string> = {}): string {
  let body = whatsappFixture(file, new Date());
  for (const [from, to] of Object.entries(replace)) body = body.split(from).join(to);
  return body;
}

async function post(running: Hub, body: string) {
  const signature = `sha256=${createHmac('sha256', 'test-app-secret').update(body).digest('hex')}`;
  return running.app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    payload: body,
  });
}

describe('WhatsApp Cloud API conversation through the app', () => {
  it('greeting, a renta question with buttons, a button choice, and "quiero hablar con una persona"', async () => {
    const running = await startHub();
    const verify = await running.app.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42' });
    expect(verify.body).toBe('42');

    expect((await post(running, webhook('text.json'))).statusCode).toBe(200);
    await waitFor(() => graph.requests.length >= 1, 'the greeting');
    expect(graph.requests[0]).toMatchObject({
      phoneNumberId: '200000000000002',
      body: { to: '34600000001', type: 'text', text: { body: '¡Hola! Soy el asistente del ayuntamiento. ¿En qué puedo ayudarte?' } },
    });

    await post(running, webhook('text.json', { 'wamid.TEST_TEXT_0001': 'wamid.TEST_TEXT_0002', '"Hola"': '"Quería preguntar por la renta"' }));
    await waitFor(() => graph.requests.length >= 2, 'the renta choices');
    expect(graph.requests[1]?.body).toMatchObject({
      to: '34600000001',
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Qué necesitas sobre la declaración de la renta?' },
        action: { buttons: [{ reply: { id: 'renta.plazos', title: 'Plazos' } }, { reply: { id: 'renta.borrador' } }, { reply: { id: 'renta.cita' } }] },
      },
    });

    await post(running, webhook('button-reply.json'));
    await waitFor(() => graph.requests.length >= 3, 'the chosen answer');
    expect(graph.requests[2]?.body).toMatchObject({ type: 'text', text: { body: 'La campaña de la renta va del 2 de abril al 30 de junio.' } });

    await post(running, webhook('text.json', { 'wamid.TEST_TEXT_0001': 'wamid.TEST_TEXT_0003', '"Hola"': '"quiero hablar con una persona"' }));
    await waitFor(() => graph.requests.length >= 4, 'the handoff notice');
    expect(graph.requests[3]?.body).toMatchObject({ type: 'text', text: { body: expect.stringContaining('Te paso con una persona') } });
    const conversation = await running.store.getConversationByKey('whatsapp:34600000001');
    expect(conversation?.mode).toBe('queued');
    expect(conversation?.participant.displayName).toBe('Ciudadana Prueba');
  });

  it('answers the same wamid only once, and a voice note with the "only text" reply', async () => {
    const running = await startHub();
    const body = webhook('text.json');
    expect((await post(running, body)).statusCode).toBe(200);
    expect((await post(running, body)).statusCode).toBe(200);
    await post(running, webhook('voice.json'));
    await waitFor(() => graph.requests.length >= 2, 'two replies');
    await running.worker.deliverOnce();
    expect(graph.requests.map((request) => (request.body.text as { body: string }).body)).toEqual([
      '¡Hola! Soy el asistente del ayuntamiento. ¿En qué puedo ayudarte?',
      'Por ahora solo puedo leer mensajes de texto. ¿Me lo escribes?',
    ]);
  });

  it('rejects an unsigned webhook with 401 and stores nothing; a status for an unknown message is 200', async () => {
    const running = await startHub();
    const unsigned = await running.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json' },
      payload: webhook('text.json'),
    });
    expect(unsigned.statusCode).toBe(401);
    expect(await running.store.getConversationByKey('whatsapp:34600000001')).toBeUndefined();
    expect((await post(running, webhook('status-unknown.json'))).statusCode).toBe(200);
  });
});
