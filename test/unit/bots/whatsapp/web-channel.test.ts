import { EventEmitter } from 'node:events';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { whatsappWebAdminRoutes } from '../../../../src/bots/whatsapp/web/admin-routes.js';
import {
  createWhatsAppWebChannel,
  WHATSAPP_WEB_CHROMIUM_ARGS,
  type WhatsAppWebClientLike,
  type WhatsAppWebClientOptions,
} from '../../../../src/bots/whatsapp/web/channel.js';
import { decodeWhatsAppWebMessage, type WhatsAppWebMessageLike } from '../../../../src/bots/whatsapp/web/inbound.js';
import { loadWhatsAppWebConfig } from '../../../../src/bots/whatsapp/web/config.js';
import { isHubError } from '../../../../src/core/errors.js';
import { channelDeps } from '../../../helpers/whatsapp-fakes.js';
import { sendDegraded } from '../../../helpers/send-degraded.js';

/** An EventEmitter standing in for whatsapp-web.js's Client: never a real browser. */
class FakeClient extends EventEmitter implements WhatsAppWebClientLike {
  initialized = 0;
  destroyed = 0;
  pairingRequests: string[] = [];
  sent: { chatId: string; content: string }[] = [];
  constructor(readonly options: WhatsAppWebClientOptions) {
    super();
  }
  async initialize(): Promise<void> {
    this.initialized += 1;
  }
  async destroy(): Promise<void> {
    this.destroyed += 1;
  }
  async sendMessage(chatId: string, content: string) {
    this.sent.push({ chatId, content });
    return { id: { _serialized: `true_${chatId}_OUT${this.sent.length}` } };
  }
  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    return 'ABCD1234';
  }
}

const config = { chromiumPath: '/usr/bin/chromium', sessionDir: '/tmp/ventanilla-test/wwebjs' };

function setup(overrides: { lock?: boolean | undefined; pairingPhone?: string } = {}) {
  const clients: FakeClient[] = [];
  const delays: number[] = [];
  const pending: (() => void)[] = [];
  const printed: string[] = [];
  const deps = channelDeps();
  const channel = createWhatsAppWebChannel(overrides.pairingPhone === undefined ? config : { ...config, pairingPhone: overrides.pairingPhone }, {
    ...deps,
    clientFactory: (options) => {
      const client = new FakeClient(options);
      clients.push(client);
      return client;
    },
    ...(overrides.lock === undefined && 'lock' in overrides ? {} : { acquireSingletonLock: async () => overrides.lock ?? true }),
    printQr: (qr) => printed.push(qr),
    printPairingCode: (code) => printed.push(`code:${code}`),
    reconnect: { initialDelayMs: 1000, maxDelayMs: 8000 },
    scheduler: {
      set: (callback, delayMs) => {
        delays.push(delayMs);
        pending.push(callback);
        return pending.length;
      },
      clear: () => {
        pending.length = 0;
      },
    },
  });
  const current = (): FakeClient => {
    const client = clients.at(-1);
    if (client === undefined) throw new Error('no client yet');
    return client;
  };
  /** Runs the scheduled reconnect and lets the async launch settle. */
  const fireTimer = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { channel, deps, clients, current, delays, printed, fireTimer };
}

