/**
 * A scripted WhatsApp conversation carrying a DNI, a phone, an e-mail and an IBAN (three citizen
 * lines, three bot replies, a handoff ticket with a satisfaction score and an event, an inbox
 * entry), beside another citizen's conversation, written in the stored shapes.
 */
import { sql } from 'kysely';
import type { Store } from '../../src/core/store/index.js';
import { editorDb } from '../../src/editor/schema.js';
import type { PrivacyDb } from '../../src/privacy/schema.js';

export const PHONE = '34612345678';
export const IDENTIFIERS = [PHONE, '12345678Z', 'ana.vecina@example.org', 'ES9121000418450200051332', 'ES91 2100 0418 4502 0005 1332', '612 345 678', 'Ana Vecina'];
export const CITIZEN_LINES = ['Hola, mi DNI es 12345678Z', 'Mi móvil es 612 345 678 y mi correo ana.vecina@example.org', 'Domiciliad el IBI en ES91 2100 0418 4502 0005 1332'];
export const at = (minute: number): string => new Date(Date.UTC(2026, 4, 4, 10, minute)).toISOString();

/** Writes the scripted conversation. */
export async function script(db: PrivacyDb, store: Store): Promise<void> {
  await db.insertInto('contacts').values({ id: 'contact-1', channel: 'whatsapp', external_id: PHONE, display_name: 'Ana Vecina', locale: 'es', created_at: at(0) }).execute();
  await db.insertInto('contacts').values({ id: 'contact-2', channel: 'telegram', external_id: '777', display_name: 'Otro', locale: 'es', created_at: at(0) }).execute();
  for (const [id, contact, key] of [['conv-1', 'contact-1', `whatsapp:${PHONE}`], ['conv-2', 'contact-2', 'telegram:777']] as const) {
    await db
      .insertInto('conversations')
      .values({ id, channel: key.split(':')[0] ?? '', conversation_key: key, contact_id: contact, mode: 'bot', language: 'es', urgent: 0, unreachable: 0, reply_context: JSON.stringify({ to: key }), state: '{}', created_at: at(0), updated_at: at(9), last_inbound_at: at(9) })
      .execute();
  }
  let minute = 1;
  for (const text of CITIZEN_LINES) {
    const inboundId = `whatsapp:wamid.${minute}`;
    const message = { id: `wamid.${minute}`, conversationKey: `whatsapp:${PHONE}`, from: { channel: 'whatsapp', id: PHONE, displayName: 'Ana Vecina' }, receivedAt: at(minute), kind: 'text', text };
    await db.insertInto('inbound').values({ id: inboundId, conversation_id: 'conv-1', channel: 'whatsapp', channel_message_id: `wamid.${minute}`, message: JSON.stringify(message), status: 'processed', received_at: at(minute), processed_at: at(minute) }).execute();
    await db.insertInto('transcript').values({ conversation_id: 'conv-1', author: 'citizen', kind: 'text', text, data: null, intent: 'tramites.ibi', score: 0.9, language: 'es', outbox_id: null, inbound_id: inboundId, created_at: at(minute) }).execute();
    const reply = { kind: 'text', text: `Anotado, Ana Vecina (${PHONE}).` };
    const recipient = { channel: 'whatsapp', id: PHONE, conversationKey: `whatsapp:${PHONE}` };
    await db.insertInto('outbox').values({ conversation_id: 'conv-1', channel: 'whatsapp', recipient: JSON.stringify(recipient), message: JSON.stringify(reply), status: 'sent', attempts: 1, next_attempt_at: at(minute), last_error: null, channel_message_id: `wamid.out.${minute}`, delivery_status: 'read', created_at: at(minute), sent_at: at(minute) }).execute();
    await db.insertInto('transcript').values({ conversation_id: 'conv-1', author: 'bot', kind: 'text', text: reply.text, data: null, intent: 'tramites.ibi', score: null, language: 'es', outbox_id: null, inbound_id: null, created_at: at(minute) }).execute();
    minute += 1;
  }
  await sql`insert into handoff_tickets (id, conversation_id, queue_id, priority, priority_rank, sort_key, status, reason, intent, language, satisfaction, created_at, enqueued_at, closed_at, updated_at)
    values ('ticket-1', 'conv-1', 'general', 'normal', 1, 'k', 'resolved', 'requested', 'tramites.ibi', 'es', 5, ${at(5)}, ${at(5)}, ${at(8)}, ${at(8)})`.execute(db);
  await db.insertInto('handoff_events').values({ type: 'message', ticket_id: 'ticket-1', conversation_id: 'conv-1', data: JSON.stringify({ text: `Hola Ana Vecina, te llamo al ${PHONE}` }), created_at: at(6) }).execute();
  await editorDb(store)
    .insertInto('editor_unrecognized')
    .values({ id: 'u1', group_key: 'ibi', text: 'domiciliad el ibi en [IBAN]', language: 'es', intent: null, score: null, reason: 'none', conversation_id: 'conv-1', entry_id: 'e1', status: 'pending', assigned_intent: null, resolved_by: null, created_at: at(3), resolved_at: null })
    .execute();
}

