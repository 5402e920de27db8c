/** The feedback table (migration `0740_feedback`), typed for this module only. */
import type { Kysely } from 'kysely';
import type { Store } from '../core/store/index.js';
import type { Database } from '../core/store/schema.js';

export interface MessageFeedbackTable {
  id: string;
  conversation_id: string;
  /** The outbox item that delivered the rated answer: one row per answer. */
  outbox_id: string;
  /** The transcript entry of the rated answer. */
  entry_id: string;
  channel: string;
  value: string;
  /** The intent and score the answer was given for (what the reports and the inbox show). */
  intent: string | null;
  score: number | null;
  created_at: string;
  updated_at: string;
}

export type FeedbackDb = Kysely<Database & { message_feedback: MessageFeedbackTable }>;

export function feedbackDb(store: Store): FeedbackDb {
  return store.kysely as unknown as FeedbackDb;
}
