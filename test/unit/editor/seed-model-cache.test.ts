/**
 * The seeded version's model and the hub's model cache: the first database seeded with some content
 * trains its models (in the publish worker) and keeps them in `<model cache>/editor-seed/`; a new
 * database seeded with the same content takes them from there instead of training again, and ends
 * up with the same stored model.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startEditorHub, type EditorHub } from '../../helpers/editor-hub.js';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-seed-cache-'));
const hubs: EditorHub[] = [];
afterAll(async () => {
  for (const hub of hubs) await hub.hub.app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function seededModel(hub: EditorHub): Promise<unknown> {
  const version = await hub.editor.store.getVersion(await hub.editor.store.liveVersion());
  return version?.model === null || version?.model === undefined ? null : JSON.parse(version.model);
}

describe('seeded version and the model cache', () => {
  it('trains the seeded content once, and a new database seeded with it takes those models', { timeout: 300_000 }, async () => {
    const first = await startEditorHub({ modelCacheDir: dir, trainSeedModel: false });
    hubs.push(first);
    const firstTraining = vi.spyOn(first.editor.trainer, 'train');
    await first.editor.service.trainSeedModel();
    expect(firstTraining).toHaveBeenCalledTimes(1);
    const model = await seededModel(first);
    expect(Object.keys(model as object).sort()).toEqual(['ca', 'en', 'es', 'eu', 'gl']);
    expect(readdirSync(join(dir, 'editor-seed')).filter((file) => file.endsWith('.json'))).toHaveLength(1);

    const second = await startEditorHub({ modelCacheDir: dir, trainSeedModel: false });
    hubs.push(second);
    const secondTraining = vi.spyOn(second.editor.trainer, 'train');
    expect(await seededModel(second)).toBeNull();
    await second.editor.service.trainSeedModel();
    expect(secondTraining).not.toHaveBeenCalled();
    expect(await seededModel(second)).toEqual(model);
  });
});
