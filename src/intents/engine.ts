/**
 * The NLU engine: one nlp.js `Nlp` per language (es, ca, gl, eu, en), trained in memory from the
 * content's utterances. Never writes `model.nlp` (autoSave/autoLoad off) and never logs training.
 */
import { createRequire } from 'node:module';
import { containerBootstrap } from '@nlpjs/core';
import { LangCa } from '@nlpjs/lang-ca';
import { LangEn } from '@nlpjs/lang-en';
import { LangEs } from '@nlpjs/lang-es';
import { LangEu } from '@nlpjs/lang-eu';
import { LangGl } from '@nlpjs/lang-gl';
import { Nlp, type NlpjsProcessResult } from '@nlpjs/nlp';
import { LANGUAGES, type Language } from '../core/message.js';
import { trainingUtterances } from './answers.js';
import type { IntentScore } from './contract.js';
import type { Content } from './content/loader.js';
import { NONE_INTENT } from './content/catalogue.js';
import { nluTrainingText } from './normalize.js';
import { modelCacheKey, readCachedModels, writeCachedModels } from './model-cache.js';

const requireFromHere = createRequire(import.meta.url);

const LANGUAGE_PLUGINS: Readonly<Record<Language, unknown>> = {
  es: LangEs,
  ca: LangCa,
  gl: LangGl,
  eu: LangEu,
  en: LangEn,
};

/**
 * nlp.js's own threshold only rewrites its `intent`/`score` fields (to None with score 1); we read
 * the real scores from `classifications`, so this value only has to be explicit, not tuned.
 */
const NLPJS_THRESHOLD = 0.5;

/**
 * An untrained nlp.js model for one language with the hub's settings: never writes `model.nlp`
 * (autoSave/autoLoad off), explicit threshold, no training log, no sentiment or NER.
 * The editor's publish worker builds its models here too, so both score alike.
 */
export function createLanguageModel(language: Language): Nlp {
  const container = containerBootstrap();
  container.use(LANGUAGE_PLUGINS[language]);
  return new Nlp(
    {
      languages: [language],
      autoSave: false,
      autoLoad: false,
      threshold: NLPJS_THRESHOLD,
      nlu: { log: false },
      // Sentiment and NER are not used by the hub: skip their cost on every turn.
      calculateSentiment: false,
      forceNER: false,
    },
    container,
  );
}

/** The training documents of one language, `[normalised text, intent id]` in training order (what a model depends on). */
export function corpusOf(content: Content, language: Language): [string, string][] {
  const documents: [string, string][] = [];
  for (const intent of content.intents.values()) {
    const seen = new Set<string>();
    for (const utterance of trainingUtterances(intent, language)) {
      const normalized = nluTrainingText(utterance, language);
      if (normalized.length === 0 || seen.has(normalized)) continue;
      seen.add(normalized);
      documents.push([normalized, intent.id]);
    }
  }
  return documents;
}

/** Adds the content's utterances of one language (normalised, deduplicated per intent); returns how many. */
export function addCorpus(nlp: Nlp, content: Content, language: Language): number {
  const documents = corpusOf(content, language);
  for (const [text, intent] of documents) nlp.addDocument(language, text, intent);
  return documents.length;
}

export interface TrainingReport {
  /** Wall-clock milliseconds to train all languages. */
  readonly totalMs: number;
  readonly byLanguage: Readonly<Record<Language, number>>;
  readonly utterances: number;
  /** True when the models were imported from the model cache instead of trained. */
  readonly fromCache?: boolean;
}

export interface TrainOptions {
  /**
   * A folder for a disk cache of the trained models (the hub passes `<data dir>/models`): an
   * unchanged corpus is imported, not trained again.
   */
  readonly cacheDir?: string;
}

/** Everything besides the corpus that changes a trained model: part of the cache key. */
const ENGINE_SETTINGS = JSON.stringify({
  nlpjs: ['@nlpjs/nlp', '@nlpjs/nlu', '@nlpjs/neural'].map((name) => `${name}@${(requireFromHere(`${name}/package.json`) as { version: string }).version}`),
  threshold: NLPJS_THRESHOLD,
  format: 1,
});

