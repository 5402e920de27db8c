/**
 * Run-wide set-up (vitest `globalSetup`): removes the run's model cache folder (made in
 * vitest.config.ts, see `model-cache.ts`) when the run ends.
 */
import { rmSync } from 'node:fs';

export function teardown(): void {
  const dir = process.env.VENTANILLA_MODEL_CACHE_DIR;
  if (dir !== undefined && dir.includes('ventanilla-test-models-')) rmSync(dir, { recursive: true, force: true });
}
