/**
 * buildApp(): the whole hub as a fastify instance that never listens by itself (tests use
 * `app.inject()`, `server.ts` listens). Wires the store, the turn runner, the delivery worker,
 * the intent engine, the handoff port and every channel plugin.
 */
import fastifyHelmet from '@fastify/helmet';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { ChannelAdapter, ChannelDeps, ChannelModule, InboundSink } from './bots/adapter.js';
import { boundInbound } from './bots/inbound-values.js';
import { redactWebchatSecrets } from './bots/webchat/index.js';
import { createBasicHandoff } from './core/basic-handoff.js';
import { isHubError } from './core/errors.js';
import { trustProxyOption } from './core/trust-proxy.js';
import { HubEvents } from './core/events.js';
import type { HandoffPort } from './core/handoff-port.js';
import type { ChannelId } from './core/message.js';
import { DeliveryWorker, type DeliveryPolicy } from './core/outbox.js';
import { TurnRunner } from './core/runner.js';
import { createStore, type KyselyStore } from './core/store/index.js';
import type { TranscriptEntry } from './core/store/types.js';
import type { HubConfig } from './config.js';
import type { IntentsModule } from './intents/contract.js';

/** What a channel factory receives: the channel deps plus read access a web channel needs. */
export interface ChannelServices extends ChannelDeps {
  readonly events: HubEvents;
  /** The transcript of a conversation by key (empty when unknown). */
  readonly history: (conversationKey: string) => Promise<readonly TranscriptEntry[]>;
  readonly config: HubConfig;
  /** Where request limits count (@fastify/rate-limit store); undefined: each process in its memory. */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor;
}

/** Builds one channel, or returns undefined when it is not configured. */
export type ChannelFactory = (services: ChannelServices) => ChannelModule | undefined | Promise<ChannelModule | undefined>;

