/**
 * The disk cache of trained models: a second start on the same content imports the models instead
 * of training them and classifies exactly alike; changed content trains again and replaces the
 * cached models; an unwritable cache
 * folder only means training each time.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/intents/content/loader.js';
import { IntentEngine } from '../../../src/intents/engine.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';
import { normalizeForNlu } from '../../../src/intents/normalize.js';
import type { Language } from '../../../src/core/message.js';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-model-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUESTIONS: readonly (readonly [Language, string])[] = [
  ['es', '¿cuándo empieza la campaña de la renta?'],
  ['ca', 'vull demanar cita prèvia'],
  ['gl', 'canto custa o abono de transporte'],
  ['eu', 'nola erroldatu naiteke'],
  ['en', 'i lost my bag on the bus'],
];

async function scoresOf(engine: IntentEngine): Promise<unknown[]> {
  return Promise.all(QUESTIONS.map(async ([language, text]) => (await engine.scores(language, normalizeForNlu(text))).slice(0, 3)));
}

describe('model cache', () => {
  it('imports an unchanged corpus instead of training it, with the same scores', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    const trained = await IntentEngine.train(content, { cacheDir: dir });
    expect(trained.training.fromCache).toBe(false);
    expect(readdirSync(dir).filter((file) => file.endsWith('.json'))).toHaveLength(1);
    const imported = await IntentEngine.train(content, { cacheDir: dir });
    expect(imported.training.fromCache).toBe(true);
    expect(imported.training.utterances).toBe(trained.training.utterances);
    expect(await scoresOf(imported)).toEqual(await scoresOf(trained));
  }, 300_000);

  it('trains again when the corpus changes, and keeps working when the cache cannot be written', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    const [firstId, first] = [...content.intents.entries()][0] ?? [];
    if (firstId === undefined || first === undefined) throw new Error('no intents');
    const changed = { ...content, intents: new Map([...content.intents, [firstId, { ...first, utterances: { ...first.utterances, es: [...first.utterances.es, 'una frase nueva que cambia el corpus'] } }]]) };
    const retrained = await IntentEngine.train(changed, { cacheDir: dir });
    expect(retrained.training.fromCache).toBe(false);
    // Only the models of the current corpus are kept.
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    expect(files).toHaveLength(1);
    // Below a file, no folder can be made: the engine trains and says nothing is wrong.
    const unwritable = await IntentEngine.train(changed, { cacheDir: join(dir, files[0] ?? '', 'models') });
    expect(unwritable.training.fromCache).toBe(false);
  }, 300_000);
});
