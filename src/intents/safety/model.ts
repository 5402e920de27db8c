/**
 * A small text classifier for the safety net: multinomial logistic regression over hashed
 * character n-grams (3–5, across word boundaries) and word unigrams and bigrams.
 *
 * Why this and not the FAQ's nlp.js model: nlp.js scores stemmed whole words, so a word it has not
 * seen ("atraganta", "amenazándome", a misspelling, a Basque suffix) contributes nothing, while
 * character n-grams share evidence between "atragantando", "atragantó" and "atraganto". Logistic
 * regression gives probabilities that a threshold chosen by cross-validation can rely on.
 *
 * Cost: one pass over the text (no allocation per n-gram: hashes are rolled in place) and one
 * multiply-add per feature and class. Training is plain SGD with L2 decay on the touched weights,
 * deterministic for a given seed.
 */

/** FNV-1a offset basis and prime (32 bits). */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_SEED = 0x5bd1e995;
const MIN_GRAM = 3;
const MAX_GRAM = 5;

export interface NgramModelOptions {
  /** log2 of the number of hash buckets (default 18 = 262,144). */
  readonly bucketBits?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
  /** L2 decay applied to the weights an example touches. */
  readonly l2?: number;
  readonly seed?: number;
}

/** A labelled text for training (already normalised). */
export interface TrainingText {
  readonly text: string;
  readonly label: string;
  /** Example weight (default 1). */
  readonly weight?: number;
}

const step = (hash: number, code: number): number => Math.imul(hash ^ code, FNV_PRIME);

/**
 * The hashed feature indices of a normalised text, with repeats (a feature seen twice counts twice).
 * Letters, digits and apostrophes are kept; every other run of characters becomes one space.
 */
export function featuresOf(text: string, mask: number, out: number[] = []): number[] {
  out.length = 0;
  // Character n-grams over " word word " with single spaces between words.
  const chars: number[] = [32];
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const keep = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 39 || code > 127 ? code : 32;
    if (keep === 32 && chars[chars.length - 1] === 32) continue;
    chars.push(keep);
  }
  if (chars[chars.length - 1] !== 32) chars.push(32);
  for (let start = 0; start < chars.length; start += 1) {
    let hash = FNV_OFFSET;
    for (let length = 1; length <= MAX_GRAM && start + length <= chars.length; length += 1) {
      hash = step(hash, chars[start + length - 1] ?? 32);
      if (length >= MIN_GRAM) out.push((hash >>> 0) & mask);
    }
  }
  // Words and word bigrams, hashed from another seed so they never share a bucket on purpose.
  let previous = 0;
  let hasPrevious = false;
  let word = WORD_SEED;
  let inWord = false;
  for (let index = 1; index < chars.length; index += 1) {
    const code = chars[index] ?? 32;
    if (code !== 32) {
      word = step(word, code);
      inWord = true;
      continue;
    }
    if (!inWord) continue;
    out.push((word >>> 0) & mask);
    if (hasPrevious) out.push((step(Math.imul(previous, 31), word) >>> 0) & mask);
    previous = word;
    hasPrevious = true;
    word = WORD_SEED;
    inWord = false;
  }
  return out;
}

/** mulberry32: a tiny seeded PRNG, so training is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Multinomial logistic regression over hashed n-grams. */
export class NgramClassifier {
  private readonly scratch: number[] = [];

  private constructor(
    /** Class names, in the order of {@link probabilities}. */
    readonly classes: readonly string[],
    private readonly weights: Float32Array,
    private readonly bias: Float64Array,
    private readonly mask: number,
  ) {}

  /** Trains on normalised texts. Throws when a label is not in `classes`. */
  static train(examples: readonly TrainingText[], classes: readonly string[], options: NgramModelOptions = {}): NgramClassifier {
    const bits = options.bucketBits ?? 18;
    const mask = (1 << bits) - 1;
    const classCount = classes.length;
    const weights = new Float32Array((mask + 1) * classCount);
    const bias = new Float64Array(classCount);
    // 10 epochs: k-fold false alarms a point lower than 5 at the same recall, for ~1 s more at start-up.
    const epochs = options.epochs ?? 10;
    const rate = options.learningRate ?? 0.4;
    const l2 = options.l2 ?? 1e-5;
    const next = random(options.seed ?? 17);
    const encoded = examples.map((example) => {
      const label = classes.indexOf(example.label);
      if (label === -1) throw new Error(`unknown label ${example.label}`);
      const features = featuresOf(example.text, mask, []);
      return { features, value: features.length === 0 ? 0 : 1 / Math.sqrt(features.length), label, weight: example.weight ?? 1 };
    });
    const order = encoded.map((_, index) => index);
    const scores = new Float64Array(classCount);
    let seen = 0;
    const total = epochs * encoded.length;
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      for (let index = order.length - 1; index > 0; index -= 1) {
        const swap = Math.floor(next() * (index + 1));
        const held = order[index] ?? 0;
        order[index] = order[swap] ?? 0;
        order[swap] = held;
      }
      for (const position of order) {
        const example = encoded[position];
        if (example === undefined) continue;
        // Learning rate decays linearly to a tenth over the run.
        const learningRate = rate * (1 - (0.9 * seen) / total);
        seen += 1;
        NgramClassifier.scoresInto(weights, bias, classCount, example.features, example.value, scores);
        for (let c = 0; c < classCount; c += 1) {
          const gradient = ((scores[c] ?? 0) - (c === example.label ? 1 : 0)) * example.weight;
          if (gradient === 0) continue;
          const delta = learningRate * gradient * example.value;
          for (const feature of example.features) {
            const at = feature * classCount + c;
            const current = weights[at] ?? 0;
            weights[at] = current - delta - learningRate * l2 * current;
          }
          bias[c] = (bias[c] ?? 0) - learningRate * gradient * 0.1;
        }
      }
    }
    return new NgramClassifier(classes, weights, bias, mask);
  }

  /** Softmax over the classes for `features` (writes into `into`). */
  private static scoresInto(weights: Float32Array, bias: Float64Array, classCount: number, features: readonly number[], value: number, into: Float64Array): void {
    let max = -Infinity;
    for (let c = 0; c < classCount; c += 1) {
      let sum = bias[c] ?? 0;
      for (const feature of features) sum += (weights[feature * classCount + c] ?? 0) * value;
      into[c] = sum;
      if (sum > max) max = sum;
    }
    let norm = 0;
    for (let c = 0; c < classCount; c += 1) {
      const exp = Math.exp((into[c] ?? 0) - max);
      into[c] = exp;
      norm += exp;
    }
    for (let c = 0; c < classCount; c += 1) into[c] = (into[c] ?? 0) / norm;
  }

  /** Class probabilities (same order as {@link classes}) for a normalised text. Never throws. */
  probabilities(text: string): Float64Array {
    const features = featuresOf(text, this.mask, this.scratch);
    const out = new Float64Array(this.classes.length);
    NgramClassifier.scoresInto(this.weights, this.bias, this.classes.length, features, features.length === 0 ? 0 : 1 / Math.sqrt(features.length), out);
    return out;
  }
}
