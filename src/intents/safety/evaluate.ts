/**
 * Honest figures for the safety net: stratified k-fold cross-validation (the rules are fixed, the
 * classifier retrains on k−1 folds and is measured on the held-out one), recall per line × language,
 * false alarms per language on the hard negatives, and every error listed.
 */
import { LANGUAGES, type Language } from '../../core/message.js';
import { EMERGENCY_INTENTS, isEmergencyIntent, type EmergencyIntent } from '../content/catalogue.js';
import type { SafetyExample } from './corpus.js';
import { bandOf, SafetyNet, type SafetyNetOptions, type SafetyThresholds, type SafetyVerdict } from './detector.js';
import { seededShuffle } from '../seeded-shuffle.js';

/** One held-out classification. */
export interface SafetyPrediction {
  readonly example: SafetyExample;
  readonly verdict: SafetyVerdict;
  /** The classifier's emergency probability (before the rules), for threshold sweeps. */
  readonly modelRisk: number;
  /** The classifier's most likely line. */
  readonly modelIntent: EmergencyIntent;
  /** The text names a danger concept (concepts.ts): without one the model cannot be definite. */
  readonly concept?: boolean;
  /** The verdict came from a phrase rule. */
  readonly rule: boolean;
}

export interface RecallCell {
  readonly total: number;
  /** Caught in either band, on any line (the citizen gets an emergency number). */
  readonly caught: number;
  /** Caught in the definite band. */
  readonly definite: number;
  /** Caught and on the right line (112/016/024). */
  readonly rightLine: number;
  readonly recall: number;
}

export interface FalseAlarmCell {
  readonly total: number;
  /** Negatives that got any alarm (either band). */
  readonly alarms: number;
  readonly definite: number;
  readonly possible: number;
  readonly rate: number;
}

export interface SafetyErrorLine {
  readonly text: string;
  readonly language: Language;
  readonly topic: string;
  readonly expected: string;
  /** `none`, or `<band> <intent>`. */
  readonly predicted: string;
  readonly risk: number;
}

export interface SafetyReport {
  /** Recall per emergency line and language (cells without examples are absent). */
  readonly recall: Readonly<Partial<Record<EmergencyIntent, Partial<Record<Language, RecallCell>>>>>;
  /** False alarms on the hard negatives (the corpus's `none` lines), per language. */
  readonly falseAlarms: Readonly<Partial<Record<Language, FalseAlarmCell>>>;
  /** False alarms on the other negatives that were evaluated (e.g. FAQ utterances), per language. */
  readonly otherFalseAlarms: Readonly<Partial<Record<Language, FalseAlarmCell>>>;
  /** Missed emergencies, wrong lines and false alarms. */
  readonly errors: readonly SafetyErrorLine[];
}

export interface KfoldOptions {
  readonly folds?: number;
  readonly seed?: number;
  readonly net?: SafetyNetOptions;
  /**
   * Negatives that are not hard negatives (FAQ utterances): folded and trained on like the corpus,
   * reported apart in `otherFalseAlarms`.
   */
  readonly extraNegatives?: readonly SafetyExample[];
}

export interface KfoldResult {
  readonly folds: number;
  readonly report: SafetyReport;
  readonly predictions: readonly SafetyPrediction[];
  /** Mean training time of one fold's classifier. */
  readonly meanTrainingMs: number;
}

/**
 * Assigns each example a fold in 0..folds-1 so that every (language, label) stratum is spread
 * evenly over the folds. Deterministic for a given seed.
 */
export function stratifiedFolds(examples: readonly SafetyExample[], folds: number, seed = 7): number[] {
  const strata = new Map<string, number[]>();
  examples.forEach((example, index) => {
    const key = `${example.language}|${example.label}|${example.topic === 'faq' ? 'faq' : 'corpus'}`;
    const list = strata.get(key) ?? [];
    list.push(index);
    strata.set(key, list);
  });
  const assignment = new Array<number>(examples.length).fill(0);
  let offset = 0;
  for (const key of [...strata.keys()].sort()) {
    // Rotating the start keeps small strata from always landing in fold 0.
    seededShuffle(strata.get(key) ?? [], seed).forEach((index, position) => {
      assignment[index] = (position + offset) % folds;
    });
    offset += 1;
  }
  return assignment;
}

