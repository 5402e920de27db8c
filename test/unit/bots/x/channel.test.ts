import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createXChannel, X_DM_CURSOR, X_MENTIONS_CURSOR } from '../../../../src/bots/x/channel.js';
import { xSignature } from '../../../../src/bots/x/inbound.js';
import type { XConfig } from '../../../../src/bots/x/config.js';
import { PRIVACY_WARNING, DM_INVITATION } from '../../../../src/bots/x/privacy.js';
import { HubError } from '../../../../src/core/errors.js';
import type { Recipient } from '../../../../src/core/message.js';
import { createMemoryChannelDeps, startFakeXApi, type FakeXApi, type MemoryChannelDeps } from '../../../helpers/fake-x-api.js';
import { ACCOUNT_ID, CITIZEN_ID, xFixtureBytes } from '../../../helpers/x-payloads.js';

const SECRET = 'consumer-secret';

function config(api: FakeXApi, overrides: Partial<XConfig> = {}): XConfig {
  return { appKey: 'key', appSecret: SECRET, accessToken: 'token', accessSecret: 'token-secret', accountId: ACCOUNT_ID, mode: 'webhook', apiBaseUrl: api.baseUrl, pollIntervalMs: 20, requestTimeoutMs: 2000, ...overrides };
}

const dm: Recipient = { participant: { channel: 'x', id: CITIZEN_ID }, conversationKey: `x:dm:${CITIZEN_ID}`, replyContext: { participantId: CITIZEN_ID } };
const mention = (tweetId: string, privacy?: string): Recipient => ({
  participant: { channel: 'x', id: CITIZEN_ID },
  conversationKey: `x:mention:${CITIZEN_ID}`,
  replyContext: { tweetId, ...(privacy === undefined ? {} : { privacy }) },
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let api: FakeXApi;
let deps: MemoryChannelDeps;
beforeEach(async () => {
  api = await startFakeXApi(ACCOUNT_ID);
  deps = createMemoryChannelDeps();
});
afterEach(async () => {
  await api.close();
});

describe('x webhook routes', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    const channel = createXChannel(config(api), deps);
    app = Fastify();
    if (channel.routes === undefined) throw new Error('webhook mode must expose routes');
    expect(channel.routes.prefix).toBe('/webhooks/x');
    await app.register(channel.routes.plugin, { prefix: channel.routes.prefix });
  });
  afterEach(async () => {
    await app.close();
  });

  const post = (body: Buffer, signature: string | null) =>
    app.inject({ method: 'POST', url: '/webhooks/x', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-twitter-webhooks-signature': signature }) }, payload: body });

  it('answers the CRC challenge with the HMAC of the consumer secret', async () => {
    const response = await app.inject({ method: 'GET', url: '/webhooks/x?crc_token=challenge123' });
    expect(response.statusCode).toBe(200);
    // Independently computed: base64(HMAC-SHA256("consumer-secret", "challenge123")).
    const { createHmac } = await import('node:crypto');
    expect(response.json()).toEqual({ response_token: `sha256=${createHmac('sha256', SECRET).update('challenge123').digest('base64')}` });
    expect((await app.inject({ method: 'GET', url: '/webhooks/x' })).statusCode).toBe(400);
  });

  it('accepts a correctly signed DM event', async () => {
    const body = xFixtureBytes('dm');
    expect((await post(body, xSignature(SECRET, body))).statusCode).toBe(200);
    expect(deps.stored.map((message) => message.conversationKey)).toEqual([`x:dm:${CITIZEN_ID}`]);
  });

  it('answers 401 and stores nothing for a missing or bad signature', async () => {
    const body = xFixtureBytes('dm');
    expect((await post(body, null)).statusCode).toBe(401);
    expect((await post(body, xSignature('other-secret', body))).statusCode).toBe(401);
    expect((await post(Buffer.from(body.toString().replace('renta', 'rentb')), xSignature(SECRET, body))).statusCode).toBe(401);
    expect(deps.accepted).toEqual([]);
  });

  it('answers 400 for a signed but malformed body, 200 for an event we do not handle', async () => {
    const bad = Buffer.from('{"direct_message_events": 5}');
    expect((await post(bad, xSignature(SECRET, bad))).statusCode).toBe(400);
    const favorite = xFixtureBytes('favorite');
    expect((await post(favorite, xSignature(SECRET, favorite))).statusCode).toBe(200);
    expect(deps.accepted).toEqual([]);
  });

  it('passes a retried event with the same id so the store dedupes', async () => {
    const body = xFixtureBytes('mention');
    await post(body, xSignature(SECRET, body));
    await post(body, xSignature(SECRET, body));
    expect(deps.accepted).toHaveLength(2);
    expect(deps.stored).toHaveLength(1);
  });
});

describe('x adapter send', () => {
  it('answers a DM with a DM', async () => {
    const channel = createXChannel(config(api), deps);
    const result = await channel.adapter.send(dm, { kind: 'text', text: 'La campaña empieza el 2 de abril.', short: 'Empieza el 2/4.' });
    expect(api.sentDms).toEqual([{ to: CITIZEN_ID, text: 'La campaña empieza el 2 de abril.', id: result.id }]);
    expect(api.calls.at(-1)?.authorization).toMatch(/^OAuth /);
  });

  it('answers a mention publicly with the short variant and no personal data', async () => {
    const channel = createXChannel(config(api), deps);
    expect(channel.adapter.capabilitiesFor(mention('1'))).toMatchObject({ maxTextLength: 280, preferShort: true });
    await channel.adapter.send(mention('1900000000000000020'), { kind: 'text', text: 'Largo…', short: 'Empieza el 2 de abril. Dudas: 612 345 678 o ana@example.org' });
    expect(api.replies).toEqual([expect.objectContaining({ inReplyTo: '1900000000000000020', text: 'Empieza el 2 de abril. Dudas: *** o ***' })]);
  });

  it('invites to continue by DM when the answer needs personal data or a person', async () => {
    const channel = createXChannel(config(api), deps);
    await channel.adapter.send(mention('7'), { kind: 'text', text: 'Te paso con una persona del equipo.' });
    expect(api.replies[0]?.text).toBe(DM_INVITATION);
  });

  it('answers a mention that carried personal data with the privacy warning only, once', async () => {
    const channel = createXChannel(config(api), deps);
    const first = await channel.adapter.send(mention('9', 'warn'), { kind: 'text', text: 'De momento solo leo texto.' });
    const second = await channel.adapter.send(mention('9', 'warn'), { kind: 'text', text: 'Otra parte' });
    expect(api.replies.map((reply) => reply.text)).toEqual([PRIVACY_WARNING]);
    expect(second.id).toBe(first.id);
  });

  it('maps 429 to retryable with the reset, 5xx to retryable, 403 on a DM to unreachable', async () => {
    const channel = createXChannel(config(api), deps);
    api.failNext('POST', /tweets/, { status: 429, resetInSeconds: 30 });
    const limited = await channel.adapter.send(mention('1'), { kind: 'text', text: 'x' }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(HubError);
    expect(limited).toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE' });
    expect((limited as HubError).retryAfterMs).toBeGreaterThan(20_000);

    api.failNext('POST', /messages/, { status: 503 });
    await expect(channel.adapter.send(dm, { kind: 'text', text: 'x' })).rejects.toMatchObject({ code: 'HUB_ERR_CHANNEL_RETRYABLE' });

    api.failNext('POST', /messages/, { status: 403 });
    await expect(channel.adapter.send(dm, { kind: 'text', text: 'x' })).rejects.toMatchObject({ code: 'HUB_ERR_CHANNEL_PERMANENT' });
    expect(deps.unreachable).toEqual([`x:dm:${CITIZEN_ID}`]);
  });
});

describe('x polling', () => {
  it('takes a baseline first, then stores new DMs and mentions once, skipping echoes, across a restart', async () => {
    api.pushDm(CITIZEN_ID, 'mensaje antiguo');
    api.pushMention(CITIZEN_ID, '@ayto_pruebas mención antigua');
    const first = createXChannel(config(api, { mode: 'polling' }), deps);
    expect(first.routes).toBeUndefined();
    await first.start?.();
    await until(() => deps.cursorValues.has(X_DM_CURSOR) && deps.cursorValues.has(X_MENTIONS_CURSOR));

    const dmId = api.pushDm(CITIZEN_ID, '¿cuándo empieza la renta?');
    const mentionId = api.pushMention(CITIZEN_ID, '@ayto_pruebas mi DNI es 12345678Z');
    await until(() => deps.stored.length === 2);
    // Our reply appears in the DM timeline as our own event: it must not come back as input.
    await first.adapter.send(dm, { kind: 'text', text: 'El 2 de abril.' });
    await first.stop?.();
    expect(deps.stored.map((message) => message.id)).toEqual([`dm:${dmId}`, `tweet:${mentionId}`]);
    expect(deps.stored[1]).toMatchObject({ kind: 'unsupported', replyContext: { privacy: 'warn' } });

    // Restart with the same durable cursors: only what is new is read.
    const laterDm = api.pushDm(CITIZEN_ID, 'gracias');
    const second = createXChannel(config(api, { mode: 'polling' }), deps);
    await second.start?.();
    await until(() => deps.stored.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await second.stop?.();
    expect(deps.accepted.map((message) => message.id)).toEqual([`dm:${dmId}`, `tweet:${mentionId}`, `dm:${laterDm}`]);
    const sinceIds = api.callsTo('GET', /mentions/).map((call) => call.query.since_id).filter((value) => value !== undefined);
    expect(sinceIds).toContain(mentionId);
  });

  it('stops calling an endpoint whose rate-limit window is exhausted', async () => {
    deps.cursorValues.set(X_DM_CURSOR, '0');
    deps.cursorValues.set(X_MENTIONS_CURSOR, '0');
    api.setRemaining(/dm_events/, 0, 600);
    const channel = createXChannel(config(api, { mode: 'polling' }), deps);
    await channel.start?.();
    await until(() => api.callsTo('GET', /mentions/).length >= 4);
    await channel.stop?.();
    expect(api.callsTo('GET', /dm_events/)).toHaveLength(1);
  });
});
