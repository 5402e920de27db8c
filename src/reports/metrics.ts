/**
 * Prometheus metrics for operations (`GET /metrics`, bearer token `VENTANILLA_METRICS_TOKEN`;
 * not served when the token is unset). A registry of its own (never prom-client's global one):
 * counters fed by the hub's events and HTTP responses, gauges read from the store when scraped.
 */
import { timingSafeEqual } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'kysely';
import { HubError } from '../core/errors.js';
import type { HubEvents, HubEventMap } from '../core/events.js';
import type { ReportsDb } from './schema.js';

/** The diagnostics channel the NLU publishes each analysis's duration on (`NLU_TIMING_CHANNEL` in intents/policy.ts). */
const NLU_TIMING_CHANNEL = 'ventanilla:nlu.analyze';

/** Channels whose POST routes are webhooks (intake), by their route prefix. */
const WEBHOOK_PREFIXES: readonly [prefix: string, channel: string][] = [
  ['/telegram', 'telegram'],
  ['/whatsapp', 'whatsapp'],
  ['/x', 'x'],
  ['/botframework', 'botframework'],
  ['/webchat/api/messages', 'webchat'],
  ['/email', 'email'],
];

export interface MetricsDeps {
  readonly db: ReportsDb;
  readonly events: HubEvents;
  readonly clock: () => Date;
  readonly queues: readonly { readonly id: string; readonly name: string }[];
  /** The live intents module (its `version`, when it has one, is the content version answering). */
  readonly intents?: object;
}

export interface HubMetrics {
  readonly registry: Registry;
  /**
   * Adds `/metrics` behind the token and the webhook response counter to the root app (not an
   * encapsulated plugin: the hook must see every channel's routes).
   */
  install(app: FastifyInstance, token: string): void;
  /** Stops listening to the hub's events. */
  close(): void;
}

function versionOf(intents: object | undefined): number | undefined {
  return intents !== undefined && 'version' in intents && typeof intents.version === 'number' ? intents.version : undefined;
}

