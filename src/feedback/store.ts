/**
 * Records the citizen's 👍/👎 on a bot answer, once per answer. The answer is named by its outbox
 * id and must be a bot reply of the citizen's own conversation (a guessed id of someone else's
 * answer records nothing). Recording is idempotent: a retried webhook or a double click finds the
 * row and changes nothing; a different value (the citizen changed their mind) replaces it.
 */
import { randomUUID } from 'node:crypto';
import type { HubEvents } from '../core/events.js';
import type { Store } from '../core/store/index.js';
import type { TranscriptEntry } from '../core/store/types.js';
import { feedbackDb, type FeedbackDb } from './schema.js';
import { FEEDBACK_EVENT, type FeedbackValue } from '../core/feedback-payload.js';


/** What {@link FeedbackStore.record} did. */
export type FeedbackOutcome =
  | { readonly status: 'recorded' | 'changed' | 'unchanged'; readonly entryId: string }
  | { readonly status: 'unknown-answer' };

export interface FeedbackInput {
  readonly conversationId: string;
  readonly outboxId: string;
  readonly value: FeedbackValue;
  readonly channel: string;
}

/** How far back in a conversation a rated answer is looked for. */
const LOOKBACK = 300;

export class FeedbackStore {
  private readonly db: FeedbackDb;

  constructor(
    private readonly store: Store,
    private readonly events: HubEvents,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = feedbackDb(store);
  }

  /** The bot answer of `conversationId` delivered by `outboxId`, if there is one. */
  async answerOf(conversationId: string, outboxId: string): Promise<TranscriptEntry | undefined> {
    const entries = await this.store.getTranscript(conversationId, { limit: LOOKBACK });
    return entries.find((entry) => entry.outboxId === outboxId && entry.author === 'bot');
  }

  /** Stores (or changes) the rating of one answer; see the module comment for the guarantees. */
  async record(input: FeedbackInput): Promise<FeedbackOutcome> {
    const answer = await this.answerOf(input.conversationId, input.outboxId);
    if (answer === undefined) return { status: 'unknown-answer' };
    const now = this.clock().toISOString();
    const inserted = await this.db
      .insertInto('message_feedback')
      .values({
        id: randomUUID(),
        conversation_id: input.conversationId,
        outbox_id: input.outboxId,
        entry_id: answer.id,
        channel: input.channel,
        value: input.value,
        intent: answer.intent,
        score: answer.score,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('outbox_id').doNothing())
      .executeTakeFirst();
    let status: 'recorded' | 'changed' | 'unchanged' = 'recorded';
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      // Only a different value changes the row: a repeat of the same click is a no-op.
      const changed = await this.db
        .updateTable('message_feedback')
        .set({ value: input.value, updated_at: now })
        .where('outbox_id', '=', input.outboxId)
        .where('value', '<>', input.value)
        .executeTakeFirst();
      status = Number(changed.numUpdatedRows) > 0 ? 'changed' : 'unchanged';
    }
    if (status !== 'unchanged') {
      this.events.emit('custom', { type: FEEDBACK_EVENT, conversationId: input.conversationId, data: { outboxId: input.outboxId, entryId: answer.id, value: input.value } });
    }
    return { status, entryId: answer.id };
  }

  /** The stored rating of one answer (tests, the web chat's pressed state). */
  async valueOf(outboxId: string): Promise<FeedbackValue | undefined> {
    const row = await this.db.selectFrom('message_feedback').select('value').where('outbox_id', '=', outboxId).executeTakeFirst();
    return row?.value === 'up' || row?.value === 'down' ? row.value : undefined;
  }

  /** Ratings per value since `since` (ISO), for reports. */
  async counts(since?: string): Promise<Readonly<Record<FeedbackValue, number>>> {
    let query = this.db.selectFrom('message_feedback').select(['value', (eb) => eb.fn.countAll<string | number>().as('count')]).groupBy('value');
    if (since !== undefined) query = query.where('created_at', '>=', since);
    const rows = await query.execute();
    const counts = { up: 0, down: 0 };
    for (const row of rows) if (row.value === 'up' || row.value === 'down') counts[row.value] = Number(row.count);
    return counts;
  }
}
