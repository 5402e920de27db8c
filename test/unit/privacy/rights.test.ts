/**
 * Access and erasure over a scripted conversation carrying a DNI, a phone, an e-mail and an IBAN,
 * on SQLite and PostgreSQL: the export holds it all; after erasure no identifier is left in any
 * column of any table (every table is scanned), report figures are unchanged, and erasing twice
 * answers with the first record.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../../src/core/store/index.js';
import { editorDb } from '../../../src/editor/schema.js';
import { listAudit, recordAudit } from '../../../src/privacy/audit.js';
import { runPrivacyCli } from '../../../src/privacy/cli.js';
import { RETENTION_DEFAULTS } from '../../../src/privacy/retention-config.js';
import { eraseContact, exportContact } from '../../../src/privacy/rights.js';
import { privacyDb, type PrivacyDb } from '../../../src/privacy/schema.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';

const PHONE = '34612345678';
const IDENTIFIERS = [PHONE, '12345678Z', 'ana.vecina@example.org', 'ES9121000418450200051332', 'ES91 2100 0418 4502 0005 1332', '612 345 678', 'Ana Vecina'];
const CITIZEN_LINES = ['Hola, mi DNI es 12345678Z', 'Mi móvil es 612 345 678 y mi correo ana.vecina@example.org', 'Domiciliad el IBI en ES91 2100 0418 4502 0005 1332'];
const at = (minute: number): string => new Date(Date.UTC(2026, 4, 4, 10, minute)).toISOString();

async function script(db: PrivacyDb, store: KyselyStore): Promise<void> {
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

/** Every row of every table, as text. */
async function everyRow(db: PrivacyDb, dialect: 'sqlite' | 'postgres'): Promise<Map<string, string>> {
  const tables =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)).rows.map((row) => row.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((row) => row.name);
  const dump = new Map<string, string>();
  for (const table of tables) dump.set(table, JSON.stringify((await sql`select * from ${sql.table(table)}`.execute(db)).rows));
  return dump;
}

async function reportFigures(db: PrivacyDb): Promise<unknown> {
  return {
    conversations: await db.selectFrom('conversations').select(['id', 'channel', 'language', 'created_at']).orderBy('id').execute(),
    byIntent: await db.selectFrom('transcript').select(['intent', 'author', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy(['intent', 'author']).orderBy('author').execute().then((rows) => rows.map((row) => ({ ...row, n: Number(row.n) }))),
    tickets: await db.selectFrom('handoff_tickets').select(['id', 'status', 'satisfaction', 'created_at', 'closed_at']).execute(),
  };
}

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`access and erasure on ${kind.name}`, () => {
    let store: KyselyStore | undefined;
    afterEach(async () => {
      if (store !== undefined) await disposeStore(store);
      store = undefined;
    });

    it('exports everything of the contact, and only theirs', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await script(db, store);
      const exported = await exportContact(db, { channel: 'whatsapp', id: PHONE });
      const text = JSON.stringify(exported);
      for (const line of CITIZEN_LINES) expect(text).toContain(JSON.stringify(line).slice(1, -1));
      expect(exported?.conversations).toHaveLength(1);
      expect(exported?.conversations[0]?.transcript).toHaveLength(6);
      expect(exported?.conversations[0]?.messages).toHaveLength(3);
      expect(exported?.conversations[0]?.replies).toHaveLength(3);
      expect(exported?.conversations[0]?.tickets).toEqual([expect.objectContaining({ id: 'ticket-1', satisfaction: 5 })]);
      expect(exported?.conversations[0]?.handoffEvents).toHaveLength(1);
      expect(text).not.toContain('telegram:777');
      expect(await exportContact(db, { channel: 'whatsapp', id: '34600000000' })).toBeUndefined();
    });

    it('erases leaving no identifier in any table, report figures unchanged, idempotently', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await script(db, store);
      const before = await reportFigures(db);
      // The scan sees them before erasure (so it can fail).
      expect([...(await everyRow(db, kind.name)).values()].join('')).toContain('12345678Z');
      const first = await eraseContact(db, { channel: 'whatsapp', id: PHONE }, 'dpo', new Date(at(30)));
      expect(first).toMatchObject({ erasedNow: true, contactId: 'contact-1', counts: { conversations: 1, transcript: 6, messages: 3, replies: 3, handoffEvents: 1, inbox: 1 } });
      const dump = await everyRow(db, kind.name);
      expect(dump.size).toBeGreaterThan(10);
      for (const [table, rows] of dump) {
        for (const identifier of IDENTIFIERS) expect({ table, found: rows.includes(identifier) }).toEqual({ table, found: false });
      }
      // The other citizen is untouched.
      expect(dump.get('contacts')).toContain('777');
      expect(await reportFigures(db)).toEqual(before);
      const second = await eraseContact(db, { channel: 'whatsapp', id: PHONE }, 'dpo', new Date(at(40)));
      expect(second).toMatchObject({ erasedNow: false, id: first?.id, erasedAt: first?.erasedAt });
      expect(await eraseContact(db, { channel: 'whatsapp', id: '34600000000' }, 'dpo', new Date(at(40)))).toBeUndefined();
    });

    it('records and lists who read what', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await recordAudit(db, { actor: 'ana', action: 'transcript.read', conversationId: 'conv-1', at: new Date(at(1)) });
      await recordAudit(db, { actor: 'dpo', action: 'contact.export', contactId: 'contact-1', reason: 'solicitud 2026/15', at: new Date(at(2)) });
      const listed = await listAudit(db, { limit: 10 });
      expect(listed.map((entry) => [entry.actor, entry.action])).toEqual([
        ['dpo', 'contact.export'],
        ['ana', 'transcript.read'],
      ]);
      expect(await listAudit(db, { limit: 10, conversationId: 'conv-1' })).toEqual([expect.objectContaining({ actor: 'ana', at: at(1) })]);
    });

    it('`privacy export|erase` and `audit list` from the command line, each read audited', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await script(db, store);
      const deps = { store, retentionDays: RETENTION_DEFAULTS, now: () => new Date(at(50)) };
      const cli = async (args: readonly string[]): Promise<{ code: number; out: string; err: string }> => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runPrivacyCli(args, { write: (text) => out.push(text), writeError: (text) => err.push(text) }, deps);
        return { code, out: out.join(''), err: err.join('') };
      };
      const exported = await cli(['privacy', 'export', '--contact', `whatsapp:${PHONE}`, '--as', 'dpo']);
      expect(exported.code).toBe(0);
      expect((JSON.parse(exported.out) as { contact: { externalId: string } }).contact.externalId).toBe(PHONE);
      expect(await cli(['privacy', 'erase', '--channel', 'whatsapp', '--user', PHONE, '--as', 'dpo'])).toMatchObject({ code: 0, out: expect.stringContaining('erased contact contact-1') });
      expect(await cli(['privacy', 'erase', '--contact', `whatsapp:${PHONE}`])).toMatchObject({ code: 0, out: expect.stringContaining('already erased') });
      expect(await cli(['privacy', 'export', '--contact', `whatsapp:${PHONE}`])).toMatchObject({ code: 1, err: expect.stringContaining('no contact') });
      expect(await cli(['privacy', 'export', '--contact', 'whatsapp'])).toMatchObject({ code: 2, err: expect.stringContaining('CHANNEL:ID') });
      const audit = await cli(['audit', 'list']);
      expect(audit.out.split('\n').filter((line) => line !== '').map((line) => line.split('\t').slice(1, 3))).toEqual([
        ['dpo', 'contact.erase'],
        ['dpo', 'contact.export'],
      ]);
    });
  });
}
