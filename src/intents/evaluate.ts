/**
 * `nlu eval`: classifies labelled lines exactly as a live turn would (safety net included) and
 * computes accuracy, per-language and per-intent accuracy, out-of-scope precision/recall and the
 * emergency figures.
 */
import { HubError } from '../core/errors.js';
import { isLanguage, type Language } from '../core/message.js';
import type { IntentsModule } from './contract.js';
import { NONE_INTENT, isEmergencyIntent } from './content/catalogue.js';

/** One labelled line: `{"text": "...", "intent": "<id>", "lang": "xx"}` (`lang` optional). */
export interface EvalLine {
  readonly text: string;
  readonly intent: string;
  readonly lang?: Language;
}

export interface Tally {
  readonly accuracy: number;
  readonly correct: number;
  readonly total: number;
}

export interface EvaluationReport {
  readonly accuracy: number;
  readonly total: number;
  readonly byLanguage: Readonly<Record<string, Tally>>;
  readonly byIntent: Readonly<Record<string, Tally>>;
  readonly outOfScope: { readonly precision: number; readonly recall: number };
  /** Share of `emergencia.*` lines classified as any `emergencia.*` intent. */
  readonly emergencyRecall: number;
  /** Share of non-emergency lines classified as an emergency. */
  readonly emergencyFalseAlarmRate: number;
  /** Language chosen without the line's `lang` hint vs the label (lines with `lang` only). */
  readonly languageDetectionAccuracy: number | null;
  /** Most frequent (expected → predicted) errors, most frequent first. */
  readonly confusions: readonly { readonly expected: string; readonly predicted: string; readonly count: number }[];
  /** Expected intent → predicted intent → lines. */
  readonly matrix: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Every misclassified line (`nlu eval --errors` prints them). */
  readonly errors: readonly { readonly text: string; readonly expected: string; readonly predicted: string; readonly score: number; readonly lang: string }[];
}

/**
 * Parses JSONL. Throws `HUB_ERR_BAD_PAYLOAD` naming the line number on invalid JSON or a line
 * without `text`/`intent`. Blank lines are skipped.
 */
export function parseEvalLines(source: string, fileName = 'input'): EvalLine[] {
  const lines: EvalLine[] = [];
  source.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new HubError('HUB_ERR_BAD_PAYLOAD', `${fileName}:${index + 1}: not valid JSON. Fix: one JSON object per line`, { cause: error });
    }
    const record = value as { text?: unknown; intent?: unknown; lang?: unknown };
    if (typeof record.text !== 'string' || typeof record.intent !== 'string') {
      throw new HubError('HUB_ERR_BAD_PAYLOAD', `${fileName}:${index + 1}: needs string fields "text" and "intent"`);
    }
    lines.push({ text: record.text, intent: record.intent, ...(isLanguage(record.lang) ? { lang: record.lang } : {}) });
  });
  return lines;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 1 : part / whole);

function bump(map: Map<string, { correct: number; total: number }>, key: string, correct: boolean): void {
  const tally = map.get(key) ?? { correct: 0, total: 0 };
  tally.total += 1;
  if (correct) tally.correct += 1;
  map.set(key, tally);
}

function toRecord(map: Map<string, { correct: number; total: number }>): Record<string, Tally> {
  const record: Record<string, Tally> = {};
  for (const [key, tally] of [...map.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    record[key] = { accuracy: ratio(tally.correct, tally.total), correct: tally.correct, total: tally.total };
  }
  return record;
}

/** How one line was classified. */
export interface Outcome {
  readonly line: EvalLine;
  readonly predicted: string;
  readonly score: number;
  /** The language the turn used (the hint when the line has `lang`). */
  readonly language: string;
  /** The language chosen without the hint (lines with `lang`, when detection is measured). */
  readonly detected?: string;
}

/**
 * Classifies every line with the module's `classify` (the line's `lang` is the channel hint) and,
 * with `detectLanguage` (default true), once more without the hint to measure language detection.
 */
export async function classifyLines(module: Pick<IntentsModule, 'classify'>, lines: readonly EvalLine[], options: { readonly detectLanguage?: boolean } = {}): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const line of lines) {
    const result = await module.classify(line.text, line.lang === undefined ? {} : { languageHint: line.lang, languageHintStrength: 'explicit' });
    const detected = line.lang !== undefined && options.detectLanguage !== false ? (await module.classify(line.text)).language : undefined;
    outcomes.push({ line, predicted: result.intent, score: result.score, language: result.language, ...(detected === undefined ? {} : { detected }) });
  }
  return outcomes;
}

/** Classifies every line (see {@link classifyLines}) and summarises. */
export async function evaluate(module: Pick<IntentsModule, 'classify'>, lines: readonly EvalLine[]): Promise<EvaluationReport> {
  return summarizeOutcomes(await classifyLines(module, lines));
}

