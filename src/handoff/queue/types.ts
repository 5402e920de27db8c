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
  /** The agent this waiting ticket is offered to (status stays `queued`), until {@link offerExpiresAt}. */
  readonly offerAgentId: string | null;
  readonly offerExpiresAt: string | null;
  /** Agents not to be offered this ticket before the given ISO time (they declined or let it lapse). */
  readonly offerSkips: Readonly<Record<string, string>>;
  /** The agent who transferred it to a queue: never picked for it again. */
  readonly transferredFrom: string | null;
  /** When the citizen was told a person attends them; null while waiting or assigned but not yet opened. */
  readonly announcedAt: string | null;
}

/** The JSON `offer_skips` column as a map; anything malformed reads as none. */
export function parseSkips(text: string | null): Record<string, string> {
  if (text === null || text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
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
    offerAgentId: row.offer_agent_id ?? null,
    offerExpiresAt: row.offer_expires_at ?? null,
    offerSkips: parseSkips(row.offer_skips ?? null),
    transferredFrom: row.transferred_from ?? null,
    announcedAt: row.announced_at ?? null,
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
  /** The wait in minutes the citizen was just told, to tell them a new estimate once it is exceeded. */
  readonly announcedWaitMinutes?: number;
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
  /**
   * The language an agent's message is written in (the conversation's is the hint), so the web
   * chat marks it with the right `lang` when an agent answers a Basque citizen in Spanish. Absent
   * or failing: the conversation's language.
   */
  readonly detectLanguage?: (text: string, conversationLanguage: Language | null) => Promise<Language>;
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
