/**
 * The security review's login findings, reproduced through the agent API: a sixth correct login
 * in a minute got 429; behind a proxy one attacker's failures locked everyone out; there was no
 * per-account lockout. Now only failures count, per client (X-Forwarded-For with trustProxy) and
 * per account.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTrustProxy, trustProxyOption } from '../../../src/core/trust-proxy.js';
import { registerErrorReplies } from '../../../src/http/errors.js';
import { createAgent, createHarness, type Harness } from '../../helpers/handoff-hub.js';

let h: Harness | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await h?.close();
});

async function start(): Promise<{ harness: Harness; server: FastifyInstance }> {
  const harness = await createHarness();
  h = harness;
  // As behind one reverse proxy (VENTANILLA_TRUST_PROXY=1): the client is the X-Forwarded-For address.
  const server = Fastify({ trustProxy: trustProxyOption(parseTrustProxy('1')) });
  app = server;
  // As buildApp does: errors become the hub's one error body.
  registerErrorReplies(server);
  await server.register(harness.handoff.routes.plugin, { prefix: harness.handoff.routes.prefix });
  await server.ready();
  await createAgent(harness, { username: 'ana' }, 'offline');
  await createAgent(harness, { username: 'luis' }, 'offline');
  return { harness, server };
}

function login(server: FastifyInstance, client: string, username: string, password = 'contraseña-de-prueba') {
  return server.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': client }, payload: { username, password } });
}

describe('login limits', () => {
  // Each login is an argon2 verification (slow on purpose): on a loaded machine these take a while.
  it('never answers 429 to correct logins, however many', { timeout: 120_000 }, async () => {
    const { server } = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login(server, '198.51.100.7', 'ana')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
  });

  it('behind a proxy, six failed logins from one client do not lock out another', { timeout: 120_000 }, async () => {
    const { server } = await start();
    const attacker: number[] = [];
    for (let i = 0; i < 6; i++) attacker.push((await login(server, '203.0.113.5', 'luis', `mala-${i}`)).statusCode);
    expect(attacker).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await login(server, '203.0.113.5', 'ana');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await login(server, '198.51.100.7', 'ana')).statusCode).toBe(200);
  });

  it('locks an account after ten failures in a row from any addresses, with a clear message', { timeout: 120_000 }, async () => {
    const { server } = await start();
    for (let i = 0; i < 10; i++) expect((await login(server, `203.0.113.${i + 10}`, 'luis', `mala-${i}`)).statusCode).toBe(401);
    const locked = await login(server, '198.51.100.7', 'luis');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: 'HUB_ERR_RATE_LIMITED', message: expect.stringMatching(/^Cuenta bloqueada por demasiados intentos fallidos: vuelve a probar dentro de 15 min/) });
    // Another account from the same address is not affected.
    expect((await login(server, '198.51.100.7', 'ana')).statusCode).toBe(200);
  });
});

describe('VENTANILLA_TRUST_PROXY', () => {
  it('takes a hop count, addresses/CIDRs or true/false, and names the variable when wrong', async () => {
    const { loadConfig } = await import('../../../src/config.js');
    expect(loadConfig({ VENTANILLA_TRUST_PROXY: '1' }).server.trustProxy).toBe(1);
    expect(loadConfig({ VENTANILLA_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).server.trustProxy).toBe('10.0.0.0/8, 127.0.0.1');
    expect(loadConfig({ VENTANILLA_TRUST_PROXY: 'false' }).server.trustProxy).toBe(false);
    expect(() => loadConfig({ VENTANILLA_TRUST_PROXY: 'proxy.example.org' })).toThrow(/VENTANILLA_TRUST_PROXY/);
    const hops = trustProxyOption(2);
    expect(typeof hops === 'function' && [hops('10.0.0.1', 0), hops('10.0.0.2', 1), hops('203.0.113.5', 2)]).toEqual([true, true, false]);
  });
});

describe('VENTANILLA_WEBCHAT_ORIGINS', () => {
  it('defaults to same origin only, takes a list or *, and names the variable when wrong', async () => {
    const { loadConfig } = await import('../../../src/config.js');
    expect(loadConfig({}).webchat.allowedOrigins).toEqual([]);
    expect(loadConfig({ VENTANILLA_WEBCHAT_ORIGINS: 'https://www.ayto.example, https://sede.ayto.example/' }).webchat.allowedOrigins).toEqual(['https://www.ayto.example', 'https://sede.ayto.example']);
    expect(loadConfig({ VENTANILLA_WEBCHAT_ORIGINS: '*' }).webchat.allowedOrigins).toBe('*');
    expect(() => loadConfig({ VENTANILLA_WEBCHAT_ORIGINS: 'www.ayto.example' })).toThrow(/VENTANILLA_WEBCHAT_ORIGINS/);
  });
});
