/**
 * A publish retrains only the languages whose corpus changed: every other language keeps the live
 * version's model, because an identical corpus trains an identical model.
 */
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/intents/content/loader.js';
import type { Content, IntentContent } from '../../../src/intents/content/loader.js';
import { unchangedLanguages } from '../../../src/editor/model.js';
import { LANGUAGES } from '../../../src/core/message.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';

const content = await loadContent(DEFAULT_CONTENT_DIR);
const model = Object.fromEntries(LANGUAGES.map((language) => [language, `{"model":"${language}"}`]));

function withUtterance(base: Content, intentId: string, language: 'es' | 'eu', text: string): Content {
  const intent = base.intents.get(intentId) as IntentContent;
  const intents = new Map(base.intents);
  intents.set(intentId, { ...intent, utterances: { ...intent.utterances, [language]: [...intent.utterances[language], text] } });
  return { ...base, intents };
}

describe('unchangedLanguages', () => {
  const first = [...content.intents.keys()][0] as string;

  it('keeps every language but the one an edit touched', () => {
    const edited = withUtterance(content, first, 'es', 'una frase nueva que nadie había escrito');
    expect([...unchangedLanguages(edited, { content, model }, LANGUAGES)].sort()).toEqual(['ca', 'en', 'eu', 'gl']);
    const basque = withUtterance(content, first, 'eu', 'esaldi berri bat inork idatzi gabea');
    expect([...unchangedLanguages(basque, { content, model }, LANGUAGES)].sort()).toEqual(['ca', 'en', 'es', 'gl']);
  });

  it('treats a sentence that normalises to one already there as no change, and retrains a language the live model lacks', () => {
    // The same sentence in capitals and without accents normalises to a document already there: no new training.
    const intent = content.intents.get(first) as IntentContent;
    const existing = intent.utterances.es[0] as string;
    const same = withUtterance(content, first, 'es', existing.toUpperCase());
    expect(unchangedLanguages(same, { content, model }, LANGUAGES).has('es')).toBe(true);
    const { eu: _eu, ...withoutBasque } = model;
    expect(unchangedLanguages(content, { content, model: withoutBasque }, LANGUAGES).has('eu')).toBe(false);
  });

  it('keeps nothing without a trained previous version', () => {
    expect(unchangedLanguages(content, undefined, LANGUAGES).size).toBe(0);
    expect(unchangedLanguages(content, { content, model: null }, LANGUAGES).size).toBe(0);
  });
});
