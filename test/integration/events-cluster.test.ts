/**
 * Events across instances (issue 13, item 3) on PostgreSQL: three hub instances in this process on
 * one schema, each with its own pools, HubEvents and LISTEN connection. Delivery workers are off,
 * so a browser on A can only hear of a reply committed on B through the relay (A's web chat
 * adapter never sends it); the console feed polls once a minute and the editor never polls, so
 * the 1 s and 2 s bounds are the relay's.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditorContent, EditorIntent } from '../../src/editor/types.js';
import { openSse, startCluster, type Cluster, type Instance } from '../helpers/cluster.js';
import { postgresUrl } from '../helpers/stores.js';

/** An intent the seed content does not have (Spanish: the cluster's editors train Spanish only). */
const BICI: EditorIntent = {
  id: 'tramites.bicicleta_publica',
  domain: 'tramites',
  enabled: true,
  handoffQueue: null,
  title: { es: 'Bici pública' },
  utterances: {
    es: ['¿cómo me doy de alta en la bici pública?', 'alta en bicimad', 'quiero usar la bicicleta pública', 'abono de la bici pública', 'cómo funciona la bici pública', 'registrarme en el servicio de bicicletas'],
  },
  answers: { es: { text: 'Date de alta en la bici pública en la app BiciMAD o en bicimad.com con tu tarjeta.', short: 'Alta en la app BiciMAD o en bicimad.com.' } },
};

const enabled = postgresUrl !== undefined && postgresUrl !== '';
if (!enabled) console.warn('[events-cluster] VENTANILLA_TEST_POSTGRES_URL is not set: the cross-instance event tests are SKIPPED.');

interface WebchatItem {
  readonly author: string;
  readonly text?: string;
}

async function newSession(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.base}/webchat/api/sessions`, { method: 'POST' });
  return ((await response.json()) as { sessionId: string }).sessionId;
}

async function say(instance: Instance, sessionId: string, text: string): Promise<void> {
  const response = await fetch(`${instance.base}/webchat/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, clientMessageId: randomUUID(), text }),
  });
  expect(response.status).toBe(202);
}

const replyTo = (text: string) => (event: { event: string; data: unknown }) =>
  event.event === 'message' && (event.data as WebchatItem).author === 'bot' && (event.data as WebchatItem).text === `¡Hola! ¿En qué puedo ayudarte? (${text})`;

describe.skipIf(!enabled)('events across instances (PostgreSQL LISTEN/NOTIFY)', () => {
  let cluster: Cluster;
  let a: Instance;
  let b: Instance;
  let c: Instance;

  beforeAll(async () => {
    cluster = await startCluster(postgresUrl ?? '', 3);
    [a, b, c] = cluster.instances as [Instance, Instance, Instance];
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  it('a web chat client on A receives the reply to a message processed on B', { timeout: 30_000 }, async () => {
    const sessionId = await newSession(a);
    await say(a, sessionId, 'hola desde A');
    const stream = await openSse(`${a.base}/webchat/api/events?sessionId=${sessionId}`);
    try {
      await say(b, sessionId, 'hola desde B');
      const reply = await stream.waitFor(replyTo('hola desde B'), 5000, 'reply committed on B');
      expect(reply.data).toMatchObject({ author: 'bot', text: '¡Hola! ¿En qué puedo ayudarte? (hola desde B)' });
      // The reply was committed on B and not sent by anyone: only the relay can have brought it.
      const conversation = await a.hub.store.getConversationByKey(`webchat:${sessionId}`);
      const outbox = await a.hub.store.listOutbox('pending', 100);
      expect(outbox.filter((item) => item.conversationId === conversation?.id).length).toBeGreaterThanOrEqual(2);
      // Exactly once, and the citizen's own entry is not echoed.
      expect(stream.events.filter(replyTo('hola desde B'))).toHaveLength(1);
    } finally {
      stream.close();
    }
  });

  it('an agent console on B sees a conversation queued through A within 1 s', { timeout: 60_000 }, async () => {
    const handoff = b.wiring.module();
    if (handoff === undefined) throw new Error('no handoff on B');
    const user = await handoff.users.create({ username: `ana${Date.now()}`, role: 'agent', password: 'contraseña-de-prueba', queues: handoff.queue.config.queues.map((q) => q.id) });
    const login = await b.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'contraseña-de-prueba' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const feed = await openSse(`${b.base}/api/agent/events`, { cookie });
    try {
      await feed.waitFor((event) => event.event === 'ready', 5000, 'ready');
      const sessionId = await newSession(a);
      const sent = performance.now();
      await say(a, sessionId, 'quiero hablar con una persona');
      const conversation = await a.hub.store.getConversationByKey(`webchat:${sessionId}`);
      const queued = await feed.waitFor(
        (event) => event.event === 'handoff' && (event.data as { type: string; conversationId: string }).type === 'queued' && (event.data as { conversationId: string }).conversationId === conversation?.id,
        1000,
        'queued event on B',
      );
      expect(queued.at - sent).toBeLessThan(1000);
    } finally {
      feed.close();
    }
  });

  it('a listener connection terminated by the server loses no event: the instance catches up from the store', { timeout: 60_000 }, async () => {
    const sessionId = await newSession(a);
    // The stream first: a reply committed before it opened would reach only the history.
    const stream = await openSse(`${a.base}/webchat/api/events?sessionId=${sessionId}`);
    await say(a, sessionId, 'hola antes');
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      await stream.waitFor(replyTo('hola antes'), 5000, 'first reply');
      const pid = a.relay.listener()?.pid;
      expect(pid).toBeTypeOf('number');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // While A is without its LISTEN session, B commits five replies.
      const texts = ['hola 1', 'hola 2', 'hola 3', 'hola 4', 'hola 5'];
      for (const text of texts) await say(b, sessionId, text);
      for (const text of texts) await stream.waitFor(replyTo(text), 10_000, `reply to ${text}`);
      for (const text of texts) expect(stream.events.filter(replyTo(text))).toHaveLength(1);
      // They were committed while A was deaf: the catch-up from the store delivered them.
      expect(a.relay.bridge.stats.reconnects).toBe(1);
      expect(a.relay.bridge.stats.caughtUp).toBeGreaterThan(0);
      const newPid = a.relay.listener()?.pid;
      expect(newPid).toBeTypeOf('number');
      expect(newPid).not.toBe(pid);
    } finally {
      stream.close();
      await admin.end();
    }
  });

  it('a publish on A is live on B and C within 2 s', { timeout: 240_000 }, async () => {
    const bici = BICI;
    const draft: EditorContent = await a.editor.store.draftContent();
    await a.editor.store.replaceDraft({ ...draft, intents: [...draft.intents, bici] }, 'ana', 'draft.update');
    expect(b.editor.live.version).not.toBe(2);
    const version = await a.editor.service.publish('bici pública', 'ana');
    const published = performance.now();
    expect(a.editor.live.version).toBe(version.number);
    for (const instance of [b, c]) {
      for (;;) {
        if (instance.editor.live.version === version.number) break;
        if (performance.now() - published > 2000) throw new Error(`${instance.name} still serves version ${instance.editor.live.version}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    // B now answers with the published model.
    const outcome = await b.editor.service.tryText('quiero usar la bicicleta pública', 'es');
    expect(outcome.published).toMatchObject({ version: version.number, intent: BICI.id });
  });
});
