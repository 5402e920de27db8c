import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../src/core/message.js';
import { SILENT_TURN_FALLBACK } from '../../../src/core/turn-fallbacks.js';
import { Classifier } from '../../../src/intents/classifier.js';
import type { IntentScore } from '../../../src/intents/contract.js';
import { loadContent, type Content, type IntentContent } from '../../../src/intents/content/loader.js';
import type { DataAnswerProvider } from '../../../src/intents/data/contract.js';
import type { IntentEngine } from '../../../src/intents/engine.js';
import { createIntents, DEFAULT_CONTENT_DIR, type Intents } from '../../../src/intents/index.js';
import { LanguageDetector } from '../../../src/intents/language.js';
import { createPolicy } from '../../../src/intents/policy.js';
import { FakeChat, inboundOf } from '../../helpers/intents.js';
import { sharedModelCache } from '../../helpers/model-cache.js';

/** An engine that returns scripted scores, so the policy's thresholds are tested exactly. */
function scriptedEngine(script: Record<string, IntentScore[]>): IntentEngine {
  const stub = {
    async scores(_language: string, normalized: string): Promise<IntentScore[]> {
      return script[normalized] ?? [{ intent: 'None', score: 1 }];
    },
  };
  return stub as unknown as IntentEngine;
}

let content: Content;
let intents: Intents;

function scriptedModule(script: Record<string, IntentScore[]>, providers: DataAnswerProvider[] = []) {
  const corpus = { es: ['hola'], ca: [], gl: [], eu: [], en: [] };
  const classifier = new Classifier(scriptedEngine(script), new LanguageDetector(corpus), content.policy.thresholds);
  const policy = createPolicy({ classifier, content, providers });
  return { ...policy, classify: async (text: string) => (await classifier.analyze(text)).result, ready: () => true };
}

beforeAll(async () => {
  content = await loadContent(DEFAULT_CONTENT_DIR);
  intents = await createIntents(sharedModelCache());
});

