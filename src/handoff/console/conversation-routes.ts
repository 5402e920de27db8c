/**
 * `/agent/conversations/*`: the conversations an agent may see, one with its whole transcript,
 * and what an agent does with one: claim, reply, retry an undelivered reply, note, transfer, close.
 */
import { Type } from '@sinclair/typebox';
import { HubError } from '../../core/errors.js';
import { isLanguage, LANGUAGES } from '../../core/message.js';
import type { Store } from '../../core/store/index.js';
import { recordAudit } from '../../privacy/audit.js';
import { privacyDb } from '../../privacy/schema.js';
import type { HandoffConfig } from '../config.js';
import type { HandoffQueue, Ticket } from '../queue.js';
import type { SessionAuth } from '../../accounts/sessions.js';
import { ERROR_RESPONSES, IdParams, MAX_REPLY_LENGTH, NullableString, OutboxParams, SummarySchema, type ApiApp, type Summary } from './api-schemas.js';
import { statusesFor } from './summaries.js';
import type { CannedStore } from '../canned/store.js';
import { cannedForConversation, FilledCannedSchema } from './canned-routes.js';
import { transcriptItem, TranscriptItemSchema } from './transcript-view.js';

const DetailSchema = Type.Object({
  conversation: SummarySchema,
  transcript: Type.Array(TranscriptItemSchema),
  canned: Type.Array(FilledCannedSchema),
});

export interface ConversationRouteDeps {
  readonly store: Store;
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly config: HandoffConfig;
  readonly clock: () => Date;
  readonly summaries: (tickets: readonly Ticket[], withPositions: boolean) => Promise<Summary[]>;
  readonly canned: CannedStore;
  /** Wakes the delivery worker (a retried reply is due now). */
  readonly notifyOutbox?: () => void;
}

function requireText(text: string, field: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', `body/${field} must not be empty`);
  return trimmed;
}

