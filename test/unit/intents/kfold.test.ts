/**
 * The k-fold deal (stratified, no sentence on both sides of a split) and the error report of
 * `nlu eval --errors` (every misclassified line, the confusion matrix). Training a fold is left to
 * `nlu eval --kfold` and `npm run bench:nlu`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../src/core/message.js';
import { formatConfusionMatrix, formatErrors, summarizeOutcomes, type Outcome } from '../../../src/intents/evaluate.js';
import { DEFAULT_CONTENT_DIR, loadContent, normalizeForNlu, type Content } from '../../../src/intents/index.js';
import { dealFolds } from '../../../src/intents/kfold.js';

let content: Content;
beforeAll(async () => {
  content = await loadContent(DEFAULT_CONTENT_DIR);
});

describe('dealFolds', () => {
  it('spreads every intent and language evenly over the folds', () => {
    const dealt = dealFolds(content, 5);
    for (const intent of content.intents.keys()) {
      for (const language of LANGUAGES) {
        const sizes = [0, 1, 2, 3, 4].map((fold) => dealt.filter((entry) => entry.intent === intent && entry.language === language && entry.fold === fold).length);
        expect(Math.max(...sizes) - Math.min(...sizes), `${intent}/${language}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('deals each distinct sentence once, so none is trained on and tested at once', () => {
    const dealt = dealFolds(content, 5);
    const keys = dealt.map((entry) => `${entry.language}|${entry.intent}|${normalizeForNlu(entry.text)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const folds = (seed: number): string[] => dealFolds(content, 5, seed).map((entry) => `${entry.language}|${entry.text}|${entry.fold}`).sort();
    expect(folds(7)).toEqual(folds(7));
    expect(folds(7)).not.toEqual(folds(8));
  });
});

describe('error report', () => {
  const outcome = (text: string, intent: string, predicted: string, score: number): Outcome => ({ line: { text, intent, lang: 'es' }, predicted, score, language: 'es' });
  const report = summarizeOutcomes([
    outcome('quiero cita', 'tramites.cita_previa', 'tramites.cita_previa', 0.9),
    outcome('¿a qué hora abrís?', 'tramites.horario_atencion', 'tramites.cita_previa', 0.61),
    outcome('¿y el tiempo?', 'None', 'None', 1),
  ]);

  it('lists every misclassified line with expected, predicted and score', () => {
    expect(report.errors).toEqual([{ text: '¿a qué hora abrís?', expected: 'tramites.horario_atencion', predicted: 'tramites.cita_previa', score: 0.61, lang: 'es' }]);
    expect(formatErrors(report).join('\n')).toContain('tramites.horario_atencion → tramites.cita_previa (0.61)  "¿a qué hora abrís?"');
  });

  it('prints a confusion matrix whose rows are the expected intents', () => {
    expect(report.matrix).toEqual({
      'tramites.cita_previa': { 'tramites.cita_previa': 1 },
      'tramites.horario_atencion': { 'tramites.cita_previa': 1 },
      None: { None: 1 },
    });
    const matrix = formatConfusionMatrix(report);
    expect(matrix[0]).toMatch(/rows: expected, columns: predicted/);
    expect(matrix.find((line) => line.includes('tramites.horario_atencion'))).toMatch(/\.\s+1\s+\.$/);
  });
});
