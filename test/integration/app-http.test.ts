/**
 * The HTTP surface every deployment exposes: health, readiness, OpenAPI, security headers, and
 * bad input (malformed JSON, oversized bodies, unknown routes) answered clearly with nothing written.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { testConfig } from '../helpers/test-config.js';

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function start(logger: pino.Logger | false = false): Promise<Hub> {
  hub = await buildApp({ config: testConfig(), intents: fakeIntents(), logger, channels: [(services) => createWebchatChannel(services)] });
  await hub.start();
  return hub;
}

async function rowCount(h: Hub): Promise<number> {
  return (await h.store.listConversations({})).length + (await h.store.listPendingInbound(100)).length;
}

describe('HTTP surface', () => {
  it('answers /healthz, /readyz and serves the OpenAPI document', async () => {
    const h = await start();
    expect((await h.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', store: true, model: true });
    const spec = await h.app.inject({ url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys((spec.json() as { paths: object }).paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/webchat/api/messages']));
  });

  it('sends security headers', async () => {
    const h = await start();
    const response = await h.app.inject({ url: '/healthz' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('rejects malformed JSON with 400 and writes nothing', async () => {
    const h = await start();
    const response = await h.app.inject({ method: 'POST', url: '/webchat/api/messages', headers: { 'content-type': 'application/json' }, payload: '{"sessionId": "abc", "text": "hola"' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ message: expect.stringMatching(/JSON/i) });
    expect(await rowCount(h)).toBe(0);
  });

  it('rejects a body over the limit with 413 and writes nothing', async () => {
    const h = await start();
    const response = await h.app.inject({
      method: 'POST',
      url: '/webchat/api/messages',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ sessionId: 'a'.repeat(24), clientMessageId: randomUUID(), text: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(await rowCount(h)).toBe(0);
  });

  it('answers an unknown route with a 404 JSON body', async () => {
    const h = await start();
    const response = await h.app.inject({ url: '/no/such/route' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ statusCode: 404, error: 'HUB_ERR_NOT_FOUND', message: 'no route GET /no/such/route' });
  });

  it('never writes message text to the logs at info level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const h = await start(pino({ level: 'info' }, sink));
    const { sessionId } = (await h.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    const secret = 'mi DNI es 12345678Z y vivo en la calle Secreta 5';
    const posted = await h.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text: secret } });
    expect(posted.statusCode).toBe(202);
    const deadline = Date.now() + 5_000;
    while ((await h.store.listOutbox('sent', 10)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('12345678Z');
    expect(lines.join('\n')).not.toContain('Secreta');
  });
});
