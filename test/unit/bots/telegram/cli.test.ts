import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTelegramCli } from '../../../../src/bots/telegram/cli.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../../../helpers/fake-telegram-api.js';

let api: FakeTelegramApi;
beforeEach(async () => {
  api = await startFakeTelegramApi();
});
afterEach(async () => {
  await api.close();
});

function capture(): { write(chunk: string): void; text: () => string } {
  let buffer = '';
  return {
    write(chunk) {
      buffer += chunk;
    },
    text: () => buffer,
  };
}

describe('ventanilla telegram set-webhook', () => {
  it('registers the URL with the secret token', async () => {
    const out = capture();
    const env = { TELEGRAM_BOT_TOKEN: '123:TEST', TELEGRAM_WEBHOOK_SECRET: 'the-secret', TELEGRAM_API_ROOT: api.apiRoot };
    expect(await runTelegramCli(['telegram', 'set-webhook', '--url', 'https://hub.example.org'], env, out)).toBe(0);
    expect(api.callsOf('setWebhook')[0]?.body).toMatchObject({ url: 'https://hub.example.org/webhooks/telegram', secret_token: 'the-secret' });
    expect(out.text()).toContain('https://hub.example.org/webhooks/telegram');
  });

  it('refuses without a secret and explains the fix', async () => {
    const out = capture();
    const code = await runTelegramCli(['set-webhook', '--url', 'https://hub.example.org/x'], { TELEGRAM_BOT_TOKEN: '1:T', TELEGRAM_MODE: 'polling', TELEGRAM_API_ROOT: api.apiRoot }, out);
    expect(code).toBe(1);
    expect(out.text()).toMatch(/TELEGRAM_WEBHOOK_SECRET/);
    expect(api.callsOf('setWebhook')).toEqual([]);
  });

  it('reports API failures and usage errors with an exit code', async () => {
    api.failNext('setWebhook', { status: 400, description: 'Bad Request: bad webhook' });
    const env = { TELEGRAM_BOT_TOKEN: '1:T', TELEGRAM_WEBHOOK_SECRET: 's', TELEGRAM_API_ROOT: api.apiRoot };
    const out = capture();
    expect(await runTelegramCli(['set-webhook', '--url', 'https://hub.example.org'], env, out)).toBe(1);
    expect(out.text()).toMatch(/400/);
    expect(await runTelegramCli(['set-webhook'], env, capture())).toBe(2);
    expect(await runTelegramCli(['frobnicate'], env, capture())).toBe(2);
  });
});