/** Registers the conversation routes on the guarded `/agent` scope. */
export function registerConversationRoutes(app: ApiApp, deps: ConversationRouteDeps): void {
  const { store, queue, auth, config, summaries, notifyOutbox } = deps;

  app.get(
    '/conversations',
    {
      schema: {
        tags: ['agent'],
        summary: 'Conversations visible to the agent (its queues and its own; supervisors: all)',
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('assigned'), Type.Literal('resolved')])) }),
        response: { 200: Type.Object({ conversations: Type.Array(SummarySchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const user = auth.require(request).user;
      const statuses = statusesFor(request.query.status);
      const tickets = await queue.list(user, statuses);
      return { conversations: await summaries(tickets, statuses.includes('queued')) };
    },
  );

  app.get(
    '/conversations/:id',
    { schema: { tags: ['agent'], summary: 'One conversation with its whole transcript (bot part included); its holder opening it tells the citizen a person attends them', params: IdParams, response: { 200: DetailSchema, ...ERROR_RESPONSES } } },
    async (request) => {
      const user = auth.require(request).user;
      const ticket = await queue.currentTicket(request.params.id);
      if (ticket === undefined) throw new HubError('HUB_ERR_NOT_FOUND', 'this conversation was never passed to a person');
      if (!queue.canSee(user, ticket)) throw new HubError('HUB_ERR_FORBIDDEN', 'this conversation belongs to a queue you do not serve');
      // ENS access audit: every transcript read by a person, and whether they held the conversation.
      await recordAudit(privacyDb(store), { actor: user.username, action: 'transcript.read', conversationId: request.params.id, details: { owner: ticket.agentId === user.id }, at: deps.clock() });
      // The holder opening the chat is when the citizen hears a person attends them.
      const opened = await queue.open(request.params.id, user);
      const [summary] = await summaries([opened ? ((await queue.currentTicket(request.params.id)) ?? ticket) : ticket], true);
      const transcript = await store.getTranscript(request.params.id, { limit: 1000 });
      const outboxIds = transcript.map((entry) => entry.outboxId).filter((id): id is string => id !== null);
      const deliveries = new Map((await store.getOutboxMany(outboxIds)).map((item) => [item.id, item]));
      const conversation = summary as Summary;
      // In the citizen's language, filled for the agent reading it (who is the one who would send it).
      const canned = await cannedForConversation(deps.canned, {
        queueId: ticket.queueId,
        queueName: conversation.queueName,
        language: isLanguage(conversation.language) ? conversation.language : 'es',
        citizenName: conversation.citizenName,
        agentName: user.displayName === '' ? user.username : user.displayName,
      });
      return {
        conversation,
        transcript: transcript.map((entry) => transcriptItem(entry, entry.outboxId === null ? undefined : deliveries.get(entry.outboxId), config.timezone)),
        canned,
      };
    },
  );

  app.post(
    '/conversations/:id/claim',
    { schema: { tags: ['agent'], summary: 'Take a queued conversation (409 when another agent holds it)', params: IdParams, response: { 200: SummarySchema, ...ERROR_RESPONSES } } },
    async (request) => {
      const ticket = await queue.claim(request.params.id, auth.require(request).user);
      return (await summaries([ticket], false))[0] as Summary;
    },
  );

  app.post(
    '/conversations/:id/messages',
    {
      schema: {
        tags: ['agent'],
        summary: 'Send a message to the citizen (through the durable outbox)',
        params: IdParams,
        body: Type.Object(
          {
            text: Type.String({ minLength: 1, maxLength: MAX_REPLY_LENGTH }),
            language: Type.Optional(Type.Union(LANGUAGES.map((language) => Type.Literal(language)), { description: 'The language the text is written in (a canned response\'s); detected from the text when absent' })),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ outboxId: NullableString }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const text = requireText(request.body.text, 'text');
      const items = await queue.sendAgentMessage(request.params.id, auth.require(request).user, text, request.body.language);
      return reply.status(202).send({ outboxId: items[0]?.id ?? null });
    },
  );

  app.post(
    '/conversations/:id/outbox/:outboxId/retry',
    {
      schema: {
        tags: ['agent'],
        summary: 'Send an undelivered (dead-lettered) reply again; outside the WhatsApp window it goes through the citizen’s latest message',
        description:
          'Only the agent who holds the conversation. 404 when the reply is not one of this conversation; 409 (reason `not-failed`) when it is not dead-lettered. ' +
          'The reply goes back to the outbox with its attempts reset; its delivery state in the conversation shows the outcome.',
        params: OutboxParams,
        response: { 202: Type.Object({ outboxId: Type.String(), state: Type.Literal('pending') }), ...ERROR_RESPONSES },
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
      notifyOutbox?.();
      await queue.record('delivery_retry', ticket, user.id, { outboxId: item.id });
      return reply.status(202).send({ outboxId: item.id, state: 'pending' as const });
    },
  );

  app.post(
    '/conversations/:id/notes',
    {
      schema: {
        tags: ['agent'],
        summary: 'Add an internal note (never sent to the citizen)',
        params: IdParams,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: MAX_REPLY_LENGTH }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ ok: Type.Boolean() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await queue.addNote(request.params.id, auth.require(request).user, requireText(request.body.text, 'text'));
      return reply.status(201).send({ ok: true });
    },
  );

  app.post(
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
            confirmSelf: Type.Optional(
              Type.Boolean({ description: 'To a queue nobody else serves: transfer anyway, knowing it may come back to you (otherwise 409 `only-you`)' }),
            ),
            overrideCapacity: Type.Optional(Type.Boolean({ description: 'Supervisors: assign to an agent at capacity (otherwise 409 `full`)' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: SummarySchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ticket = await queue.transfer(request.params.id, auth.require(request).user, request.body);
      return (await summaries([ticket], true))[0] as Summary;
    },
  );

  app.post(
    '/conversations/:id/close',
    { schema: { tags: ['agent'], summary: 'Close: the citizen gets the satisfaction question, then the bot is back', params: IdParams, response: { 200: SummarySchema, ...ERROR_RESPONSES } } },
    async (request) => {
      const ticket = await queue.close(request.params.id, auth.require(request).user);
      return (await summaries([ticket], false))[0] as Summary;
    },
  );
}
