/**
 * The agent REST API and live feed, one encapsulated fastify plugin (registered with prefix
 * `/api`): `/auth/*` (login, logout, session) and `/agent/*` (conversations, claim, messages,
 * retry of an undelivered reply, notes, transfer, close, presence, queues, agents, events, canned
 * responses).
 * TypeBox schemas on every route, so they appear in the OpenAPI at `/docs` and bad input is a 400
 * that names the field. The routes live in one module per concern; this one wires them (errors become replies in the
 * hub's one error handler).
 */
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError } from '../../core/errors.js';
import type { Store } from '../../core/store/index.js';
import type { SessionAuth } from '../../accounts/sessions.js';
import type { HandoffConfig } from '../config.js';
import type { HandoffLogger, HandoffQueue } from '../queue.js';
import { CONSOLE_ROLES } from '../../accounts/users.js';
import { registerAuthRoutes } from './auth-routes.js';
import type { CannedStore } from '../canned/store.js';
import { registerCannedRoutes } from './canned-routes.js';
import { registerConversationRoutes } from './conversation-routes.js';
import { registerEventsRoute } from './events-route.js';
import { registerOfferRoutes } from './offer-routes.js';
import type { ConsoleFeed } from './feed.js';
import { registerPresenceRoutes } from './presence-routes.js';
import { registerTypingRoute } from './typing-route.js';
import type { HubEvents } from '../../core/events.js';
import { summarizer } from './summaries.js';

export { ErrorSchema, MAX_REPLY_LENGTH } from './api-schemas.js';

export interface ApiDeps {
  readonly store: Store;
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly feed: ConsoleFeed;
  readonly config: HandoffConfig;
  readonly logger: HandoffLogger;
  readonly clock: () => Date;
  /** Where `typing.agent` is emitted (channels that show typing listen). */
  readonly events: HubEvents;
  /** The canned responses (database, seeded from config/queues.yaml). */
  readonly canned: CannedStore;
  /** Wakes the delivery worker (a retried reply is due now). */
  readonly notifyOutbox?: () => void;
}

/** The agent API plugin (encapsulated; register with `{ prefix: '/api' }`). */
export function createAgentApi(deps: ApiDeps): FastifyPluginAsync {
  const { queue, auth } = deps;
  const summaries = summarizer({ store: deps.store, queue, users: auth.users, config: deps.config, clock: deps.clock });

  return async (instance: FastifyInstance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new HubError('HUB_ERR_RATE_LIMITED', 'too many login attempts: wait a minute and try again', { retryAfterMs: context.ttl }),
    });

    registerAuthRoutes(app, deps);

    await app.register(
      async (agentScope) => {
        const agent = agentScope.withTypeProvider<TypeBoxTypeProvider>();
        agent.addHook('onRequest', auth.guard(CONSOLE_ROLES));
        agent.addHook('onRequest', async (request) => {
          await queue.touch(auth.require(request).user.id);
        });
        registerConversationRoutes(agent, { ...deps, summaries });
        registerPresenceRoutes(agent, deps);
        registerCannedRoutes(agent, deps);
        registerOfferRoutes(agent, { ...deps, summaries });
        registerEventsRoute(agent, deps);
        registerTypingRoute(agent, deps);
      },
      { prefix: '/agent' },
    );
  };
}
