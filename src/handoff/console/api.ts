/**
 * The agent REST API and live feed, one encapsulated fastify plugin (registered with prefix
 * `/api`): `/auth/*` (login, logout, session) and `/agent/*` (conversations, claim, messages,
 * retry of an undelivered reply, notes, transfer, close, presence, queues, agents, events).
 * TypeBox schemas on every route, so they appear in the OpenAPI at `/docs` and bad input is a 400
 * that names the field.
 */
import { transcriptItem, TranscriptItemSchema } from './transcript-view.js';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { HubError, isHubError } from '../../core/errors.js';
import { recordAudit } from '../../privacy/audit.js';
import { LOGIN_THROTTLE_DEFAULTS, LoginThrottle } from '../../privacy/login-throttle.js';
import { privacyDb } from '../../privacy/schema.js';
import type { KyselyStore } from '../../core/store/kysely-store.js';
import { isOpen } from '../business-hours.js';
import type { HandoffConfig } from '../config.js';
import type { HandoffLogger, HandoffQueue, Ticket } from '../queue.js';
import type { TicketStatus } from '../ticket-state.js';
import { CONSOLE_ROLES, PRESENCES, ROLES, type User } from '../users.js';
import type { SessionAuth } from '../auth.js';
import type { ConsoleFeed } from './feed.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableString = Nullable(Type.String());

export const ErrorSchema = Type.Object(
  { error: Type.String({ description: 'HUB_ERR_* code' }), message: Type.String(), reason: Type.Optional(Type.String()) },
  { $id: 'HandoffError' },
);

const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  presence: Type.Union(PRESENCES.map((p) => Type.Literal(p))),
  capacity: Type.Integer(),
  languages: Type.Array(Type.String()),
  queues: Type.Array(Type.String()),
});

const SessionSchema = Type.Object({
  user: UserSchema,
  csrfToken: Type.String({ description: 'Send it back in the x-csrf-token header on every POST/PUT/DELETE' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

const SummarySchema = Type.Object({
  conversationId: Type.String(),
  ticketId: Type.String(),
  status: Type.String(),
  queueId: Type.String(),
  queueName: Type.String(),
  priority: Type.String(),
  reason: Type.String(),
  intent: NullableString,
  language: NullableString,
  channel: Type.String(),
  citizenName: NullableString,
  agentId: NullableString,
  agentName: NullableString,
  enqueuedAt: Type.String(),
  assignedAt: NullableString,
  closedAt: NullableString,
  position: Type.Optional(Type.Integer()),
  waitingSeconds: Type.Integer({ description: 'Seconds since it entered the queue (by the hub clock)' }),
  outOfHours: Type.Boolean(),
  slaBreached: Type.Boolean(),
  satisfaction: Type.Union([Type.Integer(), Type.Null()]),
  risk: Type.Union([Type.String(), Type.Null()], { description: 'Possible-risk line the safety net marked on the conversation (emergencia.112/016/024), or null' }),
  undelivered: Type.Integer({ description: 'Replies of this conversation that are not delivered: dead-lettered, or held outside the reply window' }),
});
type Summary = Static<typeof SummarySchema>;


const CannedSchema = Type.Object({ id: Type.String(), title: Type.String(), text: Type.String() });

const DetailSchema = Type.Object({
  conversation: SummarySchema,
  transcript: Type.Array(TranscriptItemSchema),
  canned: Type.Array(CannedSchema),
});

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }) });
const OutboxParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
  outboxId: Type.String({ minLength: 1, maxLength: 20, pattern: '^[0-9]+$' }),
});

export const MAX_REPLY_LENGTH = 4000;

export interface ApiDeps {
  readonly store: KyselyStore;
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly feed: ConsoleFeed;
  readonly config: HandoffConfig;
  readonly logger: HandoffLogger;
  readonly clock: () => Date;
  /** Wakes the delivery worker (a retried reply is due now). */
  readonly notifyOutbox?: () => void;
}

function publicUser(user: User): Static<typeof UserSchema> {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    presence: user.presence,
    capacity: user.capacity,
    languages: [...user.languages],
    queues: [...user.queues],
  };
}

function statusesFor(status: 'queued' | 'assigned' | 'resolved' | undefined): TicketStatus[] {
  if (status === 'queued') return ['queued'];
  if (status === 'assigned') return ['assigned'];
  if (status === 'resolved') return ['resolved', 'cancelled', 'abandoned'];
  return ['queued', 'assigned'];
}

function requireText(text: string, field: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', `body/${field} must not be empty`);
  return trimmed;
}

