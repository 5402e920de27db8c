/**
 * Offers: automatic assignment asks the agent first. A waiting ticket is offered to one agent
 * (it stays `queued`, the citizen keeps their place, the offer holds one of the agent's slots);
 * the agent accepts (the chat is theirs and the citizen is told a person attends them) or
 * declines, or the offer lapses after the queue's `offerSeconds`. Whoever declined or let it
 * lapse is not offered the same chat again for a while, and an agent who lets several offers in a
 * row lapse is most likely not at the console. Offers are rows, not in-memory timers: a restart
 * finds them and the timer pass withdraws the lapsed ones.
 */
import { HubError } from '../../core/errors.js';
import { QUEUE_TEXT } from '../messages.js';
import type { User } from '../../accounts/users.js';
import { languageOf } from './conversation-effects.js';
import type { EventLog } from './event-log.js';
import type { TicketReads } from './reads.js';
import type { AgentRoster } from './roster.js';
import { hasFreeSlot, type Transitions } from './transition.js';
import { SYSTEM, toTicket, type QueueContext, type Ticket } from './types.js';

/** Default seconds to answer an offer, when a queue is unknown. */
export const DEFAULT_OFFER_SECONDS = 30;

/** Why an offer ended without being accepted. */
export type OfferEnd = 'declined' | 'expired' | 'withdrawn';

/** An offer as the console shows it. */
export interface Offer {
  readonly conversationId: string;
  readonly ticketId: string;
  readonly queueId: string;
  readonly priority: Ticket['priority'];
  readonly language: Ticket['language'];
  readonly expiresAt: string;
}

export class OfferDesk {
  constructor(
    private readonly ctx: QueueContext,
    private readonly parts: { readonly reads: TicketReads; readonly roster: AgentRoster; readonly transitions: Transitions; readonly log: EventLog },
  ) {}

  /** Seconds an agent has to answer an offer of this queue. */
  offerSeconds(queueId: string): number {
    return this.ctx.config.queues.find((q) => q.id === queueId)?.offerSeconds ?? DEFAULT_OFFER_SECONDS;
  }

  /**
   * How long an agent who declined or let an offer lapse is not offered the same chat again:
   * long enough for a colleague to get it first, short enough that a lone agent gets it back.
   */
  skipSeconds(queueId: string): number {
    return Math.max(60, 2 * this.offerSeconds(queueId));
  }

  /**
   * Offers a waiting ticket to an agent, only while it is still waiting unoffered and the agent
   * is available with a free slot (checked in the writing statement). Emits `handoff.offered`
   * with the agent and the deadline. Returns the offered ticket, or `undefined` when something
   * changed meanwhile.
   */
  async offer(ticket: Ticket, agentId: string): Promise<Ticket | undefined> {
    const now = this.ctx.now();
    const seconds = this.offerSeconds(ticket.queueId);
    const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
    const result = await this.ctx.db
      .updateTable('handoff_tickets')
      .set({ offer_agent_id: agentId, offer_expires_at: expiresAt, updated_at: now.toISOString() })
      .where('id', '=', ticket.id)
      .where('status', '=', 'queued')
      .where('agent_id', 'is', null)
      .where('offer_agent_id', 'is', null)
      .where(hasFreeSlot(agentId, true))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    // Round robin among idle agents: the one just offered a chat is no longer the idle-longest.
    this.parts.roster.adjust(agentId, +1, now.toISOString());
    await this.parts.roster.markBusy(agentId, now.toISOString());
    const offered: Ticket = { ...ticket, offerAgentId: agentId, offerExpiresAt: expiresAt };
    await this.parts.log.record('offered', offered, SYSTEM, { expiresAt, seconds, priority: ticket.priority, language: ticket.language }, { agentId });
    return offered;
  }

  /** The open offers made to an agent, oldest deadline first. */
  async offersFor(agentId: string): Promise<Offer[]> {
    const rows = await this.ctx.db
      .selectFrom('handoff_tickets')
      .selectAll()
      .where('offer_agent_id', '=', agentId)
      .where('status', '=', 'queued')
      .orderBy('offer_expires_at')
      .execute();
    return rows.map(toTicket).map((t) => ({
      conversationId: t.conversationId,
      ticketId: t.id,
      queueId: t.queueId,
      priority: t.priority,
      language: t.language,
      expiresAt: t.offerExpiresAt ?? t.updatedAt,
    }));
  }

