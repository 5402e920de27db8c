/**
 * The composition root: turns a validated configuration into a running hub with the intent
 * engine, data-backed answers, the handoff queue and every configured channel. `server.ts`,
 * `ventanilla chat` and end-to-end tests build the hub here.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildApp, type BuildAppOptions, type ChannelFactory, type Hub } from './app.js';
import { createBotFrameworkChannel, loadBotFrameworkConfig } from './bots/botframework/index.js';
import { createTelegramChannel, loadTelegramConfig } from './bots/telegram/index.js';
import { createXChannel, loadXConfig } from './bots/x/index.js';
import { createWebchatChannel } from './bots/webchat/index.js';
import { createWhatsAppCloudChannel, createWhatsAppWebChannel, loadWhatsAppCloudConfig, loadWhatsAppWebConfig } from './bots/whatsapp/index.js';
import { combineWhatsAppTransports } from './bots/whatsapp/transports.js';
import { createClock } from './core/clock.js';
import { LANGUAGES } from './core/message.js';
import { createStore } from './core/store/index.js';
import type { HubConfig } from './config.js';
import { PROJECT_ROOT } from './config.js';
import { createEditorPlugin, LiveIntents, sessionAuthorizer } from './editor/index.js';
import { fullModuleBuilder } from './editor/full-module.js';
import { createAccounts } from './accounts/index.js';
import { attachEventRelay } from './event-relay.js';
import { createHandoffWiring } from './handoff/hub-plugin.js';
import { loadHandoffConfig } from './handoff/index.js';
import { createDataProviders } from './intents/data/index.js';
import { createIntents } from './intents/index.js';
import { whatsappWebAdminRoutes, type WhatsAppWebChannelModule } from './bots/whatsapp/index.js';

export interface CreateHubOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger | false;
  /** Replaces the channels read from the environment (terminal chat, tests). */
  readonly channels?: readonly ChannelFactory[];
  /** Serve the web pages and the HTTP channels (server); false for `ventanilla chat`. */
  readonly http?: boolean;
  /** Timers of the handoff console feed (tests shorten it). */
  readonly feedPollMs?: number;
  /**
   * Where to tell the operator the first-run admin password. When set and the store has no users
   * yet, an `admin` with a random password is created at start-up and announced once: a new
   * install can log in to /agent and /editor, and no default password exists anywhere.
   */
  readonly announce?: (text: string) => void;
  readonly deliveryPolicy?: BuildAppOptions['deliveryPolicy'];
}

/** Static assets of the web chat page and widget. */
export const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * Channel factories for everything the environment configures; the web chat is always on.
 * Each channel validates its own variables and throws HUB_ERR_CONFIG naming the one to fix.
 */
export function channelsFromEnv(
  env: NodeJS.ProcessEnv,
  clock: () => Date,
  store: { trySingleton(name: string): Promise<(() => Promise<void>) | undefined> },
  onWhatsAppWeb: (channel: WhatsAppWebChannelModule) => void = () => undefined,
): ChannelFactory[] {
  const factories: ChannelFactory[] = [(services) => createWebchatChannel({ ...services, limits: services.config.webchat.limits })];
  const telegram = loadTelegramConfig(env);
  if (telegram !== undefined) factories.push((services) => createTelegramChannel(telegram, services));
  const cloud = loadWhatsAppCloudConfig(env);
  factories.push((services) => {
    const web = loadWhatsAppWebConfig(env, services.config.dataDir);
    let release: (() => Promise<void>) | undefined;
    const webChannel =
      web === undefined
        ? undefined
        : createWhatsAppWebChannel(web, {
            ...services,
            now: clock,
            async acquireSingletonLock() {
              release = await store.trySingleton('whatsapp-web-session');
              return release !== undefined;
            },
            async releaseSingletonLock() {
              await release?.();
            },
          });
    if (webChannel !== undefined) onWhatsAppWeb(webChannel);
    const cloudChannel = cloud === undefined ? undefined : createWhatsAppCloudChannel(cloud, services, { now: clock });
    return combineWhatsAppTransports(cloudChannel, webChannel);
  });
  const x = loadXConfig(env);
  if (x !== undefined) factories.push((services) => createXChannel(x, services));
  const botframework = loadBotFrameworkConfig(env);
  if (botframework !== undefined) factories.push((services) => createBotFrameworkChannel(botframework, { ...services, now: clock }));
  return factories;
}

/** Builds the hub for a configuration. The caller listens and calls `hub.start()`. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const env = options.env ?? process.env;
  const clock = createClock(env);
  const handoffConfig = loadHandoffConfig(config.configDir, env);
  const providers = await createDataProviders({ dataDir: config.dataDir, configDir: config.configDir, clock });
  // A swappable module: the editor publishes new versions into it without a restart.
  const intents = new LiveIntents(await createIntents({ providers, contentDir: join(config.configDir, 'intents') }));
  const store = await createStore(config.databaseUrl);
  // One login for the agent console, the editor and the admin pages.
  const accounts = createAccounts({ store, clock, sessionHours: handoffConfig.auth.sessionHours, cookieSecure: handoffConfig.auth.cookieSecure });
  const handoff = createHandoffWiring({ config: handoffConfig, clock, accounts, ...(options.feedPollMs === undefined ? {} : { feedPollMs: options.feedPollMs }) });
  let whatsappWeb: WhatsAppWebChannelModule | undefined;
  const hub = await buildApp({
    store,
    ownsStore: true,
    config,
    intents,
    clock,
    handoff: handoff.port,
    plugins: [
      handoff.plugin,
      createEditorPlugin({
        authorize: sessionAuthorizer(accounts.auth),
        buildModule: fullModuleBuilder(providers),
        devSetPath: join(PROJECT_ROOT, 'test', 'fixtures', 'nlu-dev.jsonl'),
        contentDir: join(config.configDir, 'intents'),
      }),
      () => ({
        name: 'first-run-admin',
        async register() {},
        async start() {
          if (options.announce === undefined) return;
          const users = accounts.users;
          if ((await users.list()).length > 0) return;
          const password = randomBytes(12).toString('base64url');
          await users.create({
            username: 'admin',
            role: 'admin',
            password,
            displayName: 'Administración',
            capacity: 5,
            languages: [...LANGUAGES],
            queues: handoffConfig.queues.map((queue) => queue.id),
          });
          options.announce(
            `Primer arranque: entra en /agent y /editor como «admin» con la contraseña ${password}\n` +
              '(solo se muestra ahora; cámbiala con `npx ventanilla users passwd --username admin --password-stdin`).',
          );
        },
      }),
      () => ({
        name: 'whatsapp-web-admin',
        async register(app) {
          const channel = whatsappWeb;
          if (channel === undefined) return;
          await app.register(
            (scope) =>
              whatsappWebAdminRoutes(scope, {
                authorize: accounts.auth.guard(['admin']),
                getPairingState: () => channel.getPairingState(),
              }),
            { prefix: '/admin/whatsapp-web' },
          );
        },
      }),
    ],
    channels:
      options.channels ??
      channelsFromEnv(env, clock, store, (channel) => {
        whatsappWeb = channel;
      }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.deliveryPolicy === undefined ? {} : { deliveryPolicy: options.deliveryPolicy }),
    ...(options.http === true ? { webRoot: WEB_ROOT } : {}),
  });
  // --- Events across instances (issue 13, item 3): PostgreSQL only, no-op on SQLite. ---
  await attachEventRelay(hub, config.databaseUrl);
  return hub;
}
