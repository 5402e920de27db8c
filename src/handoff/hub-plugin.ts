/**
 * Wiring for `buildApp`: the app creates the event hub inside `buildApp`, while the turn runner
 * needs the HandoffPort at construction. This returns a port that delegates to the handoff
 * module, and a hub plugin that creates the module from the hub's store and events, registers
 * its routes and starts/stops its timers.
 *
 * ```ts
 * const handoff = createHandoffWiring({ config: loadHandoffConfig(config.configDir, env), clock });
 * buildApp({ …, handoff: handoff.port, plugins: [handoff.plugin] });
 * ```
 */
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/index.js';
import { HubError } from '../core/errors.js';
import type { HubEvents } from '../core/events.js';
import type { HandoffPort } from '../core/handoff-port.js';
import type { Store } from '../core/store/index.js';
import type { HandoffConfig } from './config.js';
import { createHandoff, type HandoffModule } from './index.js';
import type { HandoffLogger } from './queue.js';

/** The parts of the app's `Hub` the handoff needs (structural, so this module does not import the app). */
export interface HandoffHubLike {
  readonly store: Store;
  readonly events: HubEvents;
  readonly logger: HandoffLogger;
  readonly worker?: { kick(): void };
}

export interface HandoffWiring {
  /** Pass as `buildApp({ handoff })`. */
  readonly port: Required<HandoffPort>;
  /** Pass in `buildApp({ plugins: [...] })`. */
  readonly plugin: (hub: HandoffHubLike) => Promise<{
    readonly name: string;
    register(app: FastifyInstance): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
  }>;
  /** The module once the plugin created it. */
  module(): HandoffModule | undefined;
}

export function createHandoffWiring(options: { readonly config: HandoffConfig; readonly clock: () => Date; readonly feedPollMs?: number; readonly accounts?: Accounts }): HandoffWiring {
  let handoff: HandoffModule | undefined;
  const need = (): HandoffModule => {
    if (handoff === undefined) throw new HubError('HUB_ERR_CONFIG', 'the handoff plugin was not created: pass wiring.plugin in buildApp({ plugins })');
    return handoff;
  };
  return {
    port: {
      mode: (ctx, next) => need().mode(ctx, next),
      escalate: (ctx, next) => need().escalate(ctx, next),
      afterTurn: (ctx, conversationId) => need().afterTurn(ctx, conversationId),
    },
    async plugin(hub) {
      handoff = await createHandoff({
        store: hub.store,
        events: hub.events,
        clock: options.clock,
        config: options.config,
        logger: hub.logger,
        ...(hub.worker === undefined ? {} : { notifyOutbox: () => hub.worker?.kick() }),
        ...(options.feedPollMs === undefined ? {} : { feedPollMs: options.feedPollMs }),
        ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
      });
      const module = handoff;
      return {
        name: 'handoff',
        async register(app) {
          await app.register(module.routes.plugin, { prefix: module.routes.prefix });
          await app.register(module.consoleRoutes.plugin, { prefix: module.consoleRoutes.prefix });
        },
        start: () => module.start(),
        stop: () => module.stop(),
      };
    },
    module: () => handoff,
  };
}
