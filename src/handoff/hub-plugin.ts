/**
 * The handoff module as a {@link HubPlugin}: its routes, its timers and its live feed.
 *
 * The composition root creates the module from the hub's core parts and passes it both as the
 * runner's handoff port and as a plugin:
 * ```ts
 * const core = await createHubCore({ config });
 * const handoff = await createHandoff({ store: core.store, events: core.events, logger: core.logger, … });
 * buildApp({ core, handoff, plugins: [handoffPlugin(handoff)], … });
 * ```
 * {@link createHandoffWiring} does the same for callers that let `buildApp` create the core.
 */
import { HubError } from '../core/errors.js';
import type { HubEvents } from '../core/events.js';
import type { HandoffPort } from '../core/handoff-port.js';
import type { Store } from '../core/store/index.js';
import type { HubPlugin } from '../plugin.js';
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
  readonly plugin: (hub: HandoffHubLike) => Promise<HubPlugin>;
  /** The module once the plugin created it. */
  module(): HandoffModule | undefined;
}

export function createHandoffWiring(options: { readonly config: HandoffConfig; readonly clock: () => Date; readonly feedPollMs?: number }): HandoffWiring {
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
      });
      return handoffPlugin(handoff);
    },
    module: () => handoff,
  };
}

/** The handoff module's routes (`/api`, `/agent`) and lifecycle as a hub plugin. */
export function handoffPlugin(module: HandoffModule): HubPlugin {
  return {
    name: 'handoff',
    async register(app) {
      await app.register(module.routes.plugin, { prefix: module.routes.prefix });
      await app.register(module.consoleRoutes.plugin, { prefix: module.consoleRoutes.prefix });
    },
    start: () => module.start(),
    stop: () => module.stop(),
  };
}
