/**
 * The one place a ticket changes status. Every transition is a conditional UPDATE
 * (`… WHERE status = <expected>`), so concurrent claims, instances and timers never both win;
 * the winner then performs the steps every transition shares, always in this order: move the
 * ticket, set the conversation mode, write the transcript, notify the citizen, record the event.
 */
import { sql } from 'kysely';
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
    const moved = await this.move(spec.ticket, spec.action, spec.set ?? {}, spec.guardAgent);
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
  private async move(expected: Ticket, action: TicketAction, set: Partial<HandoffTicketsTable>, guardAgent?: string): Promise<Ticket | undefined> {
    const to = transition(expected.status, action);
    const now = this.ctx.now().toISOString();
    const columns: Partial<HandoffTicketsTable> = { ...set, status: to, updated_at: now };
    if (!isOpenStatus(to)) {
      columns.open_conversation_id = null;
      columns.closed_at = now;
    }
    let q = this.ctx.db.updateTable('handoff_tickets').set(columns).where('id', '=', expected.id).where('status', '=', expected.status);
    q = expected.agentId === null ? q.where('agent_id', 'is', null) : q.where('agent_id', '=', expected.agentId);
    if (guardAgent !== undefined) {
      // NULL capacity (agent not available or disabled) makes the comparison false.
      q = q.where(
        sql<boolean>`(select count(*) from handoff_tickets as held where held.agent_id = ${guardAgent} and held.status = 'assigned') < (select capacity from handoff_users where id = ${guardAgent} and presence = 'available' and disabled = 0)`,
      );
    }
    const result = await q.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    const newAgent = set.agent_id !== undefined ? set.agent_id : expected.agentId;
    const holdsAfter = to === 'assigned' ? newAgent : null;
    if (expected.status === 'assigned' && expected.agentId !== null && expected.agentId !== holdsAfter) this.roster.adjust(expected.agentId, -1);
    if (holdsAfter !== null && holdsAfter !== expected.agentId) this.roster.adjust(holdsAfter, +1, now);
    return this.reads.getTicket(expected.id);
  }
}
