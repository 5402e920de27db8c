/**
 * Fuzzing every webhook of the hub (Telegram, WhatsApp Cloud, X, Bot Framework, web chat) with
 * fast-check: real payload shapes with fields replaced by values of any JSON type or removed,
 * arbitrary JSON, and bytes that are not JSON at all. Signed where the channel signs (so the
 * decoder, not the signature check, meets the payload). Whatever arrives, the answer is never a
 * 5xx: a platform retries a 5xx, and a payload that can never be processed would be retried
 * forever. Each webhook also answers both 2xx and 4xx over the run, so the decoder was reached.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createBotFrameworkChannel } from '../../src/bots/botframework/index.js';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createWhatsAppCloudChannel } from '../../src/bots/whatsapp/index.js';
import { createXChannel, xSignature } from '../../src/bots/x/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { testConfig } from '../helpers/test-config.js';

/** Payloads per webhook. */
const RUNS = 5_000;
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const LOOPBACK_SERVICE_URL = 'http://127.0.0.1:9';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fixtures(channel: string): Json[] {
  return readdirSync(`${FIXTURES}${channel}`)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(`${FIXTURES}${channel}/${name}`, 'utf8')) as Json);
}

/** Every path into a JSON value (the root excluded), containers and leaves alike. */
function pathsOf(value: Json, prefix: readonly (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

interface Mutation {
  readonly path: number;
  readonly remove: boolean;
  readonly value: Json;
}

function mutate(base: Json, mutations: readonly Mutation[]): Json {
  const copy = structuredClone(base);
  for (const mutation of mutations) {
    const paths = pathsOf(copy);
    const path = paths[mutation.path % Math.max(1, paths.length)];
    if (path === undefined) continue;
    let parent: Json = copy;
    for (const key of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[key] ?? null;
    if (parent === null || typeof parent !== 'object') continue;
    const last = path[path.length - 1] as string | number;
    if (mutation.remove && !Array.isArray(parent)) delete (parent as Record<string, Json>)[last];
    else (parent as Record<string | number, Json>)[last] = mutation.value;
  }
  return copy;
}

/**
 * The bodies a webhook is fuzzed with: mostly real shapes with up to four fields replaced (by a
 * value of any JSON type, large numbers and odd strings included) or removed; some arbitrary JSON;
 * some bytes that are not JSON.
 */
function bodies(bases: readonly Json[], adjust: (payload: Json) => Json = (payload) => payload): fc.Arbitrary<Buffer> {
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
    fc.constantFrom<Json>(1e20, -1, 0, 1.5, 2 ** 60, '', '1e20', 'x'.repeat(300), [], {}, null, true),
  );
  const mutation = fc.record({ path: fc.nat(), remove: fc.boolean(), value });
  const shaped = fc.tuple(fc.constantFrom(...bases), fc.array(mutation, { maxLength: 4 })).map(([base, mutations]) => Buffer.from(JSON.stringify(adjust(mutate(base, mutations)))));
  const anyJson = (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((json) => Buffer.from(JSON.stringify(json) ?? 'null'));
  const garbage = fc.oneof(fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)), fc.string().map((text) => Buffer.from(text)));
  return fc.oneof({ weight: 7, arbitrary: shaped }, { weight: 2, arbitrary: anyJson }, { weight: 1, arbitrary: garbage });
}

let telegramApi: FakeTelegramApi;
let hub: Hub;
const statuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
  telegramApi = await startFakeTelegramApi();
  hub = await buildApp({
    config: testConfig(),
    intents: fakeIntents(),
    logger: false,
    channels: [
      (services) =>
        createWebchatChannel({
          ...services,
          // The limits are tested elsewhere; here every payload must reach the route.
          limits: { requestsPerClientPerMinute: 1_000_000, messagesPerSessionPerMinute: 1_000_000, sessionsPerClientPerHour: 1_000_000 },
        }),
      (services) =>
        createTelegramChannel({ botToken: '123:FUZZ', mode: 'webhook', webhookSecret: 'fuzz-secret', apiRoot: telegramApi.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 5000 }, services),
      (services) => createWhatsAppCloudChannel({ token: 't', appSecret: 'wa-secret', verifyToken: 'v', phoneNumberId: '200000000000002', graphBaseUrl: 'http://127.0.0.1:9/v21.0' }, services),
      (services) =>
        createXChannel(
          { appKey: 'k', appSecret: 'x-secret', accessToken: 't', accessSecret: 'ts', accountId: '1500000000000000001', mode: 'webhook', apiBaseUrl: 'http://127.0.0.1:9', pollIntervalMs: 1000, requestTimeoutMs: 1000 },
          services,
        ),
      (services) => createBotFrameworkChannel({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, services),
    ],
  });
  // Not started: turns run, replies are not delivered (nothing here listens for them).
  // botbuilder prints every refused activity with console.error.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await hub?.app.close();
  await telegramApi?.close();
  for (const [webhook, counts] of statuses) console.info(`fuzz ${webhook}: ${[...counts].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}`);
});

