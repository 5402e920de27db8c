/**
 * The durable outbox: replies written with their transcript entries, leased for delivery in
 * order per conversation, retried, dead-lettered, or held until the citizen reopens the reply window.
 */
import type { Transaction } from 'kysely';
import type { DeliveryFailure } from '../delivery-failure.js';
import { HubError } from '../errors.js';
import type { ChannelId } from '../message.js';
import type { Database } from './schema.js';
import type { Conversation, ConversationPatch, OutboxItem, OutboxStatus, ReplyDraft, TranscriptEntry } from './types.js';
import { conversationById, patchColumns, pendingOutboxItem, recipientOf, replyColumns, toOutboxItem, toTranscriptEntry, type Db } from './rows.js';
import type { StoreContext } from './context.js';

/** Outbox writes, leases and delivery outcomes. */
export class OutboxStore {
  constructor(private readonly ctx: StoreContext) {}

  async insertReplies(
    db: Db,
    conversationId: string,
    replies: readonly ReplyDraft[],
    now: string,
    known?: Conversation,
    replyContext?: Readonly<Record<string, string>>,
    /** When given, receives the transcript entries written (for the caller's events: no read-back). */
    written?: TranscriptEntry[],
  ): Promise<OutboxItem[]> {
    if (replies.length === 0) return [];
    // Routing data only changes on ingest, which the turn's lock orders before us: the turn's copy is current.
    const conversation = known?.id === conversationId ? known : await conversationById(db, conversationId);
    if (conversation === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `conversation ${conversationId} does not exist`);
    const items: OutboxItem[] = [];
    for (const reply of replies) {
      // Per reply: its own language (a turn may answer in another one than the conversation had).
      const recipient = recipientOf(conversation, replyContext ?? conversation.replyContext, reply.language ?? conversation.language);
      const recipientJson = JSON.stringify(recipient);
      const { seq } = await db
        .insertInto('outbox')
        .values({
          conversation_id: conversationId,
          channel: conversation.channel,
          recipient: recipientJson,
          message: JSON.stringify(reply.message),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          channel_message_id: null,
          delivery_status: null,
          created_at: now,
          sent_at: null,
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      const columns = { conversation_id: conversationId, ...replyColumns(reply), outbox_id: seq, inbound_id: null, created_at: now };
      const entry = await db.insertInto('transcript').values(columns).returning('seq').executeTakeFirstOrThrow();
      written?.push(toTranscriptEntry({ ...columns, seq: entry.seq }));
      // Built from what was written: no read-back and no JSON re-parse on the hot path.
      const created = new Date(now);
      items.push({ id: String(seq), ...pendingOutboxItem({ conversationId, channel: conversation.channel, recipient, message: reply.message }, created) });
    }
    return items;
  }

  async enqueueReplies(conversationId: string, replies: readonly ReplyDraft[], patch?: ConversationPatch): Promise<OutboxItem[]> {
    return this.ctx.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      const items = await this.insertReplies(trx, conversationId, replies, now);
      if (patch !== undefined) await trx.updateTable('conversations').set(patchColumns(patch, now)).where('id', '=', conversationId).execute();
      return items;
    });
  }

