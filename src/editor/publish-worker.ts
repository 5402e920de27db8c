/**
 * Worker-thread entry: trains nlp.js models off the request path and returns their exported
 * JSON, plus the dev-set accuracy of the new model and of the live one (quality gate). It only
 * computes: it never touches the store or the live model.
 */
import { parentPort } from 'node:worker_threads';
import type { Language } from '../core/message.js';
import { corpusOf } from '../intents/engine.js';
import { createClassifier } from '../intents/module.js';
import { toIntentsContent } from './content-io.js';
import { accuracyOf, ImportedEngine, trainLanguage, unchangedLanguages, type DevLine, type ModelExport } from './model.js';
import type { EditorContent } from './types.js';

export interface TrainJob {
  readonly id: number;
  readonly content: EditorContent;
  readonly languages: readonly Language[];
  /** When present: measure accuracy on these lines, for the new model and for the baseline. */
  readonly devSet?: readonly DevLine[];
  /** The live version, to measure the same lines against; its model is trained here when null. */
  readonly baseline?: { readonly content: EditorContent; readonly model: ModelExport | null };
  /** A trained version (the live one) whose per-language models are kept where the corpus did not change. */
  readonly previous?: { readonly content: EditorContent; readonly model: ModelExport | null };
}

export type WorkerMessage =
  | { readonly id: number; readonly type: 'progress'; readonly stage: string; readonly percent: number; readonly language?: Language }
  | {
      readonly id: number;
      readonly type: 'result';
      readonly models: ModelExport;
      /** `models` already serialised for storage: the main thread must not stringify megabytes. */
      readonly modelsJson: string;
      readonly utterances: number;
      readonly trainMs: number;
      readonly accuracy: { readonly value: number; readonly baseline: number | null; readonly total: number } | null;
      readonly baselineModel: ModelExport | null;
    }
  | { readonly id: number; readonly type: 'error'; readonly message: string };

/**
 * Trains `content` in the job's languages. `reuse`: a trained version whose model is taken over for
 * each language whose corpus did not change (the live version when publishing), so an edit in one
 * language retrains that language only.
 */
async function train(
  job: TrainJob,
  content: EditorContent,
  progressFrom: number,
  progressTo: number,
  reuse?: { readonly content: EditorContent; readonly model: ModelExport | null },
): Promise<{ models: Record<string, string>; utterances: number }> {
  const intentsContent = toIntentsContent(content);
  const unchanged = unchangedLanguages(intentsContent, reuse === undefined ? undefined : { content: toIntentsContent(reuse.content), model: reuse.model }, job.languages);
  const models: Record<string, string> = {};
  let utterances = 0;
  for (const [index, language] of job.languages.entries()) {
    post({ id: job.id, type: 'progress', stage: 'train', language, percent: Math.round(progressFrom + ((progressTo - progressFrom) * index) / job.languages.length) });
    const kept = unchanged.has(language) ? reuse?.model?.[language] : undefined;
    if (kept !== undefined) {
      models[language] = kept;
      utterances += corpusOf(intentsContent, language).length;
      continue;
    }
    const trained = await trainLanguage(intentsContent, language);
    models[language] = trained.json;
    utterances += trained.utterances;
  }
  return { models, utterances };
}

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

async function run(job: TrainJob): Promise<void> {
  const started = performance.now();
  const evaluate = job.devSet !== undefined;
  const { models, utterances } = await train(job, job.content, 0, evaluate ? 70 : 100, job.previous);
  const trainMs = performance.now() - started;
  let accuracy: { value: number; baseline: number | null; total: number } | null = null;
  let baselineModel: ModelExport | null = null;
  if (job.devSet !== undefined) {
    const newContent = toIntentsContent(job.content);
    const known = new Set<string>(newContent.intents.keys());
    const lines = job.devSet.filter((line) => known.has(line.intent) && (line.lang === undefined || job.languages.includes(line.lang)));
    post({ id: job.id, type: 'progress', stage: 'evaluate', percent: 75 });
    const measured = await accuracyOf(await createClassifier(newContent, await ImportedEngine.fromExport(models)), lines);
    let baseline: number | null = null;
    if (job.baseline !== undefined) {
      baselineModel = job.baseline.model ?? (await train(job, job.baseline.content, 80, 95)).models;
      post({ id: job.id, type: 'progress', stage: 'evaluate', percent: 95 });
      baseline = (await accuracyOf(await createClassifier(toIntentsContent(job.baseline.content), await ImportedEngine.fromExport(baselineModel)), lines)).accuracy;
    }
    accuracy = { value: measured.accuracy, baseline, total: lines.length };
  }
  post({ id: job.id, type: 'result', models, modelsJson: JSON.stringify(models), utterances, trainMs, accuracy, baselineModel: job.baseline?.model === null ? baselineModel : null });
}

parentPort?.on('message', (job: TrainJob) => {
  run(job).catch((error: unknown) => post({ id: job.id, type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
