import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppCloudChannel } from '../../../../src/bots/whatsapp/cloud/channel.js';
import { DEFAULT_GRAPH_BASE_URL, loadWhatsAppCloudConfig } from '../../../../src/bots/whatsapp/cloud/config.js';
import { parseRetryAfter } from '../../../../src/bots/whatsapp/cloud/outbound.js';
import { whatsappWindowOpen } from '../../../../src/bots/whatsapp/window.js';
import { HubError, isHubError, REPLY_WINDOW_CLOSED } from '../../../../src/core/errors.js';
import type { Recipient } from '../../../../src/core/message.js';
import { startFailingServers } from '../../../helpers/failing-servers.js';
import { startFakeGraphApi, type FakeGraphApi } from '../../../helpers/fake-graph-api.js';
import { channelDeps } from '../../../helpers/whatsapp-fakes.js';
import { sendDegraded } from '../../../helpers/send-degraded.js';

const NOW = new Date('2025-06-02T10:00:00Z');
let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await startFakeGraphApi();
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => {
  graph.requests.length = 0;
});

function channel() {
  return createWhatsAppCloudChannel(
    { token: 'test-token', appSecret: 's', verifyToken: 'v', phoneNumberId: '200000000000002', graphBaseUrl: graph.baseUrl },
    channelDeps(),
    { now: () => NOW, listButtonLabel: 'Ver opciones' },
  ).adapter;
}

