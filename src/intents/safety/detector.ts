/**
 * The layered safety net that runs first on every message:
 * 1. phrase rules (patterns.ts): high precision, always a definite emergency;
 * 2. a classifier trained on the safety corpus (model.ts): its emergency probability puts the
 *    message in the `definite` band, the `possible` band, or nowhere, by thresholds chosen with
 *    k-fold cross-validation (`npm run bench:safety`).
 * Known idioms ("me muero de risa") are removed before the classifier reads the text.
 */
import { EMERGENCY_INTENTS, type EmergencyIntent } from '../content/catalogue.js';
import type { SafetyExample, SafetyLabel } from './corpus.js';
import { SAFETY_LABELS } from './corpus.js';
import { NgramClassifier, type NgramModelOptions } from './model.js';
import { hasDangerConcept } from './concepts.js';
import { matchSafetyRules, withoutIdioms } from './patterns.js';

/** How sure the safety net is: `definite` alarms at once; `possible` answers and offers help. */
export type SafetyBand = 'definite' | 'possible';

/** What the safety net concluded for one text. */
export type SafetyVerdict =
  | { readonly band: 'none'; readonly risk: number }
  | {
      readonly band: SafetyBand;
      readonly intent: EmergencyIntent;
      /** Emergency probability of the classifier (1 for a rule). */
      readonly risk: number;
      readonly source: 'rule' | 'model';
      /** The rule that fired (`emergencia.112#3`), for logs and tests. */
      readonly rule?: string;
    };

export interface SafetyThresholds {
  /** Classifier emergency probability at or above which the alarm is definite (needs a danger concept). */
  readonly definite: number;
  /** At or above this (and below `definite`) the risk is possible, when the text names a danger concept. */
  readonly possible: number;
  /**
   * Without any danger concept (concepts.ts) the classifier can only raise a possible risk, and
   * only at or above this probability: relatives and third persons ("mi madre", "my son") are no
   * danger on their own. Default: `definite`.
   */
  readonly possibleWithoutConcept?: number;
}

/**
 * Chosen by stratified 5-fold cross-validation on the safety corpus plus the FAQ utterances
 * (`npm run bench:safety` prints the sweep). With the danger-concept gate, `possible` 0.4 and
 * `possibleWithoutConcept` 0.85 give about 93.5 % held-out recall (either band) with about 5.5 %
 * of the hard negatives (written to share the emergencies' words) and 0.4 % of FAQ utterances in
 * a band (4,174 corpus lines, December 2026). No threshold reaches 1 % of hard negatives at a
 * useful recall (0.6: 88 % recall, 2.6 %); 0.3 buys 2 points of recall for 2 points of hard
 * negatives and 0.3 of FAQ utterances. The possible band only answers, gives the number and
 * offers a person, so recall wins, but not at any price on ordinary questions. `definite` 0.85
 * (and a concept) keeps false definite alarms, which hand the chat to the emergency queue, near 1 %.
 */
export const DEFAULT_SAFETY_THRESHOLDS: SafetyThresholds = { definite: 0.85, possible: 0.4, possibleWithoutConcept: 0.85 };

/**
 * What the classifier reads (the text without idioms) and whether it names a danger concept.
 * Concept marker features were tried and dropped: k-fold recall and false alarms were both worse
 * than with the plain n-grams, the concept working as a gate only.
 */
export function modelTextOf(withoutIdiomsText: string): { text: string; concept: boolean } {
  return { text: withoutIdiomsText, concept: hasDangerConcept(withoutIdiomsText) };
}

/**
 * Words (and 5-letter stems of longer words) that are evidence of danger in the training corpus:
 * seen in at least two emergencies and far more often there than in the negatives. The
 * classifier may only alarm on text that has one: on unfamiliar text ("marry me", "i want to go
 * marienplatz") a discriminative model's probabilities mean little, and silence is right.
 */
export class DangerVocabulary {
  private constructor(private readonly tokens: ReadonlySet<string>) {}

