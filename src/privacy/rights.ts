/**
 * The data subject's rights (RGPD arts. 15 and 17) over one citizen, found by channel and their id
 * on it (phone on WhatsApp, Telegram user id, X user id or @handle, web chat id…).
 * - export: every conversation, transcript line, message, reply, handoff ticket (with its
 *   satisfaction score) and handoff event of the contact, as JSON;
 * - erase: transcripts pseudonymised (text replaced, structure kept, so report figures do not
 *   move), identifiers removed from contacts, conversation keys, messages and replies, inbox
 *   entries deleted, and an erasure record kept. Erasing twice answers with the first record.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { maskPersonalData } from './detect.js';
import type { PrivacyDb } from './schema.js';

/** The citizen a request is about. */
export interface DataSubject {
  readonly channel: string;
  /** Their id on the channel; on X an `@handle` is matched against the display name too. */
  readonly id: string;
}

/** What replaces erased text. */
export const ERASED_TEXT = '[suprimido]';

/** A contact's data, as the export returns it. */
export interface ContactExport {
  readonly contact: { readonly id: string; readonly channel: string; readonly externalId: string; readonly displayName: string | null; readonly locale: string | null; readonly createdAt: string };
  readonly conversations: readonly {
    readonly id: string;
    readonly channel: string;
    readonly mode: string;
    readonly language: string | null;
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly transcript: readonly { readonly author: string; readonly kind: string; readonly text: string | null; readonly intent: string | null; readonly language: string | null; readonly at: string }[];
    readonly messages: readonly { readonly id: string; readonly message: unknown; readonly receivedAt: string }[];
    readonly replies: readonly { readonly status: string; readonly message: unknown; readonly createdAt: string; readonly sentAt: string | null }[];
    readonly tickets: readonly { readonly id: string; readonly status: string; readonly reason: string; readonly intent: string | null; readonly satisfaction: number | null; readonly createdAt: string; readonly closedAt: string | null }[];
    readonly handoffEvents: readonly { readonly type: string; readonly data: unknown; readonly at: string }[];
  }[];
}

