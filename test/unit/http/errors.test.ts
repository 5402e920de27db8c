/**
 * Every error reply of the hub has one body shape, whatever raised it: a HubError, a schema, the
 * framework itself, or a bug. Uses a real fastify instance with the app's error handler.
 */
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_ERRORS, HubError } from '../../../src/core/errors.js';
import { registerErrorReplies } from '../../../src/http/errors.js';

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

async function build(): Promise<FastifyInstance> {
  app = Fastify({ logger: false, bodyLimit: 100 });
  registerErrorReplies(app);
  await app.register(async (scope) => {
    scope.get('/gate', async () => {
      throw new HubError('HUB_ERR_QUALITY_GATE', 'publish refused', { reply: { reasons: ['accuracy dropped'] } });
    });
    scope.get('/held', async () => {
      throw new HubError('HUB_ERR_CONFLICT', 'held by another agent', { details: { reason: 'held', conversationKey: 'webchat:secret' } });
    });
    scope.get('/slow-down', async () => {
      throw new HubError('HUB_ERR_RATE_LIMITED', 'too many', { retryAfterMs: 2500 });
    });
    scope.post('/typed', { schema: { body: Type.Object({ n: Type.Integer() }) } }, async () => ({ ok: true }));
    scope.get('/bug', async () => {
      throw new Error('secret internals');
    });
  });
  return app;
}

describe('error replies', () => {
  it('a HubError answers its catalogue status with statusCode, error, message and the fields meant for the client', async () => {
    await build();
    const gate = await app.inject({ url: '/gate' });
    expect(gate.statusCode).toBe(409);
    expect(gate.json()).toEqual({ statusCode: 409, error: 'HUB_ERR_QUALITY_GATE', message: 'publish refused', reasons: ['accuracy dropped'] });
    // details stay in the logs, except the reason a client branches on.
    expect((await app.inject({ url: '/held' })).json()).toEqual({ statusCode: 409, error: 'HUB_ERR_CONFLICT', message: 'held by another agent', reason: 'held' });
    const limited = await app.inject({ url: '/slow-down' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
  });

  it('schema, framework and unknown errors get the same shape with a catalogue code', async () => {
    await build();
    const invalid = await app.inject({ method: 'POST', url: '/typed', payload: { n: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ statusCode: 400, error: 'HUB_ERR_BAD_PAYLOAD' });
    const tooLarge = await app.inject({ method: 'POST', url: '/typed', payload: { n: 1, pad: 'x'.repeat(200) } });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ statusCode: 413, error: 'HUB_ERR_TOO_LARGE' });
    const bug = await app.inject({ url: '/bug' });
    expect(bug.json()).toEqual({ statusCode: 500, error: 'HUB_ERR_INTERNAL', message: 'internal error' });
    expect((await app.inject({ url: '/nowhere?x=1' })).json()).toEqual({ statusCode: 404, error: 'HUB_ERR_NOT_FOUND', message: 'no route GET /nowhere' });
  });

  it('every code a reply carries is in the catalogue', async () => {
    await build();
    for (const url of ['/gate', '/held', '/slow-down', '/bug', '/nowhere']) {
      expect(Object.keys(HUB_ERRORS)).toContain((await app.inject({ url })).json<{ error: string }>().error);
    }
  });
});