const isHardNegative = (example: SafetyExample): boolean => example.label === 'none' && example.topic !== 'faq';

/** Builds the report from classified examples. */
export function summarize(predictions: readonly SafetyPrediction[]): SafetyReport {
  const recall: Partial<Record<EmergencyIntent, Partial<Record<Language, { total: number; caught: number; definite: number; rightLine: number }>>>> = {};
  const hard: Partial<Record<Language, { total: number; alarms: number; definite: number; possible: number }>> = {};
  const other: Partial<Record<Language, { total: number; alarms: number; definite: number; possible: number }>> = {};
  const errors: SafetyErrorLine[] = [];
  for (const { example, verdict } of predictions) {
    const predicted = verdict.band === 'none' ? 'none' : `${verdict.band} ${verdict.intent}`;
    if (isEmergencyIntent(example.label)) {
      const byLanguage = (recall[example.label] ??= {});
      const cell = (byLanguage[example.language] ??= { total: 0, caught: 0, definite: 0, rightLine: 0 });
      cell.total += 1;
      if (verdict.band !== 'none') {
        cell.caught += 1;
        if (verdict.band === 'definite') cell.definite += 1;
        if (verdict.intent === example.label) cell.rightLine += 1;
      }
      if (verdict.band === 'none' || verdict.intent !== example.label) {
        errors.push({ text: example.text, language: example.language, topic: example.topic, expected: example.label, predicted, risk: verdict.risk });
      }
    } else {
      const table = isHardNegative(example) ? hard : other;
      const cell = (table[example.language] ??= { total: 0, alarms: 0, definite: 0, possible: 0 });
      cell.total += 1;
      if (verdict.band !== 'none') {
        cell.alarms += 1;
        if (verdict.band === 'definite') cell.definite += 1;
        else cell.possible += 1;
        errors.push({ text: example.text, language: example.language, topic: example.topic, expected: 'none', predicted, risk: verdict.risk });
      }
    }
  }
  const withRates = (table: typeof hard): Partial<Record<Language, FalseAlarmCell>> =>
    Object.fromEntries(Object.entries(table).map(([language, cell]) => [language, { ...cell, rate: cell.total === 0 ? 0 : cell.alarms / cell.total }]));
  return {
    recall: Object.fromEntries(
      Object.entries(recall).map(([intent, byLanguage]) => [
        intent,
        Object.fromEntries(Object.entries(byLanguage).map(([language, cell]) => [language, { ...cell, recall: cell.total === 0 ? 1 : cell.caught / cell.total }])),
      ]),
    ),
    falseAlarms: withRates(hard),
    otherFalseAlarms: withRates(other),
    errors,
  };
}

/** Classifies examples with one net (no training): rules, then the classifier's bands. */
export function predictAll(net: SafetyNet, examples: readonly SafetyExample[], normalize: (text: string) => string): SafetyPrediction[] {
  return examples.map((example) => {
    const normalized = normalize(example.text);
    const verdict = net.assess(normalized);
    const model = net.score(normalized);
    return { example, verdict, modelRisk: model.risk, modelIntent: model.intent, concept: model.concept, rule: verdict.band !== 'none' && verdict.source === 'rule' };
  });
}

/**
 * Stratified k-fold cross-validation of the safety net over `examples` (plus `extraNegatives`):
 * the classifier is trained on k−1 folds and every example is classified exactly once, by the net
 * that did not see it.
 */
