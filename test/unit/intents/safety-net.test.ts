import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import { createIntents, type Intents } from '../../../src/intents/index.js';
import { normalizeText } from '../../../src/intents/normalize.js';
import {
  crossValidateSafety,
  formatSafetyReport,
  matchSafetyRules,
  parseSafetyCorpus,
  pooled,
  SafetyNet,
  stratifiedFolds,
  summarize,
  type SafetyExample,
} from '../../../src/intents/safety/index.js';
import { windowsOf } from '../../../src/intents/safety/detector.js';
import { sharedModelCache } from '../../helpers/model-cache.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents(sharedModelCache());
});

const BAD_INPUT: readonly (readonly [string, string])[] = [
  ['empty', ''],
  ['10,000 characters', 'renta padrón abono '.repeat(527).slice(0, 10_000)],
  ['only emoji', '😀🔥🚑💔🙏🏽👩‍👩‍👧'],
  ['only digits', '112 016 024 0123456789'],
  ['mixed scripts', 'помогите 救命 مساعدة ayuda ☎︎ 112'],
  ['lone surrogates and controls', '\uD800abc\uDFFF\u0000\u200B\u202Ez'],
];

describe('safety rules: unusual input', () => {
  it('never throw on arbitrary Unicode, raw or normalised (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        matchSafetyRules(text);
        matchSafetyRules(normalizeText(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('the trained net never throws on arbitrary Unicode and returns a known band', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const verdict = intents.safetyNet.assess(normalizeText(text));
        expect(['none', 'possible', 'definite']).toContain(verdict.band);
      }),
      { numRuns: 300 },
    );
  });

  it.each(BAD_INPUT)('%s: classified without an exception', async (_name, text) => {
    const result = await intents.classify(text);
    expect(typeof result.intent).toBe('string');
    expect(intents.safetyNet.assess(normalizeText(text)).band).not.toBe('definite');
  });

  it('reads a 10,000-character message in windows that cover all of it', () => {
    const text = normalizeText(`${'tengo una duda sobre el abono. '.repeat(320)} y ahora mismo no respira`);
    const windows = windowsOf(text);
    expect(windows.length).toBeGreaterThan(10);
    expect(windows.at(-1)).toMatch(/no respira$/);
    for (const window of windows) expect(window.length).toBeLessThanOrEqual(320);
    expect(intents.safetyNet.assess(text)).toMatchObject({ band: 'definite', intent: 'emergencia.112' });
  });
});

describe('safety rules in ca/gl/eu (smoke)', () => {
  it.each([
    ['el meu fill no respira', 'emergencia.112'],
    ["la meva parella m'amenaça cada dia", 'emergencia.016'],
    ['no vull viure més', 'emergencia.024'],
    ['o meu fillo non respira', 'emergencia.112'],
    ['o meu home pégame', 'emergencia.016'],
    ['quero morrer', 'emergencia.024'],
    ['aitak ez du arnasarik hartzen', 'emergencia.112'],
    ['nire senarrak mehatxatzen nau', 'emergencia.016'],
    ['ez dut bizi nahi', 'emergencia.024'],
  ])('"%s" → %s', (text, intent) => {
    expect(matchSafetyRules(normalizeText(text))?.intent).toBe(intent);
  });

  it.each([
    'em vull morir de vergonya, he enviat el formulari malament',
    'houbo un accidente na autovía onte, xa está aberta?',
    'atzo albistegian esan zuten sute bat egon zela',
    'en la peli hay un incendio enorme en un rascacielos',
    'he leído que ha bajado la tasa de suicidios',
    'i nearly had a heart attack when i saw the fine',
  ])('no rule fires on "%s"', (text) => {
    expect(matchSafetyRules(normalizeText(text))).toBeUndefined();
  });
});

describe('safety net bands (the trained default net)', () => {
  it('a rule is always definite; figurative speech and FAQ questions stay quiet', () => {
    expect(intents.safetyNet.assess(normalizeText('mi pareja me pega'))).toMatchObject({ band: 'definite', intent: 'emergencia.016', source: 'rule' });
    for (const text of ['me muero de risa', 'pagué 112 euros de multa', '¿el 016 deja rastro en la factura?', 'hasta cuándo tengo para la renta']) {
      expect(intents.safetyNet.assess(normalizeText(text)).band, text).toBe('none');
    }
  });

  it('trains at start-up on the corpus and the FAQ utterances, and says how long it took', () => {
    expect(intents.safetyNet.trainedOn).toBeGreaterThan(3000);
    expect(intents.safetyNet.trainingMs).toBeGreaterThan(0);
  });

  it('a rules-only net has no classifier: only rules raise an alarm', () => {
    const net = SafetyNet.rulesOnly();
    expect(net.assess(normalizeText('ya no le veo sentido a nada')).band).toBe('none');
    expect(net.assess(normalizeText('quiero suicidarme')).band).toBe('definite');
  });
});

