import { describe, expect, it } from 'vitest';
import { loadTelegramConfig } from '../../../../src/bots/telegram/config.js';
import { isHubError } from '../../../../src/core/errors.js';

function configError(env: NodeJS.ProcessEnv): string {
  try {
    loadTelegramConfig(env);
  } catch (error) {
    expect(isHubError(error, 'HUB_ERR_CONFIG')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a HUB_ERR_CONFIG');
}

describe('loadTelegramConfig', () => {
  it('is off without TELEGRAM_BOT_TOKEN', () => {
    expect(loadTelegramConfig({})).toBeUndefined();
    expect(loadTelegramConfig({ TELEGRAM_MODE: 'webhook' })).toBeUndefined();
  });

  it('reads webhook mode with its secret and the default API root', () => {
    const config = loadTelegramConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 's3cr3t_-X' });
    expect(config).toMatchObject({ botToken: '123:abc', mode: 'webhook', webhookSecret: 's3cr3t_-X', apiRoot: 'https://api.telegram.org' });
  });

  it('defaults to polling without a secret, and to webhook with one', () => {
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: 't' })?.mode).toBe('polling');
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_SECRET: 'abc' })?.mode).toBe('webhook');
  });

  it('strips a trailing slash from TELEGRAM_API_ROOT', () => {
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/' })?.apiRoot).toBe('http://127.0.0.1:9000');
  });

  it('names the variable and the fix for bad values', () => {
    expect(configError({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_MODE: 'push' })).toMatch(/TELEGRAM_MODE.*"webhook".*"polling"/);
    expect(configError({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_MODE: 'webhook' })).toMatch(/TELEGRAM_WEBHOOK_SECRET/);
    expect(configError({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_SECRET: 'has space' })).toMatch(/TELEGRAM_WEBHOOK_SECRET.*A-Z/);
    expect(configError({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_WEBHOOK_SECRET: 'x'.repeat(257) })).toMatch(/1-256/);
    expect(configError({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_API_ROOT: 'not a url' })).toMatch(/TELEGRAM_API_ROOT/);
    expect(configError({ TELEGRAM_BOT_TOKEN: 'a b' })).toMatch(/TELEGRAM_BOT_TOKEN/);
  });
});
