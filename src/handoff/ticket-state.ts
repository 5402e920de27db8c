/**
 * The handoff ticket state machine: `queued → assigned → resolved`, plus transfer, requeue,
 * cancel by the citizen and abandon/timeout. Every status change goes through {@link transition};
 * there are no ad hoc status toggles.
 */
import type { ConversationMode } from '../core/message.js';
import { HubError } from '../core/errors.js';

export const TICKET_STATUSES = ['queued', 'assigned', 'resolved', 'cancelled', 'abandoned'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type OpenTicketStatus = 'queued' | 'assigned';

export type TicketAction =
  /** An agent takes it (claim, auto-assignment, supervisor assignment). */
  | 'assign'
  /** Moved to another queue (waits there) or handed to another agent. */
  | 'transfer-queue'
  | 'transfer-agent'
  /** Its agent went offline: back to the head of the queue. */
  | 'requeue'
  /** The agent (or a supervisor) closes it. */
  | 'close'
  /** The citizen says it is no longer needed. */
  | 'cancel'
  /** Nobody took it within the abandon window. */
  | 'abandon';

const TABLE: Record<TicketAction, Partial<Record<TicketStatus, TicketStatus>>> = {
  assign: { queued: 'assigned' },
  'transfer-queue': { queued: 'queued', assigned: 'queued' },
  'transfer-agent': { queued: 'assigned', assigned: 'assigned' },
  requeue: { assigned: 'queued' },
  close: { assigned: 'resolved', queued: 'resolved' },
  cancel: { queued: 'cancelled', assigned: 'cancelled' },
  abandon: { queued: 'abandoned' },
};

/** True while a ticket waits or is being handled. */
export function isOpenStatus(status: TicketStatus): status is OpenTicketStatus {
  return status === 'queued' || status === 'assigned';
}

/** The status an action leads to from `from`, or `undefined` when the action is not allowed there. */
export function nextStatus(from: TicketStatus, action: TicketAction): TicketStatus | undefined {
  return TABLE[action][from];
}

/**
 * The status an action leads to. Throws `HUB_ERR_CONFLICT` (409) with the reason when the
 * action is not allowed from `from` (e.g. a message or a claim on a resolved conversation).
 */
export function transition(from: TicketStatus, action: TicketAction): TicketStatus {
  const to = nextStatus(from, action);
  if (to === undefined) {
    throw new HubError('HUB_ERR_CONFLICT', `cannot ${action} a conversation that is ${from}`, { details: { from, action } });
  }
  return to;
}

/** The conversation mode that goes with a ticket status: the bot is silent while a ticket is open. */
export function modeForStatus(status: TicketStatus): ConversationMode {
  switch (status) {
    case 'queued':
      return 'queued';
    case 'assigned':
      return 'agent';
    default:
      return 'bot';
  }
}

/** Where an action may start, for conditional updates (`… WHERE status IN (…)`). */
export function sourcesOf(action: TicketAction): TicketStatus[] {
  return Object.keys(TABLE[action]) as TicketStatus[];
}
