/**
 * A second opinion beside nlp.js: a multinomial naive Bayes over word unigrams, word bigrams and
 * character 3- and 4-grams of each word (what carries Basque case endings, Galician/Catalan forms and
 * misspellings that nlp.js's stemmed bag of words loses). A feature counts more the fewer intents
 * share it (an IDF over intents), so "quiero saber" weighs little and "borrador" a lot.
 *
 * Built for the request path: a feature is a 32-bit hash of its characters (no substring is ever
 * allocated), looked up in an open-addressing table of `Int32Array`s; each feature keeps a sparse
 * list of the intents that saw it, so scoring costs one table read per feature plus a few adds,
 * into preallocated buffers.
 */
import type { IntentScore } from './contract.js';

/** Additive smoothing of the feature counts. */
const ALPHA = 0.1;
/** Softmax sharpness over the mean per-feature log-likelihood: tuned on k-fold, not on a held-out set. */
const TEMPERATURE = 4;
/** The n-gram model's share of the blended score (nlp.js has the rest). */
const NGRAM_WEIGHT = 0.5;
const CHAR_MIN = 3;
const CHAR_MAX = 4;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Salts keep a word, a bigram and a character n-gram with the same letters apart. */
const SALT_WORD = 0x1b873593;
const SALT_BIGRAM = 0x5bd1e995;
const SALT_CHAR = 0x27d4eb2f;
/** A word boundary inside a character n-gram (the space around a word). */
const BOUNDARY = 32;

/** True for a character that separates words in normalised text (spaces, punctuation, symbols). */
function isSeparator(code: number): boolean {
  return code <= 0x2f || (code >= 0x3a && code <= 0x40) || (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0xbf) || (code >= 0x2000 && code <= 0x206f);
}

