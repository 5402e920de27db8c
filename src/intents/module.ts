/**
 * The one way to turn content and trained models into the hub's intents module: the language
 * detector and the emergency vocabulary built from the content, the classifier, and the decision
 * policy. `createIntents` (models trained at start-up) and the editor's publish (models trained in
 * its worker and imported) both build here, so a published version answers exactly as a fresh
 * start on the same content would.
 */
import { LANGUAGES, type Language } from '../core/message.js';
import { trainingUtterances } from './answers.js';
import { Classifier } from './classifier.js';
import type { IntentResult, IntentScore, IntentsModule } from './contract.js';
import { isEmergencyIntent } from './content/catalogue.js';
import type { Content } from './content/loader.js';
import type { DataAnswerProvider } from './data/contract.js';
import type { IntentEngine } from './engine.js';
import { LanguageDetector, type HintStrength } from './language.js';
import { expandColloquial, normalizeForNlu, wordsOf } from './normalize.js';
import { NgramModel } from './ngram.js';
import { createPolicy, type IntentsLogger } from './policy.js';
import { SpellingCorrector } from './spelling.js';
import { sharedSafetyNet, type SafetyNet } from './safety/index.js';

/** What the classifier needs of a model: scores for normalised text, best first. */
export interface ScoringEngine {
  scores(language: Language, normalized: string): Promise<IntentScore[]>;
}

export interface IntentsModuleOptions {
  /** Data-backed answers (tax calendar, GTFS), asked first for the intents they declare. */
  readonly providers?: readonly DataAnswerProvider[];
  readonly logger?: IntentsLogger;
  /**
   * How much a participant's `locale` weighs in a turn: `profile` (default; a browser or platform
   * locale is a weak guess that clear evidence in the text overrides) or `explicit` (the operator
   * chose it, as `nlu try --lang` does).
   */
  readonly localeStrength?: HintStrength;
  /**
   * The safety net to use instead of the process's shared one (k-fold evaluation trains one per
   * fold, so that no held-out FAQ line is among its negatives).
   */
  readonly safetyNet?: SafetyNet;
}

/** Per language, the words that appear in emergency utterances and in no other intent's. */
export function emergencyVocabularyOf(content: Content): Record<Language, Set<string>> {
  const result = {} as Record<Language, Set<string>>;
  for (const language of LANGUAGES) {
    const emergency = new Set<string>();
    const other = new Set<string>();
    for (const intent of content.intents.values()) {
      const target = isEmergencyIntent(intent.id) ? emergency : other;
      for (const utterance of intent.utterances[language]) for (const word of wordsOf(normalizeForNlu(utterance))) target.add(word);
    }
    result[language] = new Set([...emergency].filter((word) => !other.has(word)));
  }
  return result;
}

/**
 * Utterances normalised by earlier builds of this process. A publish (and every instance that loads
 * it) rebuilds the classifier from content that is mostly unchanged, and normalising every
 * utterance twice was most of that build (hundreds of ms on a busy machine, on the request thread).
 * Bounded: cleared when it grows past the size of a few corpora.
 */
const normalizedUtterances = new Map<string, string>();
const NORMALIZED_CACHE_LIMIT = 200_000;

function normalizedUtterance(text: string): string {
  let normalized = normalizedUtterances.get(text);
  if (normalized === undefined) {
    normalized = normalizeForNlu(text);
    if (normalizedUtterances.size >= NORMALIZED_CACHE_LIMIT) normalizedUtterances.clear();
    normalizedUtterances.set(text, normalized);
  }
  return normalized;
}

/**
 * The classifier over `engine` for `content`: language detection from the content's normalised
 * utterances, the policy thresholds, the emergency vocabulary and the shared safety net. Yields to the event loop while
 * it builds (a publish builds one on the request thread).
 */
export async function createClassifier(content: Content, engine: ScoringEngine, safetyNet?: SafetyNet): Promise<Classifier> {
  const corpus = Object.fromEntries(LANGUAGES.map((language) => [language, [...content.intents.values()].flatMap((intent) => intent.utterances[language].map(normalizedUtterance))])) as Record<Language, string[]>;
  const detector = await LanguageDetector.build(corpus);
  // The Classifier only calls `scores()`: a trained engine and an imported one both provide it.
  // The safety net is the process's shared one: a publish must never switch its classifier off.
  // The corrector knows every word the model learnt (Spanish phrases a language falls back on
  // included), so it never "corrects" them away; the detector learns each language's own phrases.
  // Shorthands written out as the classifier writes them out in a message (`nluTrainingText`).
  const documents = (language: Language): [string, string][] =>
    [...content.intents.values()].flatMap((intent) => trainingUtterances(intent, language).map((utterance): [string, string] => [expandColloquial(normalizedUtterance(utterance), language), intent.id]));
  const spelling = {} as Record<Language, SpellingCorrector>;
  const ngram = {} as Record<Language, NgramModel>;
  for (const language of LANGUAGES) {
    const learnt = documents(language);
    spelling[language] = new SpellingCorrector(learnt.map(([text]) => text));
    ngram[language] = NgramModel.train(learnt);
    // A publish builds this on the request thread: let other requests in between languages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return new Classifier(engine as unknown as IntentEngine, detector, content.policy.thresholds, emergencyVocabularyOf(content), safetyNet ?? (await sharedSafetyNet(content)), spelling, ngram);
}

/** The intents module (safety net, understand chain, classify) for content and a model. */
export async function createIntentsModule(content: Content, engine: ScoringEngine, options: IntentsModuleOptions = {}): Promise<IntentsModule> {
  const classifier = await createClassifier(content, engine, options.safetyNet);
  const { safety, understand } = createPolicy({
    classifier,
    content,
    providers: options.providers ?? [],
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.localeStrength === undefined ? {} : { localeStrength: options.localeStrength }),
  });
  return {
    safety,
    understand,
    async classify(text, classifyOptions): Promise<IntentResult> {
      return (await classifier.analyze(text, classifyOptions)).result;
    },
    ready: () => true,
  };
}
