/**
 * Table shapes as Kysely sees them. Both dialects store the same column types so one query path
 * serves both: ids and timestamps as text (ISO-8601 UTC, which sorts correctly), booleans as 0/1,
 * JSON as text.
 */
import type { Generated } from 'kysely';

export interface ContactsTable {
  id: string;
  channel: string;
  external_id: string;
  display_name: string | null;
  locale: string | null;
  created_at: string;
}

export interface ConversationsTable {
  id: string;
  channel: string;
  conversation_key: string;
  contact_id: string;
  mode: string;
  language: string | null;
  urgent: number;
  unreachable: number;
  reply_context: string | null;
  state: string;
  created_at: string;
  updated_at: string;
  last_inbound_at: string | null;
  /** 1 while replies wait in `held` for the citizen to reopen the channel's reply window. */
  held_outbox: Generated<number>;
  /** Stored messages not yet processed (ingest adds one, the turn commit takes one away). */
  pending_inbound: Generated<number>;
  /** PostgreSQL: the instance (or lock holder) running this conversation's turns, until `lease_until`. */
  lease_owner: Generated<string | null>;
  lease_until: Generated<string | null>;
}

export interface InboundTable {
  id: string;
  conversation_id: string;
  channel: string;
  channel_message_id: string;
  message: string;
  status: string;
  received_at: string;
  processed_at: string | null;
}

export interface TranscriptTable {
  seq: Generated<number>;
  conversation_id: string;
  author: string;
  kind: string;
  text: string | null;
  data: string | null;
  intent: string | null;
  score: number | null;
  language: string | null;
  outbox_id: number | null;
  inbound_id: string | null;
  created_at: string;
}

export interface OutboxTable {
  seq: Generated<number>;
  conversation_id: string;
  channel: string;
  recipient: string;
  message: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  channel_message_id: string | null;
  delivery_status: string | null;
  created_at: string;
  sent_at: string | null;
  /** Parts of a split reply the platform already accepted (a retry resumes after them). */
  parts_sent: Generated<number>;
  /** The last failure as JSON (`DeliveryFailure` in core/delivery-failure.ts), for people to read. */
  failure: string | null;
}

export interface CursorsTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface Database {
  contacts: ContactsTable;
  conversations: ConversationsTable;
  inbound: InboundTable;
  transcript: TranscriptTable;
  outbox: OutboxTable;
  cursors: CursorsTable;
}
