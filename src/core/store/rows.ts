/**
 * Row mapping shared by the store's parts: database rows to the Store's shapes and back.
 */
import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { parseDeliveryFailure } from '../delivery-failure.js';
import { isLanguage, type ChannelId, type Language, type InboundMessage, type OutboundMessage, type Recipient } from '../message.js';
import type { ConversationsTable, Database, InboundTable, OutboxTable, TranscriptTable } from './schema.js';
import type { Conversation, ConversationPatch, ConversationState, OutboxItem, OutboxStatus, ReplyDraft, StoredInbound, TranscriptDraft, TranscriptEntry } from './types.js';

export type Db = Kysely<Database> | Transaction<Database>;

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toConversation(row: Selectable<ConversationsTable>, contact: { external_id: string; display_name: string | null; locale: string | null }): Conversation {
  const participant = {
    channel: row.channel as ChannelId,
    id: contact.external_id,
    ...(contact.display_name === null ? {} : { displayName: contact.display_name }),
    ...(contact.locale === null ? {} : { locale: contact.locale }),
  };
  return {
    id: row.id,
    channel: row.channel as ChannelId,
    conversationKey: row.conversation_key,
    contactId: row.contact_id,
    participant,
    mode: row.mode as Conversation['mode'],
    language: isLanguage(row.language) ? row.language : null,
    urgent: Number(row.urgent) === 1,
    unreachable: Number(row.unreachable) === 1,
    replyContext: parseJson<Record<string, string>>(row.reply_context),
    state: parseJson<ConversationState>(row.state) ?? {},
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    lastInboundAt: row.last_inbound_at === null ? null : new Date(row.last_inbound_at),
  };
}

export function reviveInbound(json: string): InboundMessage {
  const raw = JSON.parse(json) as InboundMessage & { receivedAt: string };
  return { ...raw, receivedAt: new Date(raw.receivedAt) };
}

export function toStoredInbound(row: Selectable<InboundTable>): StoredInbound {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel as ChannelId,
    channelMessageId: row.channel_message_id,
    message: reviveInbound(row.message),
    status: row.status as StoredInbound['status'],
    receivedAt: new Date(row.received_at),
  };
}

export function toOutboxItem(row: Selectable<OutboxTable>): OutboxItem {
  return {
    id: String(row.seq),
    conversationId: row.conversation_id,
    channel: row.channel as ChannelId,
    recipient: JSON.parse(row.recipient) as Recipient,
    message: JSON.parse(row.message) as OutboundMessage,
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error,
    channelMessageId: row.channel_message_id,
    deliveryStatus: row.delivery_status,
    createdAt: new Date(row.created_at),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
    partsSent: Number(row.parts_sent),
    failure: parseDeliveryFailure(row.failure),
  };
}

export function toTranscriptEntry(row: Selectable<TranscriptTable>): TranscriptEntry {
  return {
    id: String(row.seq),
    conversationId: row.conversation_id,
    author: row.author as TranscriptEntry['author'],
    kind: row.kind,
    text: row.text,
    data: parseJson<Record<string, unknown>>(row.data),
    intent: row.intent,
    score: row.score === null ? null : Number(row.score),
    language: isLanguage(row.language) ? row.language : null,
    outboxId: row.outbox_id === null ? null : String(row.outbox_id),
    createdAt: new Date(row.created_at),
  };
}

export function patchColumns(patch: ConversationPatch, now: string): Updateable<ConversationsTable> {
  const columns: Updateable<ConversationsTable> = { updated_at: now };
  if (patch.mode !== undefined) columns.mode = patch.mode;
  if (patch.language !== undefined) columns.language = patch.language;
  if (patch.urgent !== undefined) columns.urgent = patch.urgent ? 1 : 0;
  if (patch.unreachable !== undefined) columns.unreachable = patch.unreachable ? 1 : 0;
  if (patch.state !== undefined) columns.state = JSON.stringify(patch.state);
  return columns;
}

/** Where a conversation's replies go, with the given routing data (default: the latest message's). */
export function recipientOf(
  conversation: Conversation,
  replyContext: Readonly<Record<string, string>> | null = conversation.replyContext,
  language: Language | null = conversation.language,
): Recipient {
  return {
    participant: conversation.participant,
    conversationKey: conversation.conversationKey,
    ...(replyContext === null ? {} : { replyContext }),
    ...(language === null ? {} : { language }),
  };
}

/** Text of an outbound message for the transcript. */
export function outboundText(message: OutboundMessage): string | null {
  return message.kind === 'attachment' ? (message.caption ?? null) : message.text;
}

/** Conversations joined with their contact: the row {@link toConversation} reads. */
export function conversationsWithContact(db: Db) {
  return db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .selectAll('conversations')
    .select(['contacts.external_id', 'contacts.display_name', 'contacts.locale']);
}

/** A conversation with its contact, read with `db` (the store or a transaction). */
export async function conversationById(db: Db, conversationId: string): Promise<Conversation | undefined> {
  const row = await conversationsWithContact(db).where('conversations.id', '=', conversationId).executeTakeFirst();
  return row === undefined ? undefined : toConversation(row, row);
}

export function citizenData(message: InboundMessage): string | null {
  const data: Record<string, unknown> = {};
  if (message.payload !== undefined) data.payload = message.payload;
  if (message.attachments !== undefined) data.attachments = message.attachments;
  if (message.location !== undefined) data.location = message.location;
  if (message.subject !== undefined) data.subject = message.subject;
  return Object.keys(data).length === 0 ? null : JSON.stringify(data);
}

/** A reply just written to the outbox, built from what was written (no read-back): pending, due now. */
export function pendingOutboxItem(fields: Pick<OutboxItem, 'conversationId' | 'channel' | 'recipient' | 'message'>, created: Date): Omit<OutboxItem, 'id'> {
  return {
    ...fields,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: created,
    lastError: null,
    channelMessageId: null,
    deliveryStatus: null,
    createdAt: created,
    sentAt: null,
    partsSent: 0,
    failure: null,
  };
}

/** The transcript columns an entry's content fills (the rest — conversation, links, time — are the writer's). */
export interface TranscriptContentColumns {
  readonly author: string;
  readonly kind: string;
  readonly text: string | null;
  readonly data: string | null;
  readonly intent: string | null;
  readonly score: number | null;
  readonly language: string | null;
}

/** The content columns of a transcript event (handoff notices, annotations). */
export function eventColumns(entry: TranscriptDraft): TranscriptContentColumns {
  return {
    author: entry.author,
    kind: entry.kind,
    text: entry.text ?? null,
    data: entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data),
    intent: entry.intent ?? null,
    score: entry.score ?? null,
    language: entry.language ?? null,
  };
}

/** The content columns of the transcript entry a reply leaves (its message kept whole in `data`). */
export function replyColumns(reply: ReplyDraft): TranscriptContentColumns {
  return {
    author: reply.author,
    kind: reply.message.kind,
    text: outboundText(reply.message),
    data: JSON.stringify({ ...(reply.data ?? {}), message: reply.message }),
    intent: reply.intent ?? null,
    score: reply.score ?? null,
    language: reply.language ?? null,
  };
}
