/**
 * The transcript: every message and system event of a conversation, in order.
 */
import type { TranscriptDraft, TranscriptEntry } from './types.js';
import { toTranscriptEntry, type Db } from './rows.js';
import type { StoreContext } from './context.js';

/** Transcript writes and reads. */
export class TranscriptStore {
  constructor(private readonly ctx: StoreContext) {}

  async insertTranscript(db: Db, conversationId: string, entries: readonly TranscriptDraft[], now: string): Promise<TranscriptEntry[]> {
    const result: TranscriptEntry[] = [];
    for (const entry of entries) {
      const row = await db
        .insertInto('transcript')
        .values({
          conversation_id: conversationId,
          author: entry.author,
          kind: entry.kind,
          text: entry.text ?? null,
          data: entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data),
          intent: entry.intent ?? null,
          score: entry.score ?? null,
          language: entry.language ?? null,
          outbox_id: null,
          inbound_id: null,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      result.push(toTranscriptEntry(row));
    }
    return result;
  }

  async appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]> {
    return this.ctx.db.transaction().execute((trx) => this.insertTranscript(trx, conversationId, entries, new Date().toISOString()));
  }

  async getTranscript(conversationId: string, options: { readonly limit?: number } = {}): Promise<TranscriptEntry[]> {
    const rows = await this.ctx.db
      .selectFrom('transcript')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('seq', 'desc')
      .limit(options.limit ?? 1000)
      .execute();
    return rows.reverse().map(toTranscriptEntry);
  }

  async lastTranscriptEntry(conversationId: string, kind: string): Promise<TranscriptEntry | undefined> {
    const row = await this.ctx.db
      .selectFrom('transcript')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('kind', '=', kind)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toTranscriptEntry(row);
  }
}
