/**
 * The inbox sees answers that failed, not only questions it did not understand: a confident
 * (0.99) answer followed within 60 s by "no", a person request or the same question again, an
 * answer rated 👎, and an answer given just above the threshold. Similar questions group together
 * with their count and reasons; a stronger reason re-files a question once, never twice.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubEvents } from '../../../src/core/events.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { EditorStore } from '../../../src/editor/content-store.js';
import { editorDb } from '../../../src/editor/schema.js';
import { UnrecognizedInbox } from '../../../src/editor/unrecognized.js';
import { FeedbackStore } from '../../../src/feedback/index.js';

const GREETING = '¡Hola! Soy el asistente de Ventanilla. ¿En qué te ayudo?';
let store: Store;
let events: HubEvents;
let inbox: UnrecognizedInbox;
let clock = new Date('2026-03-02T10:00:00Z');

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  clock = new Date('2026-03-02T10:00:00Z');
  vi.setSystemTime(clock);
  store = await createStore(':memory:');
  await store.migrate();
  events = new HubEvents();
  inbox = new UnrecognizedInbox({ store, editorStore: new EditorStore(store), events, lowScore: () => 0.5, confidenceMargin: () => 0.1 });
  inbox.start();
});
afterEach(async () => {
  await inbox.stop();
  await store.close();
  vi.useRealTimers();
});

function later(seconds: number): void {
  clock = new Date(clock.getTime() + seconds * 1000);
  vi.setSystemTime(clock);
}

let messageNumber = 0;
/** One citizen turn answered by the bot with `intent` at `score`; returns the answer's outbox id. */
async function turn(chat: string, text: string, intent: string, score: number): Promise<{ conversationId: string; outboxId: string }> {
  messageNumber += 1;
  const { inbound, conversation } = await store.ingest({ id: `m${messageNumber}`, conversationKey: `webchat:${chat}`, from: { channel: 'webchat', id: chat }, receivedAt: new Date(), kind: 'text', text });
  const result = await store.completeTurn({
    inboundId: inbound.id,
    conversationId: conversation.id,
    inboundAnnotation: { intent, score, language: 'es' },
    replies: [{ author: 'bot', intent, score, language: 'es', message: { kind: 'text', text: intent === 'conversacion.saludo' ? GREETING : `respuesta de ${intent}`, rateable: true } }],
  });
  return { conversationId: conversation.id, outboxId: result.outbox[0]?.id ?? '' };
}

async function rows() {
  return editorDb(store).selectFrom('editor_unrecognized').select(['text', 'reason', 'score', 'detail']).orderBy('created_at').execute();
}

