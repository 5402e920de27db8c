/**
 * The durable inbox: citizens' messages stored before they are acknowledged, and the turn's
 * single commit (inbound processed, transcript, replies, conversation patch) in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { HubError } from '../errors.js';
import type { InboundMessage } from '../message.js';
import type { ConversationsTable, InboundTable, TranscriptTable } from './schema.js';
import type { CompleteTurnInput, CompleteTurnResult, IngestResult, StoredInbound, TranscriptEntry } from './types.js';
import { citizenData, conversationById, patchColumns, toConversation, toStoredInbound, toTranscriptEntry } from './rows.js';
import type { StoreContext } from './context.js';
import type { TranscriptStore } from './transcript.js';
import type { OutboxStore } from './outbox-store.js';
import { completeTurnInOneStatement } from './turn-commit-pg.js';

/** Inbound messages and turn commits. */
export class InboxStore {
  constructor(
    private readonly ctx: StoreContext,
    private readonly transcript: TranscriptStore,
    private readonly outbox: OutboxStore,
  ) {}

  async ingest(message: InboundMessage): Promise<IngestResult> {
    if (this.ctx.dialect === 'postgres') {
      const fast = await this.ingestKnown(message);
      if (fast !== undefined) return fast;
    }
    return this.ingestInTransaction(message);
  }

  /**
   * PostgreSQL, a citizen who wrote before (the common case): the message, its transcript entry
   * and the conversation's update in one statement, one round trip. Resolves undefined for a new
   * conversation or a duplicate (nothing written), which the transaction below handles. A name
   * or locale change and held replies are rare and follow in statements of their own.
   */
  private async ingestKnown(message: InboundMessage): Promise<IngestResult | undefined> {
    const channel = message.from.channel;
    const now = new Date().toISOString();
    const inboundId = randomUUID();
    const json = JSON.stringify(message);
    const replyContext = message.replyContext === undefined ? null : JSON.stringify(message.replyContext);
    // Keyed on the insert: a duplicate (even one stored at this very moment) inserts nothing, so
    // nothing else is written and the pending count stays right.
    const { rows } = await sql<Selectable<ConversationsTable> & { external_id: string; display_name: string | null; locale: string | null; entry_seq: number | string }>`
      with k as (select id from conversations where conversation_key = ${message.conversationKey}),
      i as (
        insert into inbound (id, conversation_id, channel, channel_message_id, message, status, received_at, processed_at)
        select ${inboundId}, k.id, ${channel}, ${message.id}, ${json}, 'pending', ${now}, null from k
        on conflict (channel, channel_message_id) do nothing
        returning id, conversation_id
      ),
      c as (
        update conversations set reply_context = coalesce(${replyContext}, reply_context), unreachable = 0,
          last_inbound_at = ${now}, updated_at = ${now}, pending_inbound = pending_inbound + 1
        where id = (select conversation_id from i)
        returning *
      ),
      t as (
        insert into transcript (conversation_id, author, kind, text, data, intent, score, language, outbox_id, inbound_id, created_at)
        select i.conversation_id, 'citizen', ${message.kind}, ${message.fullText ?? message.text ?? null}, ${citizenData(message)}, null, null, null, null, i.id, ${now} from i
        returning seq
      )
      select c.*, ct.external_id, ct.display_name, ct.locale, (select seq from t) as entry_seq from c join contacts ct on ct.id = c.contact_id`.execute(this.ctx.intake ?? this.ctx.db);
    const row = rows[0];
    if (row === undefined) return undefined;
    let contact = { external_id: row.external_id, display_name: row.display_name, locale: row.locale };
    if ((message.from.displayName !== undefined && message.from.displayName !== contact.display_name) || (message.from.locale !== undefined && message.from.locale !== contact.locale)) {
      contact = { ...contact, display_name: message.from.displayName ?? contact.display_name, locale: message.from.locale ?? contact.locale };
      await this.ctx.db.updateTable('contacts').set({ display_name: contact.display_name, locale: contact.locale }).where('id', '=', row.contact_id).execute();
    }
    const conversation = toConversation(row, contact);
    if (Number(row.held_outbox) === 1) await this.ctx.write((trx) => this.outbox.releaseHeld(trx, conversation, now));
    const inboundRow: Selectable<InboundTable> = {
      id: inboundId,
      conversation_id: row.id,
      channel,
      channel_message_id: message.id,
      message: json,
      status: 'pending',
      received_at: now,
      processed_at: null,
    };
    return { inbound: toStoredInbound(inboundRow), conversation, duplicate: false, entry: citizenEntry(row.entry_seq, inboundRow, message) };
  }

