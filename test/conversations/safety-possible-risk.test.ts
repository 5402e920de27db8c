/**
 * The "possible risk" band through the real bot and the policy, in each language: the citizen
 * gets what the bot can answer, then the line's number and a person offered at once, and the
 * conversation is marked for the agent console. Never silent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/message.js';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { loadSafetyCorpus, type SafetyExample } from '../../src/intents/safety/index.js';
import { FakeChat } from '../helpers/intents.js';
import { sharedModelCache } from '../helpers/model-cache.js';

const NUMBER: Readonly<Record<string, RegExp>> = { 'emergencia.112': /112/, 'emergencia.016': /016/, 'emergencia.024': /024/ };
/** The person choice's title in any language: the bot answers in the language it detects in the text. */
const PERSON_TITLE = /persona|persoa|pertsona|person/i;

let intents: Intents;
let corpus: SafetyExample[];
beforeAll(async () => {
  intents = await createIntents(sharedModelCache());
  corpus = await loadSafetyCorpus();
});

/** The corpus lines of a language that the real bot puts in the possible band. */
async function possibleLines(language: Language): Promise<{ text: string; intent: string }[]> {
  const lines: { text: string; intent: string }[] = [];
  for (const example of corpus.filter((item) => item.language === language)) {
    const result = await intents.classify(example.text, { languageHint: language, languageHintStrength: 'explicit' });
    if (result.safetyBand === 'possible') lines.push({ text: example.text, intent: result.intent });
  }
  return lines;
}

describe.each(['es', 'ca', 'gl', 'eu', 'en'] as const)('possible risk in %s', (language) => {
  it('every possible-risk message gets an answer, the number and a person at once, and marks the conversation', async () => {
    const lines = await possibleLines(language);
    // The band must exist in every language, or this test would prove nothing.
    expect(lines.length).toBeGreaterThan(5);
    for (const { text, intent } of lines) {
      const chat = new FakeChat(intents, language);
      const ctx = await chat.send(text);
      const offer = ctx.replies.find((reply) => reply.data?.safety === 'possible');
      expect(offer, text).toBeDefined();
      const rendered = chat.text();
      expect(rendered, text).toMatch(NUMBER[intent] ?? /never/);
      expect(chat.conversation.state.safetyRisk, text).toMatchObject({ intent, band: 'possible' });
      expect(ctx.events.map((event) => event.kind)).toContain('safety.possible_risk');
      // The definite band's urgent alarm is not raised for an uncertain case.
      expect(ctx.patch.urgent, text).toBeUndefined();
      if (ctx.handoff !== undefined) {
        // The message also asked for a person: one is coming, ahead of ordinary conversations.
        expect(ctx.handoff.priority, text).toBe('vulnerable');
        continue;
      }
      // Otherwise a person is offered as a choice the citizen can press or type.
      const person = chat.conversation.state.pendingChoices?.find((choice) => choice.payload === 'intent:conversacion.agente');
      expect(person?.title, text).toMatch(PERSON_TITLE);
    }
  });
});

describe('possible risk, then the citizen takes the offer', () => {
  it('the handoff goes ahead of ordinary ones (vulnerable priority)', async () => {
    const lines = await possibleLines('es');
    const first = lines[0];
    if (first === undefined) throw new Error('no Spanish possible-risk line');
    const chat = new FakeChat(intents, 'es');
    await chat.send(first.text);
    const choices = chat.conversation.state.pendingChoices ?? [];
    const number = choices.findIndex((choice) => choice.payload === 'intent:conversacion.agente') + 1;
    await chat.send(String(number));
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'vulnerable' });
  });

  it('with an agent already in charge the bot still gives the number and raises the ticket', async () => {
    const lines = await possibleLines('en');
    const first = lines[0];
    if (first === undefined) throw new Error('no English possible-risk line');
    const chat = new FakeChat(intents, 'en', { mode: 'agent' });
    const ctx = await chat.send(first.text);
    expect(chat.text()).toMatch(NUMBER[first.intent] ?? /never/);
    expect(ctx.handoff).toMatchObject({ reason: 'safety-risk', priority: 'vulnerable' });
  });
});

/** Ordinary questions asked for a relative: written for this test, not in any corpus. */
const ON_BEHALF: Readonly<Record<Language, string>> = {
  es: 'mi madre tiene 80 años y quiere saber cómo renovar su tarjeta del autobús',
  ca: 'el meu fill vol saber quins papers necessita per empadronar-se',
  gl: 'o meu home pregunta onde pode pagar o imposto do coche',
  eu: 'nire amonak jakin nahi du nola berritu autobuseko txartela',
  en: 'my husband wants to know how to renew his bus pass',
};

describe.each(['es', 'ca', 'gl', 'eu', 'en'] as const)('no false alarm for a relative in %s', (language) => {
  it('an ordinary question asked for a mother, a son or a husband gets no emergency number and no risk mark', async () => {
    const text = ON_BEHALF[language];
    const result = await intents.classify(text, { languageHint: language, languageHintStrength: 'explicit' });
    expect(result.safetyBand, text).toBeUndefined();
    const chat = new FakeChat(intents, language);
    const ctx = await chat.send(text);
    expect(ctx.replies.some((reply) => reply.data?.safety !== undefined), text).toBe(false);
    expect(chat.text(), text).not.toMatch(/\b(?:112|016|024)\b/);
    expect(chat.conversation.state.safetyRisk, text).toBeUndefined();
    expect(ctx.patch.urgent, text).toBeUndefined();
  });
});
