import { createHmac } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppCloudChannel } from '../../../../src/bots/whatsapp/cloud/channel.js';
import type { WhatsAppCloudConfig } from '../../../../src/bots/whatsapp/cloud/config.js';
import { HubError } from '../../../../src/core/errors.js';
import { channelDeps, whatsappFixture } from '../../../helpers/whatsapp-fakes.js';

const config: WhatsAppCloudConfig = {
  token: 'test-token',
  appSecret: 'test-app-secret',
  verifyToken: 'verify-me',
  phoneNumberId: '200000000000002',
  graphBaseUrl: 'http://127.0.0.1:9/v21.0',
};

function sign(body: string, secret = config.appSecret): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(overrides: Parameters<typeof channelDeps>[0] = {}) {
  const deps = channelDeps(overrides);
  const channel = createWhatsAppCloudChannel(config, deps);
  app = Fastify();
  // A sibling JSON route proves the raw-body parser stays inside the channel plugin.
  app.post('/other', async (request) => ({ parsed: request.body }));
  if (channel.routes === undefined) throw new Error('no routes');
  await app.register(channel.routes.plugin, { prefix: channel.routes.prefix });
  await app.ready();
  const post = (body: string, signature: string | null = sign(body)) =>
    app!.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
      payload: body,
    });
  return { deps, post };
}

