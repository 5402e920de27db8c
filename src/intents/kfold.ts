/**
 * Stratified k-fold cross-validation of the FAQ model on its own corpus (`nlu eval --kfold K`,
 * `npm run bench:nlu`): the distinct utterances of every (intent, language) are dealt over K folds;
 * for each fold the five language models and the safety net are trained on the other K−1 folds and
 * the held-out fold's FAQ lines (None included) are classified exactly as a live turn would. The
 * emergency intents stay in every training fold: they are the safety net's to evaluate.
 */
import { LANGUAGES } from '../core/message.js';
import { isEmergencyIntent } from './content/catalogue.js';
import type { Content, IntentContent } from './content/loader.js';
import { IntentEngine } from './engine.js';
import { classifyLines, summarizeOutcomes, type EvalLine, type EvaluationReport, type Outcome } from './evaluate.js';
import { createIntentsModule } from './module.js';
import { normalizeForNlu, normalizeText } from './normalize.js';
import { faqNegativesOf, SafetyNet, type SafetyExample } from './safety/index.js';
import { seededShuffle } from './seeded-shuffle.js';

export interface KfoldOptions {
  /** Number of folds (≥ 2; default 5). */
  readonly folds?: number;
  /** Seed of the deal (default 7): the same seed gives the same folds. */
  readonly seed?: number;
  /** The safety corpus each fold's net trains on (default: none, a rules-only net). */
  readonly safetyCorpus?: readonly SafetyExample[];
  /** Called after each fold (progress on a terminal). */
  readonly onFold?: (fold: number, folds: number, trainingMs: number) => void;
}

export interface KfoldReport extends EvaluationReport {
  readonly folds: number;
  /** Mean wall-clock time to train one fold's five models. */
  readonly meanTrainingMs: number;
}

interface Dealt {
  readonly intent: string;
  readonly language: (typeof LANGUAGES)[number];
  readonly text: string;
  readonly fold: number;
}

/**
 * Deals the distinct (normalised) utterances of each intent and language over `folds` folds, in a
 * seeded random order: every stratum is spread evenly, and a sentence written twice (with other
 * accents or capitals) can never sit on both sides of a split.
 */
export function dealFolds(content: Content, folds: number, seed = 7): Dealt[] {
  const dealt: Dealt[] = [];
  // A sentence written alike in two intents or languages (a Spanish phrase also in the Galician
  // list) goes to the fold it first went to: the Spanish reading of a mixed-language message would
  // otherwise find a held-out line among its training lines.
  const foldOf = new Map<string, number>();
  let stratum = 0;
  for (const intent of content.intents.values()) {
    for (const language of LANGUAGES) {
      const seen = new Set<string>();
      const distinct = intent.utterances[language].filter((text) => {
        const key = normalizeForNlu(text);
        if (key.length === 0 || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      // Each stratum starts on another fold so that small strata do not all fill fold 0 first.
      const shuffled = seededShuffle(distinct, seed + stratum);
      const sizes = new Array<number>(folds).fill(0);
      const fresh: string[] = [];
      for (const text of shuffled) {
        const fold = foldOf.get(normalizeForNlu(text));
        if (fold === undefined) fresh.push(text);
        else {
          sizes[fold] = (sizes[fold] ?? 0) + 1;
          dealt.push({ intent: intent.id, language, text, fold });
        }
      }
      // The others fill the smallest folds first (from this stratum's own starting fold), so the
      // stratum stays even.
      for (const text of fresh) {
        let fold = stratum % folds;
        for (let offset = 0; offset < folds; offset += 1) {
          const candidate = (stratum + offset) % folds;
          if ((sizes[candidate] ?? 0) < (sizes[fold] ?? 0)) fold = candidate;
        }
        sizes[fold] = (sizes[fold] ?? 0) + 1;
        foldOf.set(normalizeForNlu(text), fold);
        dealt.push({ intent: intent.id, language, text, fold });
      }
      stratum += 1;
    }
  }
  return dealt;
}

/** `content` with only the dealt utterances outside `fold` (answers, titles and policy unchanged). */
function trainingContent(content: Content, dealt: readonly Dealt[], fold: number): Content {
  const intents = new Map<string, IntentContent>();
  for (const intent of content.intents.values()) {
    const utterances = Object.fromEntries(
      LANGUAGES.map((language) => [language, dealt.filter((entry) => entry.fold !== fold && entry.intent === intent.id && entry.language === language).map((entry) => entry.text)]),
    ) as unknown as IntentContent['utterances'];
    intents.set(intent.id, { ...intent, utterances });
  }
  return { ...content, intents };
}

/**
 * Cross-validates the FAQ model on `content`. Throws `RangeError` when `folds` is not an integer ≥ 2.
 * Takes about `folds` times the training time of the whole corpus, plus classification.
 */
export async function crossValidateFaq(content: Content, options: KfoldOptions = {}): Promise<KfoldReport> {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${folds}`);
  const dealt = dealFolds(content, folds, options.seed);
  const outcomes: Outcome[] = [];
  let trainingMs = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const training = trainingContent(content, dealt, fold);
    const engine = await IntentEngine.train(training);
    trainingMs += engine.training.totalMs;
    const safetyNet = options.safetyCorpus === undefined || options.safetyCorpus.length === 0 ? SafetyNet.rulesOnly() : SafetyNet.train([...options.safetyCorpus, ...faqNegativesOf(training)], normalizeText);
    const module = await createIntentsModule(training, engine, { safetyNet });
    const lines: EvalLine[] = dealt
      .filter((entry) => entry.fold === fold && !isEmergencyIntent(entry.intent))
      .map((entry) => ({ text: entry.text, intent: entry.intent, lang: entry.language }));
    outcomes.push(...(await classifyLines(module, lines, { detectLanguage: false })));
    options.onFold?.(fold + 1, folds, engine.training.totalMs);
  }
  return { ...summarizeOutcomes(outcomes), folds, meanTrainingMs: trainingMs / folds };
}
