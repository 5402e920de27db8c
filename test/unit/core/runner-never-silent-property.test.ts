/**
 * Property: every citizen message the bot handles ends with a reply or a handoff. fast-check
 * generates content (seed intents, intents with ids the catalogue does not have, answers in every
 * shape the schema accepts: `{ text }`, with a short text, with channel variants) and sequences
 * of messages (phrases of that content, other words, noise, numbers answering a choice, payloads,
 * deep links, attachments, emergencies, on five channels and with any locale), and drives them
 * through the real production module (editor content → trained models → `fullModuleBuilder`,
 * the tax calendar provider included) and the real runner on a real store.
 *
 * Two kinds of content:
 * - `published`: what the editor lets through (every intent passes the save validation, the
 *   content passes the publish gate; this is asserted, not assumed). The policy itself must
 *   answer: no `alert.silent_turn`, no `alert.turn_error`.
 * - `partial`: what the editor lets through since partial languages are publishable: Spanish
 *   complete, other languages written or not, and for each language without phrases or an
 *   answer a fallback chosen (a person, or the Spanish answer with a notice). Same demands as
 *   `published`: it passes save and publish, and the policy itself answers every message.
 * - `raw`: content with gaps the editor refuses (phrases without answers, missing languages,
 *   no `None`, no greeting), as a store could hold from before the rules. The runner's fallback
 *   keeps the invariant; no turn may fail.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createBasicHandoff } from '../../../src/core/basic-handoff.js';
import { HubEvents } from '../../../src/core/events.js';
import { LANGUAGES, type ChannelId, type InboundMessage, type Language } from '../../../src/core/message.js';
import { TurnRunner } from '../../../src/core/runner.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { editorContentFromLoaded, toIntentsContent } from '../../../src/editor/content-io.js';
import { fullModuleBuilder } from '../../../src/editor/full-module.js';
import { trainLanguage, type ModelExport } from '../../../src/editor/model.js';
import { completenessProblems, type EditorContent, type EditorIntent } from '../../../src/editor/types.js';
import { validateIntentInput } from '../../../src/editor/validate.js';
import type { LanguageFallback } from '../../../src/intents/answers.js';
import type { Answer } from '../../../src/intents/content/schema.js';
import { domainOf, INTENT_IDS, NONE_INTENT } from '../../../src/intents/content/catalogue.js';
import { loadContent } from '../../../src/intents/content/loader.js';
import type { DataAnswerProvider } from '../../../src/intents/data/contract.js';
import { loadRentaCalendar } from '../../../src/intents/data/renta/calendar.js';
import { createRentaProvider } from '../../../src/intents/data/renta/provider.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';

/** Content sets generated; each gets several messages, so the cases are messages. */
const CONTENT_RUNS = 100;
const MESSAGES_PER_RUN = { minLength: 12, maxLength: 16 };
const REQUIRED_CASES = 1000;

const WORDS: Readonly<Record<Language, readonly string[]>> = {
  es: ['alta', 'bici', 'basura', 'recogida', 'multa', 'pagar', 'horario', 'biblioteca', 'piscina', 'licencia', 'obra', 'ruido', 'vecino', 'cita', 'renta', 'quiero', 'cómo', 'dónde'],
  ca: ['alta', 'bicicleta', 'escombraries', 'recollida', 'multa', 'pagar', 'horari', 'biblioteca', 'piscina', 'llicència', 'obra', 'soroll', 'veí', 'cita', 'vull', 'com', 'on'],
  gl: ['alta', 'bicicleta', 'lixo', 'recollida', 'multa', 'pagar', 'horario', 'biblioteca', 'piscina', 'licenza', 'obra', 'ruído', 'veciño', 'cita', 'quero', 'como', 'onde'],
  eu: ['alta', 'bizikleta', 'zabor', 'bilketa', 'isuna', 'ordaindu', 'ordutegia', 'liburutegia', 'igerilekua', 'lizentzia', 'obra', 'zarata', 'bizilaguna', 'hitzordua', 'nahi', 'nola', 'non'],
  en: ['sign', 'bike', 'rubbish', 'collection', 'fine', 'pay', 'timetable', 'library', 'pool', 'licence', 'works', 'noise', 'neighbour', 'appointment', 'want', 'how', 'where'],
};
const CHANNELS: readonly ChannelId[] = ['webchat', 'telegram', 'whatsapp', 'x', 'botframework'];
const NOISE = ['', '   ', '1', '2', '3', '9', 'sí', 'ok', '😀😀', '???', '<b>hola</b>', '12345678Z', 'persona', 'person', 'pertsona', 'persoa', 'gracias', 'hola', 'kaixo', '/start', 'quiero suicidarme', 'me muero de risa'];
const LOCALES = [undefined, 'es-ES', 'ca', 'gl-ES', 'eu-ES', 'en-GB', 'fr-FR'] as const;
/** Seed intents a generated set may keep (the rest of the catalogue is left out to keep training small). */
const SEED_SAMPLE = ['conversacion.agente', 'conversacion.despedida', 'renta.plazos', 'renta.cita', 'tramites.cita_previa', 'emergencia.024'];

