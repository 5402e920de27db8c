/**
 * The hub with one stand-in channel and the keyword bot, started with fast retries: for tests of
 * the turn runner and the delivery worker.
 */
import { buildApp, type Hub } from '../../src/app.js';
import type { ChannelAdapter } from '../../src/core/channel-port.js';
import { fakeIntents } from './fake-intents.js';
import { testConfig } from './test-config.js';

export async function hubWithAdapter(adapter: ChannelAdapter, options: { readonly failOn?: string; readonly maxAttempts?: number } = {}): Promise<Hub> {
  const hub = await buildApp({
    config: testConfig({ VENTANILLA_OUTBOX_MAX_ATTEMPTS: String(options.maxAttempts ?? 8) }),
    intents: fakeIntents(options.failOn === undefined ? {} : { failOn: options.failOn }),
    channels: [() => ({ adapter })],
    logger: false,
    deliveryPolicy: { baseDelayMs: 20, maxDelayMs: 200, pollIntervalMs: 10 },
  });
  await hub.start();
  return hub;
}
