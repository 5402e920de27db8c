/**
 * Canned responses through the agent API over a real store (SQLite; PostgreSQL when configured):
 * seeded from config/queues.yaml in five languages, offered filled in the citizen's language with
 * the conversation, edited by supervisors only, bad input refused naming the problem.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorReplies } from '../../src/http/errors.js';
import { CannedStore } from '../../src/handoff/canned/store.js';
import { createAgent, createConversation, createHarness, handoffStoreKinds, type Harness } from '../helpers/handoff-hub.js';

let h: Harness;
let app: FastifyInstance;

afterEach(async () => {
  await app?.close();
  await h?.close();
});

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

describe.each(handoffStoreKinds.map((kind) => [kind.name, kind] as const))('canned responses API (%s)', (_name, kind) => {
  async function setup(): Promise<void> {
    h = await createHarness({ store: kind });
    app = Fastify();
    registerErrorReplies(app);
    await app.register(h.handoff.routes.plugin, { prefix: h.handoff.routes.prefix });
    await app.ready();
  }

  async function login(username: string): Promise<Session> {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'contraseña-de-prueba' } });
    expect(response.statusCode, response.body).toBe(200);
    return { cookie: String(response.headers['set-cookie']).split(';')[0] as string, csrf: (response.json() as { csrfToken: string }).csrfToken };
  }

  function as(session: Session, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) {
    return app.inject({ method, url, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, ...(payload === undefined ? {} : { payload }) });
  }

  async function basqueConversation(citizenName: string | null): Promise<string> {
    const conversationId = await createConversation(h.store);
    if (citizenName === null) await h.store.kysely.updateTable('contacts' as never).set({ display_name: null } as never).execute();
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen', language: 'eu' });
    return conversationId;
  }

  it('offers the seeded responses in Basque for a Basque chat, every variable filled', async () => {
    await setup();
    await createAgent(h, { username: 'ana', displayName: 'ana', queues: ['tramites'] }, 'offline');
    const ana = await login('ana');
    const named = await basqueConversation('Vecina');
    const detail = (await as(ana, 'GET', `/api/agent/conversations/${named}`)).json() as { conversation: { citizenName: string | null }; canned: { id: string; language: string; text: string }[] };
    const name = detail.conversation.citizenName as string;
    expect(detail.canned.map((c) => [c.id, c.language])).toEqual([
      ['certificado', 'eu'],
      ['saludo', 'eu'],
    ]);
    expect(detail.canned.find((c) => c.id === 'saludo')?.text).toBe(`Kaixo ${name}, Ana naiz, Trámites taldekoa. Zertan lagun zaitzaket?`);

    const anonymous = await basqueConversation(null);
    const noName = (await as(ana, 'GET', `/api/agent/conversations/${anonymous}`)).json() as { canned: { id: string; text: string }[] };
    expect(noName.canned.find((c) => c.id === 'saludo')?.text).toBe('Kaixo, Ana naiz, Trámites taldekoa. Zertan lagun zaitzaket?');
    expect(noName.canned.find((c) => c.id === 'certificado')?.text).toMatch(/^Kaixo, ziurtagiri digitalarekin/);
  });

  it('lets supervisors create, edit and delete per language; agents get 403; bad input changes nothing', async () => {
    await setup();
    await createAgent(h, { username: 'ana', queues: ['tramites'] }, 'offline');
    await createAgent(h, { username: 'sara', role: 'supervisor', displayName: 'Sara Gil' }, 'offline');
    const ana = await login('ana');
    const sara = await login('sara');
    expect((await as(ana, 'GET', '/api/agent/canned')).statusCode).toBe(403);
    expect((await as(ana, 'PUT', '/api/agent/canned/tramites/padron/eu', { title: 'Padrón', text: 'Kaixo {nombre}.' })).statusCode).toBe(403);

    const before = (await as(sara, 'GET', '/api/agent/canned?queue=tramites')).json() as { canned: unknown[] };
    // 2 responses × 5 languages seeded for Trámites.
    expect(before.canned).toHaveLength(10);

    const unknownVariable = await as(sara, 'PUT', '/api/agent/canned/tramites/padron/eu', { title: 'Padrón', text: 'Zure hitzordua {fecha} da.' });
    expect(unknownVariable.statusCode).toBe(400);
    expect(unknownVariable.json().message).toMatch(/\{fecha\}.*\{nombre\}, \{agente\}, \{cola\}/);
    expect((await as(sara, 'PUT', '/api/agent/canned/nada/padron/eu', { title: 'Padrón', text: 'Kaixo.' })).statusCode).toBe(404);
    expect((await as(sara, 'PUT', '/api/agent/canned/tramites/Padrón/eu', { title: 'Padrón', text: 'Kaixo.' })).statusCode).toBe(400);
    expect((await as(sara, 'PUT', '/api/agent/canned/tramites/padron/fr', { title: 'Padrón', text: 'Salut.' })).statusCode).toBe(400);
    expect((await as(sara, 'PUT', '/api/agent/canned/tramites/padron/eu', { title: '  ', text: 'Kaixo.' })).statusCode).toBe(400);
    expect(((await as(sara, 'GET', '/api/agent/canned?queue=tramites')).json() as { canned: unknown[] }).canned).toHaveLength(10);

    const created = await as(sara, 'PUT', '/api/agent/canned/tramites/padron/eu', { title: 'Padrón', text: '{nombre}, erroldatzeko ziurtagiria egoitza elektronikoan eska dezakezu.' });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toMatchObject({ queueId: 'tramites', id: 'padron', language: 'eu', updatedBy: 'sara' });
    const conversationId = await basqueConversation('Miren');
    await createAgent(h, { username: 'jon', displayName: 'Jon', queues: ['tramites'] }, 'offline');
    const jon = await login('jon');
    const detail = (await as(jon, 'GET', `/api/agent/conversations/${conversationId}`)).json() as { canned: { id: string; text: string }[] };
    expect(detail.canned.find((c) => c.id === 'padron')?.text).toMatch(/, erroldatzeko ziurtagiria/);

    expect((await as(sara, 'DELETE', '/api/agent/canned/tramites/padron/eu')).statusCode).toBe(204);
    expect((await as(sara, 'DELETE', '/api/agent/canned/tramites/padron/eu')).statusCode).toBe(404);
    // A deleted seed stays deleted when queues.yaml is seeded again (the next start-up).
    expect((await as(sara, 'DELETE', '/api/agent/canned/tramites/saludo/eu')).statusCode).toBe(204);
    expect(await new CannedStore(h.store, h.clock).seed(h.config.queues)).toBe(0);
    const after = (await as(jon, 'GET', `/api/agent/conversations/${conversationId}`)).json() as { canned: { id: string; language: string }[] };
    // Without a Basque greeting the Spanish one is offered (and says it is Spanish).
    expect(after.canned.find((c) => c.id === 'saludo')?.language).toBe('es');
  });
});
