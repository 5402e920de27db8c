/**
 * One megabyte of citizen text through every channel of the real hub (composition root: NLU in
 * five languages, handoff, editor with its unrecognised inbox): while the message is decoded,
 * stored, understood, filed and answered, `/healthz` keeps answering within 100 ms, and the
 * citizen gets an answer on the platform (the web chat, whose API caps text at 10,000
 * characters, answers the megabyte with a 400 and a 10,000-character message with a reply).
 * The text mixes the runs that made naive patterns quadratic (test/helpers/long-text.ts).
 *
 * "Within 100 ms" is measured as the longest stretch of CPU time the event loop spends between
 * two 1 ms timer ticks: that is how long a /healthz request arriving at the worst moment waits
 * for the loop. Time the process spends descheduled on a busy shared machine is not the hub's
 * doing and does not count; the wall-clock round trips of /healthz, polled meanwhile, are
 * printed alongside. Each channel first answers a short message, so one-off warm-up (the first
 * turn compiles the NLU's code paths) is not blamed on the long one.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { createBotFrameworkChannel } from '../../src/bots/botframework/index.js';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createWhatsAppCloudChannel, createWhatsAppWebChannel, type WhatsAppWebClientLike } from '../../src/bots/whatsapp/index.js';
import { combineWhatsAppTransports } from '../../src/bots/whatsapp/transports.js';
import { createXChannel, xSignature } from '../../src/bots/x/index.js';
import { loadConfig } from '../../src/config.js';
import { editorDb } from '../../src/editor/schema.js';
import { createHub } from '../../src/hub.js';
import { startFakeBotFrameworkConnector, type FakeBotFrameworkConnector } from '../helpers/fake-bf-connector.js';
import { startFakeGraphApi, type FakeGraphApi } from '../helpers/fake-graph-api.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { startFakeXApi, type FakeXApi } from '../helpers/fake-x-api.js';
import { longCitizenMessage } from '../helpers/long-text.js';
import { ACCOUNT_ID, CITIZEN_ID } from '../helpers/x-payloads.js';
import { fixtureText, waitFor, whatsappFixture } from '../helpers/whatsapp-fakes.js';
import { SUITE_ENV } from '../helpers/test-config.js';

const MEGABYTE_TEXT = longCitizenMessage(1_000_000);
const HEALTHZ_BUDGET_MS = 100;
const TELEGRAM_SECRET = 'long-message-secret';

class FakeWebClient extends EventEmitter implements WhatsAppWebClientLike {
  readonly sent: { chatId: string; content: string }[] = [];
  async initialize(): Promise<void> {}
  async destroy(): Promise<void> {}
  async sendMessage(chatId: string, content: string) {
    this.sent.push({ chatId, content });
    return { id: { _serialized: `true_${chatId}_OUT${this.sent.length}` } };
  }
  async requestPairingCode(): Promise<string> {
    return 'ABCD1234';
  }
}

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-long-'));
let telegram: FakeTelegramApi;
let graph: FakeGraphApi;
let x: FakeXApi;
let connector: FakeBotFrameworkConnector;
const webClient = new FakeWebClient();
let hub: Hub;
let base: string;

beforeAll(async () => {
  [telegram, graph, x, connector] = await Promise.all([startFakeTelegramApi(), startFakeGraphApi(), startFakeXApi(ACCOUNT_ID), startFakeBotFrameworkConnector()]);
  const env = { ...SUITE_ENV, VENTANILLA_DATA_DIR: dir, LOG_LEVEL: 'silent' };
  hub = await createHub(loadConfig(env), {
    env,
    logger: false,
    http: true,
    channels: [
      (services) => createWebchatChannel(services),
      (services) =>
        createTelegramChannel({ botToken: '123:LONG', mode: 'webhook', webhookSecret: TELEGRAM_SECRET, apiRoot: telegram.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 5000 }, services),
      (services) =>
        combineWhatsAppTransports(
          createWhatsAppCloudChannel({ token: 't', appSecret: 'wa-secret', verifyToken: 'v', phoneNumberId: '200000000000002', graphBaseUrl: graph.baseUrl }, services),
          createWhatsAppWebChannel(
            { chromiumPath: '/usr/bin/chromium', sessionDir: join(dir, 'wwebjs') },
            { ...services, clientFactory: () => webClient, acquireSingletonLock: async () => true, printQr: () => undefined },
          ),
        ),
      (services) =>
        createXChannel(
          { appKey: 'k', appSecret: 'x-secret', accessToken: 't', accessSecret: 'ts', accountId: ACCOUNT_ID, mode: 'webhook', apiBaseUrl: x.baseUrl, pollIntervalMs: 1000, requestTimeoutMs: 5000 },
          services,
        ),
      (services) => createBotFrameworkChannel({ appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '', anonymous: true }, services),
    ],
  });
  base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
  await hub.start();
  webClient.emit('ready');
  // The first fetch of a process compiles undici: not something a citizen's message causes.
  await (await fetch(`${base}/healthz`)).text();
}, 120_000);

afterAll(async () => {
  await hub?.app.close();
  await Promise.all([telegram?.close(), graph?.close(), x?.close(), connector?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Slowest {
  /** Longest CPU stretch of the event loop between two timer ticks, ms: the worst wait of a request. */
  readonly blockedMs: number;
  /** The slowest /healthz round trip by the clock, ms (includes time descheduled by other processes). */
  readonly healthzWallMs: number;
  readonly probes: number;
}

