/**
 * The reports module: quality indicators from incremental roll-ups, the supervisor dashboard
 * (`/reports`), its REST API (`/api/reports/...`) and Prometheus metrics (`/metrics`).
 *
 * Wiring (composition root):
 * ```ts
 * plugins: [handoff.plugin, createReportsPlugin({ config: loadReportsConfig(configDir), queues, clock,
 *   guard: (request, reply) => handoffModule().auth.guard(['supervisor', 'admin'])(request, reply),
 *   metricsToken: env.VENTANILLA_METRICS_TOKEN })]
 * ```
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubEvents } from '../core/events.js';
import type { Store } from '../core/store/index.js';
import type { ReportsConfig } from './definitions.js';
import { createMetrics, type MetricsDeps } from './metrics.js';
import { reportsPage } from './page-routes.js';
import { reportsApi, type ReportsRoutesDeps } from './routes.js';
import { reportsDb } from './schema.js';
import { RollupWriter, type WriterLogger } from './writer.js';

export { loadReportsConfig, resolveReportsConfig, INDICATORS, type ReportsConfig } from './definitions.js';
export { rebuildRollups } from './rebuild.js';
export { runReport, wallboard, type Report, type ReportQuery } from './queries.js';
export { RollupWriter } from './writer.js';

/** The parts of the hub the reports need (structural: this module does not import the app). */
export interface ReportsHubLike {
  readonly store: Store;
  readonly events: HubEvents;
  readonly logger: WriterLogger & { warn(obj: object, msg?: string): void };
  readonly intents?: MetricsDeps['intents'];
}

export interface ReportsPluginOptions {
  readonly config: ReportsConfig;
  readonly queues: readonly { readonly id: string; readonly name: string }[];
  readonly clock: () => Date;
  /** 401/403 unless the request has a supervisor or admin session. */
  readonly guard: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Bearer token of `/metrics` (`VENTANILLA_METRICS_TOKEN`); without it `/metrics` is not served. */
  readonly metricsToken?: string | undefined;
  /** Roll-up flush interval (default 1000 ms). */
  readonly flushMs?: number;
  /** Records reads of conversations by the conversation export in the access audit (see `ReportsRoutesDeps`). */
  readonly onConversationsRead?: ReportsRoutesDeps['onConversationsRead'];
}

/** A hub plugin: the roll-up writer's lifecycle plus the routes. */
export function createReportsPlugin(options: ReportsPluginOptions) {
  return (hub: ReportsHubLike) => {
    const writer = new RollupWriter({
      store: hub.store,
      events: hub.events,
      config: options.config,
      clock: options.clock,
      logger: hub.logger,
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
    });
    // Events of the very first turns count even before start() (buildApp registers, then starts).
    writer.start();
    const db = reportsDb(hub.store);
    let metrics: ReturnType<typeof createMetrics> | undefined;
    return {
      name: 'reports',
      writer,
      async register(app: FastifyInstance) {
        await app.register(
          reportsApi({ db, config: options.config, events: hub.events, clock: options.clock, queues: options.queues, guard: options.guard, beforeRead: () => writer.flush(), ...(options.onConversationsRead === undefined ? {} : { onConversationsRead: options.onConversationsRead }) }),
          { prefix: '/api/reports' },
        );
        await app.register(reportsPage, { prefix: '/reports' });
        if (options.metricsToken !== undefined && options.metricsToken !== '') {
          metrics = createMetrics({ db, events: hub.events, clock: options.clock, queues: options.queues, ...(hub.intents === undefined ? {} : { intents: hub.intents }) });
          metrics.install(app, options.metricsToken);
        }
      },
      async start() {
        writer.start();
      },
      async stop() {
        metrics?.close();
        await writer.stop();
      },
    };
  };
}
