/**
 * The console records every transcript read by a person (ENS access audit), with whether the reader
 * held the conversation; an admin lists the entries.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/privacy/audit.js';
import { privacyDb } from '../../../src/privacy/schema.js';
import { createAgent, createConversation, createHarness, type Harness } from '../../helpers/handoff-hub.js';

let h: Harness | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await h?.close();
});

describe('transcript read audit', () => {
  it('records who read which conversation, and whether they held it', async () => {
    const harness = await createHarness();
    h = harness;
    const server = Fastify();
    app = server;
    await server.register(harness.handoff.routes.plugin, { prefix: harness.handoff.routes.prefix });
    await server.ready();
    await createAgent(harness, { username: 'ana', queues: ['transporte'] }, 'offline');
    const conversationId = await createConversation(harness.store);
    await harness.handoff.queue.enqueue({ conversationId, queueId: 'transporte', priority: 'normal', reason: 'citizen' });
    const login = await server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ana', password: 'contraseña-de-prueba' } });
    const headers = { cookie: String(login.headers['set-cookie']).split(';')[0] ?? '', 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    expect((await server.inject({ method: 'GET', url: `/api/agent/conversations/${conversationId}`, headers })).statusCode).toBe(200);
    expect((await server.inject({ method: 'POST', url: `/api/agent/conversations/${conversationId}/claim`, headers })).statusCode).toBe(200);
    expect((await server.inject({ method: 'GET', url: `/api/agent/conversations/${conversationId}`, headers })).statusCode).toBe(200);
    const entries = await listAudit(privacyDb(harness.store), { limit: 10, conversationId });
    expect(entries.map((entry) => [entry.actor, entry.action, entry.details])).toEqual([
      ['ana', 'transcript.read', { owner: true }],
      ['ana', 'transcript.read', { owner: false }],
    ]);
  });
});
