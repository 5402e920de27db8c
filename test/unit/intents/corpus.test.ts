/**
 * The training corpus of the transport and procedures intents, and the held-out set written
 * for them (`test/fixtures/nlu-heldout-transporte-tramites.jsonl`). The held-out set measures
 * generalisation (`npx ventanilla nlu eval --file test/fixtures/nlu-heldout-transporte-tramites.jsonl`);
 * these tests only keep it honest: complete, and never trained on.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../src/core/message.js';
import { DEFAULT_CONTENT_DIR, INTENT_IDS, loadContent, normalizeForNlu, parseEvalLines, type Content } from '../../../src/intents/index.js';

const HELD_OUT = new URL('../../fixtures/nlu-heldout-transporte-tramites.jsonl', import.meta.url);
const heldOut = parseEvalLines(readFileSync(HELD_OUT, 'utf8'), 'nlu-heldout-transporte-tramites.jsonl');

/** The intents this corpus and held-out set cover: every transport and procedures intent of the catalogue. */
const COVERED_INTENTS = INTENT_IDS.filter((id) => id.startsWith('transporte.') || id.startsWith('tramites.'));

let content: Content;
beforeAll(async () => {
  content = await loadContent(DEFAULT_CONTENT_DIR);
});

describe('transport and procedures training corpus', () => {
  it('has at least 40 utterances per intent and language', () => {
    for (const id of COVERED_INTENTS) {
      const intent = content.intents.get(id);
      for (const language of LANGUAGES) {
        const distinct = new Set(intent?.utterances[language].map(normalizeForNlu));
        expect(distinct.size, `${id}/${language}`).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it('every FAQ intent (conversation, Renta, transport, procedures, None) has at least 40 distinct utterances per language', () => {
    const faq = INTENT_IDS.filter((id) => !id.startsWith('emergencia.'));
    const short: string[] = [];
    for (const id of faq) {
      const intent = content.intents.get(id);
      for (const language of LANGUAGES) {
        const distinct = new Set(intent?.utterances[language].map(normalizeForNlu)).size;
        if (distinct < 40) short.push(`${id}/${language}: ${distinct}`);
      }
    }
    expect(short).toEqual([]);
  });

  it('never gives one sentence two intents in the same language', () => {
    for (const language of LANGUAGES) {
      const owner = new Map<string, string>();
      const conflicts: string[] = [];
      for (const intent of content.intents.values()) {
        for (const utterance of intent.utterances[language]) {
          const key = normalizeForNlu(utterance);
          const previous = owner.get(key);
          if (previous !== undefined && previous !== intent.id) conflicts.push(`${language}: "${utterance}" in ${previous} and ${intent.id}`);
          owner.set(key, intent.id);
        }
      }
      expect(conflicts).toEqual([]);
    }
  });
});

describe('held-out set (test/fixtures/nlu-heldout-transporte-tramites.jsonl)', () => {
  it('has exactly 8 lines per covered intent and language, and nothing else', () => {
    expect(COVERED_INTENTS).toHaveLength(10);
    expect(heldOut).toHaveLength(COVERED_INTENTS.length * LANGUAGES.length * 8);
    for (const id of COVERED_INTENTS) {
      for (const language of LANGUAGES) {
        expect(heldOut.filter((line) => line.intent === id && line.lang === language), `${id}/${language}`).toHaveLength(8);
      }
    }
  });

  it('never appears in the training utterances', () => {
    const training = new Set<string>();
    for (const intent of content.intents.values()) {
      for (const utterances of Object.values(intent.utterances)) for (const utterance of utterances) training.add(normalizeForNlu(utterance));
    }
    expect(heldOut.filter((line) => training.has(normalizeForNlu(line.text))).map((line) => line.text)).toEqual([]);
  });
});