type Mode = 'published' | 'partial' | 'raw';
const FALLBACKS: readonly LanguageFallback[] = ['handoff', 'es'];

interface Case {
  readonly mode: Mode;
  readonly content: EditorContent;
  readonly channels: readonly ChannelId[];
  readonly messages: readonly MessageSpec[];
}

interface MessageSpec {
  readonly user: number;
  readonly locale: (typeof LOCALES)[number];
  readonly kind: 'text' | 'postback' | 'attachment' | 'location';
  readonly text?: string;
  readonly payload?: string;
  /** After this turn, a person who had the conversation hands it back to the bot. */
  readonly handBack: boolean;
}

let seed: EditorContent;
let providers: readonly DataAnswerProvider[];
let store: Store;
/** Messages sent, and those of them the bot owned (the invariant applies to these). */
let checked = 0;
let botTurns = 0;

beforeAll(async () => {
  seed = editorContentFromLoaded(await loadContent(DEFAULT_CONTENT_DIR));
  providers = [createRentaProvider(await loadRentaCalendar(new URL('../../../config/renta/calendar.yaml', import.meta.url).pathname))];
  store = await createStore(':memory:');
  await store.migrate();
});
afterAll(async () => {
  await store?.close();
});

// ---- content -------------------------------------------------------------------------------

const phrase = (language: Language) => fc.array(fc.constantFrom(...WORDS[language]), { minLength: 1, maxLength: 5 }).map((words) => words.join(' '));
/** Visible text with the hub's bold markup now and then. */
const answerText = (max: number) =>
  fc
    .tuple(fc.stringMatching(/^[A-Za-zÀ-ÿ0-9 ,.¿?!]{1,40}$/), fc.constantFrom('', ' **importante**', ' *', ' 010'))
    .map(([body, extra]) => `R ${body}${extra}`.slice(0, max));
const channelVariants = fc.dictionary(fc.constantFrom('webchat', 'telegram', 'whatsapp', 'x', 'botframework'), answerText(280), { maxKeys: 3 });
/** Every answer shape the schema accepts. */
const answer: fc.Arbitrary<Answer> = fc.oneof(
  answerText(200).map((text) => ({ text })),
  fc.tuple(answerText(200), answerText(280)).map(([text, short]) => ({ text, short })),
  fc.tuple(answerText(200), channelVariants).map(([text, channels]) => ({ text, channels })),
  fc.tuple(answerText(200), answerText(280), channelVariants).map(([text, short, channels]) => ({ text, short, channels })),
);
const editorId = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/), fc.stringMatching(/^[a-z0-9_]{1,10}$/)).map(([domain, name]) => `${domain}.${name}`);
const intentId = fc.oneof({ weight: 3, arbitrary: editorId }, { weight: 1, arbitrary: fc.constantFrom(...INTENT_IDS.filter((id) => id !== NONE_INTENT)) });

function perLanguage<T>(value: (language: Language) => fc.Arbitrary<T>, present: fc.Arbitrary<boolean>): fc.Arbitrary<Partial<Record<Language, T>>> {
  return fc.tuple(...LANGUAGES.map((language) => fc.tuple(present, value(language)))).map((pairs) => {
    const result: Partial<Record<Language, T>> = {};
    pairs.forEach(([keep, item], index) => {
      const language = LANGUAGES[index];
      if (keep && language !== undefined) result[language] = item;
    });
    return result;
  });
}

/** Partial content: Spanish written; elsewhere whatever was written, and a fallback where something is missing. */
function withFallbacks(intent: EditorIntent, spanish: { utterances: string[]; answer: Answer }, chosen: readonly LanguageFallback[]): EditorIntent {
  const fallback: Partial<Record<Language, LanguageFallback>> = {};
  LANGUAGES.forEach((language, index) => {
    if (language === 'es') return;
    const complete = (intent.utterances[language]?.length ?? 0) > 0 && intent.answers[language] !== undefined;
    if (!complete) fallback[language] = chosen[index] ?? 'handoff';
  });
  return { ...intent, utterances: { ...intent.utterances, es: spanish.utterances }, answers: { ...intent.answers, es: spanish.answer }, fallback };
}

