/**
 * The reports REST API (`/api/reports/...`, supervisors and admins): indicators over a range
 * sliced and in periods, exports (CSV/JSON), the live wallboard and its change feed.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../core/errors.js';
import type { HubEvents, HubEventMap } from '../core/events.js';
import { DefinitionsSchema, ReportSchema, WallboardSchema } from './api-schema.js';
import { INDICATORS, SLICES, type ReportsConfig, type SliceName } from './definitions.js';
import { reportRows, toCsv } from './export.js';
import { exportConversations } from './conversation-export.js';
import { checkRange, PERIODS, parseSlices, runReport, startOfLocalDay, wallboard, type Period, type ReportQuery } from './queries.js';
import { topUnrecognisedClusters } from './unrecognised.js';
import type { ReportsDb } from './schema.js';

export interface ReportsRoutesDeps {
  readonly db: ReportsDb;
  readonly config: ReportsConfig;
  readonly events: HubEvents;
  readonly clock: () => Date;
  readonly queues: readonly { readonly id: string; readonly name: string }[];
  /** Rejects (401/403) a request without a supervisor or admin session. */
  readonly guard: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Writes pending roll-up increments before a report is read (so a report sees what just happened). */
  readonly beforeRead?: () => Promise<void>;
  /**
   * Records that the requesting person read these conversations and why (the access audit); the
   * conversation export calls it before answering, and answers nothing if it fails.
   */
  readonly onConversationsRead?: (request: FastifyRequest, conversationIds: readonly string[], reason: string) => Promise<void>;
}

const DATE = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$';
const ReportQuerySchema = Type.Object(
  {
    from: Type.String({ pattern: DATE, description: 'Start: a date (local midnight in the queues’ time zone) or an ISO date-time with offset' }),
    to: Type.String({ pattern: DATE, description: 'End: a date (included: up to the next local midnight) or an ISO date-time (excluded)' }),
    by: Type.Optional(Type.String({ maxLength: 100, description: `Slices, comma-separated: ${SLICES.join(', ')}` })),
    period: Type.Optional(Type.Union(PERIODS.map((p) => Type.Literal(p)), { default: 'day' })),
    channel: Type.Optional(Type.String({ maxLength: 100 })),
    queue: Type.Optional(Type.String({ maxLength: 100 })),
    language: Type.Optional(Type.String({ maxLength: 10 })),
    intent: Type.Optional(Type.String({ maxLength: 200 })),
    agent: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
type ReportQueryString = Static<typeof ReportQuerySchema>;

const ExportQuerySchema = Type.Composite(
  [
    ReportQuerySchema,
    Type.Object({
      format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })),
      separator: Type.Optional(Type.Union([Type.Literal('semicolon'), Type.Literal('comma')], { default: 'semicolon' })),
      rows: Type.Optional(Type.Union([Type.Literal('groups'), Type.Literal('series')], { default: 'groups' })),
    }),
  ],
  { additionalProperties: false },
);

