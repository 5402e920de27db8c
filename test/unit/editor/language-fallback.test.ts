/**
 * Partial languages: an intent written only in Spanish is publishable when the editors choose,
 * per missing language, a person or the Spanish answer with a visible notice; the production
 * policy applies that choice (one answer contract, `planAnswer`), and the try-it shows it on each
 * channel with the production formatting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { editorContentFromLoaded, toIntentsContent } from '../../../src/editor/content-io.js';
import { fullModuleBuilder } from '../../../src/editor/full-module.js';
import { previewOn } from '../../../src/editor/channel-preview.js';
import { tryTurn } from '../../../src/editor/live-intents.js';
import { trainLanguage } from '../../../src/editor/model.js';
import { completenessProblems, intentFromInput, type EditorContent, type EditorIntent } from '../../../src/editor/types.js';
import { validateIntentInput } from '../../../src/editor/validate.js';
import { planAnswer, SPANISH_ONLY_NOTICE } from '../../../src/intents/answers.js';
import type { IntentsModule } from '../../../src/intents/contract.js';
import { loadContent } from '../../../src/intents/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';
import { LANGUAGES, type Language } from '../../../src/core/message.js';

/** Written only in Spanish, as an editor in a hurry would. */
const BICI: EditorIntent = {
  id: 'tramites.bicicleta_publica',
  domain: 'tramites',
  enabled: true,
  handoffQueue: 'tramites',
  title: { es: 'Bicicleta pública' },
  utterances: { es: ['¿cómo me doy de alta en BiciMAD?', 'quiero usar BiciMAD', 'abono anual de BiciMAD', 'bicicleta pública BiciMAD'] },
  answers: { es: { text: 'Date de alta en **BiciMAD** desde la app o en bicimad.com.', short: 'Alta en la app BiciMAD.' } },
};
// Shares the service's name and a loan word with the Spanish phrases, as Basque questions about a named service do.
const BASQUE_QUESTION = 'BiciMAD bizikleta publikoan alta nola eman?';

let seed: EditorContent;
beforeAll(async () => {
  seed = editorContentFromLoaded(await loadContent(DEFAULT_CONTENT_DIR));
});

function withBici(bici: EditorIntent): EditorContent {
  return { ...seed, intents: [...seed.intents, bici] };
}

async function moduleFor(bici: EditorIntent, languages: readonly Language[]): Promise<IntentsModule> {
  const content = withBici(bici);
  const models: Record<string, string> = {};
  for (const language of languages) models[language] = (await trainLanguage(toIntentsContent(content), language)).json;
  return fullModuleBuilder([])(content, models);
}

describe('the answer contract with a language fallback', () => {
  it('answers in Spanish after the notice in the citizen language, or hands over, or says nothing when nothing was chosen', () => {
    const spanish = planAnswer({ ...BICI, fallback: { eu: 'es' } }, 'eu', 'webchat');
    expect(spanish).toEqual({
      kind: 'answer',
      fallback: 'es',
      message: { kind: 'text', text: `${SPANISH_ONLY_NOTICE.eu}\n\nDate de alta en **BiciMAD** desde la app o en bicimad.com.`, short: `${SPANISH_ONLY_NOTICE.eu} Alta en la app BiciMAD.` },
    });
    expect(planAnswer({ ...BICI, fallback: { eu: 'handoff' } }, 'eu', 'telegram')).toEqual({ kind: 'handoff' });
    expect(planAnswer(BICI, 'eu', 'webchat')).toEqual({ kind: 'none' });
    // Its own answer always wins over a fallback.
    expect(planAnswer({ ...BICI, answers: { ...BICI.answers, eu: { text: 'Eman izena BiciMAD-en.' } }, fallback: { eu: 'handoff' } }, 'eu', 'webchat')).toMatchObject({ kind: 'answer', message: { text: 'Eman izena BiciMAD-en.' } });
  });

  it('lets the publish gate through only the languages with a fallback chosen, and says what to do for the others', () => {
    const languages = LANGUAGES;
    const gate = (bici: EditorIntent) => completenessProblems(withBici(bici), languages).filter((reason) => reason.startsWith(BICI.id));
    expect(gate(BICI).join('\n')).toContain('sin respuesta en ca, gl, eu, en (escríbela o elige qué hacer en ese idioma: pasar a una persona o responder en español con aviso)');
    expect(gate({ ...BICI, fallback: { ca: 'es', gl: 'es', eu: 'handoff', en: 'es' } })).toEqual([]);
    expect(gate({ ...BICI, fallback: { ca: 'es', gl: 'es', eu: 'handoff' } }).join('\n')).toContain('sin respuesta en en');
    // "In Spanish" needs a Spanish answer to give.
    expect(gate({ ...BICI, answers: {}, fallback: { ca: 'es', gl: 'es', eu: 'es', en: 'es' } }).join('\n')).toContain('sin respuesta en es, ca, gl, eu, en');
  });

  it('validates the choice: only handoff or es, never for Spanish itself; phrases without an answer pass with a fallback', () => {
    const fields = (raw: Record<string, unknown>) => validateIntentInput(raw).problems.map((p) => p.field);
    expect(fields({ ...BICI, fallback: { eu: 'persona' } })).toEqual(['fallback.eu']);
    expect(fields({ ...BICI, fallback: { es: 'handoff' } })).toEqual(['fallback.es']);
    expect(fields({ ...BICI, utterances: { ...BICI.utterances, eu: ['bizikleta publikoa'] } })).toEqual(['answers.eu.text']);
    expect(fields({ ...BICI, utterances: { ...BICI.utterances, eu: ['bizikleta publikoa'] }, fallback: { eu: 'handoff' } })).toEqual([]);
    const { input } = validateIntentInput({ ...BICI, fallback: { eu: 'es', en: 'handoff' } });
    expect(input && intentFromInput(input).fallback).toEqual({ eu: 'es', en: 'handoff' });
  });
});

