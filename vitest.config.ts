import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: keep parallelism modest so end-to-end tests with child processes stay stable.
    maxWorkers: 2,
    pool: 'forks',
  },
});