/**
 * The possible-risk line the safety net marked in a conversation's stored state (JSON text,
 * `state.safetyRisk.intent`, written by the intents policy), or null.
 */
function riskOf(state: string): string | null {
  try {
    const mark = (JSON.parse(state) as { safetyRisk?: { intent?: unknown } } | null)?.safetyRisk;
    return typeof mark?.intent === 'string' ? mark.intent : null;
  } catch {
    return null;
  }
}

/** The agent API plugin (encapsulated; register with `{ prefix: '/api' }`). */
export function createAgentApi(deps: ApiDeps): FastifyPluginAsync {
  const { store, queue, auth, feed, config, logger } = deps;
  const queueName = (id: string): string => config.queues.find((q) => q.id === id)?.name ?? id;

  async function summaries(tickets: readonly Ticket[], withPositions: boolean): Promise<Summary[]> {
    if (tickets.length === 0) return [];
    const conversationIds = [...new Set(tickets.map((t) => t.conversationId))];
    const rows = await queue.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select(['conversations.id', 'conversations.channel', 'conversations.state', 'contacts.display_name'])
      .where('conversations.id', 'in', conversationIds)
      .execute();
    const conversations = new Map(rows.map((r) => [r.id, r]));
    const agentIds = [...new Set(tickets.map((t) => t.agentId).filter((a): a is string => a !== null))];
    const agents =
      agentIds.length === 0 ? [] : await queue.db.selectFrom('handoff_users').select(['id', 'display_name']).where('id', 'in', agentIds).execute();
    const agentNames = new Map(agents.map((a) => [a.id, a.display_name]));
    const undeliveredRows = await queue.db
      .selectFrom('outbox')
      .select(['conversation_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('conversation_id', 'in', conversationIds)
      .where('status', 'in', ['dead', 'held'])
      .groupBy('conversation_id')
      .execute();
    const undelivered = new Map(undeliveredRows.map((row) => [row.conversation_id, Number(row.count)]));
    const positions = new Map<string, number>();
    if (withPositions) {
      for (const ticket of tickets) {
        if (ticket.status === 'queued' && !positions.has(ticket.id)) positions.set(ticket.id, await queue.positionOf(ticket));
      }
    }
    return tickets.map((t) => {
      const conversation = conversations.get(t.conversationId);
      const position = positions.get(t.id);
      return {
        conversationId: t.conversationId,
        ticketId: t.id,
        status: t.status,
        queueId: t.queueId,
        queueName: queueName(t.queueId),
        priority: t.priority,
        reason: t.reason,
        intent: t.intent,
        language: t.language,
        channel: conversation?.channel ?? 'unknown',
        citizenName: conversation?.display_name ?? null,
        agentId: t.agentId,
        agentName: t.agentId === null ? null : (agentNames.get(t.agentId) ?? null),
        enqueuedAt: t.enqueuedAt,
        assignedAt: t.assignedAt,
        closedAt: t.closedAt,
        ...(position === undefined ? {} : { position }),
        waitingSeconds: Math.max(0, Math.round((deps.clock().getTime() - new Date(t.enqueuedAt).getTime()) / 1000)),
        outOfHours: t.outOfHours,
        slaBreached: t.slaBreached,
        satisfaction: t.satisfaction,
        risk: conversation === undefined ? null : riskOf(conversation.state),
        undelivered: undelivered.get(t.conversationId) ?? 0,
      };
    });
  }


  return async (instance: FastifyInstance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    await app.register(rateLimit, { global: false });

    app.setErrorHandler((error: FastifyError | HubError, request, reply) => {
      if (isHubError(error)) {
        const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
        if (error.statusCode >= 500) logger.error({ err: error, code: error.code, url: request.routeOptions.url }, 'handoff api error');
        return reply.status(error.statusCode).send({ error: error.code, message: error.message, ...(reason === undefined ? {} : { reason }) });
      }
      const fastifyError = error as FastifyError;
      if (fastifyError.validation !== undefined) {
        return reply.status(400).send({ error: 'HUB_ERR_BAD_PAYLOAD', message: fastifyError.message });
      }
      const status = fastifyError.statusCode ?? 500;
      if (status === 429) return reply.status(429).send({ error: 'HUB_ERR_RATE_LIMITED', message: 'too many login attempts: wait a minute and try again' });
      if (status >= 400 && status < 500) return reply.status(status).send({ error: fastifyError.code ?? 'HUB_ERR_BAD_PAYLOAD', message: fastifyError.message });
      logger.error({ err: error, url: request.routeOptions.url }, 'handoff api error');
      return reply.status(500).send({ error: 'HUB_ERR_INTERNAL', message: 'internal error' });
    });

    const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
    const loginThrottle = new LoginThrottle(privacyDb(store), { ...LOGIN_THROTTLE_DEFAULTS, clientMaxFailures: config.auth.loginMaxPerMinute });
    const consoleGuard = auth.guard(CONSOLE_ROLES);
    const anyUserGuard = auth.guard(ROLES);

    // ── auth ──
    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Log in: sets the httpOnly session cookie and returns the CSRF token',
          body: Type.Object(
            { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
            { additionalProperties: false },
          ),
          response: { 200: SessionSchema, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
        },
      },
      async (request, reply) => {
        // Only failures count, per client address and per account (src/privacy/login-throttle.ts).
        const now = deps.clock();
        const block = await loginThrottle.blocked(request.ip, request.body.username, now);
        if (block !== undefined) {
          void reply.header('retry-after', String(Math.ceil(block.retryAfterMs / 1000)));
          throw new HubError('HUB_ERR_RATE_LIMITED', block.message, { retryAfterMs: block.retryAfterMs, details: { reason: block.reason } });
        }
        const user = await auth.users.verify(request.body.username, request.body.password);
        if (user === undefined) {
          await loginThrottle.failed(request.ip, request.body.username, now);
          // Usernames are not personal data of citizens, but keep even these out of the logs.
          logger.warn({ ip: request.ip }, 'handoff: failed login');
          throw new HubError('HUB_ERR_UNAUTHENTICATED', 'wrong username or password');
        }
        await loginThrottle.succeeded(request.body.username);
        const session = await auth.users.openSession(user.id, auth.sessionHours);
        auth.setSessionCookie(reply, session.token);
        await queue.touch(user.id);
        return { user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
      },
    );

    app.post(
      '/auth/logout',
      { onRequest: anyUserGuard, schema: { tags: ['auth'], summary: 'Log out (an agent goes offline: open chats return to the queue)', response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        const session = auth.require(request);
        const token = auth.tokenOf(request);
        if (token !== undefined) await auth.users.closeSession(token);
        if (CONSOLE_ROLES.includes(session.user.role) && session.user.presence !== 'offline') await queue.setPresence(session.user, 'offline');
        auth.clearSessionCookie(reply);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/session',
      { onRequest: anyUserGuard, schema: { tags: ['auth'], summary: 'The current session (user and CSRF token)', response: { 200: SessionSchema, ...errors } } },
      async (request) => {
        const session = auth.require(request);
        return { user: publicUser(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
      },
    );

    // ── agent ──
    await app.register(async (agentApp) => {
      const agent = agentApp.withTypeProvider<TypeBoxTypeProvider>();
      agent.addHook('onRequest', consoleGuard);
      agent.addHook('onRequest', async (request) => {
        await queue.touch(auth.require(request).user.id);
      });

      agent.get(
        '/conversations',
        {
          schema: {
            tags: ['agent'],
            summary: 'Conversations visible to the agent (its queues and its own; supervisors: all)',
            querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('assigned'), Type.Literal('resolved')])) }),
            response: { 200: Type.Object({ conversations: Type.Array(SummarySchema) }), ...errors },
          },
        },
        async (request) => {
          const user = auth.require(request).user;
          const statuses = statusesFor(request.query.status);
          const tickets = await queue.list(user, statuses);
          return { conversations: await summaries(tickets, statuses.includes('queued')) };
        },
      );

      agent.get(
        '/conversations/:id',
        { schema: { tags: ['agent'], summary: 'One conversation with its whole transcript (bot part included)', params: IdParams, response: { 200: DetailSchema, ...errors } } },
        async (request) => {
          const user = auth.require(request).user;
          const ticket = await queue.currentTicket(request.params.id);
          if (ticket === undefined) throw new HubError('HUB_ERR_NOT_FOUND', 'this conversation was never passed to a person');
          if (!queue.canSee(user, ticket)) throw new HubError('HUB_ERR_FORBIDDEN', 'this conversation belongs to a queue you do not serve');
          // ENS access audit: every transcript read by a person, and whether they held the conversation.
          await recordAudit(privacyDb(store), { actor: user.username, action: 'transcript.read', conversationId: request.params.id, details: { owner: ticket.agentId === user.id }, at: deps.clock() });
          const [summary] = await summaries([ticket], true);
          const transcript = await store.getTranscript(request.params.id, { limit: 1000 });
          const outboxIds = transcript.map((entry) => entry.outboxId).filter((id): id is string => id !== null);
          const deliveries = new Map((await store.getOutboxMany(outboxIds)).map((item) => [item.id, item]));
          const canned = config.queues.find((q) => q.id === ticket.queueId)?.canned ?? [];
          return {
            conversation: summary as Summary,
            transcript: transcript.map((entry) => transcriptItem(entry, entry.outboxId === null ? undefined : deliveries.get(entry.outboxId), config.timezone)),
            canned: [...canned],
          };
        },
      );

      agent.post(
        '/conversations/:id/claim',
        { schema: { tags: ['agent'], summary: 'Take a queued conversation (409 when another agent holds it)', params: IdParams, response: { 200: SummarySchema, ...errors } } },
        async (request) => {
          const ticket = await queue.claim(request.params.id, auth.require(request).user);
          return (await summaries([ticket], false))[0] as Summary;
        },
      );

      agent.post(
        '/conversations/:id/messages',
        {
          schema: {
            tags: ['agent'],
            summary: 'Send a message to the citizen (through the durable outbox)',
            params: IdParams,
            body: Type.Object({ text: Type.String({ minLength: 1, maxLength: MAX_REPLY_LENGTH }) }, { additionalProperties: false }),
            response: { 202: Type.Object({ outboxId: NullableString }), ...errors },
          },
        },
        async (request, reply) => {
          const text = requireText(request.body.text, 'text');
          const items = await queue.sendAgentMessage(request.params.id, auth.require(request).user, text);
          return reply.status(202).send({ outboxId: items[0]?.id ?? null });
        },
      );

      agent.post(
        '/conversations/:id/outbox/:outboxId/retry',
        {
          schema: {
            tags: ['agent'],
            summary: 'Send an undelivered (dead-lettered) reply again; outside the WhatsApp window it goes through the citizen’s latest message',
            description:
              'Only the agent who holds the conversation. 404 when the reply is not one of this conversation; 409 (reason `not-failed`) when it is not dead-lettered. ' +
              'The reply goes back to the outbox with its attempts reset; its delivery state in the conversation shows the outcome.',
            params: OutboxParams,
            response: { 202: Type.Object({ outboxId: Type.String(), state: Type.Literal('pending') }), ...errors },
          },
        },
        async (request, reply) => {
          const user = auth.require(request).user;
          const ticket = await queue.requireVisibleOpen(request.params.id, user);
          if (ticket.status === 'queued') throw new HubError('HUB_ERR_CONFLICT', 'claim the conversation before retrying its replies', { details: { reason: 'not-claimed' } });
          if (ticket.agentId !== user.id) throw new HubError('HUB_ERR_CONFLICT', 'another agent holds this conversation', { details: { reason: 'held' } });
          const item = await store.getOutbox(request.params.outboxId);
          if (item === undefined || item.conversationId !== request.params.id) throw new HubError('HUB_ERR_NOT_FOUND', 'this conversation has no such reply');
          if (item.status !== 'dead' || (await store.retryDeadOutbox([item.id])) === 0) {
            throw new HubError('HUB_ERR_CONFLICT', `the reply is not undelivered (it is ${item.status})`, { details: { reason: 'not-failed' } });
          }
          deps.notifyOutbox?.();
          await queue.record('delivery_retry', ticket, user.id, { outboxId: item.id });
          return reply.status(202).send({ outboxId: item.id, state: 'pending' as const });
        },
      );

      agent.post(
        '/conversations/:id/notes',
        {
          schema: {
            tags: ['agent'],
            summary: 'Add an internal note (never sent to the citizen)',
            params: IdParams,
            body: Type.Object({ text: Type.String({ minLength: 1, maxLength: MAX_REPLY_LENGTH }) }, { additionalProperties: false }),
            response: { 201: Type.Object({ ok: Type.Boolean() }), ...errors },
          },
        },
        async (request, reply) => {
          await queue.addNote(request.params.id, auth.require(request).user, requireText(request.body.text, 'text'));
          return reply.status(201).send({ ok: true });
        },
      );

      agent.post(
        '/conversations/:id/transfer',
        {
          schema: {
            tags: ['agent'],
            summary: 'Transfer to a queue or to an agent, with an internal note (supervisors: manual assignment)',
            params: IdParams,
            body: Type.Object(
              {
                queue: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
                agent: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'user id or username' })),
                note: Type.Optional(Type.String({ maxLength: 2000 })),
              },
              { additionalProperties: false },
            ),
            response: { 200: SummarySchema, ...errors },
          },
        },
        async (request) => {
          const ticket = await queue.transfer(request.params.id, auth.require(request).user, request.body);
          return (await summaries([ticket], true))[0] as Summary;
        },
      );

      agent.post(
        '/conversations/:id/close',
        { schema: { tags: ['agent'], summary: 'Close: the citizen gets the satisfaction question, then the bot is back', params: IdParams, response: { 200: SummarySchema, ...errors } } },
        async (request) => {
          const ticket = await queue.close(request.params.id, auth.require(request).user);
          return (await summaries([ticket], false))[0] as Summary;
        },
      );

      agent.put(
        '/presence',
        {
          schema: {
            tags: ['agent'],
            summary: 'Set presence (offline returns open chats to the head of the queue)',
            body: Type.Object({ status: Type.Union(PRESENCES.map((p) => Type.Literal(p))) }, { additionalProperties: false }),
            response: { 200: UserSchema, ...errors },
          },
        },
        async (request) => {
          const user = auth.require(request).user;
          await queue.setPresence(user, request.body.status);
          const updated = await auth.users.get(user.id);
          return publicUser(updated ?? user);
        },
      );

      agent.get(
        '/queues',
        {
          schema: {
            tags: ['agent'],
            summary: 'Queues with waiting counts, opening state and canned responses',
            response: {
              200: Type.Object({
                queues: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), waiting: Type.Integer(), open: Type.Boolean(), canned: Type.Array(CannedSchema) })),
              }),
              ...errors,
            },
          },
        },
        async () => {
          const counts = await queue.db
            .selectFrom('handoff_tickets')
            .select(['queue_id', (eb) => eb.fn.countAll<number>().as('waiting')])
            .where('status', '=', 'queued')
            .groupBy('queue_id')
            .execute();
          const waiting = new Map(counts.map((c) => [c.queue_id, Number(c.waiting)]));
          const now = deps.clock();
          return {
            queues: config.queues.map((q) => ({ id: q.id, name: q.name, waiting: waiting.get(q.id) ?? 0, open: isOpen(q, config, now), canned: [...q.canned] })),
          };
        },
      );

      agent.get(
        '/agents',
        {
          schema: {
            tags: ['agent'],
            summary: 'Colleagues (for transfers): presence, queues and open chats',
            response: {
              200: Type.Object({
                agents: Type.Array(
                  Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String(), presence: Type.String(), queues: Type.Array(Type.String()), active: Type.Integer() }),
                ),
              }),
              ...errors,
            },
          },
        },
        async () => {
          const users = (await auth.users.list()).filter((u) => CONSOLE_ROLES.includes(u.role) && !u.disabled);
          const counts = await queue.db
            .selectFrom('handoff_tickets')
            .select(['agent_id', (eb) => eb.fn.countAll<number>().as('active')])
            .where('status', '=', 'assigned')
            .groupBy('agent_id')
            .execute();
          const active = new Map(counts.map((c) => [c.agent_id, Number(c.active)]));
          return {
            agents: users.map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, presence: u.presence, queues: [...u.queues], active: active.get(u.id) ?? 0 })),
          };
        },
      );

      const streams = new Set<{ end(): void }>();
      agent.addHook('onClose', async () => {
        for (const stream of streams) stream.end();
        streams.clear();
      });

      agent.get(
        '/events',
        {
          schema: {
            tags: ['agent'],
            summary: 'Live feed (Server-Sent Events): `handoff` transitions, `transcript` entries and `delivery` outcomes of replies visible to the agent',
            produces: ['text/event-stream'],
          },
        },
        async (request, reply) => {
          const user = auth.require(request).user;
          reply.hijack();
          const raw = reply.raw;
          raw.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache, no-transform',
            connection: 'keep-alive',
            'x-accel-buffering': 'no',
          });
          const send = (event: string, data: unknown, id?: number): void => {
            raw.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          };
          raw.write('retry: 2000\n\n');
          send('ready', { userId: user.id });
          const unsubscribe = feed.subscribe({ user, send });
          const stream = { end: () => raw.end() };
          streams.add(stream);
          const heartbeat = setInterval(() => {
            raw.write(': ping\n\n');
            void queue.touch(user.id).catch(() => undefined);
          }, 20_000);
          heartbeat.unref();
          request.raw.on('close', () => {
            clearInterval(heartbeat);
            unsubscribe();
            streams.delete(stream);
          });
        },
      );
    }, { prefix: '/agent' });
  };
}
