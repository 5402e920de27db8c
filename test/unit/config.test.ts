import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WEBCHAT_LIMIT_DEFAULTS } from '../../src/bots/webchat/index.js';
import { loadConfig } from '../../src/config.js';
import { HubError } from '../../src/core/errors.js';

function configError(env: NodeJS.ProcessEnv, dir?: string): string {
  try {
    loadConfig(env, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('HUB_ERR_CONFIG');
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('has working defaults: port 3000 on 127.0.0.1, SQLite file under data/', () => {
    const config = loadConfig({});
    expect(config.server).toMatchObject({ port: 3000, host: '127.0.0.1' });
    expect(config.databaseUrl).toMatch(/data\/ventanilla\.db$/);
    expect(config.logLevel).toBe('info');
  });

  it('lets environment variables override the defaults', () => {
    const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', VENTANILLA_DATABASE_URL: 'postgres://root@127.0.0.1:5432/test', LOG_LEVEL: 'warn', VENTANILLA_DATA_DIR: '/tmp/v' });
    expect(config.server).toMatchObject({ port: 8080, host: '0.0.0.0' });
    expect(config.databaseUrl).toBe('postgres://root@127.0.0.1:5432/test');
    expect(config.dataDir).toBe('/tmp/v');
    expect(loadConfig({ VENTANILLA_DATA_DIR: '/tmp/v' }).databaseUrl).toBe('/tmp/v/ventanilla.db');
  });

  it('names the variable and the fix for a bad value', () => {
    expect(configError({ PORT: 'abc' })).toMatch(/PORT="abc".*set PORT to a free TCP port/);
    expect(configError({ PORT: '70000' })).toMatch(/server\.port.*\(PORT\).*set PORT/);
    expect(configError({ LOG_LEVEL: 'loud' })).toMatch(/logLevel.*LOG_LEVEL.*one of fatal, error/);
    expect(configError({ VENTANILLA_DEFAULT_LANGUAGE: 'fr' })).toMatch(/VENTANILLA_DEFAULT_LANGUAGE.*es, ca, gl, eu, en/);
  });

  it('names the key and file for a bad config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-config-'));
    writeFileSync(join(dir, 'default.yaml'), 'server: [unclosed');
    expect(configError({}, dir)).toMatch(/default\.yaml is not valid YAML/);
    writeFileSync(join(dir, 'default.yaml'), 'server:\n  port: 3000\n  host: 127.0.0.1\n  bodyLimitBytes: 1048576\n  publicUrl: null\nstorage:\n  dataDir: data\n  databaseUrl: null\nlogLevel: info\ndefaultLanguage: es\noutbox:\n  maxAttempts: 0\n  baseDelayMs: 1\n  maxDelayMs: 1\n  leaseMs: 1000\nshutdown:\n  graceMs: 0\n');
    expect(configError({}, dir)).toMatch(/outbox\.maxAttempts.*VENTANILLA_OUTBOX_MAX_ATTEMPTS/);
    expect(configError({}, join(dir, 'missing'))).toMatch(/VENTANILLA_CONFIG_DIR/);
  });

  it('serves over HTTPS when told, or (auto) when the public URL is https or the session cookie is Secure', () => {
    expect(loadConfig({}).servedOverHttps).toBe(false);
    expect(loadConfig({ VENTANILLA_PUBLIC_URL: 'https://ventanilla.example.org' }).servedOverHttps).toBe(true);
    expect(loadConfig({ VENTANILLA_PUBLIC_URL: 'http://10.0.0.5:3000' }).servedOverHttps).toBe(false);
    expect(loadConfig({ VENTANILLA_COOKIE_SECURE: '1' }).servedOverHttps).toBe(true);
    expect(loadConfig({ VENTANILLA_HTTPS: 'true' }).servedOverHttps).toBe(true);
    expect(loadConfig({ VENTANILLA_HTTPS: 'false', VENTANILLA_PUBLIC_URL: 'https://ventanilla.example.org' }).servedOverHttps).toBe(false);
    expect(configError({ VENTANILLA_HTTPS: 'sometimes' })).toMatch(/VENTANILLA_HTTPS="sometimes".*auto, true or false/);
  });

  it('ships web chat limits equal to the code defaults, checks them, and loads a config file written before they existed', () => {
    expect(loadConfig({}).webchat.limits).toEqual(WEBCHAT_LIMIT_DEFAULTS);
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-config-'));
    const before = 'server:\n  port: 3000\n  host: 127.0.0.1\n  bodyLimitBytes: 1048576\n  publicUrl: null\nstorage:\n  dataDir: data\n  databaseUrl: null\nlogLevel: info\ndefaultLanguage: es\noutbox:\n  maxAttempts: 8\n  baseDelayMs: 1\n  maxDelayMs: 1\n  leaseMs: 1000\nshutdown:\n  graceMs: 0\n';
    writeFileSync(join(dir, 'default.yaml'), before);
    expect(loadConfig({}, dir)).toMatchObject({ servedOverHttps: false, webchat: { limits: WEBCHAT_LIMIT_DEFAULTS } });
    writeFileSync(join(dir, 'default.yaml'), `${before}webchat:\n  limits:\n    streamsPerSession: 2\n`);
    expect(loadConfig({}, dir).webchat.limits).toEqual({ ...WEBCHAT_LIMIT_DEFAULTS, streamsPerSession: 2 });
    writeFileSync(join(dir, 'default.yaml'), `${before}webchat:\n  limits:\n    messagesPerSessionPerMinute: 0\n`);
    expect(configError({}, dir)).toMatch(/webchat\.limits\.messagesPerSessionPerMinute/);
  });
});
