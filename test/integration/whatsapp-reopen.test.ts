/**
 * WhatsApp's 24-hour customer-service window, end to end through the real app, the handoff queue,
 * the agent API and a fake Graph API on loopback: a citizen leaves a message out of hours and is
 * told how the answer will reach them; the agent answers 30 hours later; the reply goes out as
 * the configured template invitation, the agent sees it held, and the held reply follows as soon
 * as the citizen answers. Without a template the reply is dead-lettered, the agent sees why and
 * can retry it once the citizen wrote again.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { createWhatsAppCloudChannel, type WhatsAppCloudConfig } from '../../src/bots/whatsapp/index.js';
import type { HubEventMap } from '../../src/core/events.js';
import type { HandoffWiring } from '../../src/handoff/hub-plugin.js';
import { startFakeGraphApi, type FakeGraphApi } from '../helpers/fake-graph-api.js';
import { startHandoffHub } from '../helpers/handoff-hub.js';
import { cloudTestConfig, whatsappFixture } from '../helpers/whatsapp-fakes.js';

/** Monday 9 March 2026, 04:00 in Madrid: every queue but Urgencias is closed. */
const CITIZEN_WRITES = new Date('2026-03-09T04:00:00+01:00');
const HOUR = 60 * 60 * 1000;

let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await startFakeGraphApi();
});
afterAll(async () => {
  await graph.close();
});

interface Running {
  readonly hub: Hub;
  readonly wiring: HandoffWiring;
  /** The hub's clock (the Graph API's idea of "now" follows the message timestamps). */
  now: Date;
  readonly alerts: HubEventMap['custom'][0][];
}

let running: Running | undefined;
afterEach(async () => {
  await running?.hub.app.close();
  running = undefined;
  graph.requests.length = 0;
});

async function start(reopenTemplate?: WhatsAppCloudConfig['reopenTemplate']): Promise<Running> {
  const state = { now: CITIZEN_WRITES };
  const clock = (): Date => new Date(state.now.getTime());
  const config = cloudTestConfig(graph.baseUrl, reopenTemplate === undefined ? {} : { reopenTemplate });
  const { hub, wiring } = await startHandoffHub(clock, {
    channels: [(services) => createWhatsAppCloudChannel(config, services, { now: clock })],
    deliveryPolicy: { pollIntervalMs: 10, baseDelayMs: 20, maxDelayMs: 100 },
    // The test skips an hour of the agent's shift in one jump: that is not an idle session.
    config: (base) => ({ ...base, auth: { ...base.auth, idleMinutes: 120 } }),
  });
  const alerts: HubEventMap['custom'][0][] = [];
  hub.events.on('custom', (event) => {
    if (event.type.startsWith('alert.')) alerts.push(event);
  });
  running = {
    hub,
    wiring,
    alerts,
    get now() {
      return state.now;
    },
    set now(value: Date) {
      state.now = value;
    },
  };
  return running;
}

let wamid = 0;
/** The citizen writes `text` now (by the hub's clock): a signed webhook as Meta sends it. */
async function citizenWrites(r: Running, text: string): Promise<void> {
  wamid += 1;
  const body = whatsappFixture('text.json', r.now).split('wamid.TEST_TEXT_0001').join(`wamid.REOPEN_${wamid}`).split('"Hola"').join(JSON.stringify(text));
  const signature = `sha256=${createHmac('sha256', 'test-app-secret').update(body).digest('hex')}`;
  const response = await r.hub.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, payload: body });
  expect(response.statusCode).toBe(200);
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const bodies = (): { type: unknown; text?: string; template?: unknown }[] =>
  graph.requests.map((request) => ({ type: request.body.type, ...(request.body.type === 'text' ? { text: (request.body.text as { body: string }).body } : {}), ...(request.body.template === undefined ? {} : { template: request.body.template }) }));

interface Agent {
  readonly cookie: string;
  readonly csrf: string;
}