const RangeSchema = Type.Object(
  {
    from: Type.String({ pattern: DATE, description: 'Start: a date (local midnight in the queues’ time zone) or an ISO date-time with offset' }),
    to: Type.String({ pattern: DATE, description: 'End: a date (included) or an ISO date-time (excluded)' }),
  },
  { additionalProperties: false },
);
const ClustersQuerySchema = Type.Composite([RangeSchema, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) })], { additionalProperties: false });
const ClustersSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  total: Type.Integer({ description: 'Unrecognised messages in the editor’s inbox for the range' }),
  clusters: Type.Array(
    Type.Object({ key: Type.String(), example: Type.String({ description: 'One message of the cluster, personal data masked' }), count: Type.Integer(), share: Type.Number(), languages: Type.Array(Type.String()) }),
  ),
});
const ConversationsQuerySchema = Type.Composite(
  [
    RangeSchema,
    Type.Object({
      reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why the conversations are read (kept in the access audit)' }),
      after: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` of the previous page' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    }),
  ],
  { additionalProperties: false },
);
const ConversationsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  masked: Type.Literal(true),
  next: Type.Union([Type.String(), Type.Null()]),
  conversations: Type.Array(
    Type.Object({
      id: Type.String(),
      channel: Type.String(),
      language: Type.Union([Type.String(), Type.Null()]),
      messages: Type.Array(
        Type.Object({ at: Type.String(), author: Type.String(), intent: Type.Union([Type.String(), Type.Null()]), language: Type.Union([Type.String(), Type.Null()]), text: Type.String() }),
      ),
    }),
  ),
});

/** A checked range of a request (400: from after to, over two years). */
function rangeOf(query: { from: string; to: string }, timezone: string): { from: Date; to: Date } {
  const from = parseInstant(query.from, timezone, false);
  const to = parseInstant(query.to, timezone, true);
  checkRange(from, to);
  return { from, to };
}

const ErrorSchema = Type.Object({ statusCode: Type.Optional(Type.Number()), error: Type.String(), message: Type.String() });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema };

const DEFINITIONS_TEXT = Object.entries(INDICATORS)
  .map(([key, { label, definition }]) => `- **${label}** (\`${key}\`): ${definition}`)
  .join('\n');

/** Parses a `from`/`to` value: a date is a local day in `timezone`; `end` makes a date include its day. */
export function parseInstant(value: string, timezone: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const noon = new Date(`${value}T12:00:00Z`);
    if (Number.isNaN(noon.getTime()) || noon.toISOString().slice(0, 10) !== value) throw new HubError('HUB_ERR_BAD_PAYLOAD', `"${value}" is not a calendar date`);
    const start = startOfLocalDay(noon, timezone);
    return end ? startOfLocalDay(new Date(noon.getTime() + 86_400_000), timezone) : start;
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new HubError('HUB_ERR_BAD_PAYLOAD', `"${value}" is not a date-time`);
  return date;
}

/** The report query of a request's query string (400 on a bad range or slice). */
export function toReportQuery(query: ReportQueryString, timezone: string): ReportQuery {
  const filter: Partial<Record<SliceName, string>> = {};
  for (const name of SLICES) {
    const value = query[name];
    if (value !== undefined) filter[name] = value;
  }
  return {
    from: parseInstant(query.from, timezone, false),
    to: parseInstant(query.to, timezone, true),
    by: parseSlices(query.by),
    period: (query.period ?? 'day') as Period,
    filter,
  };
}

/** Registers the reports API (register with `{ prefix: '/api/reports' }`). */
export function reportsApi(deps: ReportsRoutesDeps): (app: FastifyInstance) => Promise<void> {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', deps.guard);
    const report = async (query: ReportQueryString) => {
      const parsed = toReportQuery(query, deps.config.timezone);
      await deps.beforeRead?.();
      return runReport(deps.db, deps.config, parsed);
    };

    app.get(
      '/indicators',
      {
        schema: {
          tags: ['reports'],
          summary: 'Quality indicators over a range: totals, one group per slice combination, a series per period (queues’ time zone)',
          description: `Computed from the roll-ups (whole days from the daily tier when sliced by channel, queue or language only; the rest from the hourly tier), never from transcripts. An empty period gives zeros and empty lists; a ratio without a denominator is null. 400: from after to, a range over two years, an unknown slice. 403: agents and editors.\n\n${DEFINITIONS_TEXT}`,
          querystring: ReportQuerySchema,
          response: { 200: ReportSchema, ...errors },
        },
      },
      async (request) => report(request.query),
    );

    app.get(
      '/export',
      {
        schema: {
          tags: ['reports'],
          summary: 'The same report as CSV (UTF-8 with BOM; `;` with decimal commas, or `,`) or JSON',
          querystring: ExportQuerySchema,
          produces: ['text/csv', 'application/json'],
          response: { 200: Type.String({ description: 'CSV or JSON text' }), ...errors },
        },
      },
      async (request, reply) => {
        const { format = 'csv', separator = 'semicolon', rows = 'groups', ...query } = request.query;
        const result = await report(query);
        const name = `informe-${query.from}-${query.to}`.replace(/[^0-9A-Za-z_.-]/g, '_');
        if (format === 'json') {
          return reply.header('content-disposition', `attachment; filename="${name}.json"`).type('application/json; charset=utf-8').send(JSON.stringify(result, null, 2));
        }
        const csv = toCsv(reportRows(result, rows), separator === 'comma' ? ',' : ';');
        return reply.header('content-disposition', `attachment; filename="${name}.csv"`).type('text/csv; charset=utf-8').send(csv);
      },
    );

    app.get(
      '/unrecognised',
      {
        schema: {
          tags: ['reports'],
          summary: 'Top clusters of unrecognised messages (intent None) in a range, from the editor’s inbox, personal data masked',
          querystring: ClustersQuerySchema,
          response: { 200: ClustersSchema, ...errors },
        },
      },
      async (request) => {
        const { from, to } = rangeOf(request.query, deps.config.timezone);
        const result = await topUnrecognisedClusters(deps.db, from, to, request.query.limit ?? 10);
        return { from: from.toISOString(), to: to.toISOString(), ...result };
      },
    );

    app.get(
      '/conversations',
      {
        schema: {
          tags: ['reports'],
          summary: 'Conversation export for audits: the conversations with messages in a range, personal data masked; each read is recorded in the access audit with the reason',
          description: 'Pages of up to `limit` conversations ordered by id: pass `next` as `after` for the next page. Unmasked data of one person is only given by the data-subject export (`/api/privacy`).',
          querystring: ConversationsQuerySchema,
          response: { 200: ConversationsSchema, ...errors },
        },
      },
      async (request) => {
        const { from, to } = rangeOf(request.query, deps.config.timezone);
        const result = await exportConversations(deps.db, { from, to, limit: request.query.limit ?? 100, ...(request.query.after === undefined ? {} : { after: request.query.after }) });
        if (result.conversations.length > 0) await deps.onConversationsRead?.(request, result.conversations.map((c) => c.id), request.query.reason);
        return result;
      },
    );

    app.get(
      '/wallboard',
      {
        schema: {
          tags: ['reports'],
          summary: 'Now: waiting per queue, longest wait, agents online and busy, service level today',
          response: { 200: WallboardSchema, ...errors },
        },
      },
      async () => {
        await deps.beforeRead?.();
        return wallboard(deps.db, deps.config, deps.queues, deps.clock());
      },
    );

    app.get(
      '/definitions',
      { schema: { tags: ['reports'], summary: 'The indicators and their definitions (Spanish)', response: { 200: DefinitionsSchema, ...errors } } },
      async () => ({ timezone: deps.config.timezone, slices: [...SLICES], periods: [...PERIODS], indicators: { ...INDICATORS } }),
    );

    const streams = new Set<{ end(): void }>();
    app.addHook('onClose', async () => {
      for (const stream of streams) stream.end();
      streams.clear();
    });
    app.get(
      '/live',
      {
        schema: {
          tags: ['reports'],
          summary: 'Server-Sent Events: `changed` whenever the queue changes in this instance (then read /wallboard; the page also polls)',
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        raw.write('retry: 3000\n\nevent: ready\ndata: {}\n\n');
        let pending: NodeJS.Timeout | undefined;
        const onCustom = (event: HubEventMap['custom'][0]): void => {
          if (!event.type.startsWith('handoff.') || pending !== undefined) return;
          // Bursts of transitions become one notice.
          pending = setTimeout(() => {
            pending = undefined;
            raw.write(`event: changed\ndata: ${JSON.stringify({ type: event.type })}\n\n`);
          }, 200);
        };
        deps.events.on('custom', onCustom);
        const heartbeat = setInterval(() => raw.write(': ping\n\n'), 20_000);
        heartbeat.unref();
        const stream = { end: () => raw.end() };
        streams.add(stream);
        request.raw.on('close', () => {
          clearInterval(heartbeat);
          if (pending !== undefined) clearTimeout(pending);
          deps.events.off('custom', onCustom);
          streams.delete(stream);
        });
      },
    );
  };
}
