/**
 * buildApp(): the whole hub as a fastify instance that never listens by itself (tests use
 * `app.inject()`, `server.ts` listens). In order: the hub's core parts (logger, store, events,
 * delivery worker), the turn runner, the channels, the HTTP basics, the channel routes, the
 * plugins, the static pages and the shutdown sequence.
 */
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import type { ChannelAdapter, ChannelModule, InboundSink } from './core/channel-port.js';
import { boundInbound } from './bots/inbound-values.js';
import { createBasicHandoff } from './core/basic-handoff.js';
import { trustProxyOption } from './core/trust-proxy.js';
import { HubEvents } from './core/events.js';
import type { HandoffPort } from './core/handoff-port.js';
import type { ChannelId } from './core/message.js';
import type { Middleware } from './core/pipeline.js';
import { DeliveryWorker, type DeliveryPolicy } from './core/outbox.js';
import { TurnRunner } from './core/runner.js';
import { createStore, type Store } from './core/store/index.js';
import type { HubConfig } from './config.js';
import { registerHeadersAndDocs, registerHealth } from './http/basics.js';
import { registerErrorReplies } from './http/errors.js';
import { registerRequestLog } from './http/request-log.js';
import { sharedRateLimitStore } from './http/shared-rate-limit.js';
import type { IntentsModule } from './intents/contract.js';
import { hubLogger } from './logger.js';
import type { ChannelFactory, ChannelServices, Hub, HubPlugin, HubPluginFactory } from './plugin.js';

export type { ChannelFactory, ChannelServices, Hub, HubPlugin, HubPluginFactory } from './plugin.js';
export { hubLogger } from './logger.js';

/** What the hub's core parts are built from. */
export interface HubCoreOptions {
  readonly config: HubConfig;
  /** An open store; when omitted one is opened from `config.databaseUrl` and closed with the app. */
  readonly store?: Store;
  /** Close `store` with the app even though the caller opened it (default: only a store the hub opened). */
  readonly ownsStore?: boolean;
  /** The clock answers are computed against (VENTANILLA_NOW). */
  readonly clock?: () => Date;
  /** A pino logger, or false for silence (tests). */
  readonly logger?: Logger | false;
  readonly deliveryPolicy?: Partial<DeliveryPolicy>;
}

/**
 * The parts every module is built on, created before any of them: the logger, the migrated
 * store, the event feed, the clock and the delivery worker (whose adapters the channels fill).
 */
export interface HubCore {
  readonly config: HubConfig;
  readonly logger: Logger;
  readonly store: Store;
  readonly ownsStore: boolean;
  readonly events: HubEvents;
  readonly clock: () => Date;
  readonly adapters: Map<ChannelId, ChannelAdapter>;
  readonly worker: DeliveryWorker;
}

/** Creates the {@link HubCore}: a caller that wires modules needing the store or the worker (handoff) creates it first. */
export async function createHubCore(options: HubCoreOptions): Promise<HubCore> {
  const { config } = options;
  const logger: Logger = options.logger === false ? pino({ level: 'silent' }) : hubLogger(options.logger ?? pino({ level: config.logLevel }));
  const store = options.store ?? (await createStore(config.databaseUrl));
  await store.migrate();
  const events = new HubEvents();
  const adapters = new Map<ChannelId, ChannelAdapter>();
  const worker = new DeliveryWorker({ store, adapters, events, logger, policy: { ...config.outbox, ...options.deliveryPolicy } });
  return {
    config,
    logger,
    store,
    ownsStore: options.store === undefined || options.ownsStore === true,
    events,
    clock: options.clock ?? (() => new Date()),
    adapters,
    worker,
  };
}

export interface BuildAppOptions extends HubCoreOptions {
  /** Core parts created beforehand with {@link createHubCore}; the core options above are then ignored. */
  readonly core?: HubCore;
  readonly intents: IntentsModule;
  readonly handoff?: HandoffPort;
  /** Turn steps before the safety net (the feedback step), in order. */
  readonly firstSteps?: readonly Middleware[];
  /** Records a citizen's 👍/👎 from a channel's own route (the web chat); see {@link ChannelServices.feedback}. */
  readonly feedback?: ChannelServices['feedback'];
  readonly channels?: readonly ChannelFactory[];
  readonly plugins?: readonly (HubPluginFactory | HubPlugin)[];
  /** Static web root for `/` (web chat page, widget, console assets). */
  readonly webRoot?: string;
  /**
   * A shared store for request limits (web chat), so several instances count together; default:
   * the database on PostgreSQL (`rate_limit_counters`), this process's memory on SQLite.
   */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor;
  /** PostgreSQL turn leases: lifetime without renewal and how often dead owners are looked for (tests shorten them). */
  readonly turnLease?: { readonly leaseMs?: number; readonly sweepMs?: number };
}

/**
 * Where request limits count: the store given, else on PostgreSQL the database (several instances
 * share it and must count together), else this process's memory (SQLite: one instance).
 */
function rateLimitStoreFor(given: FastifyRateLimitStoreCtor | undefined, store: Store): { rateLimitStore?: FastifyRateLimitStoreCtor } {
  if (given !== undefined) return { rateLimitStore: given };
  if (store.dialect === 'postgres') return { rateLimitStore: sharedRateLimitStore(store.kysely as unknown as Kysely<unknown>, { namespace: 'hub' }) };
  return {};
}