describe('WhatsApp Cloud webhook verification (GET)', () => {
  it('answers the subscription challenge as text/plain', async () => {
    await setup();
    const response = await app!.inject({
      method: 'GET',
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe('1158201444');
  });

  it('refuses a wrong verify token with 403', async () => {
    await setup();
    const response = await app!.inject({
      method: 'GET',
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444',
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('1158201444');
  });

  it('refuses a mode other than subscribe with 403', async () => {
    await setup();
    const response = await app!.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1' });
    expect(response.statusCode).toBe(403);
  });
});

describe('WhatsApp Cloud webhook signature (POST)', () => {
  it('accepts a correctly signed text message and stores it before answering 200', async () => {
    const { deps, post } = await setup();
    const body = whatsappFixture('text.json');
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    expect(deps.sink.accepted).toHaveLength(1);
    const [message] = deps.sink.accepted;
    expect(message).toMatchObject({
      id: 'wamid.TEST_TEXT_0001',
      conversationKey: 'whatsapp:34600000001',
      kind: 'text',
      text: 'Hola',
      from: { channel: 'whatsapp', id: '34600000001', displayName: 'Ciudadana Prueba' },
      replyContext: { transport: 'cloud', phoneNumberId: '200000000000002', lastInboundAt: '2025-10-09T08:53:20.000Z' },
    });
    expect(message?.receivedAt.toISOString()).toBe('2025-10-09T08:53:20.000Z');
  });

  it.each([
    ['missing', null],
    ['not sha256=', 'sha1=abcdef'],
    ['wrong secret', 'WRONG'],
    ['right length, wrong digest', `sha256=${'0'.repeat(64)}`],
  ])('answers 401 and stores nothing when the signature is %s', async (_name, signature) => {
    const { deps, post } = await setup();
    const body = whatsappFixture('text.json');
    const response = await post(body, signature === 'WRONG' ? sign(body, 'another-secret') : signature);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'HUB_ERR_WEBHOOK_AUTH' });
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('answers 401 when the body was altered after signing', async () => {
    const { deps, post } = await setup();
    const body = whatsappFixture('text.json');
    const response = await post(body.replace('Hola', 'Adiós'), sign(body));
    expect(response.statusCode).toBe(401);
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('answers 400 for a signed body that is not JSON or not a WhatsApp envelope', async () => {
    const { deps, post } = await setup();
    expect((await post('{not json')).statusCode).toBe(400);
    const other = JSON.stringify({ object: 'page', entry: [] });
    const response = await post(other);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'HUB_ERR_BAD_PAYLOAD' });
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('leaves JSON parsing of routes outside the plugin untouched', async () => {
    await setup();
    const response = await app!.inject({ method: 'POST', url: '/other', payload: { a: 1 } });
    expect(response.json()).toEqual({ parsed: { a: 1 } });
  });

  it('answers 503 with Retry-After (so Meta retries) when the message cannot be stored', async () => {
    const { deps, post } = await setup();
    deps.sink.failWith = new HubError('HUB_ERR_STORE', 'database unavailable');
    const response = await post(whatsappFixture('text.json'));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
  });
});

describe('WhatsApp Cloud webhook decoding', () => {
  it('decodes out-of-range or invalid timestamps safely: a signed "timestamp": 1e20 is a 200, not a 500', async () => {
    const { deps, post } = await setup();
    const values = ['1e20', '"1e20"', '-5', '"abc"', 'null', '{}', '8.64e12', '"99999999999999999999"'];
    for (const [index, value] of values.entries()) {
      const body = whatsappFixture('text.json').replace(/"timestamp": "\d+"/, `"timestamp": ${value}`).replace('wamid.TEST_TEXT_0001', `wamid.TS_${index}`);
      expect((await post(body)).statusCode, value).toBe(200);
    }
    expect(deps.sink.accepted).toHaveLength(values.length);
    for (const message of deps.sink.accepted) {
      expect(Number.isNaN(message.receivedAt.getTime())).toBe(false);
      expect(new Date(message.replyContext?.lastInboundAt ?? '').getTime()).toBe(message.receivedAt.getTime());
    }
  });

  it('cuts a text over 10,000 characters before storing it', async () => {
    const { deps, post } = await setup();
    const body = whatsappFixture('text.json').replace('"Hola"', JSON.stringify(`Hola ${'a'.repeat(500_000)}`));
    expect((await post(body)).statusCode).toBe(200);
    const text = deps.sink.accepted[0]?.text ?? '';
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(text).toMatch(/^Hola a+ \[…\]$/);
  });

  it('hands the same wamid to the sink each time Meta retries (the sink deduplicates)', async () => {
    const { deps, post } = await setup();
    const body = whatsappFixture('text.json');
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).statusCode).toBe(200);
    expect(deps.sink.accepted.map((message) => message.id)).toEqual(['wamid.TEST_TEXT_0001', 'wamid.TEST_TEXT_0001']);
  });

  it('decodes several entries and changes in one POST, in order, and records the status', async () => {
    const statuses: [string, string][] = [];
    const { deps, post } = await setup({
      recordDeliveryStatus: async (id, status) => {
        statuses.push([id, status]);
      },
    });
    expect((await post(whatsappFixture('multi-entry.json'))).statusCode).toBe(200);
    expect(deps.sink.accepted.map((message) => [message.conversationKey, message.text, message.from.displayName])).toEqual([
      ['whatsapp:34600000001', 'primero', 'Ciudadana Prueba'],
      ['whatsapp:34600000002', 'segundo', 'Vecino Prueba'],
    ]);
    expect(statuses).toEqual([['wamid.TEST_OUT_0009', 'read']]);
  });

  it('answers 200 and ignores a status for a message the hub does not know', async () => {
    const { deps, post } = await setup({
      recordDeliveryStatus: async (id) => {
        throw new HubError('HUB_ERR_NOT_FOUND', `no outbound message ${id}`);
      },
    });
    const response = await post(whatsappFixture('status-unknown.json'));
    expect(response.statusCode).toBe(200);
    expect(deps.sink.accepted).toHaveLength(0);
  });

  it('records a failed status and logs its error code', async () => {
    const statuses: string[] = [];
    const { deps, post } = await setup({ recordDeliveryStatus: async (_id, status) => void statuses.push(status) });
    expect((await post(whatsappFixture('status-failed.json'))).statusCode).toBe(200);
    expect(statuses).toEqual(['failed']);
    expect(deps.logger.lines.some((line) => line.level === 'warn' && JSON.stringify(line.obj).includes('131047'))).toBe(true);
  });

  it('turns a voice note into an attachment of type voice', async () => {
    const { deps, post } = await setup();
    await post(whatsappFixture('voice.json'));
    expect(deps.sink.accepted[0]).toMatchObject({
      kind: 'attachment',
      attachments: [{ type: 'voice', mimeType: 'audio/ogg; codecs=opus', fileId: '300000000000001' }],
    });
  });

  it('turns image, document and sticker into attachments with their metadata', async () => {
    const { deps, post } = await setup();
    await post(whatsappFixture('image.json'));
    await post(whatsappFixture('document.json'));
    await post(whatsappFixture('sticker.json'));
    expect(deps.sink.accepted.map((message) => [message.kind, message.text, message.attachments])).toEqual([
      ['attachment', 'mi recibo', [{ type: 'photo', mimeType: 'image/jpeg', fileId: '300000000000002' }]],
      ['attachment', undefined, [{ type: 'document', mimeType: 'application/pdf', fileId: '300000000000003', fileName: 'certificado.pdf' }]],
      ['attachment', undefined, [{ type: 'sticker', mimeType: 'image/webp', fileId: '300000000000004' }]],
    ]);
  });

  it('keeps only the fact that contacts were shared (third parties\' data)', async () => {
    const { deps, post } = await setup();
    await post(whatsappFixture('contacts.json'));
    expect(deps.sink.accepted[0]).toMatchObject({ kind: 'attachment', attachments: [{ type: 'contacts' }] });
    expect(JSON.stringify(deps.sink.accepted[0])).not.toContain('600 000 009');
  });

  it('turns a location into kind location', async () => {
    const { deps, post } = await setup();
    await post(whatsappFixture('location.json'));
    expect(deps.sink.accepted[0]).toMatchObject({ kind: 'location', location: { latitude: 40.4168, longitude: -3.7038 } });
  });

  it.each([
    ['button-reply.json', 'renta.plazos', 'Plazos'],
    ['list-reply.json', 'tramite.padron', 'Padrón'],
    ['legacy-button.json', 'cita.si', 'Sí'],
  ])('turns %s into a postback with the choice payload', async (file, payload, title) => {
    const { deps, post } = await setup();
    await post(whatsappFixture(file));
    expect(deps.sink.accepted[0]).toMatchObject({ kind: 'postback', payload, text: title });
  });

  it('marks unsupported messages as unsupported and skips reactions', async () => {
    const { deps, post } = await setup();
    await post(whatsappFixture('unsupported.json'));
    await post(whatsappFixture('reaction.json'));
    expect(deps.sink.accepted.map((message) => message.kind)).toEqual(['unsupported']);
  });
});
