import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, evaluate, normalizeForNlu, parseEvalLines, type EvaluationReport, type Intents } from '../../../src/intents/index.js';
import { sharedModelCache } from '../../helpers/model-cache.js';

const DEV_SET = new URL('../../../config/quality/nlu-dev.jsonl', import.meta.url);
const lines = parseEvalLines(readFileSync(DEV_SET, 'utf8'), 'nlu-dev.jsonl');
let intents: Intents;
let report: EvaluationReport;

beforeAll(async () => {
  intents = await createIntents(sharedModelCache());
  report = await evaluate(intents, lines);
});

describe('dev set (config/quality/nlu-dev.jsonl)', () => {
  it('has ≥ 10 Spanish and ≥ 3 other-language lines per intent', () => {
    for (const intent of intents.catalogue) {
      for (const language of ['es', 'ca', 'gl', 'eu', 'en']) {
        const count = lines.filter((line) => line.intent === intent && line.lang === language).length;
        expect(count, `${intent}/${language}`).toBeGreaterThanOrEqual(language === 'es' ? 10 : 3);
      }
    }
  });

  it('never appears in the training utterances', () => {
    const training = new Set<string>();
    for (const intent of intents.content.intents.values()) {
      for (const utterances of Object.values(intent.utterances)) for (const utterance of utterances) training.add(normalizeForNlu(utterance));
    }
    const leaked = lines.filter((line) => training.has(normalizeForNlu(line.text))).map((line) => line.text);
    expect(leaked).toEqual([]);
  });

  it('meets the acceptance thresholds', () => {
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
    for (const [language, tally] of Object.entries(report.byLanguage)) {
      expect(tally.accuracy, language).toBeGreaterThanOrEqual(0.9);
    }
    expect(report.outOfScope.recall).toBeGreaterThanOrEqual(0.9);
    expect(report.emergencyRecall).toBe(1);
    expect(report.emergencyFalseAlarmRate).toBeLessThanOrEqual(0.01);
  });
});
