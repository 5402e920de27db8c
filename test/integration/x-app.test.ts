/**
 * X through the real app: webhook DMs and mentions, polling restart, replies to a fake X API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createXChannel, PRIVACY_WARNING, X_DM_CURSOR, X_MENTIONS_CURSOR, xSignature, type XConfig } from '../../src/bots/x/index.js';
import { startFakeXApi, type FakeXApi } from '../helpers/fake-x-api.js';
import { testConfig } from '../helpers/test-config.js';
import { ACCOUNT_ID, CITIZEN_ID, xFixtureBytes } from '../helpers/x-payloads.js';
import { scriptedChannelIntents } from '../helpers/scripted-intents.js';

let api: FakeXApi;
let hub: Hub | undefined;
beforeAll(async () => {
  api = await startFakeXApi(ACCOUNT_ID);
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

function xConfig(mode: XConfig['mode']): XConfig {
  return { appKey: 'k', appSecret: 'consumer-secret', accessToken: 't', accessSecret: 'ts', accountId: ACCOUNT_ID, mode, apiBaseUrl: api.baseUrl, pollIntervalMs: 20, requestTimeoutMs: 2000 };
}

async function startHub(mode: XConfig['mode'], databaseUrl = ':memory:'): Promise<Hub> {
  hub = await buildApp({ config: testConfig({ VENTANILLA_DATABASE_URL: databaseUrl }), intents: scriptedChannelIntents(), logger: false, channels: [(services) => createXChannel(xConfig(mode), services)] });
  await hub.start();
  return hub;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function signedPost(app: Hub, body: Buffer) {
  return app.app.inject({ method: 'POST', url: '/webhooks/x', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature('consumer-secret', body) }, payload: body });
}

describe('X webhook through the app', () => {
  it('answers the CRC, rejects a bad signature, answers a DM by DM', async () => {
    const app = await startHub('webhook');
    const crc = await app.app.inject({ method: 'GET', url: '/webhooks/x?crc_token=abc' });
    expect(crc.json()).toEqual({ response_token: xSignature('consumer-secret', 'abc') });
    const body = xFixtureBytes('dm');
    const unsigned = await app.app.inject({ method: 'POST', url: '/webhooks/x', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': 'sha256=AAAA' }, payload: body });
    expect(unsigned.statusCode).toBe(401);
    expect(await app.store.getConversationByKey(`x:dm:${CITIZEN_ID}`)).toBeUndefined();

    const before = api.sentDms.length;
    expect((await signedPost(app, body)).statusCode).toBe(200);
    expect((await signedPost(app, body)).statusCode).toBe(200);
    await until(() => api.sentDms.length > before);
    await app.runner.drain();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(api.sentDms.slice(before)).toEqual([expect.objectContaining({ to: CITIZEN_ID, text: expect.stringContaining('2 de abril') })]);
  });

  it('a mention with a DNI gets only the public privacy warning; the DNI is stored nowhere', async () => {
    const app = await startHub('webhook');
    const before = api.replies.length;
    expect((await signedPost(app, xFixtureBytes('mention-dni'))).statusCode).toBe(200);
    await until(() => api.replies.length > before);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(api.replies.slice(before)).toEqual([expect.objectContaining({ inReplyTo: '1900000000000000021', text: PRIVACY_WARNING })]);
    const conversation = await app.store.getConversationByKey(`x:mention:${CITIZEN_ID}`);
    const transcript = conversation === undefined ? [] : await app.store.getTranscript(conversation.id);
    expect(JSON.stringify(transcript)).not.toContain('12345678Z');
  });

  it('a plain mention gets a public answer within 280 characters', async () => {
    const app = await startHub('webhook');
    const before = api.replies.length;
    await signedPost(app, xFixtureBytes('mention'));
    await until(() => api.replies.length > before);
    const reply = api.replies[before];
    expect(reply?.inReplyTo).toBe('1900000000000000020');
    expect(reply?.text).toMatch(/2 de abril/);
    expect([...(reply?.text ?? '')].length).toBeLessThanOrEqual(280);
  });
});

describe('X polling through the app', () => {
  it('after a restart nothing is answered twice and nothing is skipped', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const database = join(mkdtempSync(join(tmpdir(), 'ventanilla-x-')), 'hub.sqlite');

    let app = await startHub('polling', database);
    await until(() => api.callsTo('GET', /mentions/).length > 0 && api.callsTo('GET', /dm_events/).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await app.store.getCursor(X_DM_CURSOR)).toBeDefined();
    expect(await app.store.getCursor(X_MENTIONS_CURSOR)).toBeDefined();
    const dmsBefore = api.sentDms.length;
    api.pushDm(CITIZEN_ID, 'primero');
    await until(() => api.sentDms.length === dmsBefore + 1);
    await app.app.close();
    hub = undefined;

    // While the hub is down, a citizen writes again.
    api.pushDm(CITIZEN_ID, 'segundo');
    app = await startHub('polling', database);
    await until(() => api.sentDms.length === dmsBefore + 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.sentDms.slice(dmsBefore).map((dm) => dm.text)).toEqual(['eco: primero', 'eco: segundo']);
  });
});
