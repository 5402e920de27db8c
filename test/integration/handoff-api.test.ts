/**
 * The agent REST API through fastify's inject(): sessions, CSRF, visibility, conflicts,
 * validation and the login rate limit, over a real SQLite store.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorReplies } from '../../src/http/errors.js';
import { createAgent, createConversation, createHarness, type Harness } from '../helpers/handoff-hub.js';

let h: Harness;
let app: FastifyInstance;

afterEach(async () => {
  await app?.close();
  await h?.close();
});

async function setup(): Promise<void> {
  h = await createHarness();
  app = Fastify();
  // Errors become replies the way buildApp answers them.
  registerErrorReplies(app);
  await app.register(h.handoff.routes.plugin, { prefix: h.handoff.routes.prefix });
  await app.register(h.handoff.consoleRoutes.plugin, { prefix: h.handoff.consoleRoutes.prefix });
  await app.ready();
}

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function login(username: string, password = 'contraseña-de-prueba'): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(response.statusCode, response.body).toBe(200);
  const setCookie = String(response.headers['set-cookie']);
  expect(setCookie).toMatch(/ventanilla_session=[^;]+; .*HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  return { cookie: setCookie.split(';')[0] as string, csrf: (response.json() as { csrfToken: string }).csrfToken };
}

function as(session: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return app.inject({ method, url, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, ...(payload === undefined ? {} : { payload }) });
}

describe('agent API', () => {
  it('answers 401 without a session and 403 without the CSRF header or for editors', async () => {
    await setup();
    expect((await app.inject({ method: 'GET', url: '/api/agent/conversations' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/agent/conversations/x/claim' })).statusCode).toBe(401);
    await createAgent(h, { username: 'ana' }, 'offline');
    await h.handoff.users.create({ username: 'edita', role: 'editor', password: 'contraseña-de-prueba' });
    const ana = await login('ana');
    const noCsrf = await app.inject({ method: 'PUT', url: '/api/agent/presence', headers: { cookie: ana.cookie }, payload: { status: 'available' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: 'HUB_ERR_FORBIDDEN', message: expect.stringMatching(/x-csrf-token/) });
    const editor = await login('edita');
    expect((await as(editor, 'GET', '/api/agent/conversations')).statusCode).toBe(403);
    expect((await as(ana, 'GET', '/api/auth/session')).json()).toMatchObject({ user: { username: 'ana', role: 'agent' } });
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ana', password: 'mala-contraseña' } })).statusCode).toBe(401);
  });

  it('shows agents only their queues (403 outside), supervisors everything', async () => {
    await setup();
    await createAgent(h, { username: 'ana', queues: ['transporte'] }, 'offline');
    await createAgent(h, { username: 'sara', role: 'supervisor', queues: [] }, 'offline');
    const tributos = await createConversation(h.store);
    const transporte = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: tributos, queueId: 'tributos', priority: 'normal', reason: 'citizen' });
    await h.handoff.queue.enqueue({ conversationId: transporte, queueId: 'transporte', priority: 'normal', reason: 'citizen' });
    const ana = await login('ana');
    const sara = await login('sara');
    const mine = (await as(ana, 'GET', '/api/agent/conversations?status=queued')).json() as { conversations: { conversationId: string; position: number }[] };
    expect(mine.conversations.map((c) => c.conversationId)).toEqual([transporte]);
    expect(mine.conversations[0]?.position).toBe(1);
    expect((await as(ana, 'GET', `/api/agent/conversations/${tributos}`)).statusCode).toBe(403);
    expect((await as(ana, 'POST', `/api/agent/conversations/${tributos}/claim`)).statusCode).toBe(403);
    const all = (await as(sara, 'GET', '/api/agent/conversations?status=queued')).json() as { conversations: unknown[] };
    expect(all.conversations).toHaveLength(2);
    const detail = (await as(ana, 'GET', `/api/agent/conversations/${transporte}`)).json() as { transcript: { author: string; text: string }[]; canned: unknown[] };
    expect(detail.transcript[0]).toMatchObject({ author: 'citizen', text: 'quiero hablar con una persona' });
    expect(detail.canned.length).toBeGreaterThan(0);
  });

  it('marks a conversation the safety net saw at possible risk in the list and the detail', async () => {
    await setup();
    await createAgent(h, { username: 'ana' }, 'offline');
    const atRisk = await createConversation(h.store);
    const ordinary = await createConversation(h.store);
    await h.store.updateConversation(atRisk, { state: { safetyRisk: { intent: 'emergencia.024', band: 'possible', at: '2026-05-10T08:00:00.000Z' } } });
    await h.handoff.queue.enqueue({ conversationId: atRisk, queueId: 'tramites', priority: 'vulnerable', reason: 'citizen' });
    await h.handoff.queue.enqueue({ conversationId: ordinary, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    const ana = await login('ana');
    const list = (await as(ana, 'GET', '/api/agent/conversations?status=queued')).json() as { conversations: { conversationId: string; risk: string | null; priority: string }[] };
    expect(list.conversations.map((c) => [c.conversationId, c.risk, c.priority])).toEqual([
      [atRisk, 'emergencia.024', 'vulnerable'],
      [ordinary, null, 'normal'],
    ]);
    const detail = (await as(ana, 'GET', `/api/agent/conversations/${atRisk}`)).json() as { conversation: { risk: string | null } };
    expect(detail.conversation.risk).toBe('emergencia.024');
  });

  it('claims with 409 for the second agent, replies, closes and refuses messages to closed conversations', async () => {
    await setup();
    await createAgent(h, { username: 'ana' }, 'offline');
    await createAgent(h, { username: 'luis' }, 'offline');
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    const ana = await login('ana');
    const luis = await login('luis');
    const claims = await Promise.all([as(ana, 'POST', `/api/agent/conversations/${conversationId}/claim`), as(luis, 'POST', `/api/agent/conversations/${conversationId}/claim`)]);
    expect(claims.map((c) => c.statusCode).sort()).toEqual([200, 409]);
    const winner = claims[0]?.statusCode === 200 ? ana : luis;
    const loser = winner === ana ? luis : ana;
    expect((await as(loser, 'POST', `/api/agent/conversations/${conversationId}/claim`)).json()).toMatchObject({ error: 'HUB_ERR_CONFLICT', reason: 'held' });
    expect((await as(loser, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: 'hola' })).statusCode).toBe(409);
    expect((await as(winner, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: '' })).statusCode).toBe(400);
    expect((await as(winner, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: '   ' })).statusCode).toBe(400);
    expect((await as(winner, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: 'x'.repeat(4001) })).statusCode).toBe(400);
    const sent = await as(winner, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: 'Hola, te atiendo yo' });
    expect(sent.statusCode).toBe(202);
    expect((await as(winner, 'POST', `/api/agent/conversations/${conversationId}/notes`, { text: 'nota interna' })).statusCode).toBe(201);
    expect((await as(winner, 'POST', `/api/agent/conversations/${conversationId}/close`)).statusCode).toBe(200);
    const closed = await as(winner, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: '¿sigues ahí?' });
    expect(closed.statusCode).toBe(409);
    expect(closed.json()).toMatchObject({ error: 'HUB_ERR_CONFLICT', reason: 'closed', message: 'the conversation is closed (resolved)' });
    const outbox = await h.store.listOutbox('pending', 50);
    expect(outbox.map((o) => (o.message.kind === 'attachment' ? '' : o.message.text))).toContain('Hola, te atiendo yo');
    expect(outbox.map((o) => (o.message.kind === 'attachment' ? '' : o.message.text))).not.toContain('nota interna');
    const resolved = (await as(winner, 'GET', '/api/agent/conversations?status=resolved')).json() as { conversations: { status: string }[] };
    expect(resolved.conversations).toHaveLength(1);
  });

  it('transfers, sets presence and lists queues and agents', async () => {
    await setup();
    await createAgent(h, { username: 'ana' }, 'offline');
    await createAgent(h, { username: 'luis' }, 'offline');
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    const ana = await login('ana');
    const luis = await login('luis');
    expect((await as(luis, 'PUT', '/api/agent/presence', { status: 'away' })).json()).toMatchObject({ presence: 'away' });
    expect((await as(ana, 'PUT', '/api/agent/presence', { status: 'dormido' })).statusCode).toBe(400);
    await as(ana, 'POST', `/api/agent/conversations/${conversationId}/claim`);
    expect((await as(ana, 'POST', `/api/agent/conversations/${conversationId}/transfer`, { queue: 'x', agent: 'luis' })).statusCode).toBe(400);
    const moved = await as(ana, 'POST', `/api/agent/conversations/${conversationId}/transfer`, { agent: 'luis', note: 'es de padrón' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ status: 'assigned', agentName: 'luis' });
    const queues = (await as(ana, 'GET', '/api/agent/queues')).json() as { queues: { id: string; open: boolean }[] };
    expect(queues.queues.map((q) => q.id)).toEqual(['tributos', 'transporte', 'tramites', 'urgencias']);
    const agents = (await as(ana, 'GET', '/api/agent/agents')).json() as { agents: { username: string; active: number }[] };
    expect(agents.agents.find((a) => a.username === 'luis')?.active).toBe(1);
    // Going offline sends luis's chat back to the queue.
    await as(luis, 'PUT', '/api/agent/presence', { status: 'offline' });
    expect((await h.handoff.queue.openTicket(conversationId))?.status).toBe('queued');
    expect((await as(luis, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await as(luis, 'GET', '/api/agent/conversations')).statusCode).toBe(401);
  });

  it('rate-limits login attempts with 429', async () => {
    await setup();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nadie', password: `intento-${i}` } })).statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('serves the console page with a strict CSP', async () => {
    await setup();
    const page = await app.inject({ method: 'GET', url: '/agent' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.body).toMatch(/<html lang="es">/);
    expect((await app.inject({ method: 'GET', url: '/agent/console.js' })).statusCode).toBe(200);
  });

  it('streams visible transitions on GET /api/agent/events', async () => {
    await setup();
    await h.handoff.start();
    await createAgent(h, { username: 'ana', queues: ['transporte'] }, 'offline');
    const ana = await login('ana');
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${base}/api/agent/events`, { headers: { cookie: ana.cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp): Promise<void> => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/event: ready/);
    const hidden = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: hidden, queueId: 'tributos', priority: 'normal', reason: 'citizen' });
    const visible = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: visible, queueId: 'transporte', priority: 'urgent', reason: 'emergency' });
    await readUntil(new RegExp(visible));
    expect(text).not.toContain(hidden);
    expect(text).toMatch(/"type":"queued"/);
    controller.abort();
  });
});
