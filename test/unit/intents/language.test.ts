import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../../src/intents/index.js';
import { languageFromHint } from '../../../src/intents/language.js';
import { sharedModelCache } from '../../helpers/model-cache.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents(sharedModelCache());
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

  it('an explicit hint (nlu try --lang, eval lines) wins on short or ambiguous text', async () => {
    expect((await intents.classify('hola', { languageHint: 'en', languageHintStrength: 'explicit' })).language).toBe('en');
    expect((await intents.classify('gracias', { languageHint: 'gl', languageHintStrength: 'explicit' })).language).toBe('gl');
  });

  it.each([
    ['hola', 'en-US', 'es'],
    ['Hola!', 'en-US', 'es'],
    ['hola, buenos días', 'en-US', 'es'],
    ['buenos días', 'ca-ES', 'es'],
    ['hola', 'ca-ES', 'ca'],
    ['hola', 'es-ES', 'es'],
    ['bon dia', 'es-ES', 'ca'],
    ['bona tarda', 'en-US', 'ca'],
    ['adéu', 'es', 'ca'],
    ['gràcies', 'es', 'ca'],
    ['bos días', 'es', 'gl'],
    ['grazas', 'en', 'gl'],
    ['ola', 'es', 'gl'],
    ['kaixo', 'es-ES', 'eu'],
    ['egun on', 'es-ES', 'eu'],
    ['eskerrik asko', 'en-US', 'eu'],
    ['agur', 'es', 'eu'],
    ['hello', 'es-ES', 'en'],
    ['hi', 'ca', 'en'],
    ['thanks', 'eu', 'en'],
    ['hello, when is the next train?', 'es', 'en'],
    ['quiero pedir cita', 'en-US', 'es'],
  ])('a profile locale gives way to clear evidence: "%s" with locale %s → %s', async (text, locale, language) => {
    const result = await intents.classify(text, { languageHint: locale, languageHintStrength: 'profile' });
    expect(result.language).toBe(language);
  });

  it('a profile locale decides when the text says nothing', async () => {
    for (const text of ['ok', 'sí', '👍', '12345678Z', 'Atocha']) {
      const result = await intents.classify(text, { languageHint: 'en-US' });
      expect(result.language, text).toBe('en');
      expect(result.languageSource, text).toBe('hint');
    }
  });

  it('a remembered language resists single ambiguous words, with or without a profile locale', async () => {
    for (const text of ['ok', 'sí', 'vale', 'gracias']) {
      expect((await intents.classify(text, { conversationLanguage: 'es' })).language, text).toBe('es');
      expect((await intents.classify(text, { conversationLanguage: 'es', languageHint: 'en-US' })).language, text).toBe('es');
    }
  });

  it('a remembered language that only echoes the profile locale is as weak as the locale', async () => {
    const result = await intents.classify('hola', { conversationLanguage: 'en', languageHint: 'en-US' });
    expect(result.language).toBe('es');
  });
});
