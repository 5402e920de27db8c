import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores, but most end-to-end time is spent waiting (browsers, child processes, timers):
    // three workers keep the suite inside CI's budget and the load low enough for stable timings.
    maxWorkers: Number(process.env.VENTANILLA_TEST_WORKERS ?? 3),
    pool: 'forks',
    // CI also writes a JSON report so .ci/run can print the plain "N passed, N failed" line.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
  },
});
