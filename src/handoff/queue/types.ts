/**
 * The queue's shared shapes: the ticket as callers see it, the stored transition, the inputs of
 * the public operations, and the context every part of the queue is built on.
 */
import type { Selectable } from 'kysely';
import type { HubEvents } from '../../core/events.js';
import { isLanguage, type Language } from '../../core/message.js';
import type { Store } from '../../core/store/index.js';
import type { HandoffConfig } from '../config.js';
import type { Priority } from '../routing.js';
import type { HandoffDb, HandoffTicketsTable } from '../schema.js';
import type { TicketStatus } from '../ticket-state.js';
import type { User } from '../../accounts/users.js';

/** Minimal structured logger (pino-compatible). Never pass message text or personal data. */
export interface HandoffLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Ticket {
  readonly id: string;
  readonly conversationId: string;
  readonly queueId: string;
  readonly priority: Priority;
  readonly priorityRank: number;
  readonly sortKey: string;
  readonly status: TicketStatus;
  readonly agentId: string | null;
  readonly reason: string;
  readonly intent: string | null;
  readonly language: Language | null;
  readonly outOfHours: boolean;
  readonly slaBreached: boolean;
  readonly satisfaction: number | null;
  readonly createdAt: string;
  readonly enqueuedAt: string;
  readonly assignedAt: string | null;
  readonly closedAt: string | null;
  readonly updatedAt: string;
}

/** A stored ticket row as a {@link Ticket}. */
export function toTicket(row: Selectable<HandoffTicketsTable>): Ticket {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    queueId: row.queue_id,
    priority: row.priority as Priority,
    priorityRank: Number(row.priority_rank),
    sortKey: row.sort_key,
    status: row.status as TicketStatus,
    agentId: row.agent_id,
    reason: row.reason,
    intent: row.intent,
    language: isLanguage(row.language) ? row.language : null,
    outOfHours: Number(row.out_of_hours) === 1,
    slaBreached: Number(row.sla_breached) === 1,
    satisfaction: row.satisfaction === null ? null : Number(row.satisfaction),
    createdAt: row.created_at,
    enqueuedAt: row.enqueued_at,
    assignedAt: row.assigned_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
  };
}

/** A stored transition, as the console feed reads it. */
export interface HandoffEvent {
  readonly seq: number;
  readonly type: string;
  readonly ticketId: string | null;
  readonly conversationId: string | null;
  readonly queueId: string | null;
  readonly agentId: string | null;
  readonly actorId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface EnqueueInput {
  readonly conversationId: string;
  readonly queueId: string;
  readonly priority: Priority;
  readonly reason: string;
  readonly intent?: string | null;
  readonly language?: Language | null;
  readonly outOfHours?: boolean;
}

export interface QueuePosition {
  readonly ticket: Ticket;
  /** 1 = next. */
  readonly position: number;
  readonly waitMinutes: number;
}

export interface QueueDeps {
  readonly store: Store;
  readonly events: HubEvents;
  readonly clock: () => Date;
  readonly config: HandoffConfig;
  readonly logger: HandoffLogger;
  /** Wakes the outbox worker after queue notices or agent messages are enqueued. */
  readonly notifyOutbox?: () => void;
  /** How long the assignment roster (available agents, open-chat counts) is cached; default 2000 ms. */
  readonly rosterTtlMs?: number;
}

export interface Actor {
  readonly id: string;
  readonly role: User['role'];
  readonly queues: readonly string[];
}

/** Actor id of transitions the hub makes by itself (timers, automatic assignment). */
export const SYSTEM = 'system';

/** What every part of the queue is built on: the handoff tables, the dependencies and the hub clock. */
export interface QueueContext {
  readonly db: HandoffDb;
  readonly deps: QueueDeps;
  readonly config: HandoffConfig;
  now(): Date;
}
