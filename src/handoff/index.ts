/**
 * The human handoff module: queue, routing, assignment, business hours, the agent REST API with
 * its live feed, and the agent console page. Users and sessions are the accounts module's.
 *
 * Wiring (in `buildApp`):
 * ```ts
 * const handoff = await createHandoff({ store, events, clock, config: loadHandoffConfig(configDir, env), logger });
 * pipeline: [intents.safety, handoff.mode, language…answer (intents.understand), handoff.escalate]
 * runner: after each committed turn → await handoff.afterTurn(ctx, conversationId)
 * await app.register(handoff.routes.plugin, { prefix: handoff.routes.prefix });          // /api/auth/*, /api/agent/*
 * await app.register(handoff.consoleRoutes.plugin, { prefix: handoff.consoleRoutes.prefix }); // /agent
 * await handoff.start();  …  await handoff.stop();   (timers + live feed)
 * ```
 */
import type { FastifyPluginAsync } from 'fastify';
import { createAccounts, type Accounts } from '../accounts/index.js';
import type { SessionAuth } from '../accounts/sessions.js';
import type { UserDirectory } from '../accounts/users.js';
import type { HandoffPort } from '../core/handoff-port.js';
import type { Language } from '../core/message.js';
import type { TurnContext } from '../core/pipeline.js';
import type { OutboxItem } from '../core/store/types.js';
import { HubError } from '../core/errors.js';
import { createAgentApi } from './console/api.js';
import { CannedStore } from './canned/store.js';
import { ConsoleFeed } from './console/feed.js';
import { createConsoleRoutes } from './console/static-routes.js';
import { createHandoffPipeline } from './pipeline.js';
import { HandoffQueue, type QueueDeps } from './queue.js';

export { loadHandoffConfig, resolveHandoffConfig, type HandoffConfig, type QueueConfig } from './config.js';
export { HandoffQueue, type HandoffLogger, type Ticket } from './queue.js';

/** The queue's dependencies, plus the live feed's poll interval. */
export interface HandoffDeps extends QueueDeps {
  /** Live-feed poll interval for events written by other instances (default 1000 ms). */
  readonly feedPollMs?: number;
  /** Users and sessions shared with the other modules; created over the same store when absent (tests, the benchmark). */
  readonly accounts?: Accounts;
}

export interface HandoffModule extends HandoffPort {
  afterTurn(ctx: TurnContext, conversationId: string): Promise<void>;
  /** The agent REST API and auth (`/api/auth/*`, `/api/agent/*`). */
  readonly routes: { readonly prefix: '/api'; readonly plugin: FastifyPluginAsync };
  /** The agent console page (`/agent`). */
  readonly consoleRoutes: { readonly prefix: '/agent'; readonly plugin: FastifyPluginAsync };
  readonly queue: HandoffQueue;
  /** The accounts the console logs in with (the ones passed in, or its own). */
  readonly users: UserDirectory;
  readonly auth: SessionAuth;
  /** Sends an agent's words through the durable outbox (409 unless that agent holds the conversation). */
  sendAgentMessage(conversationId: string, agentId: string, text: string, language?: Language): Promise<OutboxItem[]>;
  /** Re-enqueues orphaned conversations, starts the timers and the live feed. */
  start(): Promise<void>;
  /** Stops timers and the live feed (idempotent). */
  stop(): Promise<void>;
}

/**
 * Creates the handoff module. Registers and applies its migration (`0100_handoff`) on the given
 * store, so it works whether or not the store migrated before.
 */
export async function createHandoff(deps: HandoffDeps): Promise<HandoffModule> {
  await deps.store.migrate();
  // Canned responses live in the database; queues.yaml adds the ones it has never had.
  const canned = new CannedStore(deps.store, deps.clock);
  await canned.seed(deps.config.queues);
  const queue = new HandoffQueue(deps);
  const { users, auth } =
    deps.accounts ?? createAccounts({ store: deps.store, clock: deps.clock, sessionHours: deps.config.auth.sessionHours, idleMinutes: deps.config.auth.idleMinutes, cookieSecure: deps.config.auth.cookieSecure });
  const feed = new ConsoleFeed(queue, deps.events, deps.logger, deps.feedPollMs ?? 1000);
  const pipeline = createHandoffPipeline(queue, deps.logger);
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  // Offers lapse in seconds (`offerSeconds`), sooner than the timer pass comes round.
  let offerTimer: NodeJS.Timeout | undefined;
  let expiring: Promise<void> | undefined;
  const expireOffers = (): void => {
    if (expiring !== undefined) return;
    expiring = queue
      .expireOffers()
      .catch((error: unknown) => deps.logger.error({ err: error }, 'handoff: offer expiry failed'))
      .finally(() => {
        expiring = undefined;
      });
  };

  const tick = (): void => {
    if (ticking !== undefined) return;
    // Expired console sessions go with the same pass.
    ticking = queue
      .tick()
      .then(async () => {
        await users.purgeSessions();
      })
      .catch((error: unknown) => deps.logger.error({ err: error }, 'handoff: timer pass failed'))
      .finally(() => {
        ticking = undefined;
      });
  };

  return {
    mode: pipeline.mode,
    escalate: pipeline.escalate,
    afterTurn: pipeline.afterTurn,
    routes: {
      prefix: '/api',
      plugin: createAgentApi({
        store: deps.store,
        queue,
        auth,
        feed,
        config: deps.config,
        logger: deps.logger,
        clock: deps.clock,
        events: deps.events,
        canned,
        ...(deps.notifyOutbox === undefined ? {} : { notifyOutbox: deps.notifyOutbox }),
      }),
    },
    consoleRoutes: { prefix: '/agent', plugin: createConsoleRoutes() },
    queue,
    users,
    auth,
    async sendAgentMessage(conversationId, agentId, text, language) {
      const user = await users.get(agentId);
      if (user === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `agent ${agentId} does not exist`);
      return queue.sendAgentMessage(conversationId, user, text, language);
    },
    async start() {
      await queue.reconcile();
      await feed.start();
      if (timer === undefined) {
        timer = setInterval(tick, deps.config.tickSeconds * 1000);
        timer.unref();
        offerTimer = setInterval(expireOffers, Math.min(2000, deps.config.tickSeconds * 1000));
        offerTimer.unref();
      }
      await queue.assignPass();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      if (offerTimer !== undefined) clearInterval(offerTimer);
      timer = undefined;
      offerTimer = undefined;
      await ticking;
      await expiring;
      await feed.stop();
    },
  };
}
