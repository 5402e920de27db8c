/**
 * Opening a ticket: the one insert of the queue (every later change is a transition). One open
 * ticket per conversation is kept by a unique index on `open_conversation_id`.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { HubError } from '../../core/errors.js';
import { PRIORITY_RANK, sortKey } from '../routing.js';
import type { HandoffDb, HandoffTicketsTable } from '../schema.js';
import type { EventLog } from './event-log.js';
import type { TicketReads } from './reads.js';
import { SYSTEM, toTicket, type EnqueueInput, type Ticket } from './types.js';

export interface EnqueueParts {
  readonly db: HandoffDb;
  readonly now: Date;
  readonly reads: TicketReads;
  readonly log: EventLog;
}

/**
 * Inserts the conversation's open ticket, or returns the one already open (its priority raised
 * when the new request is more urgent). Call under the queue's assignment lock.
 */
export async function openTicket(parts: EnqueueParts, input: EnqueueInput): Promise<{ ticket: Ticket; created: boolean }> {
  const { db, reads, log } = parts;
  const now = parts.now.toISOString();
  const row: Selectable<HandoffTicketsTable> = {
    id: randomUUID(),
    conversation_id: input.conversationId,
    open_conversation_id: input.conversationId,
    queue_id: input.queueId,
    priority: input.priority,
    priority_rank: PRIORITY_RANK[input.priority],
    sort_key: sortKey(now),
    status: 'queued',
    agent_id: null,
    reason: input.reason,
    intent: input.intent ?? null,
    language: input.language ?? null,
    out_of_hours: input.outOfHours === true ? 1 : 0,
    sla_breached: 0,
    notified_position: null,
    notified_wait: input.announcedWaitMinutes ?? null,
    satisfaction: null,
    created_at: now,
    enqueued_at: now,
    assigned_at: null,
    closed_at: null,
    updated_at: now,
    offer_agent_id: null,
    offer_expires_at: null,
    offer_skips: null,
    transferred_from: null,
    announced_at: null,
    wait_announced_at: input.announcedWaitMinutes === undefined ? null : now,
  };
  // RETURNING yields no row when the conflict clause skipped the insert (both dialects).
  const inserted = await db
    .insertInto('handoff_tickets')
    .values(row)
    .onConflict((oc) => oc.column('open_conversation_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) {
    const ticket = toTicket(row);
    await log.record('queued', ticket, SYSTEM, { priority: ticket.priority, reason: ticket.reason, intent: ticket.intent, language: ticket.language, outOfHours: ticket.outOfHours });
    return { ticket, created: true };
  }
  const existing = await reads.openTicket(input.conversationId);
  if (existing === undefined) throw new HubError('HUB_ERR_STORE', `ticket for conversation ${input.conversationId} vanished while enqueueing`);
  if (PRIORITY_RANK[input.priority] < existing.priorityRank) {
    await db
      .updateTable('handoff_tickets')
      .set({ priority: input.priority, priority_rank: PRIORITY_RANK[input.priority], updated_at: now })
      .where('id', '=', existing.id)
      .execute();
    const raised = { ...existing, priority: input.priority, priorityRank: PRIORITY_RANK[input.priority] };
    await log.record('priority', raised, SYSTEM, { from: existing.priority, to: input.priority });
    return { ticket: raised, created: false };
  }
  return { ticket: existing, created: false };
}
