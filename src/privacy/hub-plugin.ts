/**
 * The privacy module as a hub plugin: the daily retention purge (one instance at a time, through
 * its lease), the administrators' access/erasure API under `/api/admin/privacy` and the audit page
 * at `/admin/audit`.
 */
import type { preHandlerAsyncHookHandler, FastifyRequest } from 'fastify';
import type { HubPlugin, HubPluginFactory } from '../plugin.js';
import type { RetentionDays } from './retention-config.js';
import { auditPage } from './audit-page.js';
import { privacyRoutes } from './routes.js';
import { startRetentionPurge, type RetentionPurge } from './schedule.js';

export interface PrivacyPluginOptions {
  readonly retentionDays: RetentionDays;
  /** Lets only administrators through. */
  readonly guard: preHandlerAsyncHookHandler;
  /** The acting user's name, recorded in the audit. */
  readonly actorOf: (request: FastifyRequest) => string;
  readonly clock: () => Date;
  /** The server secret keying the erasure record's hash (`loadPrivacySecret`). */
  readonly secret: string;
}

/** Registers the privacy routes; `start` schedules the purge and `stop` waits for a run in progress. */
export function privacyPlugin(options: PrivacyPluginOptions): HubPluginFactory {
  return (hub): HubPlugin => {
    let purge: RetentionPurge | undefined;
    return {
      name: 'privacy',
      async register(app) {
        await app.register(privacyRoutes, { prefix: '/api/admin/privacy', store: hub.store, guard: options.guard, actorOf: options.actorOf, now: options.clock, secret: options.secret });
        await app.register(auditPage, { prefix: '/admin/audit', store: hub.store, guard: options.guard });
      },
      async start() {
        purge = startRetentionPurge({ store: hub.store, retentionDays: options.retentionDays, log: hub.logger, now: options.clock, busy: () => hub.runner.busy });
      },
      async stop() {
        await purge?.stop();
      },
    };
  };
}