/** A module that adds routes and lifecycle to the app (handoff queue, editor). */
export interface HubPlugin {
  readonly name: string;
  register(app: FastifyInstance, hub: Hub): Promise<void>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface BuildAppOptions {
  readonly config: HubConfig;
  /** An open store; when omitted one is opened from `config.databaseUrl` and closed with the app. */
  readonly store?: KyselyStore;
  /** Close `store` with the app even though the caller opened it (default: only a store buildApp opened). */
  readonly ownsStore?: boolean;
  readonly intents: IntentsModule;
  readonly handoff?: HandoffPort;
  readonly channels?: readonly ChannelFactory[];
  readonly plugins?: readonly ((hub: Hub) => HubPlugin | Promise<HubPlugin>)[];
  /** The clock answers are computed against (VENTANILLA_NOW). */
  readonly clock?: () => Date;
  /** A pino logger, or false for silence (tests). */
  readonly logger?: Logger | false;
  readonly deliveryPolicy?: Partial<DeliveryPolicy>;
  /** Static web root for `/` (web chat page, widget, console assets). */
  readonly webRoot?: string;
  /**
   * A shared store for request limits (web chat), so several instances count together; default:
   * each process counts in its own memory.
   */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor;
}

/** The running parts of the hub. */
export interface Hub {
  readonly app: FastifyInstance;
  readonly config: HubConfig;
  readonly store: KyselyStore;
  readonly runner: TurnRunner;
  readonly worker: DeliveryWorker;
  readonly events: HubEvents;
  readonly intents: IntentsModule;
  readonly logger: Logger;
  readonly channels: ReadonlyMap<ChannelId, ChannelModule>;
  /**
   * Starts delivery (unless `delivery: false`, for callers that drive `worker.deliverOnce()`),
   * resumes unprocessed messages and starts polling channels and plugins.
   */
  start(options?: { readonly delivery?: boolean }): Promise<void>;
}


/** Log fields that may hold a credential: censored in every line the hub writes. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'conversationKey', '*.conversationKey', 'err.details.conversationKey'];

/**
 * The hub's logger on top of `base`: request lines carry method, URL (web chat session ids
 * redacted: the id is the citizen's only credential) and status, never bodies; authorization and
 * cookie headers are censored, and a web chat conversation key loses its session id.
 */
export function hubLogger(base: Logger): Logger {
  return base.child(
    {},
    {
      serializers: {
        req: (request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: request.method,
          url: request.url === undefined ? undefined : redactWebchatSecrets(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      redact: {
        paths: REDACTED_PATHS,
        censor: (value: unknown, path: string[]) =>
          path[path.length - 1] === 'conversationKey' ? (typeof value === 'string' ? redactWebchatSecrets(value) : value) : '[Redacted]',
      },
    },
  );
}

/** Builds the hub. The returned app is ready for `inject()`; call `hub.start()` to deliver. */
export async function buildApp(options: BuildAppOptions): Promise<Hub> {
  const { config } = options;
  const logger: Logger =
    options.logger === false ? pino({ level: 'silent' }) : hubLogger(options.logger ?? pino({ level: config.logLevel }));
  const ownsStore = options.store === undefined || options.ownsStore === true;
  const store = options.store ?? (await createStore(config.databaseUrl));
  await store.migrate();
  const events = new HubEvents();
  const clock = options.clock ?? (() => new Date());
  const handoff = options.handoff ?? createBasicHandoff();

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.server.bodyLimitBytes,
    // Behind a reverse proxy, request.ip (every per-client limit) is the X-Forwarded-For client.
    trustProxy: trustProxyOption(config.server.trustProxy),
    // Request logs carry method, URL and status only: message text travels in bodies, never logged.
    routerOptions: { ignoreTrailingSlash: true },
  });

  const adapters = new Map<ChannelId, ChannelAdapter>();
  const worker = new DeliveryWorker({ store, adapters, events, logger, policy: { ...config.outbox, ...options.deliveryPolicy } });
  const runner = new TurnRunner({
    store,
    safety: options.intents.safety,
    understand: options.intents.understand,
    handoff,
    events,
    clock,
    logger,
    onReplies: () => worker.kick(),
  });

  // Every channel's messages pass the hub's own bounds (text length, valid date) on the way in.
  const sink: InboundSink = {
    accept(message) {
      const { message: bounded, fixed } = boundInbound(message, clock());
      if (fixed.length > 0) logger.warn({ channel: message.from.channel, messageId: message.id, fixed }, 'inbound message over the channel limits: bounded by the hub');
      return runner.accept(bounded);
    },
  };

  const services: ChannelServices = {
    sink,
    logger,
    events,
    config,
    ...(options.rateLimitStore === undefined ? {} : { rateLimitStore: options.rateLimitStore }),
    cursors: { get: (name) => store.getCursor(name), set: (name, value) => store.setCursor(name, value) },
    async markUnreachable(conversationKey) {
      const conversation = await store.getConversationByKey(conversationKey);
      if (conversation !== undefined) await store.updateConversation(conversation.id, { unreachable: true });
    },
    async history(conversationKey) {
      const conversation = await store.getConversationByKey(conversationKey);
      return conversation === undefined ? [] : store.getTranscript(conversation.id);
    },
  };

  const channels = new Map<ChannelId, ChannelModule>();
  for (const factory of options.channels ?? []) {
    // Platform message ids are unique per channel only: a status is recorded on the channel that reported it.
    const reporting: { channel?: ChannelId } = {};
    const channel = await factory({
      ...services,
      async recordDeliveryStatus(channelMessageId, status) {
        if (reporting.channel !== undefined) await store.setOutboxDeliveryStatus(reporting.channel, channelMessageId, status);
      },
    });
    if (channel === undefined) continue;
    reporting.channel = channel.adapter.channel;
    channels.set(channel.adapter.channel, channel);
    adapters.set(channel.adapter.channel, channel.adapter);
  }

  // Over plain HTTP (HOST=0.0.0.0 on a LAN), `upgrade-insecure-requests` would rewrite the pages'
  // own scripts and styles to https:// and break them, and HSTS would lock browsers out.
  const https = config.servedOverHttps;
  await app.register(fastifyHelmet, {
    // The widget script is loaded by other sites: allow cross-origin reads of static assets.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Ventanilla API', version: '0.1.0', description: 'Channel webhooks, web chat, agent console and editor APIs of the Ventanilla hub.' },
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) =>
      https
        ? header
        : header
            .split(';')
            .map((directive) => directive.trim())
            .filter((directive) => directive !== '' && directive !== 'upgrade-insecure-requests')
            .join('; '),
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isHubError(error)) {
      if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
      return reply.status(error.statusCode).send({ statusCode: error.statusCode, error: error.code, message: error.message });
    }
    if (error.validation !== undefined) {
      return reply.status(400).send({ statusCode: 400, error: 'HUB_ERR_BAD_PAYLOAD', message: `invalid request: ${error.message}` });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(status).send({ statusCode: status, error: 'HUB_ERR_INTERNAL', message: 'internal error' });
    }
    // Fastify's own 4xx (FST_ERR_CTP_INVALID_JSON → 400, FST_ERR_CTP_BODY_TOO_LARGE → 413…) keep their status.
    return reply.status(status).send({ statusCode: status, error: error.code ?? 'HUB_ERR_BAD_REQUEST', message: error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ statusCode: 404, error: 'HUB_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` });
  });

  app.get(
    '/healthz',
    { schema: { description: 'Liveness: the process answers.', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        description: 'Readiness: the store answers and the NLU model is loaded.',
        response: { 200: Type.Object({ status: Type.String(), store: Type.Boolean(), model: Type.Boolean() }), 503: Type.Object({ status: Type.String(), store: Type.Boolean(), model: Type.Boolean() }) },
      },
    },
    async (_request, reply) => {
      const storeOk = await store.ping();
      const model = options.intents.ready();
      return reply.status(storeOk && model ? 200 : 503).send({ status: storeOk && model ? 'ready' : 'not ready', store: storeOk, model });
    },
  );

  for (const channel of channels.values()) {
    if (channel.routes !== undefined) await app.register(channel.routes.plugin, { prefix: channel.routes.prefix });
  }

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

  const plugins: HubPlugin[] = [];
  for (const makePlugin of options.plugins ?? []) {
    const plugin = await makePlugin(hub);
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
    if (ownsStore) await store.close();
  });

  return hub;
}
