/**
 * `npm run bench:safety`: the emergency safety net measured honestly.
 * 1. Stratified 5-fold cross-validation on config/safety (+ the FAQ utterances as ordinary
 *    negatives): recall per line × language, false alarms on the hard negatives per language.
 * 2. False alarms and emergency recall of the live net on the FAQ dev set and on the third-party
 *    eval sets in ../shared/data/eval (skipped visibly when absent; never trained on).
 * 3. Start-up training time, safety-step latency (p50/p99 per message, assess() on normalised
 *    text) and throughput, and the bad-input cases (empty, 10,000 characters, emoji, digits,
 *    mixed scripts) timed through the whole `classify`.
 * Set SAFETY_ERRORS=n to print n held-out errors (default 40).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEmergencyIntent } from '../src/intents/content/catalogue.js';
import { createIntents, parseEvalLines } from '../src/intents/index.js';
import { normalizeText } from '../src/intents/normalize.js';
import { crossValidateSafety, faqNegativesOf, formatSafetyReport, loadSafetyCorpus, pooled, rethreshold } from '../src/intents/safety/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const devSet = join(root, 'config/quality/nlu-dev.jsonl');
// `../shared` beside the repository; a git worktree one level deeper finds it one level up.
const evalDir = [join(root, '../shared/data/eval'), join(root, '../../shared/data/eval')].find((dir) => existsSync(dir)) ?? join(root, '../shared/data/eval');
const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;
const errorsToPrint = Number(process.env.SAFETY_ERRORS ?? 40);

const intents = await createIntents();
const net = intents.safetyNet;
console.log('== Safety classifier training (at start-up, once per process)');
console.log(`${net.trainingMs.toFixed(0)} ms on ${net.trainedOn} examples; thresholds possible ≥ ${net.thresholds.possible}, definite ≥ ${net.thresholds.definite}`);

console.log('\n== Stratified 5-fold cross-validation (rules fixed, classifier retrained per fold)');
const corpus = await loadSafetyCorpus();
const kfold = crossValidateSafety(corpus, normalizeText, { folds: 5, extraNegatives: faqNegativesOf(intents.content) });
console.log(`${corpus.length} corpus lines + FAQ utterances; mean training time per fold ${kfold.meanTrainingMs.toFixed(0)} ms`);
for (const line of formatSafetyReport(kfold.report, errorsToPrint)) console.log(line);
console.log('Targets: recall ≥ 99.5 % per line × language; hard-negative false alarms ≤ 1 %.');
console.log('Threshold sweep on the same held-out folds (possible / definite / possible without a danger concept):');
for (const possible of [0.3, 0.4, 0.5, 0.6]) {
  for (const withoutConcept of [0.7, 0.85, 0.95, 1.01]) {
    const swept = rethreshold(kfold.predictions, { possible, definite: net.thresholds.definite, possibleWithoutConcept: withoutConcept });
    const figures = pooled(swept);
    const faq = Object.values(swept.otherFalseAlarms).reduce((sum, cell) => sum + cell.alarms, 0) / Math.max(1, Object.values(swept.otherFalseAlarms).reduce((sum, cell) => sum + cell.total, 0));
    console.log(`  ${possible} / ${net.thresholds.definite} / ${withoutConcept}: recall ${pct(figures.recall)}, hard-negative false alarms ${pct(figures.falseAlarmRate)}, FAQ utterances ${pct(faq)}`);
  }
}

console.log('\n== Live net on sets it never trained on (emergency = either band)');
const sets: [string, string][] = [['nlu-dev', devSet]];
if (existsSync(evalDir)) {
  for (const file of readdirSync(evalDir).filter((name) => name.endsWith('.jsonl')).sort()) sets.push([file.replace(/\.jsonl$/, ''), join(evalDir, file)]);
} else {
  console.log(`(skipped: ${evalDir} not found — the third-party eval sets are optional)`);
}
for (const [name, path] of sets) {
  const lines = parseEvalLines(readFileSync(path, 'utf8'), path);
  let emergencies = 0;
  let caught = 0;
  let others = 0;
  let alarms = 0;
  let definite = 0;
  const examples: string[] = [];
  for (const line of lines) {
    const result = await intents.classify(line.text, line.lang === undefined ? {} : { languageHint: line.lang, languageHintStrength: 'explicit' });
    const alarm = result.safetyBand !== undefined;
    if (isEmergencyIntent(line.intent)) {
      emergencies += 1;
      if (alarm) caught += 1;
    } else {
      others += 1;
      if (alarm) {
        alarms += 1;
        if (result.safetyBand === 'definite') definite += 1;
        if (examples.length < 5) examples.push(`${result.safetyBand} ${result.intent}: ${line.text}`);
      }
    }
  }
  const recall = emergencies === 0 ? '' : `  recall ${pct(caught / emergencies)} (${caught}/${emergencies})`;
  console.log(`${name.padEnd(22)} false alarms ${pct(others === 0 ? 0 : alarms / others)} (${alarms}/${others}, definite ${definite})${recall}`);
  for (const example of examples) console.log(`    ${example}`);
}

console.log('\n== Independent held-out sets (test/fixtures/heldout; aggregate figures only, never trained or tuned on)');
for (const name of ['faq', 'safety']) {
  const path = join(root, 'test/fixtures/heldout', `${name}.jsonl`);
  if (!existsSync(path)) {
    console.log(`(skipped: ${path} not found)`);
    continue;
  }
  const lines = parseEvalLines(readFileSync(path, 'utf8'), path);
  // Counts only: the lines themselves are never printed, so nobody tunes to them.
  const recall = new Map<string, { caught: number; total: number }>();
  const alarms = new Map<string, { alarms: number; total: number }>();
  const sources = new Map<string, number>();
  let emergencies = 0;
  let caught = 0;
  let others = 0;
  let falseAlarms = 0;
  for (const line of lines) {
    const result = await intents.classify(line.text, line.lang === undefined ? {} : { languageHint: line.lang, languageHintStrength: 'explicit' });
    const alarm = result.safetyBand !== undefined;
    const language = line.lang ?? result.language;
    if (isEmergencyIntent(line.intent)) {
      emergencies += 1;
      if (alarm) caught += 1;
      for (const key of [line.intent, language]) {
        const cell = recall.get(key) ?? { caught: 0, total: 0 };
        cell.total += 1;
        if (alarm) cell.caught += 1;
        recall.set(key, cell);
      }
      continue;
    }
    others += 1;
    const cell = alarms.get(language) ?? { alarms: 0, total: 0 };
    cell.total += 1;
    if (alarm) {
      falseAlarms += 1;
      cell.alarms += 1;
      const verdict = net.assess(normalizeText(line.text));
      const source = verdict.band === 'none' ? 'nlu' : `${verdict.source}`;
      const key = `${result.safetyBand ?? ''}/${source}`;
      sources.set(key, (sources.get(key) ?? 0) + 1);
    }
    alarms.set(language, cell);
  }
  const recallText = emergencies === 0 ? '' : `  recall ${pct(caught / emergencies)} (${caught}/${emergencies}): ${[...recall.entries()].map(([key, cell]) => `${key} ${cell.caught}/${cell.total}`).join(', ')}`;
  console.log(`${`heldout/${name}`.padEnd(22)} false alarms ${pct(others === 0 ? 0 : falseAlarms / others)} (${falseAlarms}/${others}): ${[...alarms.entries()].map(([key, cell]) => `${key} ${cell.alarms}/${cell.total}`).join(', ')}${recallText}`);
  if (sources.size > 0) console.log(`    false alarms by band/source: ${[...sources.entries()].map(([key, count]) => `${key} ${count}`).join(', ')}`);
}

console.log('\n== Safety-step latency (assess() on normalised text, the corpus + dev set)');
const texts = [...corpus.map((example) => example.text), ...parseEvalLines(readFileSync(devSet, 'utf8'), devSet).map((line) => line.text)].map(normalizeText);
for (const text of texts.slice(0, 200)) net.assess(text);
const timings: number[] = [];
const started = performance.now();
for (let round = 0; round < 3; round += 1) {
  for (const text of texts) {
    const t = performance.now();
    net.assess(text);
    timings.push(performance.now() - t);
  }
}
const elapsed = performance.now() - started;
timings.sort((a, b) => a - b);
const at = (q: number): number => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))] ?? 0;
console.log(`p50 ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms (target ≤ 1 ms), max ${at(1).toFixed(3)} ms; throughput ${((timings.length / elapsed) * 1000).toFixed(0)} messages/s`);

console.log('\n== Bad input through the whole classify (target ≤ 5 ms, no exception)');
const badInput: [string, string][] = [
  ['empty', ''],
  ['10,000 characters', 'tengo una duda sobre la renta y el padrón. '.repeat(233).slice(0, 10_000)],
  ['10,000 chars, danger at the end', `${'consulta sobre el abono. '.repeat(400).slice(0, 9_960)} no respira`],
  ['only emoji', '😀🔥🚑💔🙏🏽👩‍👩‍👧'.repeat(20)],
  ['only digits', '0123456789 '.repeat(50)],
  ['mixed scripts', 'помогите 救命 مساعدة ayuda ☎︎ 112 '.repeat(10)],
];
for (const [name, text] of badInput) {
  await intents.classify(text);
  const runs: number[] = [];
  for (let index = 0; index < 20; index += 1) {
    const t = performance.now();
    await intents.classify(text);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  const result = await intents.classify(text);
  console.log(`${name.padEnd(34)} median ${(runs[10] ?? 0).toFixed(2)} ms, max ${(runs.at(-1) ?? 0).toFixed(2)} ms → ${result.intent}${result.safetyBand ? ` (${result.safetyBand})` : ''}`);
}
