/**
 * One trained model per content for the whole test run. vitest.config.ts makes a fresh folder per
 * run and sets `VENTANILLA_MODEL_CACHE_DIR` to it: in-process hubs and intents modules, spawned hubs
 * (`hub-process.ts` passes it on) and the editor helpers import the default content's models from
 * there instead of training them again in every file. The product's own cache (`model-cache.ts`,
 * keyed by the normalised corpus and the engine's settings) decides what is a hit; the folder is
 * new each run, so nothing trained by older code is ever used.
 */
import { join } from 'node:path';
import { LANGUAGES, type Language } from '../../src/core/message.js';
import { trainingUtterances } from '../../src/intents/answers.js';
import type { Content } from '../../src/intents/content/loader.js';
import { modelCacheKey, readCachedModels, writeCachedModels } from '../../src/intents/model-cache.js';

/** The run's model cache folder, when the suite runs under vitest.config.ts. */
export const TEST_MODEL_CACHE_DIR: string | undefined = process.env.VENTANILLA_MODEL_CACHE_DIR === '' ? undefined : process.env.VENTANILLA_MODEL_CACHE_DIR;

/** `createIntents` options that use the run's model cache (none outside the suite's config). */
export function sharedModelCache(): { modelCacheDir?: string } {
  return TEST_MODEL_CACHE_DIR === undefined ? {} : { modelCacheDir: TEST_MODEL_CACHE_DIR };
}

/**
 * The editor's exported models of `content` (`trainLanguage` per language), trained once per run:
 * read from the run's cache when another file trained the same content, else trained by `train`
 * and written there. Its own sub-folder: the editor trains its (id-sorted) content, not the
 * engine's, and each folder keeps one corpus.
 */
export async function editorModelsOnce(content: Content, train: (language: Language) => Promise<string>): Promise<Record<Language, string>> {
  const dir = TEST_MODEL_CACHE_DIR === undefined ? undefined : join(TEST_MODEL_CACHE_DIR, 'editor');
  const documents = LANGUAGES.flatMap((language) => [...content.intents.values()].flatMap((intent) => trainingUtterances(intent, language).map((text) => [language, text, intent.id] as const)));
  const key = modelCacheKey(documents, 'editor trainLanguage');
  const cached = dir === undefined ? undefined : await readCachedModels(dir, key);
  if (cached !== undefined && LANGUAGES.every((language) => typeof cached[language] === 'string')) return cached as Record<Language, string>;
  const models: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) models[language] = await train(language);
  if (dir !== undefined) await writeCachedModels(dir, key, models);
  return models as Record<Language, string>;
}
