/**
 * The web chat's limits through the real app: per-session messages, per-client requests, new
 * sessions per client (created or made up), open event streams per session, each answered with
 * 429 and Retry-After; a pluggable counter store that never sees a session id.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel, type WebchatLimits } from '../../src/bots/webchat/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { testConfig } from '../helpers/test-config.js';

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function start(limits: Partial<WebchatLimits>, rateLimitStore?: FastifyRateLimitStoreCtor): Promise<Hub> {
  hub = await buildApp({
    config: testConfig(),
    intents: fakeIntents(),
    logger: false,
    channels: [(services) => createWebchatChannel({ ...services, limits })],
    ...(rateLimitStore === undefined ? {} : { rateLimitStore }),
  });
  await hub.start();
  return hub;
}

async function session(h: Hub, ip = '198.51.100.7') {
  return h.app.inject({ method: 'POST', url: '/webchat/api/sessions', remoteAddress: ip });
}

function message(h: Hub, sessionId: string, ip = '198.51.100.7') {
  return h.app.inject({ method: 'POST', url: '/webchat/api/messages', remoteAddress: ip, payload: { sessionId, clientMessageId: randomUUID(), text: 'hola' } });
}

function expectLimited(response: { statusCode: number; headers: Record<string, unknown>; json(): unknown }): void {
  expect(response.statusCode).toBe(429);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(response.json()).toMatchObject({ error: 'HUB_ERR_RATE_LIMITED', message: expect.stringMatching(/try again/) });
}

describe('web chat limits', () => {
  it('refuses a session\'s messages beyond the per-session limit with 429 + Retry-After; other sessions go on', async () => {
    const h = await start({ messagesPerSessionPerMinute: 3 });
    const { sessionId } = (await session(h)).json() as { sessionId: string };
    for (let index = 0; index < 3; index += 1) expect((await message(h, sessionId)).statusCode).toBe(202);
    expectLimited(await message(h, sessionId));
    const other = (await session(h)).json() as { sessionId: string };
    expect((await message(h, other.sessionId)).statusCode).toBe(202);
    // Nothing of the refused message was stored.
    const conversation = await h.store.getConversationByKey(`webchat:${sessionId}`);
    expect((await h.store.getTranscript(conversation?.id ?? '')).filter((entry) => entry.author === 'citizen')).toHaveLength(3);
  });

  it('refuses a client\'s requests beyond the per-client limit on every route; another client goes on', async () => {
    const h = await start({ requestsPerClientPerMinute: 5 });
    const { sessionId } = (await session(h)).json() as { sessionId: string };
    for (let index = 0; index < 4; index += 1) expect((await h.app.inject({ url: `/webchat/api/history?sessionId=${sessionId}`, remoteAddress: '198.51.100.7' })).statusCode).toBe(200);
    expectLimited(await h.app.inject({ url: `/webchat/api/history?sessionId=${sessionId}`, remoteAddress: '198.51.100.7' }));
    expectLimited(await message(h, sessionId));
    expect((await message(h, sessionId, '203.0.113.9')).statusCode).toBe(202);
  });

  it('caps new sessions per client, counting made-up session ids at their first message', async () => {
    const h = await start({ sessionsPerClientPerHour: 2 });
    const { sessionId } = (await session(h)).json() as { sessionId: string };
    // A session the hub issued is not counted again at its first message.
    expect((await message(h, sessionId)).statusCode).toBe(202);
    expect((await message(h, randomBytes(18).toString('base64url'))).statusCode).toBe(202);
    expectLimited(await message(h, randomBytes(18).toString('base64url')));
    expectLimited(await session(h));
    // Known sessions keep working, and so does another client.
    expect((await message(h, sessionId)).statusCode).toBe(202);
    expect((await session(h, '203.0.113.9')).statusCode).toBe(200);
    expect((await h.store.listConversations({})).length).toBe(2);
  });

  it('refuses an event stream beyond the per-session cap with 429 + Retry-After, and accepts one again when a tab closes', async () => {
    const h = await start({ streamsPerSession: 2 });
    const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const { sessionId } = (await (await fetch(`${base}/webchat/api/sessions`, { method: 'POST' })).json()) as { sessionId: string };
    const tabs: AbortController[] = [];
    const open = async () => {
      const tab = new AbortController();
      tabs.push(tab);
      return fetch(`${base}/webchat/api/events?sessionId=${sessionId}`, { signal: tab.signal });
    };
    expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(200);
    const refused = await open();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    tabs[0]?.abort();
    const deadline = Date.now() + 5_000;
    let again = await open();
    while (again.status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await open();
    }
    expect(again.status).toBe(200);
    for (const tab of tabs) tab.abort();
  });

  it('counts in a pluggable store (shared by instances), which sees hashed session keys, never a session id', async () => {
    const keys: string[] = [];
    class RecordingStore implements FastifyRateLimitStore {
      private readonly counts = new Map<string, number>();
      incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
        keys.push(key);
        const current = (this.counts.get(key) ?? 0) + 1;
        this.counts.set(key, current);
        callback(null, { current, ttl: 60_000 });
      }
      child(): FastifyRateLimitStore {
        return this;
      }
    }
    const h = await start({}, RecordingStore);
    const { sessionId } = (await session(h)).json() as { sessionId: string };
    expect((await message(h, sessionId)).statusCode).toBe(202);
    expect(keys).toEqual(expect.arrayContaining(['client:198.51.100.7', 'sessions:198.51.100.7', expect.stringMatching(/^session:/)]));
    expect(keys.join(' ')).not.toContain(sessionId);
  });
});