/** Creates the agent Ana, logs her in and has her take the conversation. */
async function anaTakesIt(r: Running, conversationId: string): Promise<Agent> {
  const module = r.wiring.module();
  if (module === undefined) throw new Error('handoff not wired');
  await module.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', queues: module.queue.config.queues.map((q) => q.id), languages: ['es'], capacity: 2 });
  const login = await r.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ana', password: 'contraseña-de-prueba' } });
  expect(login.statusCode).toBe(200);
  const agent = { cookie: String(login.headers['set-cookie']).split(';')[0] as string, csrf: (login.json() as { csrfToken: string }).csrfToken };
  expect((await as(r, agent, 'POST', `/api/agent/conversations/${conversationId}/claim`)).statusCode).toBe(200);
  return agent;
}

function as(r: Running, agent: Agent, method: 'GET' | 'POST', url: string, payload?: object, csrf = true) {
  return r.hub.app.inject({ method, url, headers: { cookie: agent.cookie, ...(csrf ? { 'x-csrf-token': agent.csrf } : {}) }, ...(payload === undefined ? {} : { payload }) });
}

interface DetailEntry {
  readonly author: string;
  readonly text: string | null;
  readonly delivery?: { outboxId: string; state: string; label: string; reason: string | null; detail: string | null; canRetry: boolean };
}

async function agentEntry(r: Running, agent: Agent, conversationId: string, text: string): Promise<{ entry: DetailEntry | undefined; undelivered: number }> {
  const detail = (await as(r, agent, 'GET', `/api/agent/conversations/${conversationId}`)).json() as { transcript: DetailEntry[]; conversation: { undelivered: number } };
  return { entry: detail.transcript.find((e) => e.author === 'agent' && e.text === text), undelivered: detail.conversation.undelivered };
}

const ANSWER = 'Hola, soy Ana, del Ayuntamiento: ya tienes la cita para el padrón el jueves a las 10:00.';