function sameToken(sent: string, token: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates the registry and subscribes to the hub's events. */
export function createMetrics(deps: MetricsDeps): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ventanilla_process_' });
  const webhooks = new Counter({ name: 'ventanilla_webhook_requests_total', help: 'Webhook requests by channel and HTTP status', labelNames: ['channel', 'status'], registers: [registry] });
  const messages = new Counter({ name: 'ventanilla_messages_total', help: 'Transcript messages by author (citizen, bot, agent, system)', labelNames: ['author'], registers: [registry] });
  const turnLatency = new Histogram({
    name: 'ventanilla_turn_latency_seconds',
    help: 'From a citizen message being stored to the bot reply being committed',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const nluLatency = new Histogram({
    name: 'ventanilla_nlu_latency_seconds',
    help: 'Time of one NLU analysis of a citizen message (language, spelling, intent, safety scores), by language found',
    labelNames: ['language'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const deliveries = new Counter({ name: 'ventanilla_deliveries_total', help: 'Outbox delivery attempts by outcome (sent, retry, dead, held)', labelNames: ['outcome'], registers: [registry] });
  const deliveryLag = new Histogram({
    name: 'ventanilla_delivery_lag_seconds',
    help: 'From a reply entering the outbox to the platform accepting it',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
    registers: [registry],
  });
  const handoffEvents = new Counter({ name: 'ventanilla_handoff_events_total', help: 'Handoff transitions by type', labelNames: ['type'], registers: [registry] });
  const slaBreaches = new Counter({ name: 'ventanilla_sla_breaches_total', help: 'Conversations that waited past their queue’s maximum', labelNames: ['queue'], registers: [registry] });
  const turnAlerts = new Counter({ name: 'ventanilla_turn_alerts_total', help: 'Turns that failed or would have been silent', labelNames: ['type'], registers: [registry] });
  let modelVersion = versionOf(deps.intents) ?? 0;
  new Gauge({
    name: 'ventanilla_model_version',
    help: 'Content version of the NLU model answering now (0: the one the hub started with)',
    registers: [registry],
    collect() {
      this.set(versionOf(deps.intents) ?? modelVersion);
    },
  });
  new Gauge({
    name: 'ventanilla_outbox_items',
    help: 'Outbox items by state (pending, retrying, sending, held, dead)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await deps.db
        .selectFrom('outbox')
        .select(['status', sql<number>`sum(case when attempts > 0 then 1 else 0 end)`.as('retried'), sql<number>`count(*)`.as('count')])
        .where('status', '!=', 'sent')
        .groupBy('status')
        .execute();
      this.reset();
      for (const state of ['pending', 'retrying', 'sending', 'held', 'dead']) this.set({ state }, 0);
      for (const row of rows) {
        if (row.status === 'pending') {
          this.set({ state: 'retrying' }, Number(row.retried));
          this.set({ state: 'pending' }, Number(row.count) - Number(row.retried));
        } else this.set({ state: row.status }, Number(row.count));
      }
    },
  });
  const waitingRows = async (): Promise<Map<string, { waiting: number; oldest: string }>> => {
    const rows = await deps.db
      .selectFrom('handoff_tickets')
      .select(['queue_id', sql<number>`count(*)`.as('waiting'), sql<string>`min(enqueued_at)`.as('oldest')])
      .where('status', '=', 'queued')
      .groupBy('queue_id')
      .execute();
    return new Map(rows.map((row) => [row.queue_id, { waiting: Number(row.waiting), oldest: row.oldest }]));
  };
  new Gauge({
    name: 'ventanilla_queue_waiting',
    help: 'Conversations waiting for an agent, per queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const rows = await waitingRows();
      for (const queue of deps.queues) this.set({ queue: queue.id }, rows.get(queue.id)?.waiting ?? 0);
    },
  });
  new Gauge({
    name: 'ventanilla_queue_longest_wait_seconds',
    help: 'How long the longest-waiting conversation of each queue has waited (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const rows = await waitingRows();
      const now = deps.clock().getTime();
      for (const queue of deps.queues) {
        const oldest = rows.get(queue.id)?.oldest;
        this.set({ queue: queue.id }, oldest === undefined ? 0 : Math.max(0, (now - new Date(oldest).getTime()) / 1000));
      }
    },
  });
  new Gauge({
    name: 'ventanilla_agents',
    help: 'Agents (agent, supervisor and admin accounts) by presence',
    labelNames: ['presence'],
    registers: [registry],
    async collect() {
      const rows = await deps.db
        .selectFrom('handoff_users')
        .select(['presence', sql<number>`count(*)`.as('count')])
        .where('disabled', '=', 0)
        .where('role', 'in', ['agent', 'supervisor', 'admin'])
        .groupBy('presence')
        .execute();
      for (const presence of ['available', 'away', 'offline']) this.set({ presence }, 0);
      for (const row of rows) this.set({ presence: row.presence }, Number(row.count));
    },
  });

  // Citizen message time per conversation, until the bot's reply (bounded: old entries drop).
  const citizenAt = new Map<string, number>();
  const onTranscript = ({ conversationId, entry }: HubEventMap['transcript'][0]): void => {
    messages.inc({ author: entry.author });
    if (entry.author === 'citizen') {
      citizenAt.set(conversationId, entry.createdAt.getTime());
      if (citizenAt.size > 10_000) citizenAt.delete(citizenAt.keys().next().value as string);
    } else if (entry.author === 'bot') {
      const at = citizenAt.get(conversationId);
      if (at !== undefined) {
        turnLatency.observe(Math.max(0, (entry.createdAt.getTime() - at) / 1000));
        citizenAt.delete(conversationId);
      }
    }
  };
  const onDelivery = ({ item, outcome }: HubEventMap['delivery'][0]): void => {
    deliveries.inc({ outcome });
    if (outcome === 'sent') deliveryLag.observe(Math.max(0, ((item.sentAt ?? deps.clock()).getTime() - item.createdAt.getTime()) / 1000));
  };
  const onCustom = ({ type, data }: HubEventMap['custom'][0]): void => {
    if (type.startsWith('handoff.')) {
      handoffEvents.inc({ type: type.slice('handoff.'.length) });
      if (type === 'handoff.sla_breached') slaBreaches.inc({ queue: typeof data.queueId === 'string' ? data.queueId : '' });
    } else if (type.startsWith('alert.')) turnAlerts.inc({ type: type.slice('alert.'.length) });
    else if (type === 'editor.published' && typeof data.version === 'number') modelVersion = data.version;
  };
  // The NLU knows no reports: it publishes its timings on a diagnostics channel (intents/policy.ts).
  const onNluTiming = (message: unknown): void => {
    const timing = message as { seconds?: unknown; language?: unknown };
    if (typeof timing.seconds === 'number') nluLatency.observe({ language: typeof timing.language === 'string' ? timing.language : '' }, timing.seconds);
  };
  subscribe(NLU_TIMING_CHANNEL, onNluTiming);
  deps.events.on('transcript', onTranscript);
  deps.events.on('delivery', onDelivery);
  deps.events.on('custom', onCustom);

  return {
    registry,
    install(app, token) {
      {
        app.addHook('onResponse', async (request, reply) => {
          if (request.method !== 'POST') return;
          const url = request.routeOptions.url ?? request.url;
          const match = WEBHOOK_PREFIXES.find(([prefix]) => url === prefix || url.startsWith(`${prefix}/`));
          if (match !== undefined) webhooks.inc({ channel: match[1], status: String(reply.statusCode) });
        });
        app.get(
          '/metrics',
          { schema: { tags: ['operations'], summary: 'Prometheus metrics (text format); needs `Authorization: Bearer <VENTANILLA_METRICS_TOKEN>`', produces: ['text/plain'] } },
          async (request, reply) => {
            const header = request.headers.authorization ?? '';
            const sent = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
            if (!sameToken(sent, token)) {
              void reply.header('www-authenticate', 'Bearer realm="metrics"');
              throw new HubError('HUB_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <VENTANILLA_METRICS_TOKEN>');
            }
            return reply.header('content-type', registry.contentType).send(await registry.metrics());
          },
        );
      }
    },
    close() {
      unsubscribe(NLU_TIMING_CHANNEL, onNluTiming);
      deps.events.off('transcript', onTranscript);
      deps.events.off('delivery', onDelivery);
      deps.events.off('custom', onCustom);
    },
  };
}
