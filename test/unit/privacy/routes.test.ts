/**
 * The privacy admin routes through fastify's inject on a real SQLite store: export (200/404),
 * erase (200, idempotent, 404), the audit list, the guard (401 without an admin) and bad input.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../../src/core/errors.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { privacyRoutes } from '../../../src/privacy/routes.js';
import { privacyDb } from '../../../src/privacy/schema.js';
import { at, CITIZEN_LINES, PHONE, script } from '../../helpers/privacy-script.js';

let app: FastifyInstance | undefined;
let store: Store | undefined;
afterEach(async () => {
  await app?.close();
  await store?.close();
  app = undefined;
  store = undefined;
});

async function start(): Promise<FastifyInstance> {
  store = await createStore(':memory:');
  await store.migrate();
  await script(privacyDb(store), store);
  app = Fastify();
  await app.register(privacyRoutes, {
    prefix: '/api/admin/privacy',
    store,
    // Stands in for the console's auth.guard(['admin']): an admin is who sends x-admin.
    guard: async (request) => {
      if (request.headers['x-admin'] === undefined) throw new HubError('HUB_ERR_UNAUTHENTICATED', 'log in as an administrator');
    },
    actorOf: (request) => String(request.headers['x-admin']),
    now: () => new Date(at(45)),
    secret: 'a test secret of at least thirty-two characters',
  });
  return app;
}

describe('privacy admin routes', () => {
  it('exports, erases once and idempotently, and lists the audit', async () => {
    const hub = await start();
    const headers = { 'x-admin': 'dpo' };
    const exported = await hub.inject({ method: 'GET', url: `/api/admin/privacy/contacts/whatsapp/${PHONE}?reason=solicitud%2015`, headers });
    expect(exported.statusCode).toBe(200);
    for (const line of CITIZEN_LINES) expect(exported.body).toContain(line);
    const erased = await hub.inject({ method: 'POST', url: `/api/admin/privacy/contacts/whatsapp/${PHONE}/erase?reason=art.%2017`, headers });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({ erasedNow: true, actor: 'dpo', counts: { transcript: 6 } });
    const again = await hub.inject({ method: 'POST', url: `/api/admin/privacy/contacts/whatsapp/${PHONE}/erase`, headers });
    expect(again.json()).toMatchObject({ erasedNow: false, id: (erased.json() as { id: string }).id });
    const gone = await hub.inject({ method: 'GET', url: `/api/admin/privacy/contacts/whatsapp/${PHONE}`, headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('no contact');
    const audit = await hub.inject({ method: 'GET', url: '/api/admin/privacy/audit?limit=10', headers });
    expect((audit.json() as { entries: { actor: string; action: string; reason: string | null }[] }).entries.map((entry) => [entry.actor, entry.action, entry.reason])).toEqual([
      ['dpo', 'contact.erase', 'art. 17'],
      ['dpo', 'contact.export', 'solicitud 15'],
    ]);
  });

  it('refuses without an administrator and on bad input, changing nothing', async () => {
    const hub = await start();
    expect((await hub.inject({ method: 'POST', url: `/api/admin/privacy/contacts/whatsapp/${PHONE}/erase` })).statusCode).toBe(401);
    expect((await hub.inject({ method: 'GET', url: '/api/admin/privacy/audit?limit=0', headers: { 'x-admin': 'dpo' } })).statusCode).toBe(400);
    expect((await hub.inject({ method: 'POST', url: '/api/admin/privacy/contacts/whatsapp/34600000000/erase', headers: { 'x-admin': 'dpo' } })).statusCode).toBe(404);
    const still = await hub.inject({ method: 'GET', url: `/api/admin/privacy/contacts/whatsapp/${PHONE}`, headers: { 'x-admin': 'dpo' } });
    expect(still.statusCode).toBe(200);
  });
});
