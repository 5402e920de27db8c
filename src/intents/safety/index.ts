/**
 * The emergency safety net: phrase rules, a classifier trained on the safety corpus, the
 * definite / possible bands, its answers and its k-fold evaluation.
 */
export { matchSafetyRules, isSafetyIdiom, withoutIdioms, type SafetyMatch } from './patterns.js';
export { SAFETY_ANSWERS, POSSIBLE_RISK_ANSWERS } from './answers.js';
export { DEFAULT_SAFETY_DIR, SAFETY_LABELS, loadSafetyCorpus, parseSafetyCorpus, type SafetyExample, type SafetyLabel } from './corpus.js';
export { DEFAULT_SAFETY_THRESHOLDS, SafetyNet, type SafetyBand, type SafetyNetOptions, type SafetyThresholds, type SafetyVerdict } from './detector.js';
export { crossValidateSafety, formatSafetyReport, pooled, predictAll, rethreshold, stratifiedFolds, summarize, type KfoldOptions, type KfoldResult, type SafetyPrediction, type SafetyReport } from './evaluate.js';
export { faqNegativesOf } from './faq-negatives.js';
export { sharedSafetyNet } from './shared.js';