/** Builds each configured channel and hands its adapter to the delivery worker. */
async function createChannels(core: HubCore, factories: readonly ChannelFactory[], services: ChannelServices): Promise<Map<ChannelId, ChannelModule>> {
  const channels = new Map<ChannelId, ChannelModule>();
  for (const factory of factories) {
    // Platform message ids are unique per channel only: a status is recorded on the channel that reported it.
    const reporting: { channel?: ChannelId } = {};
    const channel = await factory({
      ...services,
      async recordDeliveryStatus(channelMessageId, status) {
        if (reporting.channel !== undefined) await core.store.setOutboxDeliveryStatus(reporting.channel, channelMessageId, status);
      },
    });
    if (channel === undefined) continue;
    reporting.channel = channel.adapter.channel;
    channels.set(channel.adapter.channel, channel);
    core.adapters.set(channel.adapter.channel, channel.adapter);
  }
  return channels;
}

/** Builds the hub. The returned app is ready for `inject()`; call `hub.start()` to deliver. */
export async function buildApp(options: BuildAppOptions): Promise<Hub> {
  const core = options.core ?? (await createHubCore(options));
  const { config, logger, store, events, clock, worker } = core;

  const runner = new TurnRunner({
    store,
    safety: options.intents.safety,
    understand: options.intents.understand,
    ...(options.firstSteps === undefined ? {} : { first: options.firstSteps }),
    handoff: options.handoff ?? createBasicHandoff(),
    events,
    clock,
    logger,
    onReplies: () => worker.kick(),
    ...(options.turnLease?.leaseMs === undefined ? {} : { leaseMs: options.turnLease.leaseMs }),
    ...(options.turnLease?.sweepMs === undefined ? {} : { sweepMs: options.turnLease.sweepMs }),
  });

  // Every channel's messages pass the hub's own bounds (text length, valid date) on the way in.
  const sink: InboundSink = {
    accept(message) {
      const { message: bounded, fixed } = boundInbound(message, clock());
      if (fixed.length > 0) logger.warn({ channel: message.from.channel, messageId: message.id, fixed }, 'inbound message over the channel limits: bounded by the hub');
      return runner.accept(bounded);
    },
  };
  const channels = await createChannels(core, options.channels ?? [], {
    sink,
    logger,
    events,
    config,
    ...rateLimitStoreFor(options.rateLimitStore, store),
    ...(options.feedback === undefined ? {} : { feedback: options.feedback }),
    cursors: { get: (name) => store.getCursor(name), set: (name, value) => store.setCursor(name, value) },
    async markUnreachable(conversationKey) {
      const conversation = await store.getConversationByKey(conversationKey);
      if (conversation !== undefined) await store.updateConversation(conversation.id, { unreachable: true });
    },
    async history(conversationKey) {
      const conversation = await store.getConversationByKey(conversationKey);
      return conversation === undefined ? [] : store.getTranscript(conversation.id);
    },
  });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimitBytes,
    // Behind a reverse proxy, request.ip (every per-client limit) is the X-Forwarded-For client.
    trustProxy: trustProxyOption(config.server.trustProxy),
    routerOptions: { ignoreTrailingSlash: true },
    // One line per request instead of fastify's two, with the routine ones at debug (http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerRequestLog(app);
  await registerHeadersAndDocs(app, config.servedOverHttps);
  registerErrorReplies(app);
  registerHealth(app, { store: () => store.ping(), model: () => options.intents.ready() });

  for (const channel of channels.values()) {
    if (channel.routes !== undefined) await app.register(channel.routes.plugin, { prefix: channel.routes.prefix });
  }

  const plugins: HubPlugin[] = [];
  let started = false;
  const hub: Hub = {
    app,
    config,
    store,
    runner,
    worker,
    events,
    intents: options.intents,
    logger,
    channels,
    async start(startOptions = {}) {
      if (started) return;
      started = true;
      // One process owns a SQLite file, so a send interrupted by a crash can resume at once.
      if (store.dialect === 'sqlite') await store.releaseAllLeases();
      if (startOptions.delivery !== false) worker.start();
      const resumed = await runner.resumePending();
      if (resumed > 0) logger.info({ resumed }, 'resumed messages stored before the last stop');
      for (const plugin of plugins) await plugin.start?.();
      for (const channel of channels.values()) await channel.start?.();
    },
  };

  for (const entry of options.plugins ?? []) {
    const plugin = typeof entry === 'function' ? await entry(hub) : entry;
    plugins.push(plugin);
    await plugin.register(app, hub);
  }

  if (options.webRoot !== undefined) {
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: options.webRoot, prefix: '/', index: ['index.html'] });
  }

  // Graceful shutdown: intake stops first (fastify closes the listener), then running turns
  // finish, then what can be sent is sent, then the store closes.
  app.addHook('onClose', async () => {
    for (const channel of channels.values()) {
      try {
        await channel.stop?.();
      } catch (error) {
        logger.warn({ err: error, channel: channel.adapter.channel }, 'channel did not stop cleanly');
      }
    }
    for (const plugin of plugins) await plugin.stop?.();
    await runner.drain();
    await worker.stop(started ? config.shutdown.graceMs : 0);
    if (core.ownsStore) await store.close();
  });

  return hub;
}
