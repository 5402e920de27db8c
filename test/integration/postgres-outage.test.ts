/**
 * PostgreSQL unreachable for a while (issue 13, "Bad input and faults"): the hub talks to the
 * machine's real PostgreSQL through a loopback proxy the test can cut, as a restarted server or a
 * network partition would. While it is cut `/readyz` says so and a citizen's message gets 503 with
 * Retry-After (nothing stored, so a client or platform sends it again); once it is back the hub
 * recovers by itself: ready again, the message sent again is stored and answered exactly once,
 * and what was accepted before the outage was answered once too.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createStore, dropPostgresSchema } from '../../src/core/store/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { postgresUrl } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const enabled = postgresUrl !== undefined && postgresUrl !== '';
if (!enabled) console.warn('[postgres-outage] VENTANILLA_TEST_POSTGRES_URL is not set: the PostgreSQL outage test is SKIPPED.');

/** A TCP proxy on loopback to PostgreSQL that can be cut (every connection reset, no listener) and restored on the same port. */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  }
}

interface Item {
  readonly author: string;
  readonly text?: string;
}

describe.skipIf(!enabled)('PostgreSQL unreachable for a while', () => {
  const url = new URL(postgresUrl ?? 'postgres://localhost');
  const proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port === '' ? 5432 : url.port) });
  const schema = `out_${randomBytes(6).toString('hex')}`;
  let hub: Hub;
  let base: string;

  beforeAll(async () => {
    await proxy.open();
    const viaProxy = new URL(url.href);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const store = await createStore(viaProxy.href, { schema, poolSize: 3 });
    await store.migrate();
    hub = await buildApp({ config: testConfig(), store, ownsStore: true, intents: fakeIntents(), logger: false, channels: [(services) => createWebchatChannel(services)] });
    await hub.start();
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await proxy.open();
    await hub?.app.close();
    await dropPostgresSchema(postgresUrl ?? '', schema);
  }, 60_000);

  const say = (sessionId: string, text: string, clientMessageId: string = randomUUID()): Promise<Response> =>
    fetch(`${base}/webchat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId, clientMessageId, text }) });

  async function botReplies(sessionId: string, count: number): Promise<string[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const response = await fetch(`${base}/webchat/api/history?sessionId=${sessionId}`);
      const items = response.status === 200 ? ((await response.json()) as { items: Item[] }).items : [];
      const replies = items.filter((item) => item.author === 'bot').map((item) => item.text ?? '');
      if (replies.length >= count || Date.now() > deadline) return replies;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function readiness(): Promise<number> {
    return (await fetch(`${base}/readyz`)).status;
  }

  it('answers 503 while the database is away and recovers by itself, answering each message once', { timeout: 60_000 }, async () => {
    const sessionId = ((await (await fetch(`${base}/webchat/api/sessions`, { method: 'POST' })).json()) as { sessionId: string }).sessionId;
    expect((await say(sessionId, 'hola antes')).status).toBe(202);
    expect(await botReplies(sessionId, 1)).toEqual(['¡Hola! ¿En qué puedo ayudarte? (hola antes)']);

    await proxy.cut();
    expect(await readiness()).toBe(503);
    const during = randomUUID();
    const refused = await say(sessionId, 'hola durante', during);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: string }).error).toBe('HUB_ERR_STORE');
    // Down for a while: the hub keeps running and keeps saying so.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await readiness()).toBe(503);

    await proxy.open();
    const deadline = Date.now() + 10_000;
    while ((await readiness()) !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readiness()).toBe(200);
    // The client sends what was refused again (same id: a retry, not a new message).
    expect((await say(sessionId, 'hola durante', during)).status).toBe(202);
    expect((await say(sessionId, 'hola durante', during)).status).toBe(202);
    expect((await say(sessionId, 'hola después')).status).toBe(202);
    const replies = await botReplies(sessionId, 3);
    expect(replies).toEqual(['¡Hola! ¿En qué puedo ayudarte? (hola antes)', '¡Hola! ¿En qué puedo ayudarte? (hola durante)', '¡Hola! ¿En qué puedo ayudarte? (hola después)']);
  });
});
