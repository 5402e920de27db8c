/**
 * A disk cache of trained nlp.js models, keyed by what determines them: the normalised corpus of
 * each language and the engine's settings. A restart on unchanged content imports the models in
 * tens of milliseconds instead of training them for seconds; any change to the corpus, the
 * normalisation or nlp.js gives a new key, so a stale model is never used.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Language } from '../core/message.js';

/** One nlp.js `export()` JSON string per language. */
export type CachedModels = Readonly<Partial<Record<Language, string>>>;

/** The cache key of a set of training documents (`[language, text, intent]`) and engine settings. */
export function modelCacheKey(documents: readonly (readonly [Language, string, string])[], settings: string): string {
  const hash = createHash('sha256');
  hash.update(settings);
  for (const [language, text, intent] of documents) hash.update(`\u0000${language}\u0001${intent}\u0001${text}`);
  return hash.digest('hex').slice(0, 32);
}

function fileOf(dir: string, key: string): string {
  return join(dir, `intent-models-${key}.json`);
}

/** The cached models for `key`, or undefined when there are none (or the file is unreadable). */
export async function readCachedModels(dir: string, key: string): Promise<CachedModels | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(fileOf(dir, key), 'utf8'));
    if (parsed === null || typeof parsed !== 'object') return undefined;
    return parsed as CachedModels;
  } catch {
    return undefined;
  }
}

/**
 * Writes the models for `key` (to a temporary file renamed into place, so a reader never sees half
 * a file) and removes the models of other keys. A cache that cannot be written is not an error:
 * the next start trains again.
 */
export async function writeCachedModels(dir: string, key: string, models: CachedModels): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    const target = fileOf(dir, key);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(models));
    await rename(temporary, target);
    const stale = (await readdir(dir)).filter((file) => file.startsWith('intent-models-') && file.endsWith('.json') && join(dir, file) !== target);
    await Promise.all(stale.map((file) => rm(join(dir, file), { force: true })));
    return true;
  } catch {
    return false;
  }
}
