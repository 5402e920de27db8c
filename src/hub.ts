/**
 * The composition root: turns a validated configuration into a running hub with the intent
 * engine, data-backed answers, the handoff queue and every configured channel. `server.ts`,
 * `ventanilla chat` and end-to-end tests build the hub here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { buildApp, createHubCore, type BuildAppOptions } from './app.js';
import { createBotFrameworkChannel, loadBotFrameworkConfig } from './bots/botframework/index.js';
import { createEmailChannel, KyselyEmailState, loadEmailConfig } from './bots/email/index.js';
import { createTelegramChannel, loadTelegramConfig } from './bots/telegram/index.js';
import { createXChannel, loadXConfig } from './bots/x/index.js';
import { createWebchatChannel } from './bots/webchat/index.js';
import { createWhatsAppCloudChannel, createWhatsAppWebChannel, loadWhatsAppCloudConfig, loadWhatsAppWebConfig } from './bots/whatsapp/index.js';
import { combineWhatsAppTransports } from './bots/whatsapp/transports.js';
import { createClock } from './core/clock.js';
import { DEFAULT_CATALOGUE_DIR, useCatalogue } from './core/i18n.js';
import { useUiCatalogue } from './http/ui-texts.js';
import { createStore, type Store } from './core/store/index.js';
import type { HubConfig } from './config.js';
import { PROJECT_ROOT } from './config.js';
import { createEditorPlugin, EDITOR_ROLES, LiveIntents, sessionAuthorizer } from './editor/index.js';
import { createFeedback } from './feedback/index.js';
import { HubError } from './core/errors.js';
import { fullModuleBuilder } from './editor/full-module.js';
import { handoffPlugin } from './handoff/hub-plugin.js';
import { createAccounts, DEFAULT_HASH_MEMORY_KIB, passwordHashingFromEnv, registerRolePages, type SessionAuth, type UserDirectory } from './accounts/index.js';
import { createFirstRunAdmin, firstRunBlock } from './accounts/first-run.js';
import { CONSOLE_ROLES } from './accounts/users.js';
import { createHandoff, loadHandoffConfig } from './handoff/index.js';
import { attachEventRelay } from './event-relay.js';
import { privacyPlugin } from './privacy/hub-plugin.js';
import { loadPrivacySecret } from './privacy/secret.js';
import { recordAudit } from './privacy/audit.js';
import { privacyDb } from './privacy/schema.js';
import { createDataProviders } from './intents/data/index.js';
import { createIntents } from './intents/index.js';
import { createReportsPlugin, loadReportsConfig } from './reports/index.js';
import { whatsappWebAdminRoutes, type WhatsAppWebChannelModule } from './bots/whatsapp/index.js';
import type { ChannelFactory, Hub, HubPlugin } from './plugin.js';

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
  store: Pick<Store, 'trySingleton' | 'kysely'>,
  onWhatsAppWeb: (channel: WhatsAppWebChannelModule) => void = () => undefined,
): ChannelFactory[] {
  const factories: ChannelFactory[] = [(services) => createWebchatChannel({ ...services, limits: services.config.webchat.limits, allowedOrigins: services.config.webchat.allowedOrigins })];
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
  const email = loadEmailConfig(env);
  if (email !== undefined) factories.push((services) => createEmailChannel(email, { ...services, state: new KyselyEmailState(store), now: clock }));
  return factories;
}

/**
 * Creates `admin` with a random password at start-up when the store has no users yet (see
 * `accounts/first-run.ts`: the 0600 file in the data directory) and tells `announce` once in a
 * framed block. `ventanilla start` does this before the hub's first log line instead.
 */
function firstRunAdmin(users: UserDirectory, options: { readonly dataDir: string; readonly queues: readonly string[] }, announce: ((text: string) => void) | undefined): HubPlugin {
  return {
    name: 'first-run-admin',
    async register() {},
    async start() {
      if (announce === undefined) return;
      const admin = await createFirstRunAdmin(users, options);
      if (admin !== undefined) announce(firstRunBlock(admin));
    },
  };
}

