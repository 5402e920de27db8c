/**
 * The composition root: turns a validated configuration into a running hub with the intent
 * engine, data-backed answers, the handoff queue and every configured channel. `server.ts`,
 * `ventanilla chat` and end-to-end tests build the hub here.
 */
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildApp, type BuildAppOptions, type ChannelFactory, type Hub } from './app.js';
import { createWebchatChannel } from './bots/webchat/index.js';
import { createClock } from './core/clock.js';
import type { HubConfig } from './config.js';
import { createDataProviders } from './intents/data/index.js';
import { createIntents } from './intents/index.js';

export interface CreateHubOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger | false;
  /** Replaces the channels read from the environment (terminal chat, tests). */
  readonly channels?: readonly ChannelFactory[];
  /** Serve the web pages and the HTTP channels (server); false for `ventanilla chat`. */
  readonly http?: boolean;
  readonly deliveryPolicy?: BuildAppOptions['deliveryPolicy'];
}

/** Static assets of the web chat page and widget. */
export const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

/** Channel factories for everything the environment configures; the web chat is always on. */
export function channelsFromEnv(env: NodeJS.ProcessEnv): ChannelFactory[] {
  const factories: ChannelFactory[] = [(services) => createWebchatChannel({ ...services })];
  void env;
  return factories;
}

/** Builds the hub for a configuration. The caller listens and calls `hub.start()`. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const env = options.env ?? process.env;
  const clock = createClock(env);
  const providers = await createDataProviders({ dataDir: config.dataDir, configDir: config.configDir, clock });
  const intents = await createIntents({ providers, defaultLanguage: config.defaultLanguage });
  return buildApp({
    config,
    intents,
    clock,
    channels: options.channels ?? channelsFromEnv(env),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.deliveryPolicy === undefined ? {} : { deliveryPolicy: options.deliveryPolicy }),
    ...(options.http === true ? { webRoot: WEB_ROOT } : {}),
  });
}
