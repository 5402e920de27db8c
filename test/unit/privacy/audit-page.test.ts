/**
 * `/admin/audit`: the page an administrator reads the access audit on — logins, failed logins,
 * role changes and reads, newest first, filtered by action and person; a browser without a session
 * is sent to log in, not shown JSON.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../../src/core/errors.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { registerErrorReplies } from '../../../src/http/errors.js';
import { recordAudit } from '../../../src/privacy/audit.js';
import { auditPage } from '../../../src/privacy/audit-page.js';
import { privacyDb } from '../../../src/privacy/schema.js';

let app: FastifyInstance | undefined;
let store: Store | undefined;
afterEach(async () => {
  await app?.close();
  await store?.close();
});

async function start(): Promise<FastifyInstance> {
  store = await createStore(':memory:');
  await store.migrate();
  const db = privacyDb(store);
  await recordAudit(db, { actor: 'marta', action: 'login.failed', details: { ip: '198.51.100.7' }, at: new Date('2026-03-10T09:00:00Z') });
  await recordAudit(db, { actor: 'marta', action: 'login', details: { ip: '198.51.100.7', role: 'agent' }, at: new Date('2026-03-10T09:01:00Z') });
  await recordAudit(db, { actor: 'cli', action: 'role.change', details: { username: 'marta', from: 'agent', to: 'supervisor' }, at: new Date('2026-03-10T09:02:00Z') });
  await recordAudit(db, { actor: 'ana', action: 'transcript.read', conversationId: 'c-1', reason: 'reclamación <b>urgente</b>', at: new Date('2026-03-10T09:03:00Z') });
  app = Fastify();
  registerErrorReplies(app);
  await app.register(auditPage, {
    prefix: '/admin/audit',
    store,
    // Stands in for auth.guard(['admin']): x-admin is an administrator, x-agent another role.
    guard: async (request) => {
      if (request.headers['x-agent'] !== undefined) throw new HubError('HUB_ERR_FORBIDDEN', 'No tienes permiso para ver esto', { details: { reason: 'role', role: 'agent' } });
      if (request.headers['x-admin'] === undefined) throw new HubError('HUB_ERR_UNAUTHENTICATED', 'no valid session: log in with POST /api/auth/login');
    },
  });
  return app;
}

function rows(html: string): string[] {
  return [...html.matchAll(/<tr><td>(.*?)<\/tr>/g)].map((match) => (match[1] ?? '').replace(/<[^>]+>/g, '|').replace(/\|+/g, '|').replace(/^\|/, ''));
}

describe('/admin/audit', () => {
  it('lists logins, failed logins, role changes and reads, newest first, escaped', async () => {
    const server = await start();
    const response = await server.inject({ method: 'GET', url: '/admin/audit', headers: { 'x-admin': 'dpo' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(rows(response.body)).toEqual([
      '2026-03-10 09:03:00 UTC|ana|Lectura de conversación|conversación c-1 · motivo: reclamación &#60;b&#62;urgente&#60;/b&#62;|',
      '2026-03-10 09:02:00 UTC|cli|Cambio de perfil|username: marta · from: agent · to: supervisor|',
      '2026-03-10 09:01:00 UTC|marta|Inicio de sesión|ip: 198.51.100.7 · role: agent|',
      '2026-03-10 09:00:00 UTC|marta|Inicio de sesión fallido|ip: 198.51.100.7|',
    ]);
  });

  it('filters by action and person, and keeps the filter in the form', async () => {
    const server = await start();
    const failed = await server.inject({ method: 'GET', url: '/admin/audit?action=login.failed', headers: { 'x-admin': 'dpo' } });
    expect(rows(failed.body)).toEqual(['2026-03-10 09:00:00 UTC|marta|Inicio de sesión fallido|ip: 198.51.100.7|']);
    expect(failed.body).toContain('<option value="login.failed" selected>');
    const byPerson = await server.inject({ method: 'GET', url: '/admin/audit?actor=Marta', headers: { 'x-admin': 'dpo' } });
    expect(rows(byPerson.body)).toHaveLength(2);
    expect((await server.inject({ method: 'GET', url: '/admin/audit?actor=nadie', headers: { 'x-admin': 'dpo' } })).body).toContain('No hay entradas con este filtro.');
  });

  it('sends a browser without a session to log in; another role gets the 403', async () => {
    const server = await start();
    const anonymous = await server.inject({ method: 'GET', url: '/admin/audit' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).toContain('<a href="/agent">inicia sesión en la consola</a>');
    expect((await server.inject({ method: 'GET', url: '/admin/audit', headers: { 'x-agent': 'ana' } })).statusCode).toBe(403);
  });
});