/** The outcome of an erasure. */
export interface ErasureRecord {
  readonly id: string;
  readonly contactId: string;
  readonly erasedAt: string;
  readonly actor: string;
  /** Whether this call erased (false: the person had been erased before; this is that record). */
  readonly erasedNow: boolean;
  readonly counts: Readonly<Record<string, number>>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * HMAC-SHA-256 of `channel:id` keyed with the server secret (`privacy/secret.ts`): the erasure
 * record's key. Without the secret, a leaked record cannot be matched against guessed identifiers.
 */
export function subjectHash(subject: DataSubject, secret: string): string {
  return createHmac('sha256', secret).update(`${subject.channel}:${subject.id}`).digest('hex');
}

/** The bare SHA-256 that records made before the HMAC hold: still recognised, never written. */
function legacySubjectHash(subject: DataSubject): string {
  return createHash('sha256').update(`${subject.channel}:${subject.id}`).digest('hex');
}

async function findContact(db: PrivacyDb, subject: DataSubject): Promise<{ id: string; channel: string; external_id: string; display_name: string | null; locale: string | null; created_at: string } | undefined> {
  const byId = await db.selectFrom('contacts').selectAll().where('channel', '=', subject.channel).where('external_id', '=', subject.id).executeTakeFirst();
  if (byId !== undefined || !subject.id.startsWith('@')) return byId;
  // An X handle: the contact's display name holds it.
  return await db.selectFrom('contacts').selectAll().where('channel', '=', subject.channel).where('display_name', '=', subject.id).executeTakeFirst();
}

/** Everything the hub keeps about `subject`, or undefined when no such contact exists. */
export async function exportContact(db: PrivacyDb, subject: DataSubject): Promise<ContactExport | undefined> {
  const contact = await findContact(db, subject);
  if (contact === undefined) return undefined;
  const conversations = await db.selectFrom('conversations').selectAll().where('contact_id', '=', contact.id).orderBy('created_at').execute();
  const result: ContactExport['conversations'][number][] = [];
  for (const conversation of conversations) {
    const id = conversation.id;
    const [transcript, messages, replies, tickets, events] = await Promise.all([
      db.selectFrom('transcript').selectAll().where('conversation_id', '=', id).orderBy('seq').execute(),
      db.selectFrom('inbound').selectAll().where('conversation_id', '=', id).orderBy('received_at').execute(),
      db.selectFrom('outbox').selectAll().where('conversation_id', '=', id).orderBy('seq').execute(),
      db.selectFrom('handoff_tickets').selectAll().where('conversation_id', '=', id).orderBy('created_at').execute(),
      db.selectFrom('handoff_events').selectAll().where('conversation_id', '=', id).orderBy('seq').execute(),
    ]);
    result.push({
      id,
      channel: conversation.channel,
      mode: conversation.mode,
      language: conversation.language,
      createdAt: conversation.created_at,
      updatedAt: conversation.updated_at,
      transcript: transcript.map((row) => ({ author: row.author, kind: row.kind, text: row.text, intent: row.intent, language: row.language, at: row.created_at })),
      messages: messages.map((row) => ({ id: row.id, message: parseJson(row.message), receivedAt: row.received_at })),
      replies: replies.map((row) => ({ status: row.status, message: parseJson(row.message), createdAt: row.created_at, sentAt: row.sent_at })),
      tickets: tickets.map((row) => ({ id: row.id, status: row.status, reason: row.reason, intent: row.intent, satisfaction: row.satisfaction, createdAt: row.created_at, closedAt: row.closed_at })),
      handoffEvents: events.map((row) => ({ type: row.type, data: parseJson(row.data), at: row.created_at })),
    });
  }
  return {
    contact: { id: contact.id, channel: contact.channel, externalId: contact.external_id, displayName: contact.display_name, locale: contact.locale, createdAt: contact.created_at },
    conversations: result,
  };
}

/** Replaces every occurrence of the identifiers in `text`, then masks personal data. */
function scrub(text: string, identifiers: readonly string[]): string {
  let rest = text;
  for (const identifier of identifiers) if (identifier.length >= 3) rest = rest.split(identifier).join(ERASED_TEXT);
  return maskPersonalData(rest);
}

/**
 * Erases `subject` (see the module comment) in one transaction; `secret` keys the record's hash. Returns undefined for a contact
 * never seen; the earlier record (`erasedNow: false`) for one already erased.
 */
export async function eraseContact(db: PrivacyDb, subject: DataSubject, actor: string, now: Date, secret: string): Promise<ErasureRecord | undefined> {
  const hash = subjectHash(subject, secret);
  const earlier = await db.selectFrom('privacy_erasures').selectAll().where('subject_hash', 'in', [hash, legacySubjectHash(subject)]).executeTakeFirst();
  if (earlier !== undefined) {
    return { id: earlier.id, contactId: earlier.contact_id, erasedAt: earlier.erased_at, actor: earlier.actor, erasedNow: false, counts: parseJson(earlier.details) as Record<string, number> };
  }
  const contact = await findContact(db, subject);
  if (contact === undefined) return undefined;
  const identifiers = [contact.external_id, subject.id, ...(contact.display_name === null ? [] : [contact.display_name])];
  const erasedAt = now.toISOString();
  const record = { id: randomUUID(), contactId: contact.id, erasedAt, actor };
  const counts = await db.transaction().execute(async (trx) => {
    const ids = (await trx.selectFrom('conversations').select('id').where('contact_id', '=', contact.id).execute()).map((row) => row.id);
    const tally = { conversations: ids.length, transcript: 0, messages: 0, replies: 0, handoffEvents: 0, inbox: 0 };
    for (const id of ids) {
      await trx.updateTable('conversations').set({ conversation_key: `erased:${id}`, reply_context: null, state: '{}' }).where('id', '=', id).execute();
      const transcript = await trx.updateTable('transcript').set({ text: ERASED_TEXT, data: null }).where('conversation_id', '=', id).executeTakeFirst();
      tally.transcript += Number(transcript.numUpdatedRows);
      const inbound = await trx.selectFrom('inbound').select('id').where('conversation_id', '=', id).execute();
      for (const row of inbound) {
        await trx.updateTable('inbound').set({ message: JSON.stringify({ erased: true }), channel_message_id: `erased:${row.id}` }).where('id', '=', row.id).execute();
      }
      tally.messages += inbound.length;
      // Replies not yet delivered cannot reach an erased address any more.
      await trx.updateTable('outbox').set({ status: 'dead', last_error: 'contact erased' }).where('conversation_id', '=', id).where('status', 'in', ['pending', 'sending', 'held']).execute();
      const replies = await trx
        .updateTable('outbox')
        .set({ message: JSON.stringify({ kind: 'text', text: ERASED_TEXT }), recipient: JSON.stringify({ erased: true }), channel_message_id: null, failure: null })
        .where('conversation_id', '=', id)
        .executeTakeFirst();
      tally.replies += Number(replies.numUpdatedRows);
      const events = await trx.selectFrom('handoff_events').select(['seq', 'data']).where('conversation_id', '=', id).execute();
      for (const event of events) await trx.updateTable('handoff_events').set({ data: scrub(event.data, identifiers) }).where('seq', '=', event.seq).execute();
      tally.handoffEvents += events.length;
      const inbox = await trx.deleteFrom('editor_unrecognized').where('conversation_id', '=', id).executeTakeFirst();
      tally.inbox += Number(inbox.numDeletedRows);
    }
    await trx.updateTable('contacts').set({ external_id: `erased:${contact.id}`, display_name: null }).where('id', '=', contact.id).execute();
    await trx
      .insertInto('privacy_erasures')
      .values({ id: record.id, contact_id: contact.id, channel: contact.channel, subject_hash: hash, erased_at: erasedAt, actor, details: JSON.stringify(tally) })
      .execute();
    return tally;
  });
  return { ...record, erasedNow: true, counts };
}
