import { loadConfig, type HubConfig } from '../../src/config.js';

/** The default configuration with an in-memory store, quiet logs and fast retries. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): HubConfig {
  return loadConfig({ VENTANILLA_DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ...overrides });
}

/**
 * The suite's speed settings from vitest.config.ts (argon2 cost, the run's model cache), for tests
 * that build a hub from an environment of their own: spread first, the test's values win.
 */
export const SUITE_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  ['VENTANILLA_PASSWORD_HASH_MEMORY_KIB', 'VENTANILLA_MODEL_CACHE_DIR'].flatMap((key) => {
    const value = process.env[key];
    return value === undefined || value === '' ? [] : [[key, value]];
  }),
);