const recipient = (lastInboundAt = '2025-06-02T09:00:00.000Z', phoneNumberId = '200000000000777'): Recipient => ({
  participant: { channel: 'whatsapp', id: '34600000001' },
  conversationKey: 'whatsapp:34600000001',
  replyContext: { transport: 'cloud', phoneNumberId, lastInboundAt },
});

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('WhatsApp Cloud sending', () => {
  it('POSTs text to the phone number id of the conversation with the bearer token, and returns the wamid', async () => {
    const result = await channel().send(recipient(), { kind: 'text', text: 'Hola, ¿en qué puedo ayudarle?' });
    expect(result.id).toMatch(/^wamid\.FAKE_\d{4}$/);
    expect(graph.requests).toHaveLength(1);
    const [request] = graph.requests;
    expect(request?.phoneNumberId).toBe('200000000000777');
    expect(request?.headers.authorization).toBe('Bearer test-token');
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600000001',
      type: 'text',
      text: { body: 'Hola, ¿en qué puedo ayudarle?', preview_url: false },
    });
  });

  it('falls back to the configured phone number id when the conversation has none', async () => {
    await channel().send(
      { participant: { channel: 'whatsapp', id: '34600000001' }, conversationKey: 'whatsapp:34600000001', replyContext: { lastInboundAt: '2025-06-02T09:00:00.000Z' } },
      { kind: 'text', text: 'Hola' },
    );
    expect(graph.requests[0]?.phoneNumberId).toBe('200000000000002');
  });

  it('sends up to 3 short choices as reply buttons', async () => {
    await channel().send(recipient(), {
      kind: 'choices',
      text: '¿Qué necesita sobre la renta?',
      choices: [
        { title: 'Plazos', payload: 'renta.plazos' },
        { title: 'Borrador', payload: 'renta.borrador' },
        { title: 'Cita previa', payload: 'renta.cita' },
      ],
    });
    expect(graph.requests[0]?.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Qué necesita sobre la renta?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'renta.plazos', title: 'Plazos' } },
            { type: 'reply', reply: { id: 'renta.borrador', title: 'Borrador' } },
            { type: 'reply', reply: { id: 'renta.cita', title: 'Cita previa' } },
          ],
        },
      },
    });
  });

  it('sends 4 to 10 choices (or titles over 20 characters) as a list', async () => {
    const choices = ['Empadronamiento', 'Licencias de obra', 'Impuesto de vehículos', 'Recogida de enseres'].map((title, index) => ({
      title,
      payload: `tramite.${index}`,
    }));
    await channel().send(recipient(), { kind: 'choices', text: 'Elija un trámite', choices });
    expect(graph.requests[0]?.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Elija un trámite' },
        action: { button: 'Ver opciones', sections: [{ rows: choices.map((choice) => ({ id: choice.payload, title: choice.title })) }] },
      },
    });
    await channel().send(recipient(), {
      kind: 'choices',
      text: 'Elija',
      choices: [{ title: 'Un título de veintidós', payload: 'a' }],
    });
    expect(graph.requests[1]?.body).toMatchObject({ interactive: { type: 'list' } });
  });

  it('sends numbered text when a title is longer than a list row allows', async () => {
    await sendDegraded(channel(), recipient(), {
      kind: 'choices',
      text: 'Elija',
      choices: [
        { title: 'Solicitar el certificado de empadronamiento', payload: 'a' },
        { title: 'Otra cosa', payload: 'b' },
      ],
    });
    expect(graph.requests[0]?.body).toMatchObject({
      type: 'text',
      text: { body: 'Elija\n\n1. Solicitar el certificado de empadronamiento\n2. Otra cosa' },
    });
  });

  it('sends a document by link with its caption', async () => {
    await channel().send(recipient(), { kind: 'attachment', url: 'https://sede.example/guia.pdf', mimeType: 'application/pdf', caption: 'Guía' });
    expect(graph.requests[0]?.body).toMatchObject({ type: 'document', document: { link: 'https://sede.example/guia.pdf', caption: 'Guía' } });
  });

  it('throws a retryable error with retryAfterMs on 429', async () => {
    graph.failNext({ status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'Too many', code: 130429 } } });
    const error = await rejection(channel().send(recipient(), { kind: 'text', text: 'Hola' }));
    expect(error.code).toBe('HUB_ERR_CHANNEL_RETRYABLE');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
  });

  it('throws a retryable error on 500 and on a throttling code sent with 400', async () => {
    graph.failNext({ status: 500 }, { status: 400, body: { error: { message: 'Spam rate limit hit', code: 131048 } } });
    expect((await rejection(channel().send(recipient(), { kind: 'text', text: 'Hola' }))).retryable).toBe(true);
    expect((await rejection(channel().send(recipient(), { kind: 'text', text: 'Hola' }))).retryable).toBe(true);
  });

  it('throws a permanent error on other 4xx', async () => {
    graph.failNext({ status: 400, body: { error: { message: 'Invalid parameter', code: 100 } } });
    const error = await rejection(channel().send(recipient(), { kind: 'text', text: 'Hola' }));
    expect(error.code).toBe('HUB_ERR_CHANNEL_PERMANENT');
    expect(error.message).toContain('Invalid parameter');
  });

  it('throws a retryable error when the Graph API is unreachable', async () => {
    const servers = await startFailingServers();
    try {
      const adapter = createWhatsAppCloudChannel(
        { token: 't', appSecret: 's', verifyToken: 'v', phoneNumberId: '1', graphBaseUrl: `${servers.refusedUrl}/v21.0` },
        channelDeps(),
        { now: () => NOW },
      ).adapter;
      expect(isHubError(await rejection(adapter.send(recipient(), { kind: 'text', text: 'Hola' })), 'HUB_ERR_CHANNEL_RETRYABLE')).toBe(true);
    } finally {
      await servers.close();
    }
  });

  it('sends the configured reopen template (no window check: templates are allowed outside it)', async () => {
    const adapter = createWhatsAppCloudChannel(
      { token: 'test-token', appSecret: 's', verifyToken: 'v', phoneNumberId: '200000000000002', graphBaseUrl: graph.baseUrl, reopenTemplate: { name: 'reabrir_conversacion', language: 'es' } },
      channelDeps(),
      { now: () => NOW },
    ).adapter;
    const result = await adapter.reopen?.(recipient('2025-05-30T09:00:00.000Z'));
    expect(result?.id).toMatch(/^wamid\./);
    expect(graph.requests[0]?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600000001',
      type: 'template',
      template: { name: 'reabrir_conversacion', language: { code: 'es' } },
    });
    expect(channel().reopen).toBeUndefined();
  });
});

