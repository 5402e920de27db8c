/**
 * The handoff and survey texts live in the message catalogues (`handoff.*`): every key the code
 * reads is in every shipped language file, the catalogue has no handoff text the code ignores, and
 * a text missing in one language reaches the citizen in Spanish, never empty.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CATALOGUE_DIR, loadCatalogue, useCatalogue } from '../../../src/core/i18n.js';
import { LANGUAGES } from '../../../src/core/message.js';
import { HANDOFF_TEXT_KEYS, QUEUE_TEXT, WAIT_EXCEEDED_TEXT } from '../../../src/handoff/messages.js';

const shipped = (language: string): { handoff?: Record<string, unknown> } => parse(readFileSync(join(DEFAULT_CATALOGUE_DIR, `${language}.yaml`), 'utf8')) as { handoff?: Record<string, unknown> };

afterEach(() => {
  useCatalogue(DEFAULT_CATALOGUE_DIR, () => undefined);
});

describe('handoff texts in the catalogues', () => {
  it('every shipped language file has every handoff key the code reads, and no other', () => {
    for (const language of LANGUAGES) {
      const section = shipped(language).handoff ?? {};
      expect(Object.keys(section).sort(), language).toEqual([...HANDOFF_TEXT_KEYS].sort());
      for (const key of HANDOFF_TEXT_KEYS) expect(String(section[key]).trim(), `${language}.handoff.${key}`).not.toBe('');
    }
    expect(loadCatalogue().warnings).toEqual([]);
  });

  it('says each text in the citizen language, with numbers and plurals filled', () => {
    expect(QUEUE_TEXT.es.queued({ queue: 'Padrón', position: 3, waitMinutes: 7 })).toBe(
      'Te paso con una persona del equipo de Padrón. Estás en la posición 3 de la cola; espera estimada: unos 7 minutos. Mientras esperas, escribe «¿cuánto falta?» para saber tu turno o «ya no hace falta» para cancelar.',
    );
    expect(QUEUE_TEXT.eu.position({ position: 1, waitMinutes: 0.2 })).toBe('Hurrengoa zara ilaran; gutxi gorabeherako itxaronaldia: 1 minutu.');
    expect(QUEUE_TEXT.en.outOfHours({ queue: 'Tributos', hours: 'Mon–Fri 9:00–14:00', next: 'tomorrow at 9:00', replyWindow: { hours: 24, reopenBy: 'template' } })).toBe(
      'The Tributos team is not attending right now. Opening hours: Mon–Fri 9:00–14:00. We are back tomorrow at 9:00. You can leave your message here and the next shift will answer it. ' +
        'On WhatsApp we can only write to you within 24 hours of your last message. If the answer comes later, we will first send you a notice to resume the conversation: reply to it and you will get the answer. If you no longer need it, write "cancel".',
    );
    expect(QUEUE_TEXT.ca.surveyQuestion()).toBe("Com valoraries l'atenció rebuda? Tria de 1 (molt dolenta) a 5 (molt bona).");
    expect(WAIT_EXCEEDED_TEXT.gl({ position: 2, waitMinutes: 12 })).toContain('Segues na posición 2; nova espera estimada: uns 12 minutos.');
  });

  it('a handoff text missing in Basque warns once at load and the citizen gets the Spanish one, not an empty message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-handoff-i18n-'));
    for (const language of LANGUAGES) {
      const source = shipped(language);
      if (language === 'eu') delete source.handoff?.surveyQuestion;
      writeFileSync(join(dir, `${language}.yaml`), JSON.stringify(source));
    }
    const warnings: string[] = [];
    useCatalogue(dir, (warning) => warnings.push(`${warning.language}:${warning.key}`));
    expect(warnings).toEqual(['eu:handoff.surveyQuestion']);
    expect(QUEUE_TEXT.eu.surveyQuestion()).toBe(QUEUE_TEXT.es.surveyQuestion());
    expect(QUEUE_TEXT.eu.surveyQuestion()).not.toBe('');
    // The other Basque texts stay Basque.
    expect(QUEUE_TEXT.eu.surveyThanks()).toBe('Eskerrik asko zure balorazioagatik! Beste galderarik baduzu, hemen nago.');
  });
});