  /** The tokens of a normalised text: words and the 5-letter stems of words of 6+ letters. */
  static tokensOf(text: string): string[] {
    const tokens: string[] = [];
    for (const word of text.split(/[^\p{L}\p{N}']+/u)) {
      if (word.length < 3) continue;
      tokens.push(word);
      if (word.length >= 6) tokens.push(`${word.slice(0, 5)}~`);
    }
    return tokens;
  }

  /** Learns the vocabulary from normalised texts (`emergency`: any of the three lines). */
  static learn(texts: readonly { text: string; emergency: boolean }[]): DangerVocabulary {
    const inEmergencies = new Map<string, number>();
    const inOthers = new Map<string, number>();
    let emergencies = 0;
    for (const { text, emergency } of texts) {
      if (emergency) emergencies += 1;
      const target = emergency ? inEmergencies : inOthers;
      for (const token of new Set(DangerVocabulary.tokensOf(text))) target.set(token, (target.get(token) ?? 0) + 1);
    }
    const others = texts.length - emergencies;
    const tokens = new Set<string>();
    for (const [token, count] of inEmergencies) {
      // Seen twice or more, and at least DANGER_RATIO times more often (per text) than in the
      // negatives, with one pseudo-count on the negative side.
      if (count >= 2 && count / Math.max(1, emergencies) >= (DANGER_RATIO * ((inOthers.get(token) ?? 0) + 1)) / Math.max(1, others)) tokens.add(token);
    }
    return new DangerVocabulary(tokens);
  }

  /** True when the text has at least one danger token. */
  has(text: string): boolean {
    return DangerVocabulary.tokensOf(text).some((token) => this.tokens.has(token));
  }

  get size(): number {
    return this.tokens.size;
  }
}

const DANGER_RATIO = 4;
/** Word salads added to the negatives (see {@link backgroundNegatives}). */
const BACKGROUND_NEGATIVES = 1500;


/**
 * Word salads drawn from the negatives' own words: they teach the classifier that everyday words
 * ("want", "friend", "me") are no evidence on their own, so unfamiliar text stays quiet.
 */
function backgroundNegatives(negatives: readonly string[], count: number): string[] {
  const words = negatives.flatMap((text) => text.split(' ')).filter((word) => word.length > 0);
  if (words.length === 0) return [];
  let state = 99;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const out: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const length = 2 + Math.floor(next() * 8);
    const picked: string[] = [];
    for (let position = 0; position < length; position += 1) picked.push(words[Math.floor(next() * words.length)] ?? '');
    out.push(picked.join(' '));
  }
  return out;
}

/** Messages longer than this are read in overlapping windows (the highest risk wins). */
const WINDOW = 320;
const WINDOW_STEP = 200;

export interface SafetyNetOptions {
  readonly thresholds?: SafetyThresholds;
  readonly model?: NgramModelOptions;
}

/** The classifier's classes, emergencies first. */
const CLASSES: readonly SafetyLabel[] = SAFETY_LABELS;
const NONE_INDEX = CLASSES.indexOf('none');

/** Splits long text into windows at spaces; short text is one window. Linear in the length. */
export function windowsOf(text: string): string[] {
  if (text.length <= WINDOW) return [text];
  const windows: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + WINDOW);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + WINDOW / 2) end = space;
    }
    windows.push(text.slice(start, end));
    if (end >= text.length) break;
    let nextStart = start + WINDOW_STEP;
    const space = text.indexOf(' ', nextStart);
    if (space !== -1 && space < end) nextStart = space + 1;
    start = nextStart;
  }
  return windows;
}

/** The safety net: rules plus an optional trained classifier. */
export class SafetyNet {
  private constructor(
    private readonly model: NgramClassifier | undefined,
    private readonly vocabulary: DangerVocabulary | undefined,
    readonly thresholds: SafetyThresholds,
    /** Wall-clock milliseconds the classifier took to train (0 without one). */
    readonly trainingMs: number,
    /** Examples the classifier trained on. */
    readonly trainedOn: number,
  ) {}