describe('WhatsApp Cloud outside the 24-hour window', () => {
  it('a reply due 30 hours later goes out as the template; the held reply follows the citizen’s answer; the agent sees the state', async () => {
    const r = await start({ name: 'reabrir_conversacion', language: 'es' });
    await citizenWrites(r, 'quiero hablar con una persona');
    await until(() => graph.requests.length >= 1, 'the out-of-hours notice');
    const notice = bodies()[0]?.text ?? '';
    expect(notice).toContain('no está atendiendo');
    expect(notice).toContain('Por WhatsApp solo podemos escribirte durante las 24 horas siguientes a tu último mensaje.');
    expect(notice).toContain('primero te enviaremos un aviso para retomar la conversación: contéstalo y recibirás la respuesta.');
    const conversation = await r.hub.store.getConversationByKey('whatsapp:34600000001');
    const conversationId = conversation?.id ?? '';

    r.now = new Date(CITIZEN_WRITES.getTime() + 30 * HOUR);
    const ana = await anaTakesIt(r, conversationId);
    const sent = await as(r, ana, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: ANSWER });
    expect(sent.statusCode).toBe(202);
    await until(() => graph.requests.length >= 2, 'the template');
    expect(graph.requests[1]?.body).toMatchObject({ to: '34600000001', type: 'template', template: { name: 'reabrir_conversacion', language: { code: 'es' } } });
    await until(async () => (await agentEntry(r, ana, conversationId, ANSWER)).entry?.delivery?.state === 'held', 'the held state in the console');
    const held = await agentEntry(r, ana, conversationId, ANSWER);
    // The "a person is with you now" notice of the claim fell outside the window too.
    expect(held.undelivered).toBe(2);
    expect(held.entry?.delivery).toMatchObject({ label: 'Retenido', canRetry: false });
    expect(held.entry?.delivery?.reason).toMatch(/^Fuera de la ventana de 24 h de WhatsApp: plantilla enviada el .+, esperando respuesta\. Se enviará en cuanto la persona conteste\.$/);
    // A second reply while waiting is held too, without a second invitation.
    await as(r, ana, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: '¿Te viene bien?' });
    await until(async () => (await r.hub.store.listOutbox('held', 10)).length === 3, 'the second reply held');
    expect(bodies().filter((body) => body.type === 'template')).toHaveLength(1);
    expect(bodies().map((body) => body.text)).not.toContain(ANSWER);

    r.now = new Date(r.now.getTime() + HOUR);
    await citizenWrites(r, 'vale, dime');
    await until(() => graph.requests.length >= 5, 'the held replies');
    expect(bodies().slice(2)).toEqual([
      { type: 'text', text: 'Ya te atiende una persona del equipo. Escribe aquí tu consulta.' },
      { type: 'text', text: ANSWER },
      { type: 'text', text: '¿Te viene bien?' },
    ]);
    await until(async () => (await agentEntry(r, ana, conversationId, ANSWER)).entry?.delivery?.state === 'sent', 'the sent state in the console');
    expect((await agentEntry(r, ana, conversationId, ANSWER)).undelivered).toBe(0);
    expect(r.alerts).toEqual([]);
  });

  it('without a template the reply is dead-lettered as before, the agent sees why, and «Reintentar» sends it once the citizen wrote', async () => {
    const r = await start();
    await citizenWrites(r, 'quiero hablar con una persona');
    await until(() => graph.requests.length >= 1, 'the out-of-hours notice');
    expect(bodies()[0]?.text).toContain('Si para entonces no te hemos respondido, vuelve a escribirnos por aquí y te contestaremos.');
    const conversationId = (await r.hub.store.getConversationByKey('whatsapp:34600000001'))?.id ?? '';

    r.now = new Date(CITIZEN_WRITES.getTime() + 30 * HOUR);
    const ana = await anaTakesIt(r, conversationId);
    await as(r, ana, 'POST', `/api/agent/conversations/${conversationId}/messages`, { text: ANSWER });
    await until(async () => (await r.hub.store.listOutbox('dead', 10)).length === 2, 'the dead letters (the claim notice and the answer)');
    const { entry, undelivered } = await agentEntry(r, ana, conversationId, ANSWER);
    expect(undelivered).toBe(2);
    expect(entry?.delivery).toMatchObject({
      state: 'dead',
      label: 'No entregado',
      reason: 'Fuera de la ventana de 24 h de WhatsApp y sin plantilla de reapertura configurada (WHATSAPP_CLOUD_REOPEN_TEMPLATE): no se ha enviado. Pulsa «Reintentar» cuando la persona vuelva a escribir.',
      canRetry: true,
    });
    expect(graph.requests).toHaveLength(1);
    await until(() => r.alerts.length === 2, 'the alerts');
    expect(r.alerts[1]).toMatchObject({ type: 'alert.delivery_failed', conversationId, data: { outboxId: entry?.delivery?.outboxId, failure: 'window-closed', channel: 'whatsapp' } });

    const outboxId = entry?.delivery?.outboxId ?? '';
    const retryUrl = `/api/agent/conversations/${conversationId}/outbox/${outboxId}/retry`;
    expect((await as(r, ana, 'POST', retryUrl, undefined, false)).statusCode).toBe(403);
    r.now = new Date(r.now.getTime() + HOUR);
    await citizenWrites(r, 'hola, ¿hay novedades?');
    const retried = await as(r, ana, 'POST', retryUrl);
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toEqual({ outboxId, state: 'pending' });
    await until(() => bodies().some((body) => body.text === ANSWER), 'the retried reply');
    await until(async () => (await agentEntry(r, ana, conversationId, ANSWER)).entry?.delivery?.state === 'sent', 'the sent state');
    const again = await as(r, ana, 'POST', retryUrl);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ reason: 'not-failed' });
    expect((await as(r, ana, 'POST', `/api/agent/conversations/${conversationId}/outbox/999999/retry`)).statusCode).toBe(404);
  });

  it('the retry route is in the OpenAPI document', async () => {
    const r = await start();
    const doc = (await r.hub.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { summary?: string }>> };
    expect(doc.paths['/api/agent/conversations/{id}/outbox/{outboxId}/retry']?.post?.summary).toMatch(/undelivered/);
  });
});
