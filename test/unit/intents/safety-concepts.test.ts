import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../../src/intents/normalize.js';
import { dangerConceptsOf, hasDangerConcept } from '../../../src/intents/safety/concepts.js';
import { matchSafetyRules } from '../../../src/intents/safety/patterns.js';
import { bandOf, DEFAULT_SAFETY_THRESHOLDS } from '../../../src/intents/safety/detector.js';

const concepts = (text: string): string[] => dangerConceptsOf(normalizeText(text));

describe('danger concepts (the gate of the classifier bands)', () => {
  it.each([
    ['es', 'se está ahogando con un caramelo', 'breathing'],
    ['es', 'me está amenazando con un cuchillo', 'weapon'],
    ['ca', "m'està amenaçant i tinc molta por", 'threat'],
    ['ca', 'la meva mare no respon i està estirada a terra', 'unconscious'],
    ['gl', 'o meu home pégame e ameázame', 'violence'],
    ['gl', 'non quero seguir vivindo', 'despair'],
    ['eu', 'senarrak mehatxatzen nau', 'threat'],
    ['eu', 'neure buruaz beste egin nahi dut', 'despair'],
    ['eu', 'sutea dago sukaldean', 'fire'],
    ['en', 'he keeps threatening me', 'threat'],
    ['en', "i'm going to throw myself off the bridge", 'method'],
    // Situations without the usual trigger words (widened for issue 11): stems, not lines.
    ['es', 'llevo un mes guardando las pastillas del abuelo', 'despair'],
    ['ca', 'un camió ha envestit la furgoneta', 'accident'],
    ['gl', 'non me vexo chegando ao luns', 'despair'],
    ['eu', 'aitonak dementzia du eta ez dugu inon aurkitzen', 'missing'],
    ['en', 'the baby swallowed a button battery', 'poison'],
  ])('%s: "%s" names %s', (_language, text, concept) => {
    expect(concepts(text)).toContain(concept);
  });

  it.each([
    ['es', 'mi madre quiere pedir cita para renovar el padrón'],
    ['es', 'pregunto por mi hijo: cuándo le devuelven la renta'],
    ['ca', 'el meu marit vol saber l’horari de l’oficina'],
    ['gl', 'a miña nai quere saber se a súa cita está confirmada'],
    ['eu', 'amak hitzordua eskatu nahi du errolda berritzeko'],
    ['en', 'asking for my son: when is his tax refund due'],
  ])('%s: relatives and on-behalf-of frames alone are no danger ("%s")', (_language, text) => {
    expect(hasDangerConcept(normalizeText(text))).toBe(false);
  });

  it('a first-aid course asked about is told about, not happening: the phrase rules stand aside', () => {
    expect(matchSafetyRules(normalizeText('¿El curso de primeros auxilios enseña qué hacer si alguien se atraganta?'))).toBeUndefined();
    expect(matchSafetyRules(normalizeText('se está atragantando'))).toBeDefined();
  });

  it('matches whole words only ("arma" is not in "armario", "hil" not in "hilabete")', () => {
    expect(concepts('he comprado un armario')).not.toContain('weapon');
    expect(hasDangerConcept(normalizeText('hilabete honetako ordainagiria'))).toBe(false);
    // Stems short enough to swallow everyday words: "garr-" (flames) is not "garraio" (transport).
    expect(concepts('garraio publikoaren txartela')).not.toContain('fire');
    expect(concepts('my phone battery is low')).not.toContain('violence');
  });

  it('never throws on arbitrary Unicode (fast-check) and reads 10,000 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(typeof hasDangerConcept(text)).toBe('boolean');
        expect(Array.isArray(dangerConceptsOf(normalizeText(text)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    const long = `${'consulta sobre el abono. '.repeat(400).slice(0, 9_980)} no respira`;
    expect(hasDangerConcept(normalizeText(long))).toBe(true);
  });
});

describe('bands: a definite alarm from the classifier needs a danger concept', () => {
  it('with a concept the usual thresholds apply', () => {
    expect(bandOf(DEFAULT_SAFETY_THRESHOLDS, 0.95, 'emergencia.112', true).band).toBe('definite');
    expect(bandOf(DEFAULT_SAFETY_THRESHOLDS, DEFAULT_SAFETY_THRESHOLDS.possible, 'emergencia.112', true).band).toBe('possible');
    expect(bandOf(DEFAULT_SAFETY_THRESHOLDS, DEFAULT_SAFETY_THRESHOLDS.possible - 0.01, 'emergencia.112', true).band).toBe('none');
  });

  it('without one the classifier can raise a possible risk at most, and only at a higher bar', () => {
    const bar = DEFAULT_SAFETY_THRESHOLDS.possibleWithoutConcept ?? DEFAULT_SAFETY_THRESHOLDS.definite;
    expect(bar).toBeGreaterThan(DEFAULT_SAFETY_THRESHOLDS.possible);
    expect(bandOf(DEFAULT_SAFETY_THRESHOLDS, 0.999, 'emergencia.016', false).band).toBe('possible');
    expect(bandOf(DEFAULT_SAFETY_THRESHOLDS, bar - 0.01, 'emergencia.016', false).band).toBe('none');
  });
});
