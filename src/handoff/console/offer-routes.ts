/**
 * `/agent/offers` and `/agent/conversations/:id/{accept,decline}`: the chats the hub offers an
 * agent (automatic assignment asks first) and the agent's answer. The offers also arrive live as
 * `handoff` events of type `offered` (and `offer_declined`, `offer_expired`, `offer_withdrawn`,
 * `assigned` when they end) on `/agent/events`.
 */
import { Type } from '@sinclair/typebox';
import type { SessionAuth } from '../../accounts/sessions.js';
import type { HandoffQueue, Ticket } from '../queue.js';
import { ERROR_RESPONSES, IdParams, NullableString, SummarySchema, type ApiApp, type Summary } from './api-schemas.js';

const OfferSchema = Type.Object({
  conversationId: Type.String(),
  ticketId: Type.String(),
  queueId: Type.String(),
  queueName: Type.String(),
  priority: Type.String(),
  language: NullableString,
  expiresAt: Type.String({ description: 'ISO time the offer lapses and goes to the next agent' }),
  secondsLeft: Type.Integer({ description: 'Seconds until it lapses, by the hub clock (for a countdown that does not trust the browser clock)' }),
});

export interface OfferRouteDeps {
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly clock: () => Date;
  readonly summaries: (tickets: readonly Ticket[], withPositions: boolean) => Promise<Summary[]>;
}

/** Registers the offer routes on the guarded `/agent` scope. */
export function registerOfferRoutes(app: ApiApp, deps: OfferRouteDeps): void {
  const { queue, auth, summaries } = deps;
  const queueName = (id: string): string => queue.config.queues.find((q) => q.id === id)?.name ?? id;

  app.get(
    '/offers',
    {
      schema: {
        tags: ['agent'],
        summary: 'Chats offered to me, waiting for my answer (accept within the queue’s offerSeconds, or it goes to the next agent)',
        response: { 200: Type.Object({ offers: Type.Array(OfferSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const user = auth.require(request).user;
      const now = deps.clock().getTime();
      const offers = await queue.offersFor(user.id);
      return {
        offers: offers.map((o) => ({ ...o, queueName: queueName(o.queueId), secondsLeft: Math.max(0, Math.round((new Date(o.expiresAt).getTime() - now) / 1000)) })),
      };
    },
  );

  app.post(
    '/conversations/:id/accept',
    {
      schema: {
        tags: ['agent'],
        summary: 'Accept a chat offered to me: it is mine and the citizen is told a person attends them (409 `not-offered` when it went elsewhere)',
        params: IdParams,
        response: { 200: SummarySchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const ticket = await queue.acceptOffer(request.params.id, auth.require(request).user);
      return (await summaries([ticket], false))[0] as Summary;
    },
  );

  app.post(
    '/conversations/:id/decline',
    {
      schema: {
        tags: ['agent'],
        summary: 'Decline a chat offered to me: it keeps its place and goes to the next eligible agent (409 `not-offered` when it is no longer mine to answer)',
        params: IdParams,
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await queue.declineOffer(request.params.id, auth.require(request).user);
      return { ok: true };
    },
  );
}
