/**
 * The transcript: every message and system event of a conversation, in order.
 */
import type { TranscriptDraft, TranscriptEntry } from './types.js';
import { eventColumns, toTranscriptEntry, type Db } from './rows.js';
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
          ...eventColumns(entry),
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

  /** The entries with these ids (missing ones left out), oldest first. */
  async getTranscriptEntries(entryIds: readonly string[]): Promise<TranscriptEntry[]> {
    const seqs = entryIds.map(Number).filter((seq) => Number.isSafeInteger(seq) && seq > 0);
    if (seqs.length === 0) return [];
    const rows = await this.ctx.db.selectFrom('transcript').selectAll().where('seq', 'in', seqs).orderBy('seq', 'asc').execute();
    return rows.map(toTranscriptEntry);
  }

  /** Entries of every conversation after `afterId` (exclusive), oldest first, at most `limit`. */
  async transcriptAfter(afterId: string, limit: number): Promise<TranscriptEntry[]> {
    const after = Number(afterId);
    const rows = await this.ctx.db
      .selectFrom('transcript')
      .selectAll()
      .where('seq', '>', Number.isSafeInteger(after) ? after : 0)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(toTranscriptEntry);
  }

  /** The id of the newest entry of any conversation ('0' when there is none). */
  async lastTranscriptId(): Promise<string> {
    const row = await this.ctx.db.selectFrom('transcript').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? '0' : String(row.seq);
  }
}