describe('inbox: answers that failed', () => {
  it('a 0.99 greeting followed within 60 s by "no" is filed with the follow-up; after 60 s it is not', async () => {
    const first = await turn('a', '¿Dónde está la parada del bus 27?', 'conversacion.saludo', 0.99);
    later(20);
    await turn('a', 'no es eso', 'None', 0.1);
    await inbox.scan(first.conversationId);
    const late = await turn('b', '¿A qué hora abre la biblioteca?', 'conversacion.saludo', 0.99);
    later(90);
    await turn('b', 'no', 'None', 0.1);
    await inbox.scan(late.conversationId);
    const filed = await rows();
    expect(filed.filter((row) => row.text === '¿Dónde está la parada del bus 27?')).toEqual([{ text: '¿Dónde está la parada del bus 27?', reason: 'followed-no', score: 0.99, detail: 'no es eso' }]);
    expect(filed.some((row) => row.text === '¿A qué hora abre la biblioteca?')).toBe(false);
  });

  it('a person request and a rephrase after the answer are filed, in their own words', async () => {
    const a = await turn('c', '¿Cuánto cuesta el abono de autobús?', 'conversacion.saludo', 0.97);
    later(10);
    await turn('c', 'quiero hablar con una persona', 'conversacion.agente', 0.95);
    await inbox.scan(a.conversationId);
    const b = await turn('d', 'Non dago autobus geltokia?', 'conversacion.saludo', 0.98);
    later(15);
    await turn('d', 'autobus geltokiak non daude', 'conversacion.saludo', 0.98);
    await inbox.scan(b.conversationId);
    const reasons = Object.fromEntries((await rows()).map((row) => [row.text, row.reason]));
    expect(reasons['¿Cuánto cuesta el abono de autobús?']).toBe('followed-person');
    expect(reasons['Non dago autobus geltokia?']).toBe('rephrased');
  });

  it('a 👎 files the question before the rated answer, even at 0.99, and re-files a weaker reason once', async () => {
    const feedback = new FeedbackStore(store, events);
    const answered = await turn('e', '¿Dónde para el bus 27?', 'conversacion.saludo', 0.99);
    expect((await feedback.record({ conversationId: answered.conversationId, outboxId: answered.outboxId, value: 'down', channel: 'webchat' })).status).toBe('recorded');
    await inbox.idle();
    expect(await rows()).toEqual([{ text: '¿Dónde para el bus 27?', reason: 'thumbs-down', score: 0.99, detail: GREETING }]);

    // Just above the threshold (0.5 + 0.1 margin): filed as low-margin, then a 👎 upgrades it.
    const barely = await turn('f', '¿Se puede pagar el IBI a plazos?', 'impuestos.ibi', 0.55);
    later(5);
    await turn('f', 'gracias', 'conversacion.gracias', 0.9);
    await inbox.scan(barely.conversationId);
    const sure = await turn('g', '¿Cuándo empieza la renta?', 'renta.campana_fechas', 0.7);
    await inbox.scan(sure.conversationId);
    // Which row was filed first is not the point (both can carry the same fake instant): compare sorted.
    expect((await rows()).map((row) => [row.text, row.reason]).sort()).toEqual([
      ['¿Dónde para el bus 27?', 'thumbs-down'],
      ['¿Se puede pagar el IBI a plazos?', 'low-margin'],
    ]);
    await feedback.record({ conversationId: barely.conversationId, outboxId: barely.outboxId, value: 'down', channel: 'webchat' });
    await feedback.record({ conversationId: barely.conversationId, outboxId: barely.outboxId, value: 'down', channel: 'webchat' });
    await inbox.idle();
    await inbox.scan(barely.conversationId);
    expect((await rows()).map((row) => [row.text, row.reason]).sort()).toEqual([
      ['¿Dónde para el bus 27?', 'thumbs-down'],
      ['¿Se puede pagar el IBI a plazos?', 'thumbs-down'],
    ]);
  });

  it('groups similar questions with their count, reasons, the intent answered and its top score', async () => {
    const feedback = new FeedbackStore(store, events);
    const one = await turn('h', '¿Dónde está la parada del bus 27?', 'conversacion.saludo', 0.99);
    later(5);
    await turn('h', 'no', 'None', 0.1);
    await inbox.scan(one.conversationId);
    later(100);
    const two = await turn('i', 'dónde está la parada bus 27', 'conversacion.saludo', 0.96);
    await feedback.record({ conversationId: two.conversationId, outboxId: two.outboxId, value: 'down', channel: 'telegram' });
    await inbox.idle();
    const other = await turn('j', 'me han multado con el patinete', 'None', 0.2);
    await inbox.scan(other.conversationId);

    const groups = await inbox.groups();
    expect(groups).toHaveLength(2);
    const [bus, scooter] = groups;
    expect(bus).toMatchObject({ count: 2, reasons: { 'followed-no': 1, 'thumbs-down': 1 }, answeredWith: { 'conversacion.saludo': 2 }, topScore: 0.99 });
    expect(bus?.details).toEqual(expect.arrayContaining([{ reason: 'followed-no', text: 'no' }, { reason: 'thumbs-down', text: GREETING }]));
    expect(scooter).toMatchObject({ count: 1, reasons: { none: 1 }, answeredWith: {}, topScore: null });
  });
});