/**
 * Runs `work` (and half a second after it: filing in the unrecognised inbox and other work after
 * the reply) while sampling the event loop and polling /healthz over HTTP.
 */
async function measureDuring(work: () => Promise<void>): Promise<Slowest> {
  let done = false;
  let blockedMs = 0;
  let healthzWallMs = 0;
  let probes = 0;
  let last = process.cpuUsage();
  const tick = (): void => {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    blockedMs = Math.max(blockedMs, (used.user + used.system) / 1000);
    if (!done) setTimeout(tick, 1);
  };
  setTimeout(tick, 1);
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${base}/healthz`);
      await response.text();
      expect(response.status).toBe(200);
      healthzWallMs = Math.max(healthzWallMs, performance.now() - started);
      probes += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    done = true;
    await probe;
  }
  expect(probes).toBeGreaterThan(0);
  return { blockedMs, healthzWallMs, probes };
}

/** POSTs ready-made bytes with node:http (fetch would spend the test's own CPU re-encoding a megabyte). */
function post(path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  // The body must fit the hub's 1 MiB request limit for the message to be processed at all.
  expect(body.length).toBeLessThan(1024 * 1024);
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const slowest: Record<string, Slowest & { readonly attempts: number }> = {};

/** Warm-up texts (a short one, the longest a web chat accepts), then the megabyte. */
const WARM_UP = ['hola', MEGABYTE_TEXT.slice(0, 10_000)] as const;
/** Attempts at the megabyte: a busy shared machine can stall one; a quadratic step stalls all. */
const ATTEMPTS = 3;

/**
 * Sends the warm-up messages, then the megabyte (as a new message each attempt) until one attempt
 * keeps every event-loop block under the budget; each message must be answered. `send(text, n)`
 * sends the n-th message of the channel, in a conversation of its own (several unrecognised
 * questions in a row hand a conversation to a person, and the bot then stays silent); `answers()`
 * counts the answers the platform received so far.
 */
async function warmThenMeasure(channel: string, send: (text: string, n: number) => Promise<void>, answers: () => number | Promise<number>): Promise<void> {
  let sent = 0;
  const sendAnswered = async (text: string): Promise<void> => {
    const before = await answers();
    await send(text, sent);
    sent += 1;
    await waitFor(async () => (await answers()) > before, `${channel}: the answer to message ${sent}`, 30_000);
  };
  for (const text of WARM_UP) await sendAnswered(text);
  const attempts: Slowest[] = [];
  while (attempts.length < ATTEMPTS) {
    attempts.push(await measureDuring(() => sendAnswered(MEGABYTE_TEXT)));
    if ((attempts.at(-1)?.blockedMs ?? Infinity) < HEALTHZ_BUDGET_MS) break;
  }
  const best = attempts.reduce((a, b) => (b.blockedMs < a.blockedMs ? b : a));
  slowest[channel] = { ...best, attempts: attempts.length };
  expect(best.blockedMs, `${channel}: event loop blocked in every attempt: ${attempts.map((a) => a.blockedMs.toFixed(0)).join(', ')} ms`).toBeLessThan(HEALTHZ_BUDGET_MS);
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('a one-megabyte citizen message', () => {
  it('Telegram: answered; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/telegram/text.json', import.meta.url), 'utf8')) as { update_id: number; message: Record<string, unknown> };
    await warmThenMeasure(
      'telegram',
      async (text, n) => {
        const chat = { ...(fixture.message.chat as Record<string, unknown>), id: 6_660_000 + n };
        const body = json({ ...fixture, update_id: fixture.update_id + n, message: { ...fixture.message, chat, message_id: 900 + n, text } });
        expect((await post('/webhooks/telegram', body, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET })).status).toBe(200);
      },
      () => telegram.callsOf('sendMessage').length,
    );
    // The megabyte went the unrecognised-question way, the one that masks personal data.
    const filed = await editorDb(hub.store).selectFrom('editor_unrecognized').select(['text']).where('conversation_id', '=', (await hub.store.getConversationByKey('telegram:6660002'))?.id ?? '').execute();
    expect(filed.some((row) => row.text.startsWith('Xyzzy plugh'))).toBe(true);
    for (const row of filed) expect(row.text.length).toBeLessThanOrEqual(500);
  });

  it('WhatsApp Cloud API: answered; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    await warmThenMeasure(
      'whatsappCloud',
      async (text, n) => {
        const body = Buffer.from(
          whatsappFixture('text.json', new Date()).replace('"Hola"', JSON.stringify(text)).replace('wamid.TEST_TEXT_0001', `wamid.LONG_${n}`).split('34600000001').join(`3460000010${n}`),
        );
        expect((await post('/webhooks/whatsapp', body, { 'x-hub-signature-256': `sha256=${createHmac('sha256', 'wa-secret').update(body).digest('hex')}` })).status).toBe(200);
      },
      () => graph.requests.length,
    );
  });

  it('whatsapp-web.js: answered; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    await warmThenMeasure(
      'whatsappWeb',
      async (text, n) => {
        webClient.emit('message', {
          id: { _serialized: `false_3460000020${n}@c.us_3EB0LONG000${n}` },
          from: `3460000020${n}@c.us`,
          fromMe: false,
          isStatus: false,
          body: text,
          type: 'chat',
          timestamp: Math.floor(Date.now() / 1000),
          _data: { notifyName: 'Ciudadano Largo' },
        });
      },
      () => webClient.sent.length,
    );
  });

  /** Posts an Account Activity delivery, signed. */
  async function postX(events: Record<string, unknown>): Promise<void> {
    const body = json({ for_user_id: ACCOUNT_ID, ...events });
    expect((await post('/webhooks/x', body, { 'x-twitter-webhooks-signature': xSignature('x-secret', body) })).status).toBe(200);
  }

  it('X direct message: answered; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    await warmThenMeasure(
      'xDirectMessage',
      (text, n) =>
        postX({
          direct_message_events: [
            { type: 'message_create', id: `190000000000000077${n}`, created_timestamp: String(Date.now()), message_create: { sender_id: `${CITIZEN_ID}${n}`, message_data: { text } } },
          ],
        }),
      () => x.sentDms.length,
    );
  });

  it('X public mention: answered; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    await warmThenMeasure(
      'xMention',
      (text, n) =>
        postX({
          tweet_create_events: [
            { id_str: `190000000000000088${n}`, timestamp_ms: String(Date.now()), text: `@ayto_pruebas ${text}`, user: { id_str: `${CITIZEN_ID}${n}`, name: 'Vecina' }, entities: { user_mentions: [{ id_str: ACCOUNT_ID }] } },
          ],
        }),
      () => x.replies.length,
    );
  });

  it('Bot Framework: answered; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    const fixture = JSON.parse(fixtureText('botframework', 'message.json')) as Record<string, unknown>;
    await warmThenMeasure(
      'botframework',
      async (text, n) =>
        expect((await post('/api/messages', json({ ...fixture, id: `act-long-${n}`, conversation: { id: `conv-long-${n}` }, serviceUrl: connector.serviceUrl, text }), {})).status).toBe(200),
      () => connector.requests.length,
    );
  });

  it('web chat: the megabyte gets a 400 naming the limit, the longest allowed message an answer; the event loop never blocks 100 ms meanwhile', { timeout: 90_000 }, async () => {
    const sessions: string[] = [];
    const replies = async (): Promise<number> => {
      let count = 0;
      for (const sessionId of sessions) {
        const history = (await (await fetch(`${base}/webchat/api/history?sessionId=${sessionId}`)).json()) as { items: { author: string }[] };
        count += history.items.filter((item) => item.author !== 'citizen').length;
      }
      return count;
    };
    await warmThenMeasure(
      'webchat',
      async (text, n) => {
        const { sessionId } = (await (await fetch(`${base}/webchat/api/sessions`, { method: 'POST' })).json()) as { sessionId: string };
        sessions.push(sessionId);
        if (text === MEGABYTE_TEXT) {
          const refused = await post('/webchat/api/messages', json({ sessionId, clientMessageId: randomUUID(), text }), {});
          expect(refused.status).toBe(400);
          expect(refused.text).toMatch(/10000/);
          text = `${MEGABYTE_TEXT.slice(0, 9_990)} intento ${n}`;
        }
        expect((await post('/webchat/api/messages', json({ sessionId, clientMessageId: randomUUID(), text }), {})).status).toBe(202);
      },
      replies,
    );
  });

  afterAll(() => {
    // The figures behind the assertions, for the record.
    const figures = Object.entries(slowest).map(
      ([channel, { blockedMs, healthzWallMs, probes, attempts }]) => `${channel} ${blockedMs.toFixed(0)} (attempt ${attempts}; slowest /healthz by the clock ${healthzWallMs.toFixed(0)} ms over ${probes} probes)`,
    );
    console.info(`longest event-loop block during a 1 MB message, CPU ms: ${figures.join('; ')}`);
  });
});