describe('WhatsApp 24-hour customer-service window', () => {
  it('is open within 24 hours of the last inbound and closed after', () => {
    const last = new Date('2025-06-01T10:00:00Z');
    expect(whatsappWindowOpen(last, new Date('2025-06-02T09:59:59Z'))).toBe(true);
    expect(whatsappWindowOpen(last, new Date('2025-06-02T10:00:00Z'))).toBe(false);
    expect(whatsappWindowOpen(null, NOW)).toBe(false);
  });

  it('refuses to send outside the window with a clear reason and calls no API', async () => {
    const error = await rejection(channel().send(recipient('2025-06-01T09:00:00.000Z'), { kind: 'text', text: 'Le escribe un agente' }));
    expect(error.code).toBe('HUB_ERR_CHANNEL_PERMANENT');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("outside WhatsApp's 24-hour customer-service window; the citizen must write first or use an approved template");
    expect(error.details?.reason).toBe(REPLY_WINDOW_CLOSED);
    expect(graph.requests).toHaveLength(0);
  });

  it('explains Meta\'s own re-engagement refusal (131047) the same way', async () => {
    graph.failNext({ status: 400, body: { error: { message: 'Re-engagement message', code: 131047 } } });
    const error = await rejection(channel().send(recipient(), { kind: 'text', text: 'Hola' }));
    expect(error.code).toBe('HUB_ERR_CHANNEL_PERMANENT');
    expect(error.message).toContain('24-hour customer-service window');
    expect(error.details?.reason).toBe(REPLY_WINDOW_CLOSED);
  });
});

describe('loadWhatsAppCloudConfig', () => {
  const full = {
    WHATSAPP_CLOUD_TOKEN: 'tok',
    WHATSAPP_CLOUD_APP_SECRET: 'sec',
    WHATSAPP_CLOUD_VERIFY_TOKEN: 'ver',
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: '123',
  };
  it('is disabled without a token', () => {
    expect(loadWhatsAppCloudConfig({})).toBeUndefined();
  });
  it('reads a full configuration with the default Graph URL', () => {
    expect(loadWhatsAppCloudConfig(full)).toEqual({
      token: 'tok',
      appSecret: 'sec',
      verifyToken: 'ver',
      phoneNumberId: '123',
      graphBaseUrl: DEFAULT_GRAPH_BASE_URL,
    });
    expect(loadWhatsAppCloudConfig({ ...full, WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:1234/v21.0/' })?.graphBaseUrl).toBe('http://127.0.0.1:1234/v21.0');
  });
  it.each(['WHATSAPP_CLOUD_APP_SECRET', 'WHATSAPP_CLOUD_VERIFY_TOKEN', 'WHATSAPP_CLOUD_PHONE_NUMBER_ID'])(
    'throws HUB_ERR_CONFIG naming %s when it is missing',
    (name) => {
      const env: Record<string, string> = { ...full };
      delete env[name];
      expect(() => loadWhatsAppCloudConfig(env)).toThrowError(expect.objectContaining({ code: 'HUB_ERR_CONFIG', message: expect.stringContaining(`set ${name}`) }));
    },
  );
  it('reads WHATSAPP_CLOUD_REOPEN_TEMPLATE as name:language', () => {
    expect(loadWhatsAppCloudConfig({ ...full, WHATSAPP_CLOUD_REOPEN_TEMPLATE: 'reabrir_conversacion:es' })?.reopenTemplate).toEqual({ name: 'reabrir_conversacion', language: 'es' });
    expect(loadWhatsAppCloudConfig({ ...full, WHATSAPP_CLOUD_REOPEN_TEMPLATE: ' aviso_respuesta_2 : en_US ' })?.reopenTemplate).toEqual({ name: 'aviso_respuesta_2', language: 'en_US' });
    expect(loadWhatsAppCloudConfig({ ...full, WHATSAPP_CLOUD_REOPEN_TEMPLATE: '' })).not.toHaveProperty('reopenTemplate');
  });
  it.each(['reabrir_conversacion', 'Reabrir:es', 'reabrir:spanish', 'reabrir conversación:es', ':es', 'reabrir:'])(
    'refuses WHATSAPP_CLOUD_REOPEN_TEMPLATE=%s naming the variable and the expected form',
    (value) => {
      expect(() => loadWhatsAppCloudConfig({ ...full, WHATSAPP_CLOUD_REOPEN_TEMPLATE: value })).toThrowError(
        expect.objectContaining({ code: 'HUB_ERR_CONFIG', message: expect.stringMatching(/WHATSAPP_CLOUD_REOPEN_TEMPLATE=".*" is not <template name>:<language code>: .*reabrir_conversacion:es/) }),
      );
    },
  );
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Mon, 02 Jun 2025 10:00:05 GMT', NOW)).toBe(5000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