export function crossValidateSafety(examples: readonly SafetyExample[], normalize: (text: string) => string, options: KfoldOptions = {}): KfoldResult {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${folds}`);
  const all = [...examples, ...(options.extraNegatives ?? [])];
  const assignment = stratifiedFolds(all, folds, options.seed);
  const predictions = new Array<SafetyPrediction | undefined>(all.length);
  let trainingMs = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const training = all.filter((_, index) => assignment[index] !== fold);
    const net = SafetyNet.train(training, normalize, options.net);
    trainingMs += net.trainingMs;
    all.forEach((example, index) => {
      if (assignment[index] !== fold) return;
      const [prediction] = predictAll(net, [example], normalize);
      predictions[index] = prediction;
    });
  }
  const done = predictions.filter((prediction): prediction is SafetyPrediction => prediction !== undefined);
  return { folds, report: summarize(done), predictions: done, meanTrainingMs: trainingMs / folds };
}

/** Re-applies other thresholds to held-out predictions (rules still fire) and summarises. */
export function rethreshold(predictions: readonly SafetyPrediction[], thresholds: SafetyThresholds): SafetyReport {
  return summarize(
    predictions.map((prediction) => {
      if (prediction.rule) return prediction;
      const verdict: SafetyVerdict = bandOf(thresholds, prediction.modelRisk, prediction.modelIntent, prediction.concept ?? true);
      return { ...prediction, verdict };
    }),
  );
}

/** Pooled figures of a report: recall over all emergencies, false-alarm rate over hard negatives. */
export function pooled(report: SafetyReport): { recall: number; caught: number; emergencies: number; falseAlarmRate: number; alarms: number; negatives: number } {
  let caught = 0;
  let emergencies = 0;
  for (const byLanguage of Object.values(report.recall)) {
    for (const cell of Object.values(byLanguage)) {
      caught += cell.caught;
      emergencies += cell.total;
    }
  }
  let alarms = 0;
  let negatives = 0;
  for (const cell of Object.values(report.falseAlarms)) {
    alarms += cell.alarms;
    negatives += cell.total;
  }
  return { recall: emergencies === 0 ? 1 : caught / emergencies, caught, emergencies, falseAlarmRate: negatives === 0 ? 0 : alarms / negatives, alarms, negatives };
}

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

/** The human-readable report (one string per line); `errors` caps how many error lines to print. */
export function formatSafetyReport(report: SafetyReport, errors = 60): string[] {
  const out: string[] = [];
  out.push('Emergency recall (either band; right line in brackets; definite band after the slash):');
  out.push(`  ${'line'.padEnd(16)}${LANGUAGES.map((language) => language.padStart(27)).join('')}`);
  for (const intent of EMERGENCY_INTENTS) {
    const byLanguage = report.recall[intent] ?? {};
    const cells = LANGUAGES.map((language) => {
      const cell = byLanguage[language];
      return (cell === undefined ? '—' : `${percent(cell.recall)} ${cell.caught}/${cell.total} [${cell.rightLine}] /${cell.definite}`).padStart(27);
    });
    out.push(`  ${intent.padEnd(16)}${cells.join('')}`);
  }
  const alarms = (label: string, table: SafetyReport['falseAlarms']): void => {
    const cells = LANGUAGES.map((language) => {
      const cell = table[language];
      return (cell === undefined ? '—' : `${percent(cell.rate)} ${cell.alarms}/${cell.total} (d${cell.definite})`).padStart(27);
    });
    out.push(`  ${label.padEnd(16)}${cells.join('')}`);
  };
  out.push('False alarms (any band; definite in brackets):');
  alarms('hard negatives', report.falseAlarms);
  if (Object.keys(report.otherFalseAlarms).length > 0) alarms('FAQ utterances', report.otherFalseAlarms);
  const { recall, caught, emergencies, falseAlarmRate, alarms: count, negatives } = pooled(report);
  out.push(`Pooled: recall ${percent(recall)} (${caught}/${emergencies}), hard-negative false alarms ${percent(falseAlarmRate)} (${count}/${negatives})`);
  if (report.errors.length > 0) {
    out.push(`Errors (${report.errors.length}${report.errors.length > errors ? `, first ${errors}` : ''}): expected → predicted (risk) [lang/topic] text`);
    for (const error of report.errors.slice(0, errors)) {
      out.push(`  ${error.expected} → ${error.predicted} (${error.risk.toFixed(2)}) [${error.language}/${error.topic}] ${error.text}`);
    }
  }
  return out;
}