describe('decision policy', () => {
  it('two close intents → a choices message; "2" maps back to the second', async () => {
    const module = scriptedModule({
      'cita renta o padron': [
        { intent: 'renta.cita', score: 0.45 },
        { intent: 'tramites.cita_previa', score: 0.4 },
        { intent: 'None', score: 0.15 },
      ],
    });
    const chat = new FakeChat(module, 'es');
    const ctx = await chat.send('cita renta o padron');
    const reply = ctx.replies[0]?.message;
    expect(reply?.kind).toBe('choices');
    if (reply?.kind !== 'choices') throw new Error('expected choices');
    expect(reply.choices.map((choice) => choice.payload)).toEqual(['intent:renta.cita', 'intent:tramites.cita_previa']);
    expect(ctx.patch.state?.pendingChoices).toHaveLength(2);
    await chat.send('2');
    expect(chat.text()).toMatch(/sede\.villaventana\.example\/citaprevia/);
    expect(chat.last?.nlu?.intent).toBe('tramites.cita_previa');
    // The citizen picked the topic: a plain answer, no second message offering a person.
    expect(chat.last?.replies).toHaveLength(1);
    expect(chat.last?.replies[0]?.message.kind).toBe('text');
    expect(chat.conversation.state.pendingChoices).toBeUndefined();
  });

  it('a postback payload and a choice title map back too', async () => {
    const module = scriptedModule({ 'lo de la cita': [{ intent: 'renta.cita', score: 0.7 }] });
    const chat = new FakeChat(module, 'es');
    await chat.press('intent:renta.pago');
    expect(chat.text()).toMatch(/fraccionarlo/);
    // A hesitant answer carries the person button; its title (typed) selects it.
    await chat.send('lo de la cita');
    expect(chat.conversation.state.pendingChoices).toEqual([{ title: 'Hablar con una persona', payload: 'intent:conversacion.agente' }]);
    await chat.send('Hablar con una persona');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', queue: 'general' });
  });

  it('low confidence → rephrase once, then hand off', async () => {
    const module = scriptedModule({ 'blorp zzz': [{ intent: 'renta.pago', score: 0.35 }, { intent: 'None', score: 0.3 }] });
    const chat = new FakeChat(module, 'es');
    await chat.send('blorp zzz');
    expect(chat.text()).toMatch(/decirlo de otra forma/);
    expect(chat.last?.handoff).toBeUndefined();
    expect(chat.conversation.state.misunderstood).toBe(1);
    await chat.send('blorp zzz');
    expect(chat.last?.handoff).toEqual({ reason: 'low-confidence', priority: 'normal' });
    expect(chat.conversation.state.misunderstood).toBe(0);
  });

  it('uses the data provider registered for the intent, and the written answer when it declines', async () => {
    const seen: string[] = [];
    const provider: DataAnswerProvider = {
      intents: ['renta.plazos'],
      async answer(input) {
        seen.push(`${input.intent}|${input.language}|${input.now.toISOString()}`);
        return input.text.includes('hoy') ? { messages: [{ kind: 'text', text: 'La campaña está abierta hasta el 30 de junio.' }] } : undefined;
      },
    };
    const module = scriptedModule(
      {
        'hasta cuando hay renta hoy': [{ intent: 'renta.plazos', score: 0.95 }],
        'hasta cuando hay renta': [{ intent: 'renta.plazos', score: 0.95 }],
      },
      [provider],
    );
    const chat = new FakeChat(module, 'es');
    await chat.send('hasta cuando hay renta hoy');
    expect(chat.text()).toMatch(/abierta hasta el 30 de junio/);
    await chat.send('hasta cuando hay renta');
    expect(chat.text()).toMatch(/8 de abril al 30 de junio de 2026/);
    expect(seen[0]).toBe('renta.plazos|es|2026-05-10T08:00:00.000Z');
  });

  it('answers with kind text and a short variant, and records intent, score and language', async () => {
    const chat = new FakeChat(intents);
    const ctx = await chat.send('¿cuánto cuesta el abono transporte?');
    const first = ctx.replies[0];
    expect(first?.message.kind).toBe('text');
    expect(first?.message.kind === 'text' && first.message.short).toBeTruthy();
    expect(first?.intent).toBe('transporte.tarifas');
    expect(first?.language).toBe('es');
    expect(ctx.nlu).toMatchObject({ intent: 'transporte.tarifas', language: 'es' });
    expect(ctx.patch.language).toBe('es');
  });

  it.each([
    ['es', 'De momento solo leo texto'],
    ['ca', 'només llegeixo text'],
    ['gl', 'só leo texto'],
    ['eu', 'testua bakarrik'],
    ['en', 'only read text'],
  ])('attachments get the "%s" text-only reply', async (locale, expected) => {
    const chat = new FakeChat(intents, locale);
    const ctx = await chat.turn(inboundOf({ kind: 'attachment', attachments: [{ type: 'photo', mimeType: 'image/jpeg' }] }, locale));
    expect(chat.text()).toContain(expected);
    expect(ctx.handoff).toBeUndefined();
  });

  it('empty text, emoji-only, gibberish, HTML, 5,000 characters and a DNI get a sensible reply', async () => {
    for (const text of ['   ', '😀😀', 'asdkjqwe zxcmnb', '<div><b>hola</b></div>', 'renta '.repeat(1000), '12345678Z']) {
      const chat = new FakeChat(intents, 'es');
      const ctx = await chat.send(text);
      expect(ctx.replies.length + (ctx.handoff ? 1 : 0)).toBeGreaterThan(0);
      expect(chat.nextCalled).toBe(true);
    }
  });

  it('a confident answer comes alone: no second message offering a person', async () => {
    const module = scriptedModule({ 'como pago la renta a plazos': [{ intent: 'renta.pago', score: 0.97 }] });
    const chat = new FakeChat(module, 'es');
    const ctx = await chat.send('como pago la renta a plazos');
    expect(ctx.replies).toHaveLength(1);
    expect(ctx.replies[0]?.message.kind).toBe('text');
    expect(chat.text()).toMatch(/fraccionarlo/);
    expect(chat.text()).not.toMatch(/Hablar con una persona/);
  });

  it('a hesitant answer on a topic with a queue carries the person button on the same message', async () => {
    const module = scriptedModule({ 'lo de pagar renta': [{ intent: 'renta.pago', score: 0.66 }, { intent: 'None', score: 0.2 }] });
    const chat = new FakeChat(module, 'es');
    const ctx = await chat.send('lo de pagar renta');
    expect(ctx.replies).toHaveLength(1);
    const reply = ctx.replies[0]?.message;
    expect(reply?.kind).toBe('choices');
    if (reply?.kind !== 'choices') throw new Error('expected choices');
    expect(reply.text).toMatch(/fraccionarlo/);
    expect(reply.choices).toEqual([{ title: 'Hablar con una persona', payload: 'intent:conversacion.agente' }]);
    await chat.send('1');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', queue: 'general' });
  });

  it('answers of topics that usually need a person say how to reach one', async () => {
    const chat = new FakeChat(intents, 'es');
    await chat.press('intent:renta.devolucion');
    expect(chat.text()).toMatch(/escribe «persona»/);
    expect(chat.last?.replies).toHaveLength(1);
  });

  it.each([
    ['es-ES', /Hola/],
    ['ca', /Hola|Bon dia/],
    ['eu-ES', /Kaixo/],
    ['en-GB', /citizen service assistant/],
  ])('a Bot Framework welcome (postback "welcome") with locale %s gets the greeting in that language', async (locale, expected) => {
    const chat = new FakeChat(intents, locale);
    const ctx = await chat.press('welcome');
    expect(ctx.nlu?.intent).toBe('conversacion.saludo');
    expect(ctx.language).toBe(locale.slice(0, 2));
    expect(chat.text()).toMatch(expected);
    expect(ctx.handoff).toBeUndefined();
  });

  it('Telegram /start (text, /start@bot, or a deep-link postback) gets the greeting, not "didn\'t understand"', async () => {
    for (const inbound of [
      inboundOf({ kind: 'text', text: '/start' }, 'gl'),
      inboundOf({ kind: 'text', text: '/start@ventanilla_bot' }, 'gl'),
      inboundOf({ kind: 'postback', text: '/start campaign-42', payload: 'campaign-42' }, 'gl'),
    ]) {
      const chat = new FakeChat(intents, 'gl');
      const ctx = await chat.turn(inbound);
      expect(ctx.nlu?.intent).toBe('conversacion.saludo');
      expect(ctx.language).toBe('gl');
      expect(chat.text()).not.toMatch(/doutra forma|outra maneira/);
      expect(chat.conversation.state.misunderstood ?? 0).toBe(0);
    }
    // Without a locale: the greeting in the default language.
    const chat = new FakeChat(intents);
    await chat.send('/start');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('es');
  });

  it('a deep link naming an intent answers that intent', async () => {
    const chat = new FakeChat(intents, 'es');
    await chat.turn(inboundOf({ kind: 'postback', text: '/start intent:renta.pago', payload: 'intent:renta.pago' }, 'es'));
    expect(chat.last?.nlu?.intent).toBe('renta.pago');
  });
});

