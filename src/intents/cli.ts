/**
 * `ventanilla nlu try` and `ventanilla nlu eval`. The lead's CLI dispatches to these; they print
 * through `out` and return the process exit code (0 ok, 1 runtime/content error, 2 usage error).
 */
import { readFile } from 'node:fs/promises';
import { parseCommand, printExit, usageError } from '../cli/args.js';
import { NLU_EVAL, NLU_TRY } from '../cli/commands.js';
import { isHubError } from '../core/errors.js';
import type { InboundMessage, OutboundMessage } from '../core/message.js';
import { dryRunTurn } from '../core/pipeline.js';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createClock } from '../core/clock.js';
import { createDataProviders } from './data/index.js';
import { createIntents, evaluate, formatEvaluation, loadContent, parseEvalLines, type EvaluationReport, type Intents } from './index.js';
import { formatConfusionMatrix, formatErrors } from './evaluate.js';
import { crossValidateFaq } from './kfold.js';
import { loadSafetyCorpus } from './safety/index.js';
import { languageFromHint } from './language.js';

type Out = (line: string) => void;

function describe(message: OutboundMessage): string[] {
  if (message.kind === 'text') return [message.text];
  if (message.kind === 'choices') return [message.text, ...message.choices.map((choice, index) => `  ${index + 1}. ${choice.title}`)];
  return [`[${message.mimeType}] ${message.url}`];
}

/** Runs one text through the safety net and `understand` exactly as a live turn, with a fresh conversation. */
async function replyFor(intents: Intents, text: string, locale: string | undefined): Promise<string[]> {
  const now = createClock()();
  const participant = { channel: 'terminal' as const, id: 'nlu-try', ...(locale === undefined ? {} : { locale }) };
  const inbound: InboundMessage = { id: 'nlu-try-1', conversationKey: 'terminal:nlu-try', from: participant, receivedAt: now, kind: 'text', text };
  const ctx = await dryRunTurn([intents.safety, ...intents.understand], inbound, now);
  const lines = ctx.replies.flatMap((reply) => describe(reply.message));
  if (ctx.handoff) lines.push(`[handoff: reason=${ctx.handoff.reason} priority=${ctx.handoff.priority}${ctx.handoff.queue ? ` queue=${ctx.handoff.queue}` : ''}]`);
  return lines;
}

function reportError(error: unknown, out: Out): number {
  out(isHubError(error) ? `${error.code}: ${error.message}` : `error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}

/** `nlu try "texto" [--lang xx]`: prints intent, score, language (and how it was chosen) and the answer. */
/**
 * The same content and data-backed answers (tax calendar, GTFS) as the running hub, so the CLI
 * answers exactly as a live turn would.
 */
async function liveOptions(): Promise<{ contentDir: string; providers: Awaited<ReturnType<typeof createDataProviders>> }> {
  const config = loadConfig();
  const providers = await createDataProviders({ dataDir: config.dataDir, configDir: config.configDir, clock: createClock() });
  return { contentDir: join(config.configDir, 'intents'), providers };
}

export async function runNluTry(args: readonly string[], out: Out, err: Out = out): Promise<number> {
  const parsed = parseCommand(NLU_TRY, args);
  if (!parsed.ok) return printExit(parsed, out, err);
  const text = parsed.positionals.join(' ');
  const lang = parsed.values.lang;
  if (text.trim().length === 0) return printExit(usageError(NLU_TRY, 'the text to classify is empty'), out, err);
  if (lang !== undefined && languageFromHint(lang) === undefined) return printExit(usageError(NLU_TRY, `--lang ${lang}: use es, ca, gl, eu or en`), out, err);
  try {
    // `--lang` is the operator's explicit choice: it weighs more than a browser or platform locale.
    const intents = await createIntents({ ...(await liveOptions()), ...(lang !== undefined ? { localeStrength: 'explicit' as const } : {}) });
    const result = await intents.classify(text, lang !== undefined ? { languageHint: lang, languageHintStrength: 'explicit' } : {});
    out(`intent:   ${result.intent}${result.safety ? '  (safety net)' : ''}`);
    out(`score:    ${result.score.toFixed(3)}`);
    out(`language: ${result.language} (${result.languageSource})`);
    out(`top:      ${result.alternatives.slice(0, 3).map((candidate) => `${candidate.intent} ${candidate.score.toFixed(2)}`).join(', ')}`);
    out('answer:');
    for (const line of await replyFor(intents, text, lang !== undefined ? lang : undefined)) out(`  ${line}`);
    return 0;
  } catch (error) {
    return reportError(error, err);
  }
}

/**
 * `nlu eval --file F.jsonl | --kfold K [--errors] [--json]`: accuracy report of a labelled file, or
 * stratified k-fold cross-validation of the own corpus (`config/intents`); `--errors` adds every
 * misclassified line and the confusion matrix; `--json` prints one JSON object instead.
 */
export async function runNluEval(args: readonly string[], out: Out, err: Out = out): Promise<number> {
  const parsed = parseCommand(NLU_EVAL, args);
  if (!parsed.ok) return printExit(parsed, out, err);
  const { file, kfold, errors, json } = parsed.values;
  if ((file === undefined) === (kfold === undefined)) return printExit(usageError(NLU_EVAL, 'give either --file or --kfold'), out, err);
  const folds = kfold === undefined ? undefined : Number(kfold);
  if (folds !== undefined && (!Number.isInteger(folds) || folds < 2 || folds > 20)) return printExit(usageError(NLU_EVAL, `--kfold ${kfold ?? ''}: a whole number from 2 to 20`), out, err);
  try {
    let report: EvaluationReport;
    let header: string[] = [];
    if (folds === undefined) {
      const lines = parseEvalLines(await readFile(file ?? '', 'utf8'), file);
      const intents = await createIntents(await liveOptions());
      report = await evaluate(intents, lines);
    } else {
      const config = loadConfig();
      const content = await loadContent(join(config.configDir, 'intents'));
      const kfoldReport = await crossValidateFaq(content, { folds, safetyCorpus: await loadSafetyCorpus(join(config.configDir, 'safety')), ...(json === true ? {} : { onFold: (fold, total, ms) => err(`fold ${fold}/${total} trained in ${Math.round(ms)} ms`) }) });
      report = kfoldReport;
      header = [`Stratified ${folds}-fold cross-validation of ${join(config.configDir, 'intents')} (FAQ intents and None; mean training ${Math.round(kfoldReport.meanTrainingMs)} ms per fold)`];
    }
    if (json === true) {
      const { errors: errorLines, matrix, ...summary } = report;
      out(JSON.stringify(errors === true ? { ...summary, matrix, errors: errorLines } : summary));
    } else {
      for (const line of [...header, ...formatEvaluation(report)]) out(line);
      if (errors === true) for (const line of ['', ...formatErrors(report), '', ...formatConfusionMatrix(report)]) out(line);
    }
    return 0;
  } catch (error) {
    return reportError(error, err);
  }
}
