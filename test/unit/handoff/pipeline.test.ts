/**
 * The handoff's pipeline steps on their own: what the citizen is told, in which language, and
 * when the bot stays silent. Turns are built with the core's createTurnContext and committed with
 * store.completeTurn, as the runner does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Language } from '../../../src/core/message.js';
import { createTurnContext, type HandoffRequest, type TurnContext } from '../../../src/core/pipeline.js';
import { replyWindowContext } from '../../../src/core/reply-window.js';
import { isCancelRequest, isHowLongQuestion, parseRating } from '../../../src/handoff/messages.js';
import { IN_HOURS, WEEKEND, citizenMessage, createAgent, createHarness, type Harness, acceptOffers } from '../../helpers/handoff-hub.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** One turn: mode step, then (if the step let it through) a fake NLU, then escalate, commit, afterTurn. */
async function turn(
  key: string,
  text: string,
  options: { handoff?: HandoffRequest; language?: Language; payload?: string; replyContext?: Record<string, string> } = {},
): Promise<{ ctx: TurnContext; reachedBot: boolean }> {
  const { inbound, conversation } = await h.store.ingest(
    citizenMessage(key, text, {
      ...(options.payload === undefined ? {} : { kind: 'postback', payload: options.payload }),
      ...(options.replyContext === undefined ? {} : { replyContext: options.replyContext }),
    }),
  );
  const ctx = createTurnContext(inbound.message, conversation, h.clock());
  let reachedBot = false;
  await h.handoff.mode(ctx, async () => {
    reachedBot = true;
    ctx.language = options.language ?? 'es';
    ctx.patch.language = ctx.language;
    if (options.handoff !== undefined) ctx.handoff = options.handoff;
    else ctx.reply({ kind: 'text', text: `bot: ${text}` });
  });
  if (ctx.handoff !== undefined) await h.handoff.escalate(ctx, async () => undefined);
  await h.store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: ctx.replies, events: ctx.events, patch: ctx.patch });
  await h.handoff.afterTurn(ctx, conversation.id);
  return { ctx, reachedBot };
}

const texts = (ctx: TurnContext): string[] => ctx.replies.map((r) => (r.message.kind === 'attachment' ? '' : r.message.text));
const citizen: HandoffRequest = { reason: 'citizen', priority: 'normal' };

