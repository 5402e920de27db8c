import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';

/**
 * The safety corpus (config/safety/<lang>.jsonl) trains and evaluates the emergency detector.
 * These checks keep its shape honest: every line is one labelled message, no message is counted
 * twice, and each language has enough emergencies of each line and enough hard negatives for
 * the k-fold figures to mean something.
 */

const SAFETY_DIR = fileURLToPath(new URL('../../../config/safety/', import.meta.url));
const LANGUAGES = ['es', 'ca', 'gl', 'eu', 'en'] as const;

const LineSchema = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 600 }),
    label: Type.Union([
      Type.Literal('emergencia.112'),
      Type.Literal('emergencia.016'),
      Type.Literal('emergencia.024'),
      Type.Literal('none'),
    ]),
    topic: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
  },
  { additionalProperties: false },
);
type Line = Static<typeof LineSchema>;
type Label = Line['label'];

/** Minimum messages per label and language (issue 11, Build 1). */
const MINIMUM: Readonly<Record<Label, number>> = {
  'emergencia.112': 100,
  'emergencia.016': 100,
  'emergencia.024': 100,
  none: 80,
};
/** Hard negatives over all five languages together. */
const MINIMUM_NEGATIVES_OVERALL = 500;

interface Parsed {
  readonly lines: readonly Line[];
  readonly problems: readonly string[];
}

function parseCorpus(path: string): Parsed {
  const lines: Line[] = [];
  const problems: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      if (raw.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        problems.push(`line ${index + 1}: not JSON`);
        return;
      }
      if (!Value.Check(LineSchema, value)) {
        const first = Value.Errors(LineSchema, value).First();
        problems.push(`line ${index + 1}: ${first?.path ?? ''} ${first?.message ?? 'invalid'}`);
        return;
      }
      lines.push(value);
    });
  return { lines, problems };
}

/** Accents kept; letter case and spacing folded, so "No  Respira" and "no respira" collide. */
function duplicateKey(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

const present = LANGUAGES.filter((lang) => existsSync(`${SAFETY_DIR}${lang}.jsonl`));
for (const lang of LANGUAGES) {
  if (!present.includes(lang)) console.log(`[skip] safety corpus: config/safety/${lang}.jsonl is absent`);
}

describe.each(present)('safety corpus %s', (lang) => {
  const corpus = parseCorpus(`${SAFETY_DIR}${lang}.jsonl`);

  it('has one well-formed labelled message per line', () => {
    expect(corpus.problems).toEqual([]);
  });

  it('has no message twice', () => {
    const seen = new Map<string, number>();
    const duplicates: string[] = [];
    corpus.lines.forEach((line, index) => {
      const key = duplicateKey(line.text);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index + 1);
      else duplicates.push(`"${line.text}" (entries ${first} and ${index + 1})`);
    });
    expect(duplicates).toEqual([]);
  });

  it('has enough messages for each emergency line and enough hard negatives', () => {
    const counts = new Map<Label, number>();
    for (const line of corpus.lines) counts.set(line.label, (counts.get(line.label) ?? 0) + 1);
    const short = Object.entries(MINIMUM)
      .filter(([label, minimum]) => (counts.get(label as Label) ?? 0) < minimum)
      .map(([label, minimum]) => `${label}: ${counts.get(label as Label) ?? 0} < ${minimum}`);
    expect(short).toEqual([]);
  });

  it('spreads each emergency line over several situations, not one template', () => {
    const topics = new Map<Label, Set<string>>();
    for (const line of corpus.lines) {
      const set = topics.get(line.label) ?? new Set<string>();
      set.add(line.topic);
      topics.set(line.label, set);
    }
    for (const label of ['emergencia.112', 'emergencia.016', 'emergencia.024'] as const) {
      expect(topics.get(label)?.size ?? 0, label).toBeGreaterThanOrEqual(6);
    }
  });
});

describe.skipIf(present.length < LANGUAGES.length)('safety corpus, all languages', () => {
  it(`has at least ${MINIMUM_NEGATIVES_OVERALL} hard negatives in all`, () => {
    const negatives = present
      .map((lang) => parseCorpus(`${SAFETY_DIR}${lang}.jsonl`).lines.filter((l) => l.label === 'none').length)
      .reduce((a, b) => a + b, 0);
    expect(negatives).toBeGreaterThanOrEqual(MINIMUM_NEGATIVES_OVERALL);
  });
});
if (present.length < LANGUAGES.length) {
  console.log(`[skip] safety corpus overall negatives: only ${present.join(', ') || 'no languages'} present`);
}