const message = (overrides: Partial<WhatsAppWebMessageLike> = {}): WhatsAppWebMessageLike => ({
  id: { _serialized: 'false_34600000001@c.us_3EB0TEST0001' },
  from: '34600000001@c.us',
  fromMe: false,
  isStatus: false,
  body: 'Hola',
  type: 'chat',
  timestamp: 1760000000,
  _data: { notifyName: 'Ciudadana Prueba' },
  ...overrides,
});

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('decodeWhatsAppWebMessage', () => {
  it('never yields an invalid date (a timestamp out of range would throw in the event handler and stop the process)', () => {
    const now = new Date('2026-05-10T10:00:00Z');
    for (const timestamp of [1e20, Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      const decoded = decodeWhatsAppWebMessage(message({ timestamp }), now);
      expect(decoded?.receivedAt.toISOString()).toBe(now.toISOString());
    }
  });

  it('cuts a text over 10,000 characters', () => {
    const decoded = decodeWhatsAppWebMessage(message({ body: `Hola ${'a'.repeat(1_000_000)}` }), new Date());
    expect(decoded?.text?.length).toBeLessThanOrEqual(10_000);
    expect(decoded?.text?.endsWith('[…]')).toBe(true);
  });
});

describe('whatsapp-web.js channel', () => {
  it('builds the client with LocalAuth in the data dir and closed-network Chromium flags', async () => {
    const { channel, current } = setup();
    await channel.start?.();
    expect(current().options).toEqual({
      dataPath: '/tmp/ventanilla-test/wwebjs',
      puppeteer: { executablePath: '/usr/bin/chromium', headless: true, args: WHATSAPP_WEB_CHROMIUM_ARGS },
    });
    expect(current().initialized).toBe(1);
    await channel.stop?.();
  });

  it('refuses to start without a singleton lock, and stays in standby when another process owns it', async () => {
    const withoutLock = setup({ lock: undefined });
    await expect(withoutLock.channel.start?.()).rejects.toMatchObject({ code: 'HUB_ERR_CONFIG' });
    expect(withoutLock.clients).toHaveLength(0);

    const standby = setup({ lock: false });
    await standby.channel.start?.();
    expect(standby.clients).toHaveLength(0);
    expect(standby.channel.getPairingState().status).toBe('standby');
    const error = await standby.channel.adapter
      .send({ participant: { channel: 'whatsapp', id: '34600000001' }, conversationKey: 'whatsapp:34600000001' }, { kind: 'text', text: 'Hola' })
      .catch((caught: unknown) => caught);
    expect(isHubError(error, 'HUB_ERR_CHANNEL_RETRYABLE')).toBe(true);
  });

  it('shows the QR to the admin and in the terminal, then forgets it once ready', async () => {
    const { channel, current, printed, deps } = setup();
    await channel.start?.();
    current().emit('qr', '2@QRTESTVALUE');
    expect(channel.getPairingState()).toEqual({ status: 'qr', qr: '2@QRTESTVALUE' });
    expect(printed).toEqual(['2@QRTESTVALUE']);
    expect(deps.logger.lines.some((line) => line.level === 'info' && /QR/.test(line.msg ?? ''))).toBe(true);
    current().emit('ready');
    expect(channel.getPairingState()).toEqual({ status: 'ready' });
    await channel.stop?.();
  });

  it('requests a pairing code once when a pairing phone is configured', async () => {
    const { channel, current, printed } = setup({ pairingPhone: '34600000099' });
    await channel.start?.();
    current().emit('qr', 'qr-1');
    await flush();
    current().emit('qr', 'qr-2');
    await flush();
    expect(current().pairingRequests).toEqual(['34600000099']);
    expect(channel.getPairingState()).toMatchObject({ status: 'qr', qr: 'qr-2', pairingCode: 'ABCD1234' });
    expect(printed).toContain('code:ABCD1234');
    await channel.stop?.();
  });

  it('hands a citizen message to the sink and replies through sendMessage', async () => {
    const { channel, current, deps } = setup();
    await channel.start?.();
    current().emit('ready');
    current().emit('message', message());
    await flush();
    expect(deps.sink.accepted).toHaveLength(1);
    const [inbound] = deps.sink.accepted;
    expect(inbound).toMatchObject({
      id: 'false_34600000001@c.us_3EB0TEST0001',
      conversationKey: 'whatsapp:34600000001',
      kind: 'text',
      text: 'Hola',
      from: { channel: 'whatsapp', id: '34600000001', displayName: 'Ciudadana Prueba' },
      replyContext: { transport: 'web', chatId: '34600000001@c.us' },
    });
    const result = await sendDegraded(
      channel.adapter,
      { participant: inbound!.from, conversationKey: inbound!.conversationKey, replyContext: inbound!.replyContext! },
      { kind: 'choices', text: '¿Qué necesita?', choices: [{ title: 'Plazos', payload: 'a' }, { title: 'Cita', payload: 'b' }] },
    );
    expect(current().sent).toEqual([{ chatId: '34600000001@c.us', content: '¿Qué necesita?\n\n1. Plazos\n2. Cita' }]);
    expect(result.id).toBe('true_34600000001@c.us_OUT1');
    await channel.stop?.();
  });

  it('ignores status broadcasts, groups, channels and its own messages; voice notes are attachments', async () => {
    const { channel, current, deps } = setup();
    await channel.start?.();
    current().emit('message', message({ from: 'status@broadcast', isStatus: true }));
    current().emit('message', message({ from: '120363000000000001@g.us' }));
    current().emit('message', message({ from: '120363000000000002@newsletter' }));
    current().emit('message', message({ fromMe: true }));
    current().emit('message', message({ id: { _serialized: 'voice-1' }, type: 'ptt', body: '', _data: { mimetype: 'audio/ogg; codecs=opus' } }));
    await flush();
    expect(deps.sink.accepted.map((inbound) => [inbound.id, inbound.kind, inbound.attachments])).toEqual([
      ['voice-1', 'attachment', [{ type: 'voice', mimeType: 'audio/ogg; codecs=opus' }]],
    ]);
    await channel.stop?.();
  });

  it('reconnects after disconnected with exponential backoff, capped, destroying the old client', async () => {
    const { channel, clients, current, delays, fireTimer } = setup();
    await channel.start?.();
    for (let attempt = 0; attempt < 5; attempt += 1) {
      current().emit('disconnected', 'NAVIGATION');
      expect(channel.getPairingState().status).toBe('disconnected');
      await fireTimer();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(clients).toHaveLength(6);
    expect(clients.slice(0, 5).every((client) => client.destroyed === 1)).toBe(true);
    expect(current().initialized).toBe(1);
    // A ready session resets the backoff.
    current().emit('ready');
    current().emit('disconnected', 'LOGOUT');
    expect(delays.at(-1)).toBe(1000);
    await channel.stop?.();
  });

  it('always destroys the client on stop, even when destroy fails, and stops reconnecting', async () => {
    const { channel, current, delays, clients } = setup();
    await channel.start?.();
    const client = current();
    client.destroy = async () => {
      client.destroyed += 1;
      throw new Error('browser already gone');
    };
    client.emit('disconnected', 'NAVIGATION');
    await channel.stop?.();
    expect(client.destroyed).toBe(1);
    expect(channel.getPairingState().status).toBe('stopped');
    client.emit('disconnected', 'NAVIGATION');
    expect(delays).toHaveLength(1);
    expect(clients).toHaveLength(1);
  });

  it('refuses to send while not ready (the outbox retries)', async () => {
    const { channel } = setup();
    await channel.start?.();
    const error = await channel.adapter
      .send({ participant: { channel: 'whatsapp', id: '34600000001' }, conversationKey: 'whatsapp:34600000001' }, { kind: 'text', text: 'Hola' })
      .catch((caught: unknown) => caught);
    expect(isHubError(error, 'HUB_ERR_CHANNEL_RETRYABLE')).toBe(true);
    await channel.stop?.();
  });
});

describe('whatsapp-web admin page', () => {
  it('shows the QR only to an authorized admin', async () => {
    const { channel, current } = setup();
    await channel.start?.();
    current().emit('qr', '2@QRTESTVALUE');
    const app = Fastify();
    await app.register(whatsappWebAdminRoutes, {
      prefix: '/admin/whatsapp-web',
      getPairingState: channel.getPairingState,
      authorize: async (request, reply) => {
        if (request.headers.authorization !== 'Bearer admin') await reply.code(401).send({ code: 'HUB_ERR_UNAUTHENTICATED' });
      },
    });
    const denied = await app.inject({ method: 'GET', url: '/admin/whatsapp-web/' });
    expect(denied.statusCode).toBe(401);
    expect(denied.body).not.toContain('QRTESTVALUE');
    const page = await app.inject({ method: 'GET', url: '/admin/whatsapp-web/', headers: { authorization: 'Bearer admin' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<svg');
    const state = await app.inject({ method: 'GET', url: '/admin/whatsapp-web/state', headers: { authorization: 'Bearer admin' } });
    expect(state.json()).toEqual({ status: 'qr', qr: '2@QRTESTVALUE' });
    await app.close();
    await channel.stop?.();
  });
});

describe('loadWhatsAppWebConfig', () => {
  it('is disabled unless WHATSAPP_WEB_ENABLED=true, with defaults otherwise', () => {
    expect(loadWhatsAppWebConfig({}, '/var/lib/ventanilla')).toBeUndefined();
    expect(loadWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true' }, '/var/lib/ventanilla')).toEqual({
      chromiumPath: '/usr/bin/chromium',
      sessionDir: '/var/lib/ventanilla/wwebjs',
    });
    expect(loadWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_PAIRING_PHONE: '+34 600 000 099' }, '/d')?.pairingPhone).toBe('34600000099');
    expect(() => loadWhatsAppWebConfig({ WHATSAPP_WEB_ENABLED: 'true', WHATSAPP_WEB_PAIRING_PHONE: 'abc' }, '/d')).toThrowError(
      expect.objectContaining({ code: 'HUB_ERR_CONFIG' }),
    );
  });
});
