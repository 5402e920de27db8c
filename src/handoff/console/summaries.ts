/**
 * A conversation as the console lists it: the ticket, the citizen's channel and name (or handle),
 * the first words they wrote, why they wait, the agent's name, its place in the queue, the wait
 * against the queue's maximum, the possible-risk mark and how many replies did not get through.
 */
import type { ConversationState, Store } from '../../core/store/index.js';
import type { HandoffConfig } from '../config.js';
import type { HandoffQueue, Ticket } from '../queue.js';
import type { TicketStatus } from '../ticket-state.js';
import type { UserDirectory } from '../../accounts/users.js';
import type { Summary } from './api-schemas.js';
import { isOpen } from '../business-hours.js';
import { citizenLabel, firstWords, reasonLabel } from './waiting-view.js';

/** The latest citizen text of each conversation (one query for the whole list). */
async function latestCitizenTexts(store: Store, conversationIds: readonly string[]): Promise<Map<string, string>> {
  const db = store.kysely;
  const rows = await db
    .selectFrom('transcript')
    .select(['conversation_id', 'text'])
    .where(
      'seq',
      'in',
      db.selectFrom('transcript').select((eb) => eb.fn.max('seq').as('seq')).where('conversation_id', 'in', conversationIds).where('author', '=', 'citizen').where('text', 'is not', null).groupBy('conversation_id'),
    )
    .execute();
  return new Map(rows.filter((r): r is { conversation_id: string; text: string } => r.text !== null).map((r) => [r.conversation_id, r.text]));
}

/** Ticket statuses behind the console's `status` filter (no filter: the open ones). */
export function statusesFor(status: 'queued' | 'assigned' | 'resolved' | undefined): TicketStatus[] {
  if (status === 'queued') return ['queued'];
  if (status === 'assigned') return ['assigned'];
  if (status === 'resolved') return ['resolved', 'cancelled', 'abandoned'];
  return ['queued', 'assigned'];
}

/**
 * The possible-risk line the safety net marked in a conversation's state
 * (`state.safetyRisk.intent`, written by the intents policy), or null.
 */
function riskOf(state: ConversationState): string | null {
  const mark = state.safetyRisk as { intent?: unknown } | null | undefined;
  return typeof mark?.intent === 'string' ? mark.intent : null;
}

export interface SummaryDeps {
  readonly store: Store;
  readonly queue: HandoffQueue;
  readonly users: UserDirectory;
  readonly config: HandoffConfig;
  readonly clock: () => Date;
}

/** Builds the summaries of `tickets` with a handful of queries (not one per ticket), positions on request. */
export function summarizer(deps: SummaryDeps): (tickets: readonly Ticket[], withPositions: boolean) => Promise<Summary[]> {
  const { store, queue, users, config } = deps;
  const queueName = (id: string): string => config.queues.find((q) => q.id === id)?.name ?? id;
  return async (tickets, withPositions) => {
    if (tickets.length === 0) return [];
    const conversationIds = [...new Set(tickets.map((t) => t.conversationId))];
    const conversations = new Map((await store.getConversations(conversationIds)).map((c) => [c.id, c]));
    const agentIds = [...new Set(tickets.map((t) => t.agentId).filter((a): a is string => a !== null))];
    const agentNames = await users.displayNames(agentIds);
    const undelivered = await store.undeliveredCounts(conversationIds);
    const texts = await latestCitizenTexts(store, conversationIds);
    const now = deps.clock();
    const positions = new Map<string, number>();
    if (withPositions) {
      for (const ticket of tickets) {
        if (ticket.status === 'queued' && !positions.has(ticket.id)) positions.set(ticket.id, await queue.positionOf(ticket));
      }
    }
    return tickets.map((t) => {
      const conversation = conversations.get(t.conversationId);
      const position = positions.get(t.id);
      const queueConfig = config.queues.find((q) => q.id === t.queueId);
      const waitingSeconds = Math.max(0, Math.round((now.getTime() - new Date(t.enqueuedAt).getTime()) / 1000));
      const risk = conversation === undefined ? null : riskOf(conversation.state);
      // The maximum wait counts as the timer's SLA check does: working hours only, except urgent.
      const clockRuns = queueConfig !== undefined && (t.priority === 'urgent' || isOpen(queueConfig, config, now));
      const maxWaitSeconds = clockRuns ? Math.round(queueConfig.maxWaitMinutes * 60) : null;
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
        citizenName: conversation?.participant.displayName ?? null,
        agentId: t.agentId,
        agentName: t.agentId === null ? null : (agentNames.get(t.agentId) ?? null),
        enqueuedAt: t.enqueuedAt,
        assignedAt: t.assignedAt,
        closedAt: t.closedAt,
        ...(position === undefined ? {} : { position }),
        waitingSeconds,
        outOfHours: t.outOfHours,
        slaBreached: t.slaBreached,
        satisfaction: t.satisfaction,
        risk,
        undelivered: undelivered.get(t.conversationId) ?? 0,
        citizenLabel: citizenLabel(conversation?.channel ?? 'unknown', conversation?.participant),
        firstWords: firstWords(texts.get(t.conversationId)),
        reasonLabel: reasonLabel(t.reason, t.intent, risk),
        maxWaitSeconds,
        overWait: t.status === 'queued' && (t.slaBreached || (maxWaitSeconds !== null && waitingSeconds >= maxWaitSeconds)),
      };
    });
  };
}