describe('a Spanish-only intent answers a Basque question as the editors chose', () => {
  it('by a person: the turn hands over to the intent queue, and says so', async () => {
    const module = await moduleFor({ ...BICI, fallback: { ca: 'handoff', gl: 'handoff', eu: 'handoff', en: 'handoff' } }, ['es', 'eu']);
    const outcome = await tryTurn(module, BASQUE_QUESTION, { language: 'eu' });
    expect(outcome).toMatchObject({ intent: BICI.id, language: 'eu', handoff: true, queue: 'tramites', languageFallback: 'handoff', fallback: false });
    expect(outcome.answers).toEqual([]);
  }, 60_000);

  it('in Spanish: the Spanish answer after the Basque notice, on every channel with its own formatting', async () => {
    // No queue: the answer comes alone (with a queue, a guess would also offer a person as a button).
    const module = await moduleFor({ ...BICI, handoffQueue: null, fallback: { ca: 'es', gl: 'es', eu: 'es', en: 'es' } }, ['es', 'eu']);
    const outcome = await tryTurn(module, BASQUE_QUESTION, { language: 'eu' });
    expect(outcome).toMatchObject({ intent: BICI.id, language: 'eu', handoff: false, languageFallback: 'es', fallback: false });
    expect(outcome.answers).toEqual([`${SPANISH_ONLY_NOTICE.eu}\n\nDate de alta en **BiciMAD** desde la app o en bicimad.com.`]);
    // The same replies, as each platform shows them: bold in its dialect, the short text on X.
    expect(previewOn('webchat', outcome.replies)).toEqual([{ text: `${SPANISH_ONLY_NOTICE.eu}\n\nDate de alta en BiciMAD desde la app o en bicimad.com.` }]);
    expect(previewOn('whatsapp', outcome.replies)[0]?.text).toContain('Date de alta en *BiciMAD* desde');
    // Sent as MarkdownV2 (bicimad\\.com); the citizen reads the bold word and the plain dot.
    expect(previewOn('telegram', outcome.replies)[0]?.text).toContain('Date de alta en *BiciMAD* desde la app o en bicimad.com.');
    expect(previewOn('x', outcome.replies)).toEqual([{ text: `${SPANISH_ONLY_NOTICE.eu} Alta en la app BiciMAD.` }]);
  }, 60_000);

  it('the Spanish question still gets the plain Spanish answer', async () => {
    const module = await moduleFor({ ...BICI, handoffQueue: null, fallback: { eu: 'es' } }, ['es', 'eu']);
    const outcome = await tryTurn(module, '¿cómo me doy de alta en BiciMAD?', { language: 'es' });
    expect(outcome.answers).toEqual(['Date de alta en **BiciMAD** desde la app o en bicimad.com.']);
    expect(outcome.languageFallback).toBeUndefined();
  }, 60_000);
});

describe('try-it per channel', () => {
  it('shows choices as buttons where the channel has them and as a numbered list where it does not', () => {
    const replies = [{ kind: 'choices' as const, text: '¿Te refieres a…?', choices: [{ title: 'Renta', payload: 'intent:renta.plazos' }, { title: 'Cita', payload: 'intent:renta.cita' }] }];
    expect(previewOn('webchat', replies)).toEqual([{ text: '¿Te refieres a…?', buttons: ['Renta', 'Cita'] }]);
    expect(previewOn('telegram', replies)).toEqual([{ text: '¿Te refieres a…?', buttons: ['Renta', 'Cita'] }]);
    expect(previewOn('x', replies)).toEqual([{ text: '¿Te refieres a…?\n\n1. Renta\n2. Cita' }]);
  });
});