/** Role errors in Spanish, and the staff pages closed to the roles they are not for (`accounts/role-errors.ts`). */
function rolePages(auth: SessionAuth): HubPlugin {
  return {
    name: 'role-pages',
    async register(app) {
      registerRolePages(app, auth, { '/agent': CONSOLE_ROLES, '/editor': EDITOR_ROLES, '/reports': ['supervisor', 'admin'], '/admin/whatsapp-web': ['admin'] });
    },
  };
}

/** The WhatsApp Web pairing page for admins (`/admin/whatsapp-web`), when that transport is configured. */
function whatsappWebAdmin(channel: () => WhatsAppWebChannelModule | undefined, auth: SessionAuth): HubPlugin {
  return {
    name: 'whatsapp-web-admin',
    async register(app) {
      const web = channel();
      if (web === undefined) return;
      await app.register(
        (scope) => whatsappWebAdminRoutes(scope, { authorize: async (request, reply) => auth.guard(['admin'])(request, reply), getPairingState: () => web.getPairingState() }),
        { prefix: '/admin/whatsapp-web' },
      );
    },
  };
}

/** `VENTANILLA_INBOX_CONFIDENCE_MARGIN` (0–1): answers this close to the answer threshold go to the editor's inbox. */
function inboxMarginFromEnv(env: NodeJS.ProcessEnv): { inboxConfidenceMargin?: number } {
  const raw = env.VENTANILLA_INBOX_CONFIDENCE_MARGIN;
  if (raw === undefined || raw.trim() === '') return {};
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new HubError('HUB_ERR_CONFIG', `VENTANILLA_INBOX_CONFIDENCE_MARGIN="${raw}" is not a number from 0 to 1: set it like 0.1 (or leave it unset for 0.1)`);
  }
  return { inboxConfidenceMargin: value };
}

/** `storage.poolSize` (VENTANILLA_DATABASE_POOL) for the store, when set. */
export function poolOptions(config: HubConfig): { poolSize?: number } {
  return config.storage.poolSize === undefined ? {} : { poolSize: config.storage.poolSize };
}