  private async ingestInTransaction(message: InboundMessage): Promise<IngestResult> {
    const channel = message.from.channel;
    return this.ctx.write(async (trx) => {
      const existing = await trx
        .selectFrom('inbound')
        .selectAll()
        .where('channel', '=', channel)
        .where('channel_message_id', '=', message.id)
        .executeTakeFirst();
      if (existing !== undefined) {
        const conversation = await conversationById(trx, existing.conversation_id);
        if (conversation === undefined) throw new HubError('HUB_ERR_STORE', `conversation ${existing.conversation_id} vanished`);
        return { inbound: toStoredInbound(existing), conversation, duplicate: true };
      }
      const now = new Date().toISOString();
      const replyContext = message.replyContext === undefined ? null : JSON.stringify(message.replyContext);
      // One read finds the conversation and its contact for a citizen who wrote before (the common case).
      const known = await trx
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .selectAll('conversations')
        .select(['contacts.display_name', 'contacts.locale'])
        .where('conversations.conversation_key', '=', message.conversationKey)
        .executeTakeFirst();
      let contact: { id: string; display_name: string | null; locale: string | null } | undefined =
        known === undefined ? undefined : { id: known.contact_id, display_name: known.display_name, locale: known.locale };
      if (contact === undefined) {
        contact = await trx
          .selectFrom('contacts')
          .select(['id', 'display_name', 'locale'])
          .where('channel', '=', channel)
          .where('external_id', '=', message.from.id)
          .executeTakeFirst();
      }
      if (contact === undefined) {
        contact = { id: randomUUID(), display_name: message.from.displayName ?? null, locale: message.from.locale ?? null };
        await trx
          .insertInto('contacts')
          .values({ ...contact, channel, external_id: message.from.id, created_at: now })
          .execute();
      } else if (
        (message.from.displayName !== undefined && message.from.displayName !== contact.display_name) ||
        (message.from.locale !== undefined && message.from.locale !== contact.locale)
      ) {
        contact = { id: contact.id, display_name: message.from.displayName ?? contact.display_name, locale: message.from.locale ?? contact.locale };
        await trx.updateTable('contacts').set({ display_name: contact.display_name, locale: contact.locale }).where('id', '=', contact.id).execute();
      }
      let conversationRow: Selectable<ConversationsTable>;
      let heldReplies = false;
      if (known === undefined) {
        conversationRow = {
          id: randomUUID(),
          channel,
          conversation_key: message.conversationKey,
          contact_id: contact.id,
          mode: 'bot',
          language: null,
          urgent: 0,
          unreachable: 0,
          reply_context: replyContext,
          state: '{}',
          created_at: now,
          updated_at: now,
          last_inbound_at: now,
          held_outbox: 0,
          pending_inbound: 1,
          lease_owner: null,
          lease_until: null,
        };
        await trx.insertInto('conversations').values(conversationRow).execute();
      } else {
        const { display_name: _name, locale: _locale, ...row } = known;
        // A citizen writing again is reachable again, and the latest routing data wins.
        conversationRow = { ...row, reply_context: replyContext ?? row.reply_context, unreachable: 0, last_inbound_at: now, updated_at: now };
        // `held_outbox` is read back from the update, not from the read above: a hold committed
        // in between (another connection) is seen, so its replies are released below.
        // The pending count goes up in the write that already locks the row: a lease owner's
        // commit (which takes it down under the same lock) sees this message whatever the timing.
        const updated = await trx
          .updateTable('conversations')
          .set((eb) => ({ reply_context: conversationRow.reply_context, unreachable: 0, last_inbound_at: now, updated_at: now, pending_inbound: eb('pending_inbound', '+', 1) }))
          .where('id', '=', conversationRow.id)
          .returning('held_outbox')
          .executeTakeFirst();
        heldReplies = Number(updated?.held_outbox ?? 0) === 1;
      }
      const inboundRow: Selectable<InboundTable> = {
        id: randomUUID(),
        conversation_id: conversationRow.id,
        channel,
        channel_message_id: message.id,
        message: JSON.stringify(message),
        status: 'pending',
        received_at: now,
        processed_at: null,
      };
      await trx.insertInto('inbound').values(inboundRow).execute();
      const { seq } = await trx
        .insertInto('transcript')
        .values(citizenRow(inboundRow, message))
        .returning('seq')
        .executeTakeFirstOrThrow();
      const conversation = toConversation(conversationRow, {
        external_id: message.from.id,
        display_name: contact.display_name,
        locale: contact.locale,
      });
      if (heldReplies) await this.outbox.releaseHeld(trx, conversation, now);
      return { inbound: toStoredInbound(inboundRow), conversation, duplicate: false, entry: citizenEntry(seq, inboundRow, message) };
    });
  }

