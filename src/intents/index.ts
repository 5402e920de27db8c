/**
 * The intent module: content loading, the five-language NLU, the emergency safety net and the
 * decision policy, behind the `IntentsModule` contract (src/intents/contract.ts).
 */
import { fileURLToPath } from 'node:url';
import type { Language } from '../core/message.js';
import type { IntentsModule } from './contract.js';
import { INTENT_IDS } from './content/catalogue.js';
import { loadContent, type Content } from './content/loader.js';
import { IntentEngine, type TrainingReport } from './engine.js';
import { createIntentsModule, type IntentsModuleOptions } from './module.js';
import { sharedSafetyNet, type SafetyNet } from './safety/index.js';

export { INTENT_IDS, EMERGENCY_INTENTS, NONE_INTENT } from './content/catalogue.js';
export { loadContent, type Content, type IntentContent } from './content/loader.js';
export { evaluate, formatEvaluation, parseEvalLines, type EvalLine, type EvaluationReport } from './evaluate.js';
export { matchSafetyRules, SAFETY_ANSWERS, POSSIBLE_RISK_ANSWERS, SafetyNet, sharedSafetyNet } from './safety/index.js';
export { INTENT_PAYLOAD_PREFIX, type IntentsLogger } from './policy.js';
export { normalizeText, normalizeForNlu } from './normalize.js';
export { languageFromHint, type HintStrength } from './language.js';
export { isStartTurn, WELCOME_PAYLOADS } from './policy.js';
export { createClassifier, createIntentsModule, emergencyVocabularyOf, type IntentsModuleOptions, type ScoringEngine } from './module.js';

/** The default content folder (`config/intents` at the project root). */
export const DEFAULT_CONTENT_DIR = fileURLToPath(new URL('../../config/intents/', import.meta.url));

export interface CreateIntentsOptions extends IntentsModuleOptions {
  /** Folder with the intent YAML files and policy.yaml; default `config/intents`. */
  readonly contentDir?: string;
  /** A folder for the disk cache of trained models (see `IntentEngine.train`); none by default. */
  readonly modelCacheDir?: string;
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

/**
 * Loads the content, trains the five models (about 1–2 s) and the safety classifier (once per
 * process, see `sharedSafetyNet`) and returns the module.
 * Throws `HUB_ERR_CONTENT` (naming file, intent and fix) when the content is invalid.
 */
export async function createIntents(options: CreateIntentsOptions = {}): Promise<Intents> {
  const content = await loadContent(options.contentDir ?? DEFAULT_CONTENT_DIR);
  const engine = await IntentEngine.train(content, options.modelCacheDir === undefined ? {} : { cacheDir: options.modelCacheDir });
  const safetyNet = await sharedSafetyNet(content);
  const module = await createIntentsModule(content, engine, options);
  options.logger?.info(
    { trainingMs: Math.round(engine.training.totalMs), fromCache: engine.training.fromCache === true, utterances: engine.training.utterances, safetyTrainingMs: Math.round(safetyNet.trainedOn === 0 ? 0 : safetyNet.trainingMs), safetyExamples: safetyNet.trainedOn },
    'intent models trained',
  );
  return {
    ...module,
    catalogue: INTENT_IDS,
    training: engine.training,
    safetyNet,
    content,
    rawProcess: (language, text) => engine.raw(language, text),
  };
}
