/**
 * The handoff module's tables (created by migration `0100_handoff`). Same conventions as the core
 * store: text ids, ISO-8601 UTC timestamps as text, 0/1 booleans, JSON as text; one query path
 * for SQLite and PostgreSQL.
 */
import type { Generated, Kysely } from 'kysely';
import type { AccountsTables } from '../accounts/schema.js';
import type { Store } from '../core/store/index.js';

export interface HandoffTicketsTable {
  id: string;
  conversation_id: string;
  /** The conversation id while the ticket is open (queued/assigned), NULL after: one open ticket per conversation. */
  open_conversation_id: string | null;
  queue_id: string;
  /** urgent | vulnerable | normal */
  priority: string;
  /** 0 urgent, 1 vulnerable, 2 normal: the first sort key of the queue. */
  priority_rank: number;
  /** FIFO key within a priority: `1|<enqueued ISO>`, or `0|…` for chats sent back to the head. */
  sort_key: string;
  /** queued | assigned | resolved | cancelled | abandoned */
  status: string;
  agent_id: string | null;
  reason: string;
  intent: string | null;
  language: string | null;
  out_of_hours: number;
  sla_breached: number;
  notified_position: number | null;
  notified_wait: number | null;
  satisfaction: number | null;
  created_at: string;
  enqueued_at: string;
  assigned_at: string | null;
  closed_at: string | null;
  updated_at: string;
  /** The agent a waiting ticket is offered to (it stays `queued`), until `offer_expires_at`. */
  offer_agent_id: string | null;
  offer_expires_at: string | null;
  /** JSON `{agentId: untilIso}`: agents who declined or let the offer lapse, not offered it again before then. */
  offer_skips: string | null;
  /** The agent who transferred it to a queue: never picked for it again. */
  transferred_from: string | null;
  /** When the citizen was told a person attends them; NULL while assigned but not yet opened. */
  announced_at: string | null;
  /** When `notified_wait` was told to the citizen. */
  wait_announced_at: string | null;
}

export interface HandoffEventsTable {
  seq: Generated<number>;
  type: string;
  ticket_id: string | null;
  conversation_id: string | null;
  queue_id: string | null;
  agent_id: string | null;
  actor_id: string | null;
  data: string;
  created_at: string;
}

/** The handoff's tables; the console users and sessions it reads are the accounts module's. */
export interface HandoffTables extends AccountsTables {
  handoff_tickets: HandoffTicketsTable;
  handoff_events: HandoffEventsTable;
}

/**
 * Only the handoff's own tables: the core's (conversations, transcript, outbox…) are reached
 * through the `Store` interface, so this type makes querying them directly a compile error.
 */
export type HandoffDb = Kysely<HandoffTables>;

/** The store's Kysely instance, typed with the handoff tables only. */
export function handoffDb(store: Store): HandoffDb {
  return store.kysely as unknown as HandoffDb;
}

