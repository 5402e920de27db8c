/**
 * The intent module: content loading, the five-language NLU, the emergency safety net and the
 * decision policy, behind the `IntentsModule` contract (src/intents/contract.ts).
 */
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../core/message.js';
import { Classifier } from './classifier.js';
import type { ClassifyOptions, IntentResult, IntentsModule } from './contract.js';
import { INTENT_IDS, isEmergencyIntent } from './content/catalogue.js';
import { loadContent, type Content } from './content/loader.js';
import type { DataAnswerProvider } from './data/contract.js';
import { IntentEngine, type TrainingReport } from './engine.js';
import { LanguageDetector, type HintStrength } from './language.js';
import { normalizeForNlu, wordsOf } from './normalize.js';
import { createPolicy, type IntentsLogger } from './policy.js';
import { sharedSafetyNet, type SafetyNet } from './safety/index.js';

export { INTENT_IDS, EMERGENCY_INTENTS, NONE_INTENT } from './content/catalogue.js';
export { loadContent, type Content, type IntentContent } from './content/loader.js';
export { evaluate, formatEvaluation, parseEvalLines, type EvalLine, type EvaluationReport } from './evaluate.js';
export { matchSafetyRules, SAFETY_ANSWERS, POSSIBLE_RISK_ANSWERS, SafetyNet, sharedSafetyNet } from './safety/index.js';
export { INTENT_PAYLOAD_PREFIX, type IntentsLogger } from './policy.js';
export { normalizeText, normalizeForNlu } from './normalize.js';
export { languageFromHint, type HintStrength } from './language.js';
export { isStartTurn, WELCOME_PAYLOADS } from './policy.js';

/** The default content folder (`config/intents` at the project root). */
export const DEFAULT_CONTENT_DIR = fileURLToPath(new URL('../../config/intents/', import.meta.url));

export interface CreateIntentsOptions {
  /** Folder with the intent YAML files and policy.yaml; default `config/intents`. */
  readonly contentDir?: string;
  /** Data-backed answers (tax calendar, GTFS), asked first for the intents they declare. */
  readonly providers?: readonly DataAnswerProvider[];
  readonly logger?: IntentsLogger;
  /**
   * How much a participant's `locale` weighs in a turn: `profile` (default; a browser or platform
   * locale is a weak guess that clear evidence in the text overrides) or `explicit` (the operator
   * chose it, as `nlu try --lang` does).
   */
  readonly localeStrength?: HintStrength;
}

/** The module plus what the CLI, the benchmark and the editor need. */
export interface Intents extends IntentsModule {
  /** Every intent id of the catalogue (None included). */
  readonly catalogue: readonly string[];
  /** Training time per language and in total. */
  readonly training: TrainingReport;
  /** The safety net (its `trainingMs` and `trainedOn` say what its classifier cost and saw). */
  readonly safetyNet: SafetyNet;
  readonly content: Content;
  /** The raw nlp.js `process()` of one language model (benchmark comparison only). */
  rawProcess(language: Language, text: string): Promise<unknown>;
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
 * Loads the content, trains the five models (about 1–2 s) and the safety classifier (once per
 * process, see `sharedSafetyNet`) and returns the module.
 * Throws `HUB_ERR_CONTENT` (naming file, intent and fix) when the content is invalid.
 */
export async function createIntents(options: CreateIntentsOptions = {}): Promise<Intents> {
  const content = await loadContent(options.contentDir ?? DEFAULT_CONTENT_DIR);
  const engine = await IntentEngine.train(content);
  const corpus: Record<Language, string[]> = { es: [], ca: [], gl: [], eu: [], en: [] };
  for (const intent of content.intents.values()) {
    for (const language of LANGUAGES) corpus[language].push(...intent.utterances[language].map(normalizeForNlu));
  }
  const safetyNet = await sharedSafetyNet(content);
  const classifier = new Classifier(engine, new LanguageDetector(corpus), content.policy.thresholds, emergencyVocabularyOf(content), safetyNet);
  const { safety, understand } = createPolicy({
    classifier,
    content,
    providers: options.providers ?? [],
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.localeStrength === undefined ? {} : { localeStrength: options.localeStrength }),
  });
  options.logger?.info(
    { trainingMs: Math.round(engine.training.totalMs), utterances: engine.training.utterances, safetyTrainingMs: Math.round(safetyNet.trainedOn === 0 ? 0 : safetyNet.trainingMs), safetyExamples: safetyNet.trainedOn },
    'intent models trained',
  );
  return {
    safety,
    understand,
    catalogue: INTENT_IDS,
    training: engine.training,
    safetyNet,
    content,
    async classify(text: string, classifyOptions?: ClassifyOptions): Promise<IntentResult> {
      return (await classifier.analyze(text, classifyOptions)).result;
    },
    ready: () => true,
    rawProcess: (language, text) => engine.raw(language, text),
  };
}