describe('handoff pipeline steps', () => {
  it('tells position and wait in the citizen language (es, ca, gl, eu, en)', async () => {
    h = await createHarness({ now: IN_HOURS });
    // No agent online: the wait counts one conversation at a time, 6 minutes each (config default).
    const expected: Record<Language, RegExp> = {
      es: /Estás en la posición 1 de la cola; espera estimada: unos 6 minutos/,
      ca: /Ets a la posició 2 de la cua; espera estimada: uns 12 minuts/,
      gl: /Estás na posición 3 da cola; espera estimada: uns 18 minutos/,
      eu: /Ilaran 4\. postuan zaude; gutxi gorabeherako itxaronaldia: 24 minutu/,
      en: /You are number 5 in the queue; estimated wait: about 30 minutes/,
    };
    for (const language of ['es', 'ca', 'gl', 'eu', 'en'] as const) {
      const { ctx } = await turn(`webchat:${language}`, 'persona', { handoff: citizen, language });
      expect(texts(ctx).join(' ')).toMatch(expected[language]);
      expect(ctx.patch.mode).toBe('queued');
      expect(ctx.events.find((e) => e.kind === 'handoff.requested')?.data).toMatchObject({ queue: 'tramites', priority: 'normal' });
    }
  });

  it('routes by intent domain and raises vulnerable citizens ahead of normal ones', async () => {
    h = await createHarness();
    await turn('webchat:a', 'quiero hablar con alguien', { handoff: { reason: 'low-confidence', priority: 'normal', intent: 'renta.plazos' } });
    const { ctx } = await turn('webchat:b', 'soy una persona mayor y necesito ayuda', { handoff: { reason: 'low-confidence', priority: 'normal', intent: 'renta.borrador' } });
    expect(texts(ctx).join(' ')).toMatch(/equipo de Tributos\. Estás en la posición 1/);
    const b = await h.store.getConversationByKey('webchat:b');
    expect(await h.handoff.queue.openTicket(b?.id as string)).toMatchObject({ queueId: 'tributos', priority: 'vulnerable' });
  });

  it('a channel entry point’s queue (an e-mail mailbox) routes a request that names none', async () => {
    h = await createHarness();
    await turn('email:tributos:0123456789abcdef', 'quiero hablar con una persona', { handoff: citizen, replyContext: { mailbox: 'tributos', queue: 'tributos' } });
    const conversation = await h.store.getConversationByKey('email:tributos:0123456789abcdef');
    expect(await h.handoff.queue.openTicket(conversation?.id as string)).toMatchObject({ queueId: 'tributos' });
  });

  it('keeps the bot silent while queued or with an agent, answers "¿cuánto falta?" and cancels', async () => {
    h = await createHarness();
    await turn('webchat:x', 'persona', { handoff: citizen });
    const silent = await turn('webchat:x', 'hola, ¿sigue ahí alguien?');
    expect(silent.reachedBot).toBe(false);
    expect(silent.ctx.replies).toEqual([]);
    const howLong = await turn('webchat:x', '¿Cuánto falta?');
    expect(texts(howLong.ctx)).toEqual([expect.stringMatching(/^Eres el siguiente en la cola; espera estimada: unos 6 minutos\.$/)]);
    const cancel = await turn('webchat:x', 'Ya no hace falta, gracias');
    expect(texts(cancel.ctx)).toEqual([expect.stringMatching(/he cancelado la espera/)]);
    const conversation = await h.store.getConversationByKey('webchat:x');
    expect(conversation?.mode).toBe('bot');
    expect(await h.handoff.queue.currentTicket(conversation?.id as string)).toMatchObject({ status: 'cancelled' });
    const back = await turn('webchat:x', 'hola');
    expect(back.reachedBot).toBe(true);
  });

  it('stays silent with an agent even for "cancelar" (the agent decides), and asks the survey after close', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana' });
    await turn('webchat:y', 'persona', { handoff: citizen });
    await acceptOffers(h);
    const conversation = await h.store.getConversationByKey('webchat:y');
    expect((await h.handoff.queue.openTicket(conversation?.id as string))?.agentId).toBe(ana.id);
    expect((await turn('webchat:y', 'cancelar')).ctx.replies).toEqual([]);
    await h.handoff.queue.close(conversation?.id as string, ana);
    const rated = await turn('webchat:y', '4', { payload: 'survey:4' });
    expect(rated.reachedBot).toBe(false);
    expect(texts(rated.ctx)).toEqual(['¡Gracias por tu valoración! Si tienes otra pregunta, aquí estoy.']);
    expect((await h.handoff.queue.currentTicket(conversation?.id as string))?.satisfaction).toBe(4);
    const next = await turn('webchat:y', '¿Cuándo empieza la renta?');
    expect(next.reachedBot).toBe(true);
  });

  it('a question instead of a rating goes to the bot and ends the survey', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana' });
    await turn('webchat:z', 'persona', { handoff: citizen });
    await acceptOffers(h);
    const conversation = await h.store.getConversationByKey('webchat:z');
    await h.handoff.queue.close(conversation?.id as string, ana);
    const question = await turn('webchat:z', '¿Dónde pido el certificado?');
    expect(question.reachedBot).toBe(true);
    expect((await h.store.getConversation(conversation?.id as string))?.state.handoffSurvey).toBeUndefined();
    expect((await turn('webchat:z', '5')).reachedBot).toBe(true);
  });

  it('out of hours gives the hours and the next shift; urgent requests are queued anyway', async () => {
    h = await createHarness({ now: WEEKEND });
    const { ctx } = await turn('webchat:w', 'persona', { handoff: citizen, language: 'en' });
    expect(texts(ctx).join(' ')).toMatch(/The Trámites team is not attending right now\. Opening hours: Monday–Thursday 08:30–14:30, 16:00–18:00; Friday 08:30–14:30\. We are back Monday, March 16 at 08:30\./);
    expect(texts(ctx).join(' ')).toMatch(/leave your message here and the next shift will answer it/);
    const urgent = await turn('webchat:u', 'socorro', { handoff: { reason: 'emergency', priority: 'urgent' } });
    expect(texts(urgent.ctx).join(' ')).toMatch(/equipo de Urgencias\. Estás en la posición 1/);
    expect(urgent.ctx.patch.urgent).toBe(true);
  });

  it('out of hours on WhatsApp tells how a late answer reaches the citizen, as the hub is set up, in five languages', async () => {
    h = await createHarness({ now: WEEKEND });
    const template = replyWindowContext({ hours: 24, reopenBy: 'template' });
    const citizenFirst = replyWindowContext({ hours: 24, reopenBy: 'citizen' });
    const expected: Record<Language, [RegExp, RegExp]> = {
      es: [/lo atenderá el próximo turno\. Por WhatsApp solo podemos escribirte durante las 24 horas siguientes a tu último mensaje\. Si la respuesta llega más tarde, primero te enviaremos un aviso para retomar la conversación: contéstalo y recibirás la respuesta\. Si ya no hace falta/, /Si para entonces no te hemos respondido, vuelve a escribirnos por aquí y te contestaremos\./],
      ca: [/Per WhatsApp només et podem escriure durant les 24 hores següents.*respon-lo i rebràs la resposta\./, /torna’ns a escriure per aquí i et contestarem\./],
      gl: [/Por WhatsApp só podemos escribirche durante as 24 horas seguintes.*contéstao e recibirás a resposta\./, /volve escribirnos por aquí e contestarémosche\./],
      eu: [/WhatsApp bidez zure azken mezutik 24 orduko epean bakarrik.*erantzuna jasoko duzu\./, /idatzi iezaguzu berriro hemen eta erantzungo dizugu\./],
      en: [/On WhatsApp we can only write to you within 24 hours of your last message\. If the answer comes later, we will first send you a notice to resume the conversation: reply to it and you will get the answer\./, /If we have not answered by then, write to us here again and we will reply\./],
    };
    for (const language of ['es', 'ca', 'gl', 'eu', 'en'] as const) {
      const withTemplate = await turn(`whatsapp:t-${language}`, 'persona', { handoff: citizen, language, replyContext: { transport: 'cloud', ...template } });
      expect(texts(withTemplate.ctx).join(' ')).toMatch(expected[language][0]);
      const without = await turn(`whatsapp:c-${language}`, 'persona', { handoff: citizen, language, replyContext: { transport: 'cloud', ...citizenFirst } });
      expect(texts(without.ctx).join(' ')).toMatch(expected[language][1]);
    }
    // A channel without a reply window (web chat, whatsapp-web.js) says nothing of it.
    const webchat = await turn('webchat:sin-ventana', 'persona', { handoff: citizen, language: 'es' });
    expect(texts(webchat.ctx).join(' ')).not.toMatch(/WhatsApp/);
  });

  it('an emergency while waiting raises the ticket to urgent', async () => {
    h = await createHarness();
    await turn('webchat:e', 'persona', { handoff: citizen });
    const conversation = await h.store.getConversationByKey('webchat:e');
    // The safety step runs before mode: it sets the handoff and the runner calls escalate.
    const { inbound } = await h.store.ingest(citizenMessage('webchat:e', 'quiero morir'));
    const ctx = createTurnContext(inbound.message, conversation!, h.clock());
    ctx.handoff = { reason: 'emergency', priority: 'urgent' };
    await h.handoff.escalate(ctx, async () => undefined);
    await h.store.completeTurn({ inboundId: inbound.id, conversationId: conversation!.id, replies: ctx.replies, events: ctx.events, patch: ctx.patch });
    await h.handoff.afterTurn(ctx, conversation!.id);
    expect(await h.handoff.queue.openTicket(conversation!.id)).toMatchObject({ priority: 'urgent', queueId: 'tramites' });
  });
});

describe('queue phrases', () => {
  it('recognises "how long" and cancel in five languages, only in short messages', () => {
    for (const text of ['¿Cuánto falta?', 'cuanto queda??', 'Quant falta?', 'Canto falta?', 'Zenbat falta da?', 'How long?']) expect(isHowLongQuestion(text), text).toBe(true);
    for (const text of ['Ya no hace falta', 'cancelar', 'Ja no cal', 'cancel·lar', 'Xa non fai falta', 'Ez da beharrezkoa', 'never mind']) expect(isCancelRequest(text), text).toBe(true);
    expect(isCancelRequest('quiero cancelar mi cita del padrón para el martes')).toBe(false);
    expect(isHowLongQuestion('¿cuánto cuesta el abono?')).toBe(false);
  });

  it('parses ratings from payloads and digits only', () => {
    expect(parseRating('3', undefined)).toBe(3);
    expect(parseRating('5/5', undefined)).toBe(5);
    expect(parseRating(undefined, 'survey:2')).toBe(2);
    expect(parseRating('6', undefined)).toBeUndefined();
    expect(parseRating('tengo 3 hijos', undefined)).toBeUndefined();
  });
});
