/**
 * A delivery that got no HTTP answer says why in plain words, read from the real errors Node's
 * fetch (undici), node-fetch (telegraf), twitter-api-v2 and botbuilder throw on loopback failures
 * — not the bare "fetch failed" the outbox used to keep.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBotFrameworkChannel } from '../../../src/bots/botframework/channel.js';
import { botFrameworkSendError } from '../../../src/bots/botframework/outbound.js';
import { createTelegramChannel } from '../../../src/bots/telegram/channel.js';
import { loadTelegramConfig } from '../../../src/bots/telegram/config.js';
import { createWhatsAppCloudChannel } from '../../../src/bots/whatsapp/cloud/channel.js';
import { createXClient, xApiError } from '../../../src/bots/x/client.js';
import { loadXConfig } from '../../../src/bots/x/config.js';
import { deliveryFailureOf } from '../../../src/core/delivery-failure.js';
import { channelNetworkError, isHubError, type HubError } from '../../../src/core/errors.js';
import type { Recipient } from '../../../src/core/message.js';
import { describeNetworkError } from '../../../src/core/network-error.js';
import { startFailingServers, type FailingServers } from '../../helpers/failing-servers.js';
import { channelDeps } from '../../helpers/whatsapp-fakes.js';

let servers: FailingServers;
beforeAll(async () => {
  servers = await startFailingServers();
});
afterAll(async () => {
  await servers.close();
});

async function fetchError(url: string, timeoutMs = 5_000): Promise<unknown> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('describeNetworkError on real fetch failures', () => {
  it('names a refused connection with the address', async () => {
    const port = new URL(servers.refusedUrl).port;
    expect(describeNetworkError(await fetchError(servers.refusedUrl))).toMatchObject({ kind: 'refused', text: expect.stringContaining(`connection refused by 127.0.0.1:${port}`) });
  });

  it('names a timeout, a reset connection, a TLS failure and a port fetch refuses', async () => {
    expect(describeNetworkError(await fetchError(servers.hangingUrl, 200))).toMatchObject({ kind: 'timeout', text: expect.stringContaining('timeout') });
    expect(describeNetworkError(await fetchError(servers.resettingUrl))).toMatchObject({ kind: 'reset' });
    expect(describeNetworkError(await fetchError(servers.tlsUrl))).toMatchObject({ kind: 'tls', text: expect.stringMatching(/^TLS error/) });
    expect(describeNetworkError(await fetchError('http://127.0.0.1:6000/'))).toMatchObject({ kind: 'bad-port', text: expect.stringContaining('bad port') });
  });

  it('names a failed DNS lookup (the shape undici throws for an unknown host)', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND graph.example.invalid'), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: 'graph.example.invalid' });
    expect(describeNetworkError(new TypeError('fetch failed', { cause }))).toMatchObject({ kind: 'dns', text: 'DNS lookup failed for graph.example.invalid (ENOTFOUND): check the host name and the DNS server' });
  });

  it('says nothing about errors that are not network failures', () => {
    expect(describeNetworkError(new Error('Cannot read properties of undefined'))).toBeUndefined();
    expect(describeNetworkError('boom')).toBeUndefined();
  });

  it('channelNetworkError keeps the cause, retries network failures and not a bad port', async () => {
    const refused = channelNetworkError('telegram', 'sendMessage', await fetchError(servers.refusedUrl));
    expect(refused).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE', details: { status: 0, transport: 'refused' } });
    expect(refused.message).toMatch(/^telegram API not reached \(sendMessage\): connection refused by 127\.0\.0\.1:\d+/);
    expect(channelNetworkError('x', 'dm', await fetchError('http://127.0.0.1:6000/'))).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT', details: { transport: 'bad-port' } });
    expect(deliveryFailureOf(refused)).toMatchObject({ kind: 'refused', detail: refused.message });
  });
});

describe('each channel says why a send got no answer', () => {
  it('WhatsApp Cloud: refused and timeout instead of "fetch failed"', async () => {
    const recipient: Recipient = {
      participant: { channel: 'whatsapp', id: '34600000001' },
      conversationKey: 'whatsapp:34600000001',
      replyContext: { transport: 'cloud', phoneNumberId: '1', lastInboundAt: new Date().toISOString() },
    };
    const config = { token: 't', appSecret: 's', verifyToken: 'v', phoneNumberId: '1' };
    const refused = createWhatsAppCloudChannel({ ...config, graphBaseUrl: `${servers.refusedUrl}/v21.0` }, channelDeps()).adapter;
    const error = await rejection(refused.send(recipient, { kind: 'text', text: 'Hola' }));
    expect(error.message).toContain('connection refused by 127.0.0.1');
    expect(error.message).not.toContain('fetch failed');
    expect(error.retryable).toBe(true);
    const hanging = createWhatsAppCloudChannel({ ...config, graphBaseUrl: `${servers.hangingUrl}/v21.0` }, channelDeps(), { timeoutMs: 200 }).adapter;
    expect((await rejection(hanging.send(recipient, { kind: 'text', text: 'Hola' }))).message).toContain('no answer before the request timeout');
    const badPort = createWhatsAppCloudChannel({ ...config, graphBaseUrl: 'http://127.0.0.1:6000/v21.0' }, channelDeps()).adapter;
    const permanent = await rejection(badPort.send(recipient, { kind: 'text', text: 'Hola' }));
    expect(permanent).toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT', message: expect.stringContaining('bad port') });
  });

  it('Telegram: refused, without the bot token', async () => {
    const config = loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '123456:SECRET-token', TELEGRAM_MODE: 'polling', TELEGRAM_API_ROOT: servers.refusedUrl });
    if (config === undefined) throw new Error('no config');
    const adapter = createTelegramChannel(config, channelDeps()).adapter;
    const error = await rejection(adapter.send({ participant: { channel: 'telegram', id: '42' }, conversationKey: 'telegram:42' }, { kind: 'text', text: 'Hola' }));
    expect(error.message).toMatch(/^telegram API not reached \(sendMessage\): connection refused by 127\.0\.0\.1:\d+/);
    expect(error.message).not.toContain('SECRET');
    expect(error.retryable).toBe(true);
  });

  it('X: refused and timeout (twitter-api-v2 hides the cause from its own getter)', async () => {
    const base = { X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 'a', X_ACCOUNT_ID: '1' };
    for (const [url, words] of [
      [servers.refusedUrl, 'connection refused by 127.0.0.1'],
      [servers.hangingUrl, 'no answer before the request timeout'],
    ] as const) {
      const config = loadXConfig({ ...base, X_API_BASE_URL: url });
      if (config === undefined) throw new Error('no config');
      const client = createXClient({ ...config, requestTimeoutMs: 300 });
      let thrown: unknown;
      try {
        await client.v2.me();
      } catch (error) {
        thrown = error;
      }
      const error = xApiError(thrown, 'users/me');
      expect(error.message).toContain(words);
      expect(error.retryable).toBe(true);
    }
  });

  it('Bot Framework: refused', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const channel = createBotFrameworkChannel({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, channelDeps());
      const recipient: Recipient = {
        participant: { channel: 'botframework', id: 'user-1' },
        conversationKey: 'botframework:emulator:conv-1',
        replyContext: { serviceUrl: servers.refusedUrl, conversationId: 'conv-1', activityId: 'act-1', channelId: 'emulator', botId: 'bot-1', botName: 'Ventanilla' },
      };
      let thrown: unknown;
      try {
        await channel.adapter.send(recipient, { kind: 'text', text: 'Hola' });
      } catch (error) {
        thrown = error;
      }
      const error = botFrameworkSendError(thrown);
      expect(error.message).toContain('connection refused by 127.0.0.1');
      expect(error.retryable).toBe(true);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