function mix(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/**
 * Calls `emit` with the hash of every feature of `text` (normalised: lower case, no accents).
 * Repeats are emitted again; callers dedupe. Allocates nothing.
 */
function forEachFeature(text: string, emit: (hash: number) => void): void {
  const length = text.length;
  let previousWord = 0;
  let hasPrevious = false;
  let start = 0;
  while (start < length) {
    while (start < length && isSeparator(text.charCodeAt(start))) start += 1;
    if (start >= length) break;
    let end = start;
    while (end < length && !isSeparator(text.charCodeAt(end))) end += 1;
    // The word itself.
    let word = FNV_OFFSET;
    for (let index = start; index < end; index += 1) word = mix(word, text.charCodeAt(index));
    emit(mix(word, SALT_WORD));
    if (hasPrevious) emit(mix(mix(previousWord, SALT_BIGRAM), word));
    previousWord = word;
    hasPrevious = true;
    // Character n-grams of " word ": positions -1 and `end` are the boundary.
    for (let from = start - 1; from < end; from += 1) {
      let gram = mix(FNV_OFFSET, SALT_CHAR);
      for (let size = 1; size <= CHAR_MAX && from + size - 1 <= end; size += 1) {
        const at = from + size - 1;
        gram = mix(gram, at < start || at >= end ? BOUNDARY : text.charCodeAt(at));
        if (size >= CHAR_MIN) emit(gram);
      }
    }
    start = end;
  }
}

/** A trained n-gram model of one language. */
export class NgramModel {
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly ids: Int32Array;
  /** Feature id → its first posting; postings of feature f are [offsets[f], offsets[f + 1]). */
  private readonly offsets: Int32Array;
  private readonly postingIntent: Int32Array;
  private readonly postingWeight: Float64Array;
  private readonly featureWeight: Float64Array;
  /** Per intent, the log of its smoothed denominator (what every feature costs it). */
  private readonly logDenominator: Float64Array;
  /** Scratch buffers reused by every call (classification is synchronous and single-threaded). */
  private readonly sums: Float64Array;
  private readonly stamp: Int32Array;
  private generation = 0;
  private readonly intentIndex: ReadonlyMap<string, number>;
  private totalWeight = 0;

  private constructor(
    readonly intents: readonly string[],
    table: Map<number, number>,
    counts: Map<number, number>[],
  ) {
    const features = counts.length;
    let capacity = 16;
    while (capacity < features * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    for (const [hash, id] of table) {
      let slot = hash & this.mask;
      while (this.ids[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = hash;
      this.ids[slot] = id;
    }
    const intentCount = intents.length;
    this.featureWeight = new Float64Array(features);
    this.offsets = new Int32Array(features + 1);
    let postings = 0;
    for (let id = 0; id < features; id += 1) {
      this.offsets[id] = postings;
      postings += counts[id]?.size ?? 0;
    }
    this.offsets[features] = postings;
    this.postingIntent = new Int32Array(postings);
    this.postingWeight = new Float64Array(postings);
    const totals = new Float64Array(intentCount);
    for (let id = 0; id < features; id += 1) {
      const byIntent = counts[id] ?? new Map<number, number>();
      // IDF over intents: a feature every intent shares says nothing about which one it is.
      const weight = Math.log(1 + intentCount / Math.max(1, byIntent.size));
      this.featureWeight[id] = weight;
      let posting = this.offsets[id] ?? 0;
      for (const [intent, count] of byIntent) {
        this.postingIntent[posting] = intent;
        this.postingWeight[posting] = weight * (Math.log(count + ALPHA) - Math.log(ALPHA));
        totals[intent] = (totals[intent] ?? 0) + count;
        posting += 1;
      }
    }
    this.logDenominator = new Float64Array(intentCount);
    for (let intent = 0; intent < intentCount; intent += 1) this.logDenominator[intent] = Math.log((totals[intent] ?? 0) + ALPHA * features);
    this.sums = new Float64Array(intentCount);
    this.intentIndex = new Map(intents.map((intent, index) => [intent, index]));
    this.stamp = new Int32Array(features);
  }

  /** Trains on `[normalised text, intent]` documents; each feature counts once per document. */
  static train(documents: Iterable<readonly [string, string]>): NgramModel {
    const intents: string[] = [];
    const intentIds = new Map<string, number>();
    const table = new Map<number, number>();
    const counts: Map<number, number>[] = [];
    const seen = new Set<number>();
    for (const [text, intent] of documents) {
      let intentId = intentIds.get(intent);
      if (intentId === undefined) {
        intentId = intents.length;
        intents.push(intent);
        intentIds.set(intent, intentId);
      }
      const current = intentId;
      seen.clear();
      forEachFeature(text, (hash) => {
        if (seen.has(hash)) return;
        seen.add(hash);
        let id = table.get(hash);
        if (id === undefined) {
          id = counts.length;
          table.set(hash, id);
          counts.push(new Map());
        }
        const byIntent = counts[id] as Map<number, number>;
        byIntent.set(current, (byIntent.get(current) ?? 0) + 1);
      });
    }
    return new NgramModel(intents, table, counts);
  }

  private lookup(hash: number): number {
    let slot = hash & this.mask;
    for (;;) {
      const id = this.ids[slot] ?? -1;
      if (id === -1 || this.slots[slot] === hash) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private readonly accumulate = (hash: number): void => {
    const id = this.lookup(hash);
    if (id < 0 || this.stamp[id] === this.generation) return;
    this.stamp[id] = this.generation;
    this.totalWeight += this.featureWeight[id] ?? 0;
    const end = this.offsets[id + 1] ?? 0;
    for (let posting = this.offsets[id] ?? 0; posting < end; posting += 1) {
      const intent = this.postingIntent[posting] ?? 0;
      this.sums[intent] = (this.sums[intent] ?? 0) + (this.postingWeight[posting] ?? 0);
    }
  };

  /**
   * Fills `sums` with a probability per intent (the model's intent order) for normalised `text`;
   * false when the text has no feature the model knows.
   */
  private probabilities(text: string): boolean {
    this.generation += 1;
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    this.sums.fill(0);
    this.totalWeight = 0;
    forEachFeature(text, this.accumulate);
    if (this.totalWeight === 0) return false;
    const count = this.intents.length;
    let best = Number.NEGATIVE_INFINITY;
    for (let intent = 0; intent < count; intent += 1) {
      // Mean weighted log-likelihood per feature: long and short messages get alike sharp scores.
      const value = (((this.sums[intent] ?? 0) - this.totalWeight * (this.logDenominator[intent] ?? 0)) / this.totalWeight) * TEMPERATURE;
      this.sums[intent] = value;
      if (value > best) best = value;
    }
    let total = 0;
    for (let intent = 0; intent < count; intent += 1) {
      const value = Math.exp((this.sums[intent] ?? 0) - best);
      this.sums[intent] = value;
      total += value;
    }
    for (let intent = 0; intent < count; intent += 1) this.sums[intent] = (this.sums[intent] ?? 0) / total;
    return true;
  }

  /**
   * A probability per intent for normalised `text`, best first; empty when the text has no
   * feature the model knows.
   */
  scores(text: string): IntentScore[] {
    if (!this.probabilities(text)) return [];
    return this.intents.map((intent, index) => ({ intent, score: this.sums[index] ?? 0 })).sort((a, b) => b.score - a.score);
  }

  /**
   * nlp.js's scores for normalised `text` averaged with this model's, `ngramWeight` on this side
   * (an intent nlp.js did not list counts 0 there), best first. When the model knows no feature
   * of the text, nlp.js's scores as they are.
   */
  blend(text: string, nlpjs: readonly IntentScore[], ngramWeight = NGRAM_WEIGHT): IntentScore[] {
    if (!this.probabilities(text)) return [...nlpjs];
    const keep = 1 - ngramWeight;
    for (let intent = 0; intent < this.intents.length; intent += 1) this.sums[intent] = ngramWeight * (this.sums[intent] ?? 0);
    const blended: IntentScore[] = [];
    for (const { intent, score } of nlpjs) {
      const index = this.intentIndex.get(intent);
      if (index === undefined) {
        blended.push({ intent, score: keep * score });
        continue;
      }
      this.sums[index] = (this.sums[index] ?? 0) + keep * score;
    }
    for (let intent = 0; intent < this.intents.length; intent += 1) blended.push({ intent: this.intents[intent] ?? '', score: this.sums[intent] ?? 0 });
    return blended.sort((a, b) => b.score - a.score);
  }
}