/** The model cache key of corpora (per language, in training order) under this engine's settings. */
function cacheKeyOf(corpora: ReadonlyMap<Language, readonly [string, string][]>, languages: readonly Language[] = LANGUAGES): string {
  return modelCacheKey(
    languages.flatMap((language) => (corpora.get(language) ?? []).map(([text, intent]) => [language, text, intent] as const)),
    ENGINE_SETTINGS,
  );
}

/**
 * The model cache key (`model-cache.ts`) of the models `content` trains in `languages`, in its
 * own order (`createLanguageModel` + `addCorpus`, as the engine and the editor's worker train).
 */
export function corpusCacheKey(content: Content, languages: readonly Language[] = LANGUAGES): string {
  return cacheKeyOf(new Map(languages.map((language) => [language, corpusOf(content, language)] as const)), languages);
}

/** A trained engine for the five languages. */
export class IntentEngine {
  private constructor(
    private readonly models: ReadonlyMap<Language, Nlp>,
    readonly training: TrainingReport,
  ) {}

  /**
   * Trains one model per language from the content (a few seconds for the default corpus), or
   * imports them from `options.cacheDir` when the same corpus was trained before.
   */
  static async train(content: Content, options: TrainOptions = {}): Promise<IntentEngine> {
    const started = performance.now();
    const corpora = new Map(LANGUAGES.map((language) => [language, corpusOf(content, language)] as const));
    const utterances = [...corpora.values()].reduce((sum, documents) => sum + documents.length, 0);
    const key = options.cacheDir === undefined ? undefined : cacheKeyOf(corpora);
    const cached = options.cacheDir === undefined || key === undefined ? undefined : await readCachedModels(options.cacheDir, key);
    const models = new Map<Language, Nlp>();
    const byLanguage: Record<Language, number> = { es: 0, ca: 0, gl: 0, eu: 0, en: 0 };
    if (cached !== undefined && LANGUAGES.every((language) => typeof cached[language] === 'string')) {
      for (const language of LANGUAGES) {
        const languageStarted = performance.now();
        const nlp = createLanguageModel(language);
        (nlp as unknown as { import(data: string): void }).import(cached[language] as string);
        models.set(language, nlp);
        byLanguage[language] = performance.now() - languageStarted;
      }
      return new IntentEngine(models, { totalMs: performance.now() - started, byLanguage, utterances, fromCache: true });
    }
    const exported: Partial<Record<Language, string>> = {};
    for (const language of LANGUAGES) {
      const languageStarted = performance.now();
      const nlp = createLanguageModel(language);
      for (const [text, intent] of corpora.get(language) ?? []) nlp.addDocument(language, text, intent);
      await nlp.train();
      models.set(language, nlp);
      if (key !== undefined) exported[language] = (nlp as unknown as { export(minified: boolean): string }).export(true);
      byLanguage[language] = performance.now() - languageStarted;
    }
    if (options.cacheDir !== undefined && key !== undefined) await writeCachedModels(options.cacheDir, key, exported);
    return new IntentEngine(models, { totalMs: performance.now() - started, byLanguage, utterances, fromCache: false });
  }

  /** Classifier scores for already-normalised text, best first; `None` with score 1 for empty text. */
  async scores(language: Language, normalized: string): Promise<IntentScore[]> {
    if (normalized.length === 0) return [{ intent: NONE_INTENT, score: 1 }];
    const nlp = this.models.get(language);
    if (nlp === undefined) throw new Error(`no model for ${language}`);
    // The NLU manager alone: `process()` around it adds a context store, NER, answer rendering and
    // actions the hub does not use, and cost as much again as the classification itself. Same
    // settings as `process()` passes it, so the classifications are the same.
    const result = await nlp.nluManager.process({ locale: language, utterance: normalized, settings: { ...(nlp.settings.nlu as Record<string, unknown> | undefined) } });
    const classifications = result.classifications ?? [];
    if (classifications.length === 0) return [{ intent: NONE_INTENT, score: 1 }];
    return classifications
      .map(({ intent, score }) => ({ intent, score }))
      .sort((a, b) => b.score - a.score);
  }

  /** The raw nlp.js `process()` (for the benchmark's comparison). */
  raw(language: Language, text: string): Promise<NlpjsProcessResult> {
    const nlp = this.models.get(language);
    if (nlp === undefined) throw new Error(`no model for ${language}`);
    return nlp.process(language, text);
  }
}
