/**
 * Adding a channel: the throwaway echo channel in `test/fixtures/echo-channel/` (the five files
 * every channel folder has) registered with one line where the app is composed. A message through
 * its webhook is stored, answered by the pipeline and delivered by the outbox through its adapter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { loadEchoConfig } from '../fixtures/echo-channel/config.js';
import { createEchoChannel } from '../fixtures/echo-channel/channel.js';
import { testConfig } from '../helpers/test-config.js';
import { CAMPAIGN_ANSWER, scriptedChannelIntents } from '../helpers/scripted-intents.js';

const SECRET = 'echo-secret-0123456789';
let hub: Hub | undefined;

afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function startHub(): Promise<{ hub: Hub; sent: () => readonly { text: string }[] }> {
  const config = loadEchoConfig({ ECHO_SECRET: SECRET });
  if (config === undefined) throw new Error('echo channel not configured');
  let channel: ReturnType<typeof createEchoChannel> | undefined;
  hub = await buildApp({
    config: testConfig(),
    intents: scriptedChannelIntents(),
    logger: false,
    // The one line that registers the channel:
    channels: [(services) => (channel = createEchoChannel(config, services))],
  });
  await hub.start();
  return { hub, sent: () => channel?.sent ?? [] };
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a channel added as one folder and one line', () => {
  it('answers a message sent through it', async () => {
    const { hub, sent } = await startHub();
    const response = await hub.app.inject({
      method: 'POST',
      url: '/webhooks/echo',
      headers: { 'content-type': 'application/json', 'x-echo-secret': SECRET },
      payload: { id: 'e-1', from: 'ana', text: '¿Cuándo empieza la campaña de la renta?' },
    });
    expect(response.statusCode).toBe(200);
    const reply = await until(() => sent()[0], 'the answer');
    expect(reply.text).toBe(CAMPAIGN_ANSWER);
  });

  it('gets the webhook path for free: 401 without the secret, 400 for a malformed body, and nothing answered', async () => {
    const { hub, sent } = await startHub();
    const unsigned = await hub.app.inject({ method: 'POST', url: '/webhooks/echo', headers: { 'content-type': 'application/json' }, payload: { id: 'e-2', from: 'ana', text: 'hola' } });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toEqual({ statusCode: 401, error: 'HUB_ERR_WEBHOOK_AUTH', message: 'missing or wrong x-echo-secret' });
    const malformed = await hub.app.inject({ method: 'POST', url: '/webhooks/echo', headers: { 'content-type': 'application/json', 'x-echo-secret': SECRET }, payload: '{"id":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ statusCode: 400, error: 'HUB_ERR_BAD_PAYLOAD' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent()).toEqual([]);
  });
});
