/**
 * The handoff through the real app: web chat → turn runner → handoff queue → agent API → outbox
 * → web chat. The intent engine is the keyword fake of test/helpers (the real one has its own
 * conversation tests); everything else is the production wiring.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import type { HandoffWiring } from '../../src/handoff/hub-plugin.js';
import { IN_HOURS, startHandoffHub, WEEKEND } from '../helpers/handoff-hub.js';

let hub: Hub | undefined;

afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

interface Item {
  readonly author: string;
  readonly text: string | null;
  readonly choices?: readonly { title: string; payload: string }[];
}

async function start(now: Date): Promise<{ hub: Hub; wiring: HandoffWiring }> {
  const started = await startHandoffHub(now);
  hub = started.hub;
  return started;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 200; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

describe('handoff through the app', () => {
  it('queues with position, the agent’s words reach the citizen, close → survey → the bot is back', async () => {
    const { hub: running, wiring } = await start(IN_HOURS);
    const app = running.app;
    const handoff = wiring.module();
    if (handoff === undefined) throw new Error('handoff module not created');
    await handoff.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', queues: ['tramites'], displayName: 'Ana' });

    const { sessionId } = (await app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    const say = async (text: string, payload?: string): Promise<void> => {
      const response = await app.inject({
        method: 'POST',
        url: '/webchat/api/messages',
        payload: { sessionId, clientMessageId: randomUUID(), ...(payload === undefined ? { text } : { payload, text }) },
      });
      expect(response.statusCode).toBe(202);
    };
    const history = async (): Promise<Item[]> => ((await app.inject({ method: 'GET', url: `/webchat/api/history?sessionId=${sessionId}` })).json() as { items: Item[] }).items;
    const botTexts = async (): Promise<string[]> => (await history()).filter((i) => i.author !== 'citizen').map((i) => i.text ?? '');

    await say('quiero hablar con una persona');
    const queued = await eventually(botTexts, (t) => t.some((x) => /posición 1/.test(x)), 'the queue message');
    expect(queued.join('\n')).toMatch(/Te paso con una persona del equipo de Trámites\. Estás en la posición 1 de la cola; espera estimada: unos \d+ minutos?/);

    // While queued the bot is silent, except for "¿cuánto falta?".
    await say('hola');
    await say('¿cuánto falta?');
    await eventually(botTexts, (t) => t.some((x) => /Eres el siguiente en la cola/.test(x)), 'the position answer');
    expect((await botTexts()).some((x) => /¡Hola!/.test(x))).toBe(false);

    // The agent logs in, sees it and claims it.
    const loginResponse = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ana', password: 'contraseña-de-prueba' } });
    const cookie = String(loginResponse.headers['set-cookie']).split(';')[0] as string;
    const headers = { cookie, 'x-csrf-token': (loginResponse.json() as { csrfToken: string }).csrfToken };
    const list = (await app.inject({ method: 'GET', url: '/api/agent/conversations?status=queued', headers })).json() as { conversations: { conversationId: string; position: number; citizenName: string | null }[] };
    expect(list.conversations).toHaveLength(1);
    const conversationId = list.conversations[0]?.conversationId as string;
    expect((await app.inject({ method: 'POST', url: `/api/agent/conversations/${conversationId}/claim`, headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/api/agent/conversations/${conversationId}/messages`, headers, payload: { text: 'Hola, soy Ana. ¿En qué te ayudo?' } })).statusCode).toBe(202);
    await eventually(botTexts, (t) => t.includes('Hola, soy Ana. ¿En qué te ayudo?'), 'the agent message on the web chat');

    // The citizen's reply reaches the console (transcript), and the bot says nothing.
    const before = (await botTexts()).length;
    await say('Necesito el certificado de empadronamiento');
    const detail = await eventually(
      async () => (await app.inject({ method: 'GET', url: `/api/agent/conversations/${conversationId}`, headers })).json() as { transcript: { author: string; text: string | null; intent: string | null }[] },
      (d) => d.transcript.some((e) => e.text === 'Necesito el certificado de empadronamiento'),
      'the citizen reply in the console',
    );
    expect(detail.transcript.find((e) => e.text === 'quiero hablar con una persona')).toMatchObject({ author: 'citizen', intent: 'conversacion.agente' });
    expect((await botTexts()).length).toBe(before);

    // Close → satisfaction question with choices → rating → the bot answers again.
    expect((await app.inject({ method: 'POST', url: `/api/agent/conversations/${conversationId}/close`, headers })).statusCode).toBe(200);
    const survey = await eventually(history, (items) => items.some((i) => i.choices !== undefined && /valorarías/.test(i.text ?? '')), 'the survey');
    expect(survey.find((i) => i.choices !== undefined)?.choices?.map((c) => c.title)).toEqual(['1', '2', '3', '4', '5']);
    await say('5', 'survey:5');
    await eventually(botTexts, (t) => t.some((x) => /Gracias por tu valoración/.test(x)), 'the thanks');
    await say('hola');
    await eventually(botTexts, (t) => t.some((x) => x === '¡Hola! ¿En qué puedo ayudarte? (hola)'), 'the bot answering again');
    const ticket = await handoff.queue.currentTicket(conversationId);
    expect(ticket).toMatchObject({ status: 'resolved', satisfaction: 5 });
  });

  it('documents the agent API in the OpenAPI at /docs', async () => {
    const { hub: running } = await start(IN_HOURS);
    const spec = (await running.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/auth/logout',
        '/api/agent/conversations',
        '/api/agent/conversations/{id}',
        '/api/agent/conversations/{id}/claim',
        '/api/agent/conversations/{id}/messages',
        '/api/agent/conversations/{id}/transfer',
        '/api/agent/conversations/{id}/close',
        '/api/agent/presence',
        '/api/agent/events',
      ]),
    );
    expect(spec.paths['/api/agent/presence']).toHaveProperty('put');
    expect((await running.app.inject({ method: 'GET', url: '/agent' })).statusCode).toBe(200);
  });

  it('out of hours tells the hours and the next shift; the citizen can cancel', async () => {
    const { hub: running } = await start(WEEKEND);
    const app = running.app;
    const { sessionId } = (await app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    const say = (text: string) => app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text } });
    const botTexts = async (): Promise<string[]> =>
      ((await app.inject({ method: 'GET', url: `/webchat/api/history?sessionId=${sessionId}` })).json() as { items: Item[] }).items.filter((i) => i.author !== 'citizen').map((i) => i.text ?? '');
    await say('quiero hablar con una persona');
    const texts = await eventually(botTexts, (t) => t.some((x) => /no está atendiendo/.test(x)), 'the out-of-hours message');
    expect(texts.join('\n')).toMatch(/Horario: lunes–jueves 08:30–14:30, 16:00–18:00; viernes 08:30–14:30\. Volvemos lunes, 16 de marzo, 08:30\. Puedes dejar tu mensaje aquí/);
    await say('ya no hace falta');
    await eventually(botTexts, (t) => t.some((x) => /he cancelado la espera/.test(x)), 'the cancel confirmation');
    await say('hola');
    await eventually(botTexts, (t) => t.some((x) => /¡Hola!/.test(x)), 'the bot back');
  });

  it('urgent conversations are offered to any available agent out of hours', async () => {
    const { hub: running, wiring } = await start(WEEKEND);
    const handoff = wiring.module();
    if (handoff === undefined) throw new Error('no handoff');
    const ana = await handoff.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', queues: ['tramites'] });
    await handoff.queue.setPresence(ana, 'available');
    const { sessionId } = (await running.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    await running.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text: 'quiero morir' } });
    const conversation = await eventually(
      async () => running.store.getConversationByKey(`webchat:${sessionId}`),
      (c) => c?.mode === 'queued',
      'the urgent conversation queued',
    );
    const offered = await eventually(
      async () => handoff.queue.openTicket(conversation?.id as string),
      (t) => t?.offerAgentId === ana.id,
      'the urgent conversation offered to ana',
    );
    expect(offered).toMatchObject({ priority: 'urgent', queueId: 'urgencias', status: 'queued' });
    expect(await handoff.queue.acceptOffer(conversation?.id as string, ana)).toMatchObject({ status: 'assigned', agentId: ana.id });
    expect((await running.store.getConversation(conversation?.id as string))?.mode).toBe('agent');
  });
});