function generatedIntent(id: fc.Arbitrary<string>, mode: Mode): fc.Arbitrary<EditorIntent> {
  if (mode === 'partial') {
    return fc
      .tuple(generatedIntent(id, 'raw'), fc.array(phrase('es'), { minLength: 1, maxLength: 4 }), answer, fc.array(fc.constantFrom(...FALLBACKS), { minLength: LANGUAGES.length, maxLength: LANGUAGES.length }))
      .map(([intent, utterances, spanish, chosen]) => withFallbacks({ ...intent, enabled: true }, { utterances, answer: spanish }, chosen));
  }
  const present = mode === 'published' ? fc.constant(true) : fc.boolean();
  return fc
    .record({
      id,
      enabled: mode === 'published' ? fc.constant(true) : fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      handoffQueue: fc.option(fc.constantFrom('general', 'tramites'), { nil: null }),
      title: perLanguage(() => fc.stringMatching(/^[A-Za-z]{1,20}$/), fc.boolean()),
      utterances: perLanguage((language) => fc.array(phrase(language), { minLength: 1, maxLength: 4 }), present),
      answers: perLanguage(() => answer, present),
    })
    // `None` lives with the conversation intents, as in the seed.
    .map((intent) => ({ ...intent, domain: intent.id === NONE_INTENT ? 'conversacion' : domainOf(intent.id) }));
}

function contentOf(mode: Mode): fc.Arbitrary<EditorContent> {
  const byId = (id: string) => seed.intents.find((intent) => intent.id === id);
  const required = (id: string) => fc.oneof(fc.constant(byId(id)), generatedIntent(fc.constant(id), mode));
  return fc
    .record({
      generated: fc.uniqueArray(generatedIntent(intentId, mode), { minLength: 1, maxLength: 5, selector: (intent) => intent.id }),
      kept: fc.subarray(SEED_SAMPLE, { maxLength: 3 }),
      none: mode === 'raw' ? fc.option(required(NONE_INTENT), { nil: undefined }) : required(NONE_INTENT),
      greeting: mode === 'raw' ? fc.option(required('conversacion.saludo'), { nil: undefined }) : required('conversacion.saludo'),
    })
    .map(({ generated, kept, none, greeting }) => {
      const intents = new Map<string, EditorIntent>();
      for (const intent of [none, greeting, ...kept.map(byId)]) if (intent !== undefined) intents.set(intent.id, intent);
      for (const intent of generated) intents.set(intent.id, intent);
      return { ...seed, intents: [...intents.values()] };
    });
}

// ---- messages ------------------------------------------------------------------------------

function messagesFor(content: EditorContent): fc.Arbitrary<MessageSpec[]> {
  const phrases = content.intents.flatMap((intent) => LANGUAGES.flatMap((language) => intent.utterances[language] ?? []));
  const ids = content.intents.map((intent) => intent.id);
  const text = fc.oneof(
    { weight: 4, arbitrary: phrases.length > 0 ? fc.constantFrom(...phrases) : fc.constant('hola') },
    { weight: 2, arbitrary: fc.constantFrom(...LANGUAGES).chain(phrase) },
    { weight: 2, arbitrary: fc.constantFrom(...NOISE) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
  const payload = fc.oneof(
    fc.constantFrom(...ids).map((id) => `intent:${id}`),
    editorId.map((id) => `intent:${id}`),
    fc.constantFrom('welcome', 'stop:123', 'x'),
  );
    // Mostly handed back, so most turns are the bot's; now and then the conversation stays with a person.
  const common = { user: fc.nat({ max: 2 }), locale: fc.constantFrom(...LOCALES), handBack: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }) };
  const spec: fc.Arbitrary<MessageSpec> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ ...common, kind: fc.constant('text' as const), text }) },
    { weight: 2, arbitrary: fc.record({ ...common, kind: fc.constant('postback' as const), payload }) },
    { weight: 1, arbitrary: fc.record({ ...common, kind: fc.constant('postback' as const), payload }).map((m) => ({ ...m, text: `/start ${m.payload ?? ''}` })) },
    { weight: 1, arbitrary: fc.record({ ...common, kind: fc.constantFrom('attachment' as const, 'location' as const) }) },
  );
  return fc.array(spec, MESSAGES_PER_RUN);
}

