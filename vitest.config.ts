import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One NLU model cache per run (test/helpers/model-cache.ts): the default content is trained once,
// not in every file and every spawned hub. Fresh each run, removed by the global teardown.
const modelCacheDir = process.env.VENTANILLA_MODEL_CACHE_DIR || mkdtempSync(join(tmpdir(), 'ventanilla-test-models-'));
// The global teardown (main process) reads it too.
process.env.VENTANILLA_MODEL_CACHE_DIR = modelCacheDir;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep parallelism modest so end-to-end tests with child processes stay stable (a
    // third worker measured no faster, CPU-bound, and raced PostgreSQL schema drops against
    // Kysely's catalogue introspection). VENTANILLA_TEST_WORKERS overrides it on larger machines.
    maxWorkers: Number(process.env.VENTANILLA_TEST_WORKERS ?? 2),
    pool: 'forks',
    globalSetup: ['test/helpers/global-setup.ts'],
    env: {
      VENTANILLA_MODEL_CACHE_DIR: modelCacheDir,
      // argon2id at 1 MiB instead of 64 MiB: logins and new users cost milliseconds, not a quarter
      // of a second each (hundreds of them in the suite). Still real argon2id hashes, checked the
      // same way; test/unit/accounts/password-hash.test.ts covers the default cost and the mix.
      VENTANILLA_PASSWORD_HASH_MEMORY_KIB: process.env.VENTANILLA_PASSWORD_HASH_MEMORY_KIB ?? '1024',
    },
    // CI also writes a JSON report so .ci/run can print the plain "N passed, N failed" line.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
  },
});
