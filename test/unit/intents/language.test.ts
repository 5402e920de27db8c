import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../../src/intents/index.js';
import { languageFromHint } from '../../../src/intents/language.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents();
});

describe('language choice', () => {
  it.each([
    ['quiero pedir cita para la renta', 'es'],
    ['vull demanar cita per a la renda', 'ca'],
    ['quero pedir cita para a renda', 'gl'],
    ['kaixo, zer moduz?', 'eu'],
    ['eskerrik asko', 'eu'],
    ['errenta noiz aurkeztu behar dut?', 'eu'],
    ['egun on, laguntza behar dut', 'eu'],
    ['agur', 'eu'],
    ['when is the next train to the airport?', 'en'],
  ])('detects "%s" as %s', async (text, language) => {
    const result = await intents.classify(text);
    expect(result.language).toBe(language);
    expect(result.languageSource).toBe('detected');
  });

  it('a hint wins on short or ambiguous text', async () => {
    expect((await intents.classify('hola', { languageHint: 'ca-ES' })).language).toBe('ca');
    expect((await intents.classify('ok', { languageHint: 'eu' })).languageSource).toBe('hint');
  });

  it('short messages do not flip the remembered language', async () => {
    for (const text of ['hola', 'ok', 'gracias', 'vale']) {
      const result = await intents.classify(text, { conversationLanguage: 'ca' });
      expect(result.language).toBe('ca');
      expect(result.languageSource).toBe('conversation');
    }
  });

  it('a long message in another language does switch', async () => {
    const result = await intents.classify('zer ordutan irekitzen da udaletxea bihar goizean?', { conversationLanguage: 'es' });
    expect(result.language).toBe('eu');
  });

  it('falls back to Spanish without evidence', async () => {
    const result = await intents.classify('👍');
    expect(result.language).toBe('es');
    expect(result.languageSource).toBe('default');
    expect(result.intent).toBe('None');
  });

  it('maps locale hints', () => {
    expect(languageFromHint('ca-ES-valencia')).toBe('ca');
    expect(languageFromHint('en_GB')).toBe('en');
    expect(languageFromHint('EU')).toBe('eu');
    expect(languageFromHint('pt-BR')).toBeUndefined();
  });
});
