/**
 * Sessions as the staff live them, through the agent API with a settable clock: a session left
 * idle past `auth.idleMinutes` ends with a 401 that says "Sesión caducada" (the console then shows
 * its login form); activity keeps it alive up to `auth.sessionHours`, never beyond. Logins and
 * failed logins land in the audit. A person with the wrong role gets a Spanish error: a page with
 * a link back for browsers, JSON for API clients.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { registerRolePages } from '../../../src/accounts/role-errors.js';
import { resolveHandoffConfig } from '../../../src/handoff/config.js';
import { registerErrorReplies } from '../../../src/http/errors.js';
import { listAudit } from '../../../src/privacy/audit.js';
import { privacyDb } from '../../../src/privacy/schema.js';
import { CONFIG_DIR, createAgent, createHarness, type Harness } from '../../helpers/handoff-hub.js';

let h: Harness | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await h?.close();
  app = undefined;
  h = undefined;
});

const MINUTE = 60_000;

async function start(): Promise<{ harness: Harness; server: FastifyInstance }> {
  const harness = await createHarness();
  h = harness;
  const server = Fastify();
  app = server;
  registerErrorReplies(server);
  registerRolePages(server, harness.handoff.auth, { '/editor': ['editor', 'admin'] });
  await server.register(harness.handoff.routes.plugin, { prefix: harness.handoff.routes.prefix });
  // Stand-ins for the editor's page and API, guarded as the hub guards them.
  server.get('/editor', async () => 'editor page');
  server.get('/api/editor/content', { onRequest: harness.handoff.auth.guard(['editor', 'admin']) }, async () => ({ ok: true }));
  await server.ready();
  return { harness, server };
}

async function logIn(server: FastifyInstance, username: string, password = 'contraseña-de-prueba'): Promise<{ status: number; cookie: string }> {
  const response = await server.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const cookie = String(response.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  return { status: response.statusCode, cookie };
}

describe('session timeouts (auth.idleMinutes 30, auth.sessionHours 12 by default)', () => {
  it('an idle session ends after 30 minutes with a 401 that says "Sesión caducada"; activity keeps it alive', { timeout: 120_000 }, async () => {
    const { harness, server } = await start();
    expect(harness.config.auth).toMatchObject({ idleMinutes: 30, sessionHours: 12 });
    await createAgent(harness, { username: 'ana' }, 'offline');
    const { status, cookie } = await logIn(server, 'ana');
    expect(status).toBe(200);
    const session = () => server.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });

    // Active every 20 minutes for an hour: still in.
    for (let i = 0; i < 3; i++) {
      harness.advance(20 * MINUTE);
      expect((await session()).statusCode).toBe(200);
    }
    harness.advance(31 * MINUTE);
    const expired = await session();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ error: 'HUB_ERR_UNAUTHENTICATED', reason: 'session-expired', message: expect.stringMatching(/^Sesión caducada: más de 30 minutos sin actividad/) });
    // Gone for good: coming back does not revive it, and requests of that moment still say why
    // (a console has several in flight; the first one deleted the session).
    expect((await session()).json()).toMatchObject({ statusCode: 401, reason: 'session-expired' });
  });

  it('an active session still ends after 12 hours', { timeout: 120_000 }, async () => {
    const { harness, server } = await start();
    await createAgent(harness, { username: 'ana' }, 'offline');
    const { cookie } = await logIn(server, 'ana');
    for (let i = 0; i < 12 * 3 - 1; i++) {
      harness.advance(20 * MINUTE);
      expect((await server.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } })).statusCode).toBe(200);
    }
    harness.advance(20 * MINUTE);
    const expired = await server.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toMatch(/^Sesión caducada: las sesiones duran como máximo 12 horas/);
  });

  it('refuses an idle limit longer than the session, or under a minute, naming the key and the fix', () => {
    const shipped = parseYaml(readFileSync(join(CONFIG_DIR, 'queues.yaml'), 'utf8')) as Record<string, unknown>;
    expect(() => resolveHandoffConfig({ ...shipped, auth: { sessionHours: 1, idleMinutes: 90 } })).toThrow(
      /auth\.idleMinutes: 90 minutes is longer than auth\.sessionHours \(1 h\).*Fix: make it shorter/,
    );
    expect(() => resolveHandoffConfig({ ...shipped, auth: { idleMinutes: 0 } })).toThrow(/auth\.idleMinutes/);
    expect(resolveHandoffConfig({ ...shipped, auth: { idleMinutes: 15, sessionHours: 8 } }).auth).toMatchObject({ idleMinutes: 15, sessionHours: 8 });
  });
});

describe('the audit of logins', () => {
  it('records a failed login with the name tried and the address, and a login with the role', { timeout: 120_000 }, async () => {
    const { harness, server } = await start();
    await createAgent(harness, { username: 'ana' }, 'offline');
    expect((await logIn(server, 'Ana', 'no es la clave')).status).toBe(401);
    expect((await logIn(server, 'ana')).status).toBe(200);
    const entries = await listAudit(privacyDb(harness.store), { limit: 10 });
    expect(entries.map((e) => [e.actor, e.action, e.details])).toEqual([
      ['ana', 'login', { ip: '127.0.0.1', role: 'agent' }],
      ['ana', 'login.failed', { ip: '127.0.0.1' }],
    ]);
    expect(await listAudit(privacyDb(harness.store), { limit: 10, action: 'login.failed' })).toHaveLength(1);
  });
});

describe('role errors', () => {
  it('an agent opening /editor gets a Spanish page with a link back to the console; an API client gets JSON', { timeout: 120_000 }, async () => {
    const { harness, server } = await start();
    await createAgent(harness, { username: 'ana' }, 'offline');
    const { cookie } = await logIn(server, 'ana');
    const browser = { cookie, accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

    const page = await server.inject({ method: 'GET', url: '/editor', headers: browser });
    expect(page.statusCode).toBe(403);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<html lang="es">');
    expect(page.body).toContain('No tienes permiso para ver esta página');
    expect(page.body).toContain('tu perfil es de agente');
    expect(page.body).toContain('<a href="/agent">Volver a la consola de agentes</a>');

    const api = await server.inject({ method: 'GET', url: '/api/editor/content', headers: { cookie, accept: 'application/json' } });
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({ error: 'HUB_ERR_FORBIDDEN', reason: 'role', message: expect.stringMatching(/^No tienes permiso para ver esto: es para perfiles de edición de contenidos o administración, y tu perfil es de agente/) });
    // The same API opened in a browser tab: the page.
    expect((await server.inject({ method: 'GET', url: '/api/editor/content', headers: browser })).body).toContain('Volver a la consola de agentes');

    // Without a session the page loads (it shows its own login form).
    expect((await server.inject({ method: 'GET', url: '/editor', headers: { accept: browser.accept } })).body).toBe('editor page');
  });
});