describe('the runner\'s silent-turn fallback', () => {
  it.each(LANGUAGES)('offers a word that hands over with the default content (%s)', async (language) => {
    const word = /[«“](.+?)[»”]/.exec(SILENT_TURN_FALLBACK[language])?.[1];
    expect(word).toBeDefined();
    const chat = new FakeChat(intents, language);
    const ctx = await chat.send(word ?? '');
    expect(ctx.handoff).toMatchObject({ reason: 'citizen' });
  });
});

describe('intents beyond the seed catalogue (made in the editor)', () => {
  const BICI: IntentContent = {
    id: 'tramites.bici_publica',
    domain: 'tramites',
    file: 'editor:tramites',
    title: { es: 'Bici pública', ca: 'Bici pública', gl: 'Bici pública', eu: 'Bizikleta publikoa', en: 'Public bike' },
    utterances: { es: ['alta en la bici pública'], ca: [], gl: [], eu: [], en: [] },
    // The minimum the schema accepts: a text, no short, in one language; plus one X variant.
    answers: { es: { text: 'Date de alta en la app BiciMAD.', channels: { x: 'Alta en la app BiciMAD.' } } },
  };

  function withBici(script: Record<string, IntentScore[]>) {
    const extended: Content = { ...content, intents: new Map([...content.intents, [BICI.id, BICI]]) };
    const corpus = { es: ['hola'], ca: [], gl: [], eu: [], en: [] };
    const classifier = new Classifier(scriptedEngine(script), new LanguageDetector(corpus), extended.policy.thresholds);
    return { ...createPolicy({ classifier, content: extended, providers: [] }), classify: async (text: string) => (await classifier.analyze(text)).result, ready: () => true };
  }

  it('answers an intent the catalogue does not have, recognised at 1.0', async () => {
    const chat = new FakeChat(withBici({ 'alta en la bici publica': [{ intent: BICI.id, score: 1 }] }), 'es');
    const ctx = await chat.send('alta en la bici pública');
    expect(ctx.nlu).toMatchObject({ intent: BICI.id, score: 1 });
    expect(ctx.replies.map((reply) => reply.message)).toEqual([{ kind: 'text', text: 'Date de alta en la app BiciMAD.' }]);
  });

  it('uses the channel variant on its channel (on X as the short text too)', async () => {
    const chat = new FakeChat(withBici({ 'alta en la bici publica': [{ intent: BICI.id, score: 1 }] }), 'es');
    const ctx = await chat.turn({ ...inboundOf({ kind: 'text', text: 'alta en la bici pública' }, 'es'), conversationKey: 'x:dm:1', from: { channel: 'x', id: '1', locale: 'es' } });
    expect(ctx.replies.map((reply) => reply.message)).toEqual([{ kind: 'text', text: 'Alta en la app BiciMAD.', short: 'Alta en la app BiciMAD.' }]);
  });

  it('a deep link, a postback and a clarify choice may name it', async () => {
    const module = withBici({ 'bici o cita': [{ intent: BICI.id, score: 0.45 }, { intent: 'tramites.cita_previa', score: 0.4 }] });
    const chat = new FakeChat(module, 'es');
    await chat.turn(inboundOf({ kind: 'postback', text: `/start intent:${BICI.id}`, payload: `intent:${BICI.id}` }, 'es'));
    expect(chat.text()).toBe('Date de alta en la app BiciMAD.');
    await chat.press(`intent:${BICI.id}`);
    expect(chat.text()).toBe('Date de alta en la app BiciMAD.');
    const ctx = await chat.send('bici o cita');
    const reply = ctx.replies[0]?.message;
    expect(reply?.kind === 'choices' && reply.choices[0]).toEqual({ title: 'Bici pública', payload: `intent:${BICI.id}` });
    await chat.send('1');
    expect(chat.text()).toBe('Date de alta en la app BiciMAD.');
  });

  it('recognised in a language it has no answer for: the policy says nothing (the runner\'s fallback speaks)', async () => {
    const chat = new FakeChat(withBici({ 'bike sign up': [{ intent: BICI.id, score: 1 }] }), 'en');
    const ctx = await chat.send('bike sign up');
    expect(ctx.language).toBe('en');
    expect(ctx.replies).toEqual([]);
    expect(ctx.handoff).toBeUndefined();
  });
});