describe('safety corpus format', () => {
  it('parses lines and names the file and line of a bad one', () => {
    const examples = parseSafetyCorpus('{"text": "no respira", "label": "emergencia.112", "topic": "not-breathing"}\n\n{"text": "hola", "label": "none"}\n', 'es');
    expect(examples).toEqual([
      { text: 'no respira', label: 'emergencia.112', language: 'es', topic: 'not-breathing' },
      { text: 'hola', label: 'none', language: 'es', topic: 'untagged' },
    ]);
    for (const [line, pattern] of [
      ['{"text": "x", "label": "emergencia.999"}', /es\.jsonl:1: "label" must be one of/],
      ['not json', /es\.jsonl:1: not valid JSON/],
      ['{"label": "none"}', /es\.jsonl:1: needs a non-empty string "text"/],
    ] as const) {
      let thrown: unknown;
      try {
        parseSafetyCorpus(line, 'es');
      } catch (error) {
        thrown = error;
      }
      expect(isHubError(thrown, 'HUB_ERR_CONTENT')).toBe(true);
      expect((thrown as Error).message).toMatch(pattern);
    }
  });
});

describe('k-fold evaluation API', () => {
  const example = (text: string, label: SafetyExample['label'], language: SafetyExample['language'] = 'es'): SafetyExample => ({ text, label, language, topic: 't' });

  it('stratified folds spread every (language, label) stratum evenly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('es', 'en') as fc.Arbitrary<'es' | 'en'>, fc.constantFrom('emergencia.112', 'none') as fc.Arbitrary<'emergencia.112' | 'none'>), { maxLength: 60 }), fc.integer({ min: 2, max: 6 }), (pairs, folds) => {
        const examples = pairs.map(([language, label], index) => example(`t${index}`, label, language));
        const assignment = stratifiedFolds(examples, folds);
        expect(assignment).toHaveLength(examples.length);
        const strata = new Map<string, number[]>();
        examples.forEach((item, index) => {
          const key = `${item.language}|${item.label}`;
          const counts = strata.get(key) ?? new Array<number>(folds).fill(0);
          counts[assignment[index] ?? 0] = (counts[assignment[index] ?? 0] ?? 0) + 1;
          strata.set(key, counts);
        });
        for (const counts of strata.values()) expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('classifies every example exactly once with a net that did not train on it, and reports per line × language', () => {
    const corpus: SafetyExample[] = [];
    for (let index = 0; index < 10; index += 1) {
      corpus.push(example(`socorro mi vecino numero ${index} no respira`, 'emergencia.112'));
      corpus.push(example(`mi ex me persigue y me amenaza otra vez ${index}`, 'emergencia.016'));
      corpus.push(example(`ya no puedo mas quiero desaparecer ${index}`, 'emergencia.024'));
      corpus.push(example(`cuando abre la oficina del padron ${index}`, 'none'));
    }
    const result = crossValidateSafety(corpus, normalizeText, { folds: 5 });
    expect(result.predictions).toHaveLength(corpus.length);
    expect(new Set(result.predictions.map((prediction) => prediction.example.text)).size).toBe(corpus.length);
    const recall112 = result.report.recall['emergencia.112']?.es;
    expect(recall112?.total).toBe(10);
    expect(recall112?.caught).toBe(10);
    expect(result.report.falseAlarms.es?.total).toBe(10);
    expect(formatSafetyReport(result.report).join('\n')).toMatch(/emergencia\.016/);
    expect(() => crossValidateSafety(corpus, normalizeText, { folds: 1 })).toThrow(RangeError);
  });

  it('summarize counts misses, wrong lines and false alarms', () => {
    const report = summarize([
      { example: example('a', 'emergencia.112'), verdict: { band: 'definite', intent: 'emergencia.112', risk: 1, source: 'rule' }, modelRisk: 0.2, modelIntent: 'emergencia.112', rule: true },
      { example: example('b', 'emergencia.112'), verdict: { band: 'none', risk: 0.1 }, modelRisk: 0.1, modelIntent: 'emergencia.024', rule: false },
      { example: example('c', 'emergencia.024'), verdict: { band: 'possible', intent: 'emergencia.016', risk: 0.5, source: 'model' }, modelRisk: 0.5, modelIntent: 'emergencia.016', rule: false },
      { example: example('d', 'none'), verdict: { band: 'possible', intent: 'emergencia.024', risk: 0.5, source: 'model' }, modelRisk: 0.5, modelIntent: 'emergencia.024', rule: false },
      { example: example('e', 'none'), verdict: { band: 'none', risk: 0 }, modelRisk: 0, modelIntent: 'emergencia.112', rule: false },
    ]);
    expect(report.recall['emergencia.112']?.es).toMatchObject({ total: 2, caught: 1, definite: 1, recall: 0.5 });
    expect(report.recall['emergencia.024']?.es).toMatchObject({ total: 1, caught: 1, rightLine: 0 });
    expect(report.falseAlarms.es).toMatchObject({ total: 2, alarms: 1, possible: 1, rate: 0.5 });
    expect(report.errors.map((error) => error.text)).toEqual(['b', 'c', 'd']);
    expect(pooled(report)).toMatchObject({ caught: 2, emergencies: 3, alarms: 1, negatives: 2 });
  });
});