/** The report of classified lines: accuracy, per language and intent, None P/R, emergencies, confusions. */
export function summarizeOutcomes(outcomes: readonly Outcome[]): EvaluationReport {
  const byLanguage = new Map<string, { correct: number; total: number }>();
  const byIntent = new Map<string, { correct: number; total: number }>();
  const confusions = new Map<string, number>();
  const matrix: Record<string, Record<string, number>> = {};
  const errors: EvaluationReport['errors'][number][] = [];
  let correct = 0;
  let predictedNone = 0;
  let truePredictedNone = 0;
  let actualNone = 0;
  let emergencies = 0;
  let emergenciesCaught = 0;
  let nonEmergencies = 0;
  let falseAlarms = 0;
  let detected = 0;
  let detectedCorrect = 0;
  for (const { line, predicted, score, language, detected: detectedLanguage } of outcomes) {
    const ok = predicted === line.intent;
    if (ok) correct += 1;
    bump(byLanguage, line.lang ?? language, ok);
    bump(byIntent, line.intent, ok);
    const row = (matrix[line.intent] ??= {});
    row[predicted] = (row[predicted] ?? 0) + 1;
    if (!ok) {
      const key = `${line.intent}\u0000${predicted}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
      errors.push({ text: line.text, expected: line.intent, predicted, score, lang: language });
    }
    if (predicted === NONE_INTENT) {
      predictedNone += 1;
      if (line.intent === NONE_INTENT) truePredictedNone += 1;
    }
    if (line.intent === NONE_INTENT) actualNone += 1;
    if (isEmergencyIntent(line.intent)) {
      emergencies += 1;
      if (isEmergencyIntent(predicted)) emergenciesCaught += 1;
    } else {
      nonEmergencies += 1;
      if (isEmergencyIntent(predicted)) falseAlarms += 1;
    }
    if (detectedLanguage !== undefined) {
      detected += 1;
      if (detectedLanguage === line.lang) detectedCorrect += 1;
    }
  }
  return {
    accuracy: ratio(correct, outcomes.length),
    total: outcomes.length,
    byLanguage: toRecord(byLanguage),
    byIntent: toRecord(byIntent),
    outOfScope: { precision: ratio(truePredictedNone, predictedNone), recall: ratio(truePredictedNone, actualNone) },
    emergencyRecall: ratio(emergenciesCaught, emergencies),
    emergencyFalseAlarmRate: nonEmergencies === 0 ? 0 : falseAlarms / nonEmergencies,
    languageDetectionAccuracy: detected === 0 ? null : detectedCorrect / detected,
    confusions: [...confusions.entries()]
      .map(([key, count]) => {
        const [expected = '', predicted = ''] = key.split('\u0000');
        return { expected, predicted, count };
      })
      .sort((a, b) => b.count - a.count)
      .slice(0, 15),
    matrix,
    errors,
  };
}

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

/** The human-readable report of `nlu eval` (one string per line). */
export function formatEvaluation(report: EvaluationReport): string[] {
  const out: string[] = [];
  out.push(`Lines: ${report.total}   accuracy: ${percent(report.accuracy)}`);
  out.push(`Out of scope (None): precision ${percent(report.outOfScope.precision)}, recall ${percent(report.outOfScope.recall)}`);
  out.push(`Emergencies: recall ${percent(report.emergencyRecall)}, false alarms ${percent(report.emergencyFalseAlarmRate)}`);
  if (report.languageDetectionAccuracy !== null) out.push(`Language detection without hint: ${percent(report.languageDetectionAccuracy)}`);
  out.push('', 'By language:');
  for (const [language, tally] of Object.entries(report.byLanguage)) {
    out.push(`  ${language.padEnd(4)} ${percent(tally.accuracy).padStart(8)}  (${tally.correct}/${tally.total})`);
  }
  out.push('', 'By intent:');
  for (const [intent, tally] of Object.entries(report.byIntent)) {
    out.push(`  ${intent.padEnd(30)} ${percent(tally.accuracy).padStart(8)}  (${tally.correct}/${tally.total})`);
  }
  if (report.confusions.length > 0) {
    out.push('', 'Most frequent confusions (expected → predicted):');
    for (const confusion of report.confusions) out.push(`  ${String(confusion.count).padStart(4)}  ${confusion.expected} → ${confusion.predicted}`);
  }
  return out;
}

/** `nlu eval --errors`: every misclassified line, expected → predicted with its score. */
export function formatErrors(report: EvaluationReport): string[] {
  const out = [`Misclassified lines: ${report.errors.length}`];
  for (const error of report.errors) {
    out.push(`  [${error.lang}] ${error.expected} → ${error.predicted} (${error.score.toFixed(2)})  ${JSON.stringify(error.text)}`);
  }
  return out;
}

/**
 * The confusion matrix: one row per expected intent, one column per predicted intent (numbered,
 * the key below the table), the diagonal being the correct lines.
 */
export function formatConfusionMatrix(report: EvaluationReport): string[] {
  const labels = [...new Set([...Object.keys(report.matrix), ...Object.values(report.matrix).flatMap((row) => Object.keys(row))])].sort((a, b) => a.localeCompare(b));
  const width = Math.max(3, ...Object.values(report.matrix).flatMap((row) => Object.values(row).map((count) => String(count).length + 1)));
  const name = Math.max(...labels.map((label) => label.length), 8) + 5;
  const out = ['Confusion matrix (rows: expected, columns: predicted):'];
  out.push(`${''.padEnd(name)}${labels.map((_, index) => String(index + 1).padStart(width)).join('')}`);
  labels.forEach((label, index) => {
    const row = report.matrix[label];
    if (row === undefined) return;
    const cells = labels.map((predicted) => {
      const count = row[predicted] ?? 0;
      return (count === 0 ? '.' : String(count)).padStart(width);
    });
    out.push(`${`${String(index + 1).padStart(3)} ${label}`.padEnd(name)}${cells.join('')}`);
  });
  return out;
}