const caseArb: fc.Arbitrary<Case> = fc
  .constantFrom<Mode>('published', 'partial', 'raw')
  .chain((mode) => contentOf(mode).map((content) => ({ mode, content })))
  .chain(({ mode, content }) =>
    fc.record({ mode: fc.constant(mode), content: fc.constant(content), channels: fc.array(fc.constantFrom(...CHANNELS), { minLength: 3, maxLength: 3 }), messages: messagesFor(content) }),
  );

// ---- running -------------------------------------------------------------------------------

async function train(content: EditorContent): Promise<ModelExport> {
  const intentsContent = toIntentsContent(content);
  const models: Record<string, string> = {};
  for (const language of LANGUAGES) models[language] = (await trainLanguage(intentsContent, language)).json;
  return models;
}

let run = 0;
function inboundOf(spec: MessageSpec, index: number, channel: ChannelId): InboundMessage {
  const conversationKey = `${channel}:run${run}-u${spec.user}`;
  return {
    id: `run${run}-m${index}`,
    conversationKey,
    from: { channel, id: `run${run}-u${spec.user}`, ...(spec.locale === undefined ? {} : { locale: spec.locale }) },
    receivedAt: new Date('2026-05-10T08:00:00Z'),
    kind: spec.kind,
    ...(spec.text === undefined ? {} : { text: spec.text }),
    ...(spec.payload === undefined ? {} : { payload: spec.payload }),
    ...(spec.kind === 'attachment' ? { attachments: [{ type: 'photo', mimeType: 'image/jpeg' }] } : {}),
    ...(spec.kind === 'location' ? { location: { latitude: 40.4, longitude: -3.7 } } : {}),
  };
}

async function check(testCase: Case): Promise<void> {
  run += 1;
  if (testCase.mode !== 'raw') {
    // The generator claims these are what the editor lets through: the editor must agree.
    for (const intent of testCase.content.intents) expect(validateIntentInput({ ...intent }).problems, intent.id).toEqual([]);
    expect(completenessProblems(testCase.content, LANGUAGES)).toEqual([]);
  }
  const module = await fullModuleBuilder(providers)(testCase.content, await train(testCase.content));
  const events = new HubEvents();
  const alerts: string[] = [];
  events.on('custom', (event) => {
    if (event.type.startsWith('alert.')) alerts.push(`${event.type} ${JSON.stringify(event.data)}`);
  });
  const runner = new TurnRunner({
    store,
    safety: module.safety,
    understand: module.understand,
    handoff: createBasicHandoff(),
    events,
    clock: () => new Date('2026-05-10T08:00:00Z'),
    logger: pino({ level: 'silent' }),
  });
  for (const [index, spec] of testCase.messages.entries()) {
    const channel = testCase.channels[spec.user] ?? 'webchat';
    const inbound = inboundOf(spec, index, channel);
    const before = await store.getConversationByKey(inbound.conversationKey);
    const seen = before === undefined ? 0 : (await store.getTranscript(before.id)).length;
    const { conversationId } = await runner.acceptAndWait(inbound);
    const after = await store.getConversation(conversationId);
    const turn = (await store.getTranscript(conversationId)).slice(seen + 1);
    const botOwned = before === undefined || (before.mode !== 'queued' && before.mode !== 'agent');
    if (botOwned) {
      botTurns += 1;
      const replies = turn.filter((entry) => entry.author === 'bot' && /[^\s*]/.test(entry.text ?? ''));
      const handedOver = turn.some((entry) => entry.kind === 'handoff.requested') || after?.mode === 'queued';
      expect(replies.length > 0 || handedOver, `message ${index} ${JSON.stringify(spec)} got ${JSON.stringify(turn)}`).toBe(true);
    }
    checked += 1;
    if (spec.handBack && after?.mode === 'queued') await store.updateConversation(conversationId, { mode: 'bot' });
  }
  expect(alerts.filter((alert) => alert.startsWith('alert.turn_error'))).toEqual([]);
  if (testCase.mode !== 'raw') expect(alerts, 'the policy left a turn to the fallback on content the editor accepts').toEqual([]);
}

describe('never silent, as a property', () => {
  it(`answers or hands over every message: ${CONTENT_RUNS} generated content sets, ≥ ${REQUIRED_CASES} messages`, async () => {
    const started = performance.now();
    await fc.assert(fc.asyncProperty(caseArb, check), { numRuns: CONTENT_RUNS });
    expect(botTurns).toBeGreaterThanOrEqual(REQUIRED_CASES);
    console.info(`[never-silent property] ${checked} messages (${botTurns} in bot mode) over ${CONTENT_RUNS} content sets in ${Math.round(performance.now() - started)} ms`);
  }, 900_000);
});