  async listPendingInbound(limit: number): Promise<StoredInbound[]> {
    const rows = await this.ctx.db
      .selectFrom('inbound')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toStoredInbound);
  }

  async getInbound(inboundId: string): Promise<StoredInbound | undefined> {
    const row = await this.ctx.db.selectFrom('inbound').selectAll().where('id', '=', inboundId).executeTakeFirst();
    return row === undefined ? undefined : toStoredInbound(row);
  }

  async completeTurn(input: CompleteTurnInput): Promise<CompleteTurnResult> {
    // PostgreSQL, with the turn's copy of the conversation (the runner's case): one round trip.
    if (this.ctx.dialect === 'postgres' && input.conversation?.id === input.conversationId) {
      return completeTurnInOneStatement(this.ctx, input, input.conversation);
    }
    return this.ctx.write(async (trx) => {
      const now = new Date().toISOString();
      // The status guard makes a resumed or concurrent duplicate turn a no-op.
      const updated = await trx
        .updateTable('inbound')
        .set({ status: 'processed', processed_at: now })
        .where('id', '=', input.inboundId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return { applied: false, outbox: [], pending: 0 };
      let citizen: TranscriptEntry | undefined;
      if (input.inboundAnnotation !== undefined) {
        const annotated = await trx
          .updateTable('transcript')
          .set({
            intent: input.inboundAnnotation.intent ?? null,
            score: input.inboundAnnotation.score ?? null,
            language: input.inboundAnnotation.language ?? null,
          })
          .where('inbound_id', '=', input.inboundId)
          .returningAll()
          .executeTakeFirst();
        if (annotated !== undefined) citizen = toTranscriptEntry(annotated);
      }
      const written: TranscriptEntry[] = [];
      if (input.events !== undefined && input.events.length > 0) written.push(...(await this.transcript.insertTranscript(trx, input.conversationId, input.events, now)));
      const outbox = await this.outbox.insertReplies(trx, input.conversationId, input.replies, now, input.conversation, input.replyContext, written);
      // One write of the row: the patch, one message fewer pending and, when that was the last
      // one, the lease given back (the owner learns here whether to go on).
      const owner = input.leaseOwner ?? null;
      const row = await trx
        .updateTable('conversations')
        .set((eb) => ({
          ...(input.patch === undefined ? {} : patchColumns(input.patch, now)),
          pending_inbound: sql<number>`case when ${eb.ref('pending_inbound')} > 0 then ${eb.ref('pending_inbound')} - 1 else 0 end`,
          lease_owner: sql<string | null>`case when ${eb.ref('lease_owner')} = ${owner} and ${eb.ref('pending_inbound')} <= 1 then null else ${eb.ref('lease_owner')} end`,
          lease_until: sql<string | null>`case when ${eb.ref('lease_owner')} = ${owner} and ${eb.ref('pending_inbound')} <= 1 then null else ${eb.ref('lease_until')} end`,
        }))
        .where('id', '=', input.conversationId)
        .returning('pending_inbound')
        .executeTakeFirst();
      return { applied: true, outbox, pending: Number(row?.pending_inbound ?? 0), transcript: written, ...(citizen === undefined ? {} : { citizen }) };
    });
  }
}

/** The citizen's transcript row of an inbound message, as ingest writes it (not yet annotated by its turn). */
function citizenRow(inbound: Pick<Selectable<InboundTable>, 'id' | 'conversation_id' | 'received_at'>, message: InboundMessage): Omit<Selectable<TranscriptTable>, 'seq'> {
  return {
    conversation_id: inbound.conversation_id,
    author: 'citizen',
    kind: message.kind,
    text: message.fullText ?? message.text ?? null,
    data: citizenData(message),
    intent: null,
    score: null,
    language: null,
    outbox_id: null,
    inbound_id: inbound.id,
    created_at: inbound.received_at,
  };
}

/** The citizen's transcript entry an ingest just wrote, built from what was written (no read-back). */
function citizenEntry(seq: number | string, inbound: Selectable<InboundTable>, message: InboundMessage): TranscriptEntry {
  return toTranscriptEntry({ seq: Number(seq), ...citizenRow(inbound, message) });
}