  async leaseOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    return this.ctx.db.transaction().execute(async (trx) => {
      // Due items whose conversation has nothing earlier still in flight or waiting for a retry:
      // replies of one conversation go out in order, and a failing one holds back those after it.
      let select = trx
        .selectFrom('outbox as o')
        .selectAll('o')
        .where((eb) => eb.or([eb('o.status', '=', 'pending'), eb('o.status', '=', 'sending')]))
        .where('o.next_attempt_at', '<=', nowIso)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox as p')
                .select('p.seq')
                .whereRef('p.conversation_id', '=', 'o.conversation_id')
                .whereRef('p.seq', '<', 'o.seq')
                .where((eb) =>
                  eb.or([
                    eb.and([eb('p.status', '=', 'sending'), eb('p.next_attempt_at', '>', nowIso)]),
                    eb.and([eb('p.status', '=', 'pending'), eb('p.next_attempt_at', '>', nowIso)]),
                  ]),
                ),
            ),
          ),
        )
        .orderBy('o.seq')
        .limit(limit);
      if (this.ctx.dialect === 'postgres') select = select.forUpdate().skipLocked();
      let rows = await select.execute();
      if (rows.length > 0 && this.ctx.dialect === 'postgres') rows = await this.withoutEarlierElsewhere(trx, rows);
      if (rows.length === 0) return [];
      await trx
        .updateTable('outbox')
        .set({ status: 'sending', next_attempt_at: leaseUntil })
        .where(
          'seq',
          'in',
          rows.map((r) => r.seq),
        )
        .execute();
      return rows.map((row) => toOutboxItem({ ...row, status: 'sending', next_attempt_at: leaseUntil }));
    });
  }

  /**
   * Leaves out items with an earlier unsettled item of their conversation that this lease did not
   * take. SKIP LOCKED hides the rows another instance is leasing at this very moment, and to the
   * query above they still look pending and due: without this, the other instance would send the
   * first reply while this one sent the second. Runs after the rows are locked, so an earlier
   * row leased meanwhile is seen as pending (not committed yet) or as sending (committed).
   */
  private async withoutEarlierElsewhere<Row extends { seq: number; conversation_id: string }>(trx: Transaction<Database>, rows: readonly Row[]): Promise<Row[]> {
    const taken = rows.map((row) => row.seq);
    const blocked = await trx
      .selectFrom('outbox as o')
      .select('o.seq')
      .where('o.seq', 'in', taken)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('outbox as p')
            .select('p.seq')
            .whereRef('p.conversation_id', '=', 'o.conversation_id')
            .whereRef('p.seq', '<', 'o.seq')
            .where('p.status', 'in', ['pending', 'sending'])
            .where('p.seq', 'not in', taken),
        ),
      )
      .execute();
    if (blocked.length === 0) return [...rows];
    const out = new Set(blocked.map((row) => row.seq));
    return rows.filter((row) => !out.has(row.seq));
  }

  /** Marks several delivered items in one transaction (a delivery round). */
  async markOutboxSentMany(items: readonly { readonly outboxId: string; readonly channelMessageId: string; readonly sentAt: Date }[]): Promise<void> {
    if (items.length === 0) return;
    await this.ctx.write(async (trx) => {
      for (const item of items) {
        await trx
          .updateTable('outbox')
          .set({ status: 'sent', channel_message_id: item.channelMessageId, sent_at: item.sentAt.toISOString(), last_error: null, failure: null })
          .where('seq', '=', Number(item.outboxId))
          .execute();
      }
    });
  }

  markOutboxSent(outboxId: string, channelMessageId: string, sentAt: Date): Promise<void> {
    return this.markOutboxSentMany([{ outboxId, channelMessageId, sentAt }]);
  }

  async markOutboxPartsSent(outboxId: string, partsSent: number, channelMessageId: string): Promise<void> {
    await this.ctx.write(async (trx) => {
      await trx.updateTable('outbox').set({ parts_sent: partsSent, channel_message_id: channelMessageId }).where('seq', '=', Number(outboxId)).execute();
    });
  }

  async markOutboxRetry(outboxId: string, nextAttemptAt: Date, error: string, failure?: DeliveryFailure): Promise<void> {
    await this.ctx.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'pending',
        next_attempt_at: nextAttemptAt.toISOString(),
        last_error: error,
        failure: failure === undefined ? null : JSON.stringify(failure),
        attempts: eb('attempts', '+', 1),
      }))
      .where('seq', '=', Number(outboxId))
      .execute();
  }

  async markOutboxDead(outboxId: string, error: string, failure?: DeliveryFailure): Promise<void> {
    await this.ctx.db
      .updateTable('outbox')
      .set((eb) => ({ status: 'dead', last_error: error, failure: failure === undefined ? null : JSON.stringify(failure), attempts: eb('attempts', '+', 1) }))
      .where('seq', '=', Number(outboxId))
      .execute();
  }

  async holdOutbox(outboxId: string, failure: DeliveryFailure, attemptStartedAt: Date): Promise<'held' | 'released'> {
    return this.ctx.write(async (trx) => {
      const item = await trx.selectFrom('outbox').select('conversation_id').where('seq', '=', Number(outboxId)).executeTakeFirst();
      if (item === undefined) return 'held';
      // Locked, so a message being stored for this conversation either commits first (and is
      // seen here) or waits and then finds the flag this sets.
      let read = trx.selectFrom('conversations').select(['last_inbound_at']).where('id', '=', item.conversation_id);
      if (this.ctx.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirst();
      const now = new Date().toISOString();
      const wroteSince = row?.last_inbound_at !== null && row?.last_inbound_at !== undefined && row.last_inbound_at > attemptStartedAt.toISOString();
      const conversation = wroteSince ? await conversationById(trx, item.conversation_id) : undefined;
      if (conversation !== undefined) {
        // The citizen wrote while this send was failing: the window is open again, send now.
        await trx
          .updateTable('outbox')
          .set((eb) => ({ status: 'pending', next_attempt_at: now, recipient: JSON.stringify(recipientOf(conversation)), last_error: failure.detail, failure: JSON.stringify(failure), attempts: eb('attempts', '+', 1) }))
          .where('seq', '=', Number(outboxId))
          .execute();
        return 'released';
      }
      await trx
        .updateTable('outbox')
        .set((eb) => ({ status: 'held', last_error: failure.detail, failure: JSON.stringify(failure), attempts: eb('attempts', '+', 1) }))
        .where('seq', '=', Number(outboxId))
        .execute();
      await trx.updateTable('conversations').set({ held_outbox: 1 }).where('id', '=', item.conversation_id).execute();
      return 'held';
    });
  }

  /**
   * The citizen wrote: the reply window is open again, so held replies go out, in order, through
   * this message's routing data (their stored routing data is the expired one).
   */
  async releaseHeld(trx: Transaction<Database>, conversation: Conversation, now: string): Promise<void> {
    await trx
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: now, recipient: JSON.stringify(recipientOf(conversation)) })
      .where('conversation_id', '=', conversation.id)
      .where('status', '=', 'held')
      .execute();
    await trx.updateTable('conversations').set({ held_outbox: 0 }).where('id', '=', conversation.id).execute();
  }

  async firstHeldOutbox(conversationId: string): Promise<OutboxItem | undefined> {
    const row = await this.ctx.db
      .selectFrom('outbox')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('status', '=', 'held')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toOutboxItem(row);
  }

  /** Puts leased items back without counting an attempt (a sibling failed first). */
  async releaseOutbox(outboxIds: readonly string[], nextAttemptAt: Date): Promise<void> {
    if (outboxIds.length === 0) return;
    await this.ctx.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: nextAttemptAt.toISOString() })
      .where('seq', 'in', outboxIds.map(Number))
      .where('status', '=', 'sending')
      .execute();
  }

  /**
   * Puts every leased (`sending`) item back to pending. Only safe when this process is the only
   * one delivering (SQLite): at start-up it resumes sends that a crash interrupted without waiting
   * for their leases to expire. On PostgreSQL, leases expire instead.
   */
  async releaseAllLeases(): Promise<number> {
    const result = await this.ctx.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: new Date().toISOString() })
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setOutboxDeliveryStatus(channel: ChannelId, channelMessageId: string, status: string): Promise<boolean> {
    const result = await this.ctx.db
      .updateTable('outbox')
      .set({ delivery_status: status })
      .where('channel', '=', channel)
      .where('channel_message_id', '=', channelMessageId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listOutbox(status: OutboxStatus, limit: number): Promise<OutboxItem[]> {
    const rows = await this.ctx.db.selectFrom('outbox').selectAll().where('status', '=', status).orderBy('seq').limit(limit).execute();
    return rows.map(toOutboxItem);
  }

  async getOutbox(outboxId: string): Promise<OutboxItem | undefined> {
    const row = await this.ctx.db.selectFrom('outbox').selectAll().where('seq', '=', Number(outboxId)).executeTakeFirst();
    return row === undefined ? undefined : toOutboxItem(row);
  }

  async getOutboxMany(outboxIds: readonly string[]): Promise<OutboxItem[]> {
    if (outboxIds.length === 0) return [];
    const rows = await this.ctx.db.selectFrom('outbox').selectAll().where('seq', 'in', outboxIds.map(Number)).orderBy('seq').execute();
    return rows.map(toOutboxItem);
  }

  async retryDeadOutbox(ids?: readonly string[]): Promise<number> {
    if (ids !== undefined && ids.length === 0) return 0;
    return this.ctx.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      // Replies that died outside the reply window go out through the citizen's latest message.
      let windowClosed = trx.selectFrom('outbox').select(['seq', 'conversation_id']).where('status', '=', 'dead').where('failure', 'like', '%"kind":"window-closed"%');
      if (ids !== undefined) windowClosed = windowClosed.where('seq', 'in', ids.map(Number));
      for (const row of await windowClosed.execute()) {
        const conversation = await conversationById(trx, row.conversation_id);
        if (conversation !== undefined) await trx.updateTable('outbox').set({ recipient: JSON.stringify(recipientOf(conversation)) }).where('seq', '=', row.seq).execute();
      }
      let q = trx.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: now }).where('status', '=', 'dead');
      if (ids !== undefined) q = q.where('seq', 'in', ids.map(Number));
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  async undeliveredCounts(conversationIds: readonly string[]): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await this.ctx.db
      .selectFrom('outbox')
      .select(['conversation_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('conversation_id', 'in', [...conversationIds])
      .where('status', 'in', ['dead', 'held'])
      .groupBy('conversation_id')
      .execute();
    return new Map(rows.map((row) => [row.conversation_id, Number(row.count)]));
  }
}
