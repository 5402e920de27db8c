import { loadConfig, type HubConfig } from '../../src/config.js';

/** The default configuration with an in-memory store, quiet logs and fast retries. */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): HubConfig {
  return loadConfig({ VENTANILLA_DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ...overrides });
}