/** Fuzzes one webhook: `RUNS` bodies, each signed by `headers`; no answer may be a 5xx. */
async function fuzz(webhook: string, url: string, arbitrary: fc.Arbitrary<Buffer>, headers: (body: Buffer) => Record<string, string>): Promise<void> {
  const counts = new Map<number, number>();
  statuses.set(webhook, counts);
  await fc.assert(
    fc.asyncProperty(arbitrary, async (body) => {
      const response = await hub.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers(body) }, payload: body });
      counts.set(response.statusCode, (counts.get(response.statusCode) ?? 0) + 1);
      expect(response.statusCode, `${body.toString('utf8').slice(0, 500)} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
    }),
    { numRuns: RUNS },
  );
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  expect(total).toBeGreaterThanOrEqual(RUNS);
  // Both accepted and refused payloads: the fuzz reached the decoder, not only the parser.
  expect([...counts.keys()].some((status) => status < 300)).toBe(true);
  expect([...counts.keys()].some((status) => status >= 400)).toBe(true);
}

const hmacHex = (secret: string, body: Buffer): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe(`webhook fuzzing (${RUNS} payloads each): never a 5xx`, () => {
  it('Telegram', { timeout: 300_000 }, async () => {
    await fuzz('telegram', '/webhooks/telegram', bodies(fixtures('telegram')), () => ({ 'x-telegram-bot-api-secret-token': 'fuzz-secret' }));
  });

  it('WhatsApp Cloud API', { timeout: 300_000 }, async () => {
    await fuzz('whatsapp', '/webhooks/whatsapp', bodies(fixtures('whatsapp')), (body) => ({ 'x-hub-signature-256': hmacHex('wa-secret', body) }));
  });

  it('X', { timeout: 300_000 }, async () => {
    await fuzz('x', '/webhooks/x', bodies(fixtures('x')), (body) => ({ 'x-twitter-webhooks-signature': xSignature('x-secret', body) }));
  });

  it('Bot Framework (anonymous mode, loopback serviceUrl)', { timeout: 300_000 }, async () => {
    // The serviceUrl is kept loopback unless a mutation replaces it: the decoder must be reached.
    const withServiceUrl = (payload: Json): Json =>
      payload !== null && typeof payload === 'object' && !Array.isArray(payload) && payload.serviceUrl === 'http://127.0.0.1:0' ? { ...payload, serviceUrl: LOOPBACK_SERVICE_URL } : payload;
    await fuzz('botframework', '/api/messages', bodies(fixtures('botframework'), withServiceUrl), () => ({}));
  });

  it('web chat', { timeout: 300_000 }, async () => {
    const sessionId = 'fuzzFUZZfuzzFUZZfuzzFUZZ';
    const base: Json[] = [
      { sessionId, clientMessageId: randomUUID(), text: 'hola', locale: 'es-ES' },
      { sessionId, clientMessageId: randomUUID(), payload: 'renta.plazos' },
    ];
    // A fresh clientMessageId each time (unless a mutation replaced it): duplicates are not the point.
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const fresh = (payload: Json): Json =>
      payload !== null && typeof payload === 'object' && !Array.isArray(payload) && typeof payload.clientMessageId === 'string' && uuid.test(payload.clientMessageId)
        ? { ...payload, clientMessageId: randomUUID() }
        : payload;
    await fuzz('webchat', '/webchat/api/messages', bodies(base, fresh), () => ({}));
  });
});