/** Builds the hub for a configuration. The caller listens and calls `hub.start()`. */
export async function createHub(config: HubConfig, options: CreateHubOptions = {}): Promise<Hub> {
  const env = options.env ?? process.env;
  const clock = createClock(env);
  // Read before anything slow (training): a bad value fails in a second.
  const passwordHashing = passwordHashingFromEnv(env);

  // The parts every module shares: logger, store, events and the delivery worker.
  const core = await createHubCore({
    config,
    store: await createStore(config.databaseUrl, poolOptions(config)),
    ownsStore: true,
    clock,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.deliveryPolicy === undefined ? {} : { deliveryPolicy: options.deliveryPolicy }),
  });

  // What the hub writes to citizens, per language: a text missing in one is warned about here, once.
  const i18nDir = join(config.configDir, 'i18n');
  useCatalogue(existsSync(join(i18nDir, 'es.yaml')) ? i18nDir : DEFAULT_CATALOGUE_DIR, (warning) => core.logger.warn({ language: warning.language, key: warning.key }, warning.message));
  // The staff pages' texts: Spanish shipped, other languages by dropping a file into i18n/console/.
  useUiCatalogue(join(i18nDir, 'console'), (warning) => core.logger.warn({ language: warning.language, key: warning.key }, warning.message));

  // Answers: data providers and the intent engine, swappable so the editor publishes without a restart.
  const providers = await createDataProviders({ dataDir: config.dataDir, configDir: config.configDir, clock });
  const intents = new LiveIntents(await createIntents({ providers, contentDir: join(config.configDir, 'intents'), modelCacheDir: config.modelCacheDir }));

  // People: accounts (one login for agents, editors and admins) and the handoff queue.
  const handoffConfig = loadHandoffConfig(config.configDir, env);
  const accounts = createAccounts({ store: core.store, clock, sessionHours: handoffConfig.auth.sessionHours, idleMinutes: handoffConfig.auth.idleMinutes, cookieSecure: handoffConfig.auth.cookieSecure, passwordHashing });
  if (passwordHashing.memoryKiB < DEFAULT_HASH_MEMORY_KIB) {
    core.logger.warn({ memoryKiB: passwordHashing.memoryKiB, defaultKiB: DEFAULT_HASH_MEMORY_KIB }, 'new passwords are hashed below the default argon2 cost (VENTANILLA_PASSWORD_HASH_MEMORY_KIB): cheaper to guess; meant for tests');
  }
  const handoff = await createHandoff({
    accounts,
    store: core.store,
    events: core.events,
    logger: core.logger,
    clock,
    config: handoffConfig,
    notifyOutbox: () => core.worker.kick(),
    // The web chat marks an agent's message with the language it is written in, not the citizen's.
    detectLanguage: async (text, conversationLanguage) => (await intents.classify(text, { conversationLanguage })).language,
    ...(options.feedPollMs === undefined ? {} : { feedPollMs: options.feedPollMs }),
  });

  // Channels: the WhatsApp Web admin page needs the transport once its factory built it.
  let whatsappWeb: WhatsAppWebChannelModule | undefined;
  const channels =
    options.channels ??
    channelsFromEnv(env, clock, core.store, (channel) => {
      whatsappWeb = channel;
    });

  // Citizen 👍/👎 on bot answers: recorded before the safety net, from buttons and the web chat.
  const feedback = createFeedback({ store: core.store, events: core.events, clock });

  const hub = await buildApp({
    config,
    core,
    intents,
    handoff,
    firstSteps: [feedback.step],
    feedback: (conversationKey, outboxId, value) => feedback.record(conversationKey, outboxId, value),
    channels,
    plugins: [
      // First: its hooks are on the root instance, before any staff page or API is registered.
      rolePages(accounts.auth),
      handoffPlugin(handoff),
      createEditorPlugin({
        authorize: sessionAuthorizer(accounts.auth),
        buildModule: fullModuleBuilder(providers),
        devSetPath: join(PROJECT_ROOT, 'config', 'quality', 'nlu-dev.jsonl'),
        contentDir: join(config.configDir, 'intents'),
        modelCacheDir: config.modelCacheDir,
        ...inboxMarginFromEnv(env),
      }),
      createReportsPlugin({
        config: loadReportsConfig(config.configDir, env),
        queues: handoffConfig.queues.map((queue) => ({ id: queue.id, name: queue.name })),
        clock,
        guard: accounts.auth.guard(['supervisor', 'admin']),
        metricsToken: env.VENTANILLA_METRICS_TOKEN,
        onConversationsRead: async (request, ids, reason) => {
          const actor = accounts.auth.require(request).user.username;
          for (const conversationId of ids) await recordAudit(privacyDb(core.store), { actor, action: 'transcript.read', conversationId, reason, details: { via: 'reports.conversations' }, at: clock() });
        },
      }),
      privacyPlugin({
        retentionDays: config.privacy.retentionDays,
        guard: accounts.auth.guard(['admin']),
        actorOf: (request) => accounts.auth.require(request).user.username,
        clock,
        secret: loadPrivacySecret(config.dataDir, env),
      }),
      firstRunAdmin(accounts.users, { dataDir: config.dataDir, queues: handoffConfig.queues.map((queue) => queue.id) }, options.announce),
      whatsappWebAdmin(() => whatsappWeb, accounts.auth),
    ],
    ...(options.http === true ? { webRoot: WEB_ROOT } : {}),
  });
  // --- Events across instances (issue 13, item 3): PostgreSQL only, no-op on SQLite. ---
  await attachEventRelay(hub, config.databaseUrl);
  return hub;
}
