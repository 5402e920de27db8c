/**
 * The HTTP surface every deployment exposes: health, readiness, OpenAPI, security headers, and
 * bad input (malformed JSON, oversized bodies, unknown routes) answered clearly with nothing written.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { testConfig } from '../helpers/test-config.js';

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function start(logger: pino.Logger | false = false, env: NodeJS.ProcessEnv = {}, intents = fakeIntents()): Promise<Hub> {
  hub = await buildApp({ config: testConfig(env), intents, logger, channels: [(services) => createWebchatChannel(services)], webRoot });
  await hub.start();
  return hub;
}

/** Every line a pino logger writes at `level`. */
function capturedLogger(level: pino.Level): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: pino({ level }, sink), lines };
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

  it('over plain HTTP (the default) sends neither upgrade-insecure-requests nor HSTS, on the pages and on /docs', async () => {
    const h = await start(false, { HOST: '0.0.0.0' });
    for (const url of ['/', '/docs', '/healthz']) {
      const response = await h.app.inject({ url });
      expect(response.statusCode, url).toBeLessThan(400);
      expect(response.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(response.headers['content-security-policy'], url).not.toContain('upgrade-insecure-requests');
      expect(response.headers['strict-transport-security'], url).toBeUndefined();
    }
  });

  it.each([
    [{ VENTANILLA_PUBLIC_URL: 'https://ventanilla.example.org' }, true],
    [{ VENTANILLA_COOKIE_SECURE: 'true' }, true],
    [{ VENTANILLA_HTTPS: 'true' }, true],
    [{ VENTANILLA_PUBLIC_URL: 'https://ventanilla.example.org', VENTANILLA_HTTPS: 'false' }, false],
    [{ VENTANILLA_PUBLIC_URL: 'http://10.0.0.5:3000' }, false],
  ])('with %j, upgrade-insecure-requests and HSTS are sent: %s', async (env, https) => {
    const h = await start(false, env);
    for (const url of ['/', '/docs']) {
      const response = await h.app.inject({ url });
      expect(String(response.headers['content-security-policy']).includes('upgrade-insecure-requests'), url).toBe(https);
      expect(response.headers['strict-transport-security'] !== undefined, url).toBe(https);
    }
  });

  it('never writes a web chat session id to the logs (URLs, conversation keys, errors), at any level', async () => {
    const { logger, lines } = capturedLogger('trace');
    const h = await start(logger, {}, fakeIntents({ failOn: 'explota' }));
    const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { sessionId } = (await (await fetch(`${base}/webchat/api/sessions`, { method: 'POST' })).json()) as { sessionId: string };
    const stream = new AbortController();
    expect((await fetch(`${base}/webchat/api/events?sessionId=${sessionId}`, { signal: stream.signal })).status).toBe(200);
    for (const text of ['hola', 'esto explota']) {
      const posted = await fetch(`${base}/webchat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId, clientMessageId: randomUUID(), text }) });
      expect(posted.status).toBe(202);
    }
    expect((await fetch(`${base}/webchat/api/history?sessionId=${sessionId}`)).status).toBe(200);
    expect((await fetch(`${base}/webchat/api/history?sessionId=${sessionId.slice(1)}`)).status).toBe(400);
    const deadline = Date.now() + 5_000;
    while ((await h.store.listOutbox('sent', 10)).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    stream.abort();
    // A request's one log line is written when it ends: for the event stream, once the client has gone.
    while (!lines.join('\n').includes('/webchat/api/events?') && Date.now() < deadline + 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
    const output = lines.join('\n');
    // The logs did record these requests and the failed turn, without the id.
    expect(output).toContain('/webchat/api/history?sessionId=[redacted]');
    expect(output).toContain('/webchat/api/events?sessionId=[redacted]');
    expect(output).toMatch(/"conversationKey":"webchat:\[redacted\]".*turn failed/);
    expect(output).not.toContain(sessionId);
    expect(output).not.toContain(sessionId.slice(1));
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
    const { logger, lines } = capturedLogger('info');
    const h = await start(logger);
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
