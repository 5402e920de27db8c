/**
 * `ventanilla nlu try` and `ventanilla nlu eval`. The lead's CLI dispatches to these; they print
 * through `out` and return the process exit code (0 ok, 1 runtime/content error, 2 usage error).
 */
import { readFile } from 'node:fs/promises';
import { isHubError } from '../core/errors.js';
import type { InboundMessage, OutboundMessage } from '../core/message.js';
import { dryRunTurn } from '../core/pipeline.js';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createClock } from '../core/clock.js';
import { createDataProviders } from './data/index.js';
import { createIntents, evaluate, formatEvaluation, parseEvalLines, type Intents } from './index.js';
import { languageFromHint } from './language.js';

type Out = (line: string) => void;

interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg.startsWith('--')) {
      const [name = '', inline] = arg.slice(2).split('=', 2);
      const next = args[index + 1];
      if (inline !== undefined) flags.set(name, inline);
      else if (name !== 'json' && next !== undefined && !next.startsWith('--')) {
        flags.set(name, next);
        index += 1;
      } else flags.set(name, true);
    } else positional.push(arg);
  }
  return { positional, flags };
}

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

export async function runNluTry(args: string[], out: Out): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const text = positional.join(' ');
  const lang = flags.get('lang');
  if (text.trim().length === 0 || lang === true || (typeof lang === 'string' && languageFromHint(lang) === undefined)) {
    out('usage: ventanilla nlu try "texto" [--lang es|ca|gl|eu|en]');
    return 2;
  }
  try {
    // `--lang` is the operator's explicit choice: it weighs more than a browser or platform locale.
    const intents = await createIntents({ ...(await liveOptions()), ...(typeof lang === 'string' ? { localeStrength: 'explicit' as const } : {}) });
    const result = await intents.classify(text, typeof lang === 'string' ? { languageHint: lang, languageHintStrength: 'explicit' } : {});
    out(`intent:   ${result.intent}${result.safety ? '  (safety net)' : ''}`);
    out(`score:    ${result.score.toFixed(3)}`);
    out(`language: ${result.language} (${result.languageSource})`);
    out(`top:      ${result.alternatives.slice(0, 3).map((candidate) => `${candidate.intent} ${candidate.score.toFixed(2)}`).join(', ')}`);
    out('answer:');
    for (const line of await replyFor(intents, text, typeof lang === 'string' ? lang : undefined)) out(`  ${line}`);
    return 0;
  } catch (error) {
    return reportError(error, out);
  }
}

/** `nlu eval --file F.jsonl [--json]`: accuracy report (or one JSON object with `--json`). */
export async function runNluEval(args: string[], out: Out): Promise<number> {
  const { flags } = parseArgs(args);
  const file = flags.get('file');
  if (typeof file !== 'string') {
    out('usage: ventanilla nlu eval --file F.jsonl [--json]');
    return 2;
  }
  try {
    const lines = parseEvalLines(await readFile(file, 'utf8'), file);
    const intents = await createIntents(await liveOptions());
    const report = await evaluate(intents, lines);
    if (flags.get('json') === true) {
      const { errors: _errors, ...summary } = report;
      out(JSON.stringify(summary));
    } else {
      for (const line of formatEvaluation(report)) out(line);
    }
    return 0;
  } catch (error) {
    return reportError(error, out);
  }
}
