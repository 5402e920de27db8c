/**
 * nlp.js models for the editor: training from content and exporting to JSON (in the publish
 * worker), importing the JSON back (on the main thread, fast), and evaluating a model on a dev
 * set exactly as a live turn classifies (the intents module's Classifier, safety rules included).
 *
 * Models come from the engine's own `createLanguageModel`/`addCorpus`, so an imported model scores
 * exactly like one the engine trains.
 */
import type { Nlp } from '@nlpjs/nlp';
import { LANGUAGES, type Language } from '../core/message.js';
import type { Classifier } from '../intents/classifier.js';
import type { IntentScore } from '../intents/contract.js';
import { NONE_INTENT } from '../intents/content/catalogue.js';
import type { Content } from '../intents/content/loader.js';
import { addCorpus, corpusOf, createLanguageModel } from '../intents/engine.js';

/** The exported models: one nlp.js `export()` JSON string per language. */
export type ModelExport = Readonly<Partial<Record<Language, string>>>;

const createNlp = createLanguageModel;

/** Trains one language from the content (the same corpus rules as the engine: normalised, deduplicated). */
export async function trainLanguage(content: Content, language: Language): Promise<{ json: string; utterances: number }> {
  const nlp = createNlp(language);
  const utterances = addCorpus(nlp, content, language);
  await nlp.train();
  return { json: (nlp as unknown as { export(minified: boolean): string }).export(true), utterances };
}

/**
 * The languages whose trained model can be taken over from `previous` unchanged: its model for
 * that language exists and its corpus (normalised documents in training order, all a model
 * depends on in one engine build) is identical to `next`'s. A publish that only touched Spanish
 * then trains Spanish alone instead of all five languages.
 */
export function unchangedLanguages(next: Content, previous: { readonly content: Content; readonly model: ModelExport | null } | undefined, languages: readonly Language[]): Set<Language> {
  const same = new Set<Language>();
  if (previous === undefined || previous.model === null) return same;
  for (const language of languages) {
    if (typeof previous.model[language] !== 'string') continue;
    if (JSON.stringify(corpusOf(next, language)) === JSON.stringify(corpusOf(previous.content, language))) same.add(language);
  }
  return same;
}

/** A scoring engine over imported models, with the same `scores()` contract as the intents engine. */
export class ImportedEngine {
  private constructor(private readonly models: ReadonlyMap<Language, Nlp>) {}

  /**
   * Imports the exported models (tens of milliseconds per language, no training), yielding to
   * the event loop between languages so turns keep flowing while a new version loads.
   */
  static async fromExport(models: ModelExport): Promise<ImportedEngine> {
    const map = new Map<Language, Nlp>();
    for (const language of LANGUAGES) {
      const json = models[language];
      if (json === undefined) continue;
      await new Promise<void>((resolve) => setImmediate(resolve));
      const nlp = createNlp(language);
      (nlp as unknown as { import(data: string): void }).import(json);
      map.set(language, nlp);
    }
    return new ImportedEngine(map);
  }

  hasLanguage(language: Language): boolean {
    return this.models.has(language);
  }

  /** Classifier scores for normalised text, best first; `None` with score 1 for empty text or a missing model. */
  async scores(language: Language, normalized: string): Promise<IntentScore[]> {
    const nlp = this.models.get(language);
    if (normalized.length === 0 || nlp === undefined) return [{ intent: NONE_INTENT, score: 1 }];
    const result = await nlp.process(language, normalized);
    const classifications = result.classifications ?? [];
    if (classifications.length === 0) return [{ intent: NONE_INTENT, score: 1 }];
    return classifications.map(({ intent, score }) => ({ intent, score })).sort((a, b) => b.score - a.score);
  }

  /** The raw nlp.js result (diagnostics). */
  raw(language: Language, text: string): ReturnType<Nlp['process']> {
    const nlp = this.models.get(language);
    if (nlp === undefined) throw new Error(`no model for ${language}`);
    return nlp.process(language, text);
  }
}

/** One line of the dev set (`config/quality/nlu-dev.jsonl`). */
export interface DevLine {
  readonly text: string;
  readonly intent: string;
  readonly lang?: Language;
}

/** Parses JSONL dev lines, skipping blank and malformed lines. */
export function parseDevSet(text: string): DevLine[] {
  const lines: DevLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const value = JSON.parse(raw) as { text?: unknown; intent?: unknown; lang?: unknown };
      if (typeof value.text !== 'string' || typeof value.intent !== 'string') continue;
      lines.push({ text: value.text, intent: value.intent, ...(typeof value.lang === 'string' && (LANGUAGES as readonly string[]).includes(value.lang) ? { lang: value.lang as Language } : {}) });
    } catch {
      continue;
    }
  }
  return lines;
}

/** Accuracy of a classifier on dev lines (1 for an empty set). */
export async function accuracyOf(classifier: Classifier, lines: readonly DevLine[]): Promise<{ accuracy: number; correct: number; total: number }> {
  let correct = 0;
  for (const line of lines) {
    const { result } = await classifier.analyze(line.text, line.lang === undefined ? {} : { languageHint: line.lang });
    if (result.intent === line.intent) correct += 1;
  }
  return { accuracy: lines.length === 0 ? 1 : correct / lines.length, correct, total: lines.length };
}
