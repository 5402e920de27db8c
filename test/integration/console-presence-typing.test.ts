/**
 * The agent API's presence memory and typing route through fastify's inject(), over a real store:
 * the console reads back the presence the agent last chose (not the one the hub set at logout),
 * and only the agent holding a conversation may signal typing, at most every couple of seconds.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubEventMap } from '../../src/core/events.js';
import { AGENT_TYPING } from '../../src/core/typing.js';
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
  registerErrorReplies(app);
  await app.register(h.handoff.routes.plugin, { prefix: h.handoff.routes.prefix });
  await app.ready();
}

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

async function login(username: string): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'contraseña-de-prueba' } });
  expect(response.statusCode, response.body).toBe(200);
  return { cookie: String(response.headers['set-cookie']).split(';')[0] as string, csrf: (response.json() as { csrfToken: string }).csrfToken };
}

function as(session: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return app.inject({ method, url, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, ...(payload === undefined ? {} : { payload }) });
}

describe('console presence memory and typing', () => {
  it('remembers the presence the agent chose across a logout, and refuses a bad one without changing anything', async () => {
    await setup();
    await createAgent(h, { username: 'ana' }, 'offline');
    let ana = await login('ana');
    expect((await as(ana, 'GET', '/api/agent/presence')).json()).toEqual({ presence: 'offline', lastChosen: null, chosenAt: null });
    expect((await as(ana, 'PUT', '/api/agent/presence', { status: 'away' })).statusCode).toBe(200);
    const bad = await as(ana, 'PUT', '/api/agent/presence', { status: 'dormido' });
    expect(bad.statusCode).toBe(400);
    expect((await as(ana, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    ana = await login('ana');
    // The hub set "offline" at logout; what the agent chose is still known.
    expect((await as(ana, 'GET', '/api/agent/presence')).json()).toMatchObject({ presence: 'offline', lastChosen: 'away', chosenAt: expect.any(String) });
  });

  it('lets only the agent holding the conversation signal typing, throttled per conversation', async () => {
    await setup();
    await createAgent(h, { username: 'ana', queues: ['tramites'] }, 'offline');
    await createAgent(h, { username: 'luis', queues: ['tramites'] }, 'offline');
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    const signals: HubEventMap['custom'][0][] = [];
    h.events.on('custom', (event) => {
      if (event.type === AGENT_TYPING) signals.push(event);
    });
    const [ana, luis] = [await login('ana'), await login('luis')];
    const typing = `/api/agent/conversations/${conversationId}/typing`;
    const queued = await as(ana, 'POST', typing);
    expect(queued.statusCode).toBe(409);
    expect(queued.json()).toMatchObject({ reason: 'not-claimed' });
    expect((await as(ana, 'POST', `/api/agent/conversations/${conversationId}/claim`)).statusCode).toBe(200);
    expect((await as(luis, 'POST', typing)).statusCode).toBe(409);
    expect((await as(ana, 'POST', typing)).statusCode).toBe(204);
    expect((await as(ana, 'POST', typing)).statusCode).toBe(204);
    expect(signals).toEqual([{ type: AGENT_TYPING, conversationId, data: { agentId: expect.any(String), agentName: 'ana' } }]);
    expect(signals.length).toBe(1);
  });
});