  /**
   * The agent accepts the chat offered to them: it is theirs, the conversation goes to the agent
   * and the citizen is told a person attends them (the console opens the chat on accepting).
   * Accepting again what one already holds succeeds. 409 (`not-offered`) when the offer went
   * elsewhere, lapsed and was withdrawn, or the citizen left.
   */
  async accept(conversationId: string, user: Pick<User, 'id' | 'displayName'>): Promise<Ticket> {
    const ticket = await this.parts.reads.openTicket(conversationId);
    if (ticket?.status === 'assigned' && ticket.agentId === user.id) return ticket;
    if (ticket === undefined || ticket.status !== 'queued' || ticket.offerAgentId !== user.id) {
      throw new HubError('HUB_ERR_CONFLICT', 'this conversation is no longer offered to you', { details: { reason: 'not-offered' } });
    }
    const now = this.ctx.now().toISOString();
    const moved = await this.parts.transitions.run({
      ticket,
      action: 'assign',
      set: { agent_id: user.id, assigned_at: now, announced_at: now, offer_skips: null },
      expectOffer: user.id,
      afterMove: () => this.parts.roster.markBusy(user.id, now),
      mode: { to: 'agent', from: ['queued', 'agent'] },
      transcript: [{ author: 'system', kind: 'handoff.assigned', text: null, data: { agentId: user.id, agentName: user.displayName, how: 'offer' } }],
      notice: { message: { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].assigned() }, language: ticket.language, event: 'assigned' },
      event: { type: 'assigned', actorId: user.id, data: { how: 'offer', from: null } },
    });
    if (moved === undefined) throw new HubError('HUB_ERR_CONFLICT', 'this conversation is no longer offered to you', { details: { reason: 'not-offered' } });
    return moved;
  }

  /**
   * Ends an offer made to `agentId` without taking the chat: it waits again in its place, and
   * (declined or lapsed) that agent is not offered it again for {@link skipSeconds}. Emits
   * `handoff.offer_<end>`. Returns false when the ticket was no longer offered to them.
   */
  async end(ticket: Ticket, agentId: string, how: OfferEnd, actorId: string): Promise<boolean> {
    const now = this.ctx.now();
    const skips = { ...ticket.offerSkips };
    if (how !== 'withdrawn') skips[agentId] = new Date(now.getTime() + this.skipSeconds(ticket.queueId) * 1000).toISOString();
    const result = await this.ctx.db
      .updateTable('handoff_tickets')
      .set({ offer_agent_id: null, offer_expires_at: null, offer_skips: JSON.stringify(skips), updated_at: now.toISOString() })
      .where('id', '=', ticket.id)
      .where('status', '=', 'queued')
      .where('offer_agent_id', '=', agentId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    this.parts.roster.adjust(agentId, -1);
    await this.parts.log.record(`offer_${how}`, { ...ticket, agentId: null }, actorId, {}, { agentId });
    return true;
  }

  /** The agent declines the chat offered to them. 409 (`not-offered`) when it is not offered to them. */
  async decline(conversationId: string, user: Pick<User, 'id'>): Promise<void> {
    const ticket = await this.parts.reads.openTicket(conversationId);
    if (ticket === undefined || ticket.status !== 'queued' || ticket.offerAgentId !== user.id || !(await this.end(ticket, user.id, 'declined', user.id))) {
      throw new HubError('HUB_ERR_CONFLICT', 'this conversation is no longer offered to you', { details: { reason: 'not-offered' } });
    }
  }

  /** Withdraws every offer made to an agent (they went away or offline). */
  async withdrawAll(agentId: string): Promise<number> {
    const rows = await this.ctx.db.selectFrom('handoff_tickets').selectAll().where('offer_agent_id', '=', agentId).where('status', '=', 'queued').execute();
    let count = 0;
    for (const row of rows) if (await this.end(toTicket(row), agentId, 'withdrawn', SYSTEM)) count += 1;
    return count;
  }

  /**
   * Withdraws the offers whose time ran out. Returns how many, and the agents who have now let
   * `offerMissesBeforeAway` offers in a row lapse (to be set away).
   */
  async expire(): Promise<{ expired: number; away: string[] }> {
    const now = this.ctx.now().toISOString();
    const rows = await this.ctx.db
      .selectFrom('handoff_tickets')
      .selectAll()
      .where('offer_expires_at', '<=', now)
      .where('status', '=', 'queued')
      .where('offer_agent_id', 'is not', null)
      .orderBy('offer_expires_at')
      .limit(500)
      .execute();
    const missed = new Set<string>();
    let expired = 0;
    for (const row of rows) {
      const ticket = toTicket(row);
      if (ticket.offerAgentId !== null && (await this.end(ticket, ticket.offerAgentId, 'expired', SYSTEM))) {
        missed.add(ticket.offerAgentId);
        expired += 1;
      }
    }
    const limit = this.ctx.config.offerMissesBeforeAway;
    const away: string[] = [];
    if (limit > 0) for (const agentId of missed) if (await this.missedInARow(agentId, limit)) away.push(agentId);
    return { expired, away };
  }

  /** True when the agent's last `count` answered-or-lapsed offers all lapsed. */
  private async missedInARow(agentId: string, count: number): Promise<boolean> {
    const rows = await this.ctx.db
      .selectFrom('handoff_events')
      .select('type')
      .where('agent_id', '=', agentId)
      .where('type', 'in', ['offer_expired', 'offer_declined', 'assigned', 'presence'])
      .orderBy('seq', 'desc')
      .limit(count)
      .execute();
    return rows.length === count && rows.every((r) => r.type === 'offer_expired');
  }
}