  /** Trains the classifier on labelled examples (texts are normalised by the caller's `normalize`). */
  static train(examples: readonly SafetyExample[], normalize: (text: string) => string, options: SafetyNetOptions = {}): SafetyNet {
    const started = performance.now();
    // Each group (the three lines, the hard negatives, the FAQ utterances) weighs the same in
    // total: the many FAQ utterances must not drown the few hard negatives or the emergencies.
    const groupOf = (example: SafetyExample): string => (example.topic === 'faq' ? `${example.label}:faq` : example.label);
    const counts = new Map<string, number>();
    for (const example of examples) counts.set(groupOf(example), (counts.get(groupOf(example)) ?? 0) + 1);
    const perGroup = examples.length / Math.max(1, counts.size);
    const texts = examples.map((example) => ({
      text: withoutIdioms(normalize(example.text)),
      label: example.label,
      weight: perGroup / (counts.get(groupOf(example)) ?? 1),
    }));
    const background = backgroundNegatives(texts.filter((text) => text.label === 'none').map((text) => text.text), BACKGROUND_NEGATIVES);
    const model = NgramClassifier.train([...texts, ...background.map((text) => ({ text, label: 'none' as const }))], CLASSES, options.model);
    const vocabulary = DangerVocabulary.learn(texts.map(({ text, label }) => ({ text, emergency: label !== 'none' })));
    return new SafetyNet(model, vocabulary, options.thresholds ?? DEFAULT_SAFETY_THRESHOLDS, performance.now() - started, examples.length);
  }

  /** A net with the phrase rules only (no classifier): what runs when no corpus is available. */
  static rulesOnly(): SafetyNet {
    return new SafetyNet(undefined, undefined, DEFAULT_SAFETY_THRESHOLDS, 0, 0);
  }

  /** The same classifier with other thresholds (for evaluation sweeps). */
  withThresholds(thresholds: SafetyThresholds): SafetyNet {
    return new SafetyNet(this.model, this.vocabulary, thresholds, this.trainingMs, this.trainedOn);
  }

  /**
   * The classifier's emergency probability and most likely line, over all windows of the text;
   * `concept` says whether the best window names a danger concept.
   */
  score(normalized: string): { risk: number; intent: EmergencyIntent; concept: boolean } {
    let best = { risk: 0, intent: EMERGENCY_INTENTS[0] as EmergencyIntent, concept: false };
    if (this.model === undefined) return best;
    const text = withoutIdioms(normalized);
    const windows = windowsOf(text);
    // One scan of the whole text first: most long messages name no danger at all, and then no
    // window needs its own scan.
    const anyConcept = windows.length === 1 ? undefined : hasDangerConcept(text);
    // Nor, then, any learned danger word: a long ordinary message costs two scans, not one per window.
    if (anyConcept === false && this.vocabulary !== undefined && !this.vocabulary.has(text)) return best;
    for (const window of windows) {
      const { text: modelText, concept } = anyConcept === false ? { text: window, concept: false } : modelTextOf(window);
      if (!concept && this.vocabulary !== undefined && !this.vocabulary.has(window)) continue;
      const probabilities = this.model.probabilities(modelText);
      const risk = 1 - (probabilities[NONE_INDEX] ?? 1);
      // A window with a danger concept outranks one without at the same risk.
      if (risk < best.risk || (risk === best.risk && (best.concept || !concept))) continue;
      let intent: EmergencyIntent = EMERGENCY_INTENTS[0];
      let top = -1;
      EMERGENCY_INTENTS.forEach((candidate) => {
        const probability = probabilities[CLASSES.indexOf(candidate)] ?? 0;
        if (probability > top) {
          top = probability;
          intent = candidate;
        }
      });
      best = { risk, intent, concept };
    }
    return best;
  }

  /** Assesses normalised text (`normalizeText` output). Never throws; linear in the text's length. */
  assess(normalized: string): SafetyVerdict {
    const match = matchSafetyRules(normalized);
    if (match) return { band: 'definite', intent: match.intent, risk: 1, source: 'rule', rule: match.rule };
    const { risk, intent, concept } = this.score(normalized);
    return bandOf(this.thresholds, risk, intent, concept);
  }
}

/**
 * The band for a classifier probability: definite needs a danger concept; without one only a
 * possible risk, at a higher bar, so an ordinary question about a mother or a son stays quiet.
 */
export function bandOf(thresholds: SafetyThresholds, risk: number, intent: EmergencyIntent, concept: boolean): SafetyVerdict {
  if (concept) {
    if (risk >= thresholds.definite) return { band: 'definite', intent, risk, source: 'model' };
    if (risk >= thresholds.possible) return { band: 'possible', intent, risk, source: 'model' };
    return { band: 'none', risk };
  }
  if (risk >= (thresholds.possibleWithoutConcept ?? thresholds.definite)) return { band: 'possible', intent, risk, source: 'model' };
  return { band: 'none', risk };
}
