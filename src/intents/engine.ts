/**
 * The NLU engine: one nlp.js `Nlp` per language (es, ca, gl, eu, en), trained in memory from the
 * content's utterances. Never writes `model.nlp` (autoSave/autoLoad off) and never logs training.
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangCa } from '@nlpjs/lang-ca';
import { LangEn } from '@nlpjs/lang-en';
import { LangEs } from '@nlpjs/lang-es';
import { LangEu } from '@nlpjs/lang-eu';
import { LangGl } from '@nlpjs/lang-gl';
import { Nlp, type NlpjsProcessResult } from '@nlpjs/nlp';
import { LANGUAGES, type Language } from '../core/message.js';
import type { IntentScore } from './contract.js';
import type { Content } from './content/loader.js';
import { NONE_INTENT } from './content/catalogue.js';
import { normalizeForNlu } from './normalize.js';

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

/** Adds the content's utterances of one language (normalised, deduplicated per intent); returns how many. */
export function addCorpus(nlp: Nlp, content: Content, language: Language): number {
  let utterances = 0;
  for (const intent of content.intents.values()) {
    const seen = new Set<string>();
    for (const utterance of intent.utterances[language]) {
      const normalized = normalizeForNlu(utterance);
      if (normalized.length === 0 || seen.has(normalized)) continue;
      seen.add(normalized);
      nlp.addDocument(language, normalized, intent.id);
      utterances += 1;
    }
  }
  return utterances;
}

export interface TrainingReport {
  /** Wall-clock milliseconds to train all languages. */
  readonly totalMs: number;
  readonly byLanguage: Readonly<Record<Language, number>>;
  readonly utterances: number;
}

/** A trained engine for the five languages. */
export class IntentEngine {
  private constructor(
    private readonly models: ReadonlyMap<Language, Nlp>,
    readonly training: TrainingReport,
  ) {}

  /** Trains one model per language from the content (about a second for the default corpus). */
  static async train(content: Content): Promise<IntentEngine> {
    const models = new Map<Language, Nlp>();
    const byLanguage: Record<Language, number> = { es: 0, ca: 0, gl: 0, eu: 0, en: 0 };
    let utterances = 0;
    const started = performance.now();
    for (const language of LANGUAGES) {
      const languageStarted = performance.now();
      const nlp = createLanguageModel(language);
      utterances += addCorpus(nlp, content, language);
      await nlp.train();
      models.set(language, nlp);
      byLanguage[language] = performance.now() - languageStarted;
    }
    return new IntentEngine(models, { totalMs: performance.now() - started, byLanguage, utterances });
  }

  /** Classifier scores for already-normalised text, best first; `None` with score 1 for empty text. */
  async scores(language: Language, normalized: string): Promise<IntentScore[]> {
    if (normalized.length === 0) return [{ intent: NONE_INTENT, score: 1 }];
    const result = await this.raw(language, normalized);
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
