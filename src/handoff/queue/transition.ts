/**
 * The one place a ticket changes status. Every transition is a conditional UPDATE
 * (`… WHERE status = <expected>`), so concurrent claims, instances and timers never both win;
 * the winner then performs the steps every transition shares, always in this order: move the
 * ticket, set the conversation mode, write the transcript, notify the citizen, record the event.
 */
import { sql, type RawBuilder } from 'kysely';
import type { ConversationMode, Language, OutboundMessage } from '../../core/message.js';
import type { ConversationPatch, TranscriptDraft } from '../../core/store/index.js';
import type { HandoffTicketsTable } from '../schema.js';
import { isOpenStatus, transition, type TicketAction } from '../ticket-state.js';
import type { ConversationEffects } from './conversation-effects.js';
import type { EventLog } from './event-log.js';
import type { AgentRoster } from './roster.js';
import type { TicketReads } from './reads.js';
import type { QueueContext, Ticket } from './types.js';

export interface TransitionSpec {
  /** The ticket as read: the move succeeds only if it is still in this status, held by this agent. */
  readonly ticket: Ticket;
  readonly action: TicketAction;
  /** Columns to change besides status (and `closed_at` when the ticket closes). */
  readonly set?: Partial<HandoffTicketsTable>;
  /**
   * Only while this agent is available with free capacity, checked in the same statement (an
   * instance's cached roster may be stale; the database is not).
   */
  readonly guardAgent?: string;
  /** Only while this agent has a free slot, whatever their presence: a claim, a transfer to a named agent. */
  readonly guardCapacity?: string;
  /** Only while the ticket is still offered to this agent: accepting an offer. */
  readonly expectOffer?: string;
  /** Runs right after a successful move, before the shared steps. */
  readonly afterMove?: (moved: Ticket) => Promise<void>;
  /** The conversation's new mode, set only while it is still one of `from`. */
  readonly mode?: { readonly to: ConversationMode; readonly from: readonly ConversationMode[] };
  readonly transcript?: readonly TranscriptDraft[];
  /** The citizen's notice; with `onlyIfModeChanged`, sent only when the mode step moved the conversation. */
  readonly notice?: {
    readonly message: OutboundMessage;
    readonly language: Language | null;
    readonly event: string;
    readonly onlyIfModeChanged?: boolean;
    /** Applied with the notice, in one transaction. */
    readonly patch?: ConversationPatch;
  };
  /** The stored and emitted event (`handoff.<type>`). */
  readonly event: { readonly type: string; readonly actorId: string; readonly data: Record<string, unknown> };
}

/**
 * SQL condition: the agent holds fewer chats (assigned, plus offered and unanswered) than their
 * capacity, is enabled and, with `available`, is available. NULL capacity (no such user, or not
 * available) makes the comparison false. Checked in the writing statement itself, because an
 * instance's cached roster may be stale; the database is not.
 */
export function hasFreeSlot(agentId: string, available: boolean): RawBuilder<boolean> {
  const presence = available ? sql`and presence = 'available'` : sql``;
  return sql<boolean>`((select count(*) from handoff_tickets as held where held.agent_id = ${agentId} and held.status = 'assigned') + (select count(*) from handoff_tickets as offered where offered.offer_agent_id = ${agentId} and offered.status = 'queued')) < (select capacity from handoff_users where id = ${agentId} ${presence} and disabled = 0)`;
}

export class Transitions {
  constructor(
    private readonly ctx: QueueContext,
    private readonly reads: TicketReads,
    private readonly roster: AgentRoster,
    private readonly effects: ConversationEffects,
    private readonly log: EventLog,
  ) {}

  /**
   * Moves the ticket and, when this caller won, performs the shared steps. Returns the moved
   * ticket, or `undefined` when the ticket had changed meanwhile (nothing else was done).
   */
  async run(spec: TransitionSpec): Promise<Ticket | undefined> {
    const moved = await this.move(spec.ticket, spec.action, spec.set ?? {}, spec);
    if (moved === undefined) return undefined;
    const conversationId = spec.ticket.conversationId;
    await spec.afterMove?.(moved);
    const modeChanged = spec.mode === undefined ? false : await this.effects.setMode(conversationId, spec.mode.to, spec.mode.from);
    if (spec.transcript !== undefined) await this.effects.appendTranscript(conversationId, spec.transcript);
    const notice = spec.notice;
    if (notice !== undefined && (notice.onlyIfModeChanged !== true || modeChanged)) {
      await this.effects.notifyCitizen(conversationId, notice.message, notice.language, { event: notice.event }, notice.patch);
    }
    await this.log.record(spec.event.type, moved, spec.event.actorId, spec.event.data);
    return moved;
  }

  /**
   * The conditional update: succeeds only if the ticket is still `expected.status` (and still
   * held by `expected.agentId`); with `guardAgent`, also only while that agent may take it.
   */
  private async move(expected: Ticket, action: TicketAction, set: Partial<HandoffTicketsTable>, guards: Pick<TransitionSpec, 'guardAgent' | 'guardCapacity' | 'expectOffer'>): Promise<Ticket | undefined> {
    const to = transition(expected.status, action);
    const now = this.ctx.now().toISOString();
    const columns: Partial<HandoffTicketsTable> = { ...set, status: to, updated_at: now };
    if (!isOpenStatus(to)) {
      columns.open_conversation_id = null;
      columns.closed_at = now;
    }
    // An offer ends with any move but the offer's own bookkeeping: taken, closed, gone elsewhere.
    if (to !== 'queued' || action === 'transfer-queue') {
      columns.offer_agent_id = null;
      columns.offer_expires_at = null;
    }
    let q = this.ctx.db.updateTable('handoff_tickets').set(columns).where('id', '=', expected.id).where('status', '=', expected.status);
    q = expected.agentId === null ? q.where('agent_id', 'is', null) : q.where('agent_id', '=', expected.agentId);
    if (guards.guardAgent !== undefined) q = q.where(hasFreeSlot(guards.guardAgent, true));
    if (guards.guardCapacity !== undefined) q = q.where(hasFreeSlot(guards.guardCapacity, false));
    if (guards.expectOffer !== undefined) q = q.where('offer_agent_id', '=', guards.expectOffer);
    const result = await q.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    // Keep the cached roster's loads exact: a slot is held by the assigned agent, or by the agent
    // a waiting ticket is offered to.
    const newAgent = set.agent_id !== undefined ? set.agent_id : expected.agentId;
    const before = expected.status === 'assigned' ? expected.agentId : expected.offerAgentId;
    const offerAfter = columns.offer_agent_id !== undefined ? columns.offer_agent_id : expected.offerAgentId;
    const after = to === 'assigned' ? newAgent : to === 'queued' ? offerAfter : null;
    if (before !== null && before !== after) this.roster.adjust(before, -1);
    if (after !== null && after !== before) this.roster.adjust(after, +1, now);
    else if (after !== null && to === 'assigned') this.roster.adjust(after, 0, now);
    return this.reads.getTicket(expected.id);
  }
}
