/**
 * Access and erasure over a scripted conversation carrying a DNI, a phone, an e-mail and an IBAN,
 * on SQLite and PostgreSQL: the export holds it all; after erasure no identifier is left in any
 * column of any table (every table is scanned), report figures are unchanged, and erasing twice
 * answers with the first record.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/store/index.js';
import { listAudit, recordAudit } from '../../../src/privacy/audit.js';
import { runPrivacyCli } from '../../../src/privacy/cli.js';
import { RETENTION_DEFAULTS } from '../../../src/privacy/retention-config.js';
import { eraseContact, exportContact } from '../../../src/privacy/rights.js';
import { privacyDb, type PrivacyDb } from '../../../src/privacy/schema.js';
import { at, CITIZEN_LINES, IDENTIFIERS, PHONE, script } from '../../helpers/privacy-script.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';

const SECRET = 'a test secret of at least thirty-two characters';

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
    let store: Store | undefined;
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
      const first = await eraseContact(db, { channel: 'whatsapp', id: PHONE }, 'dpo', new Date(at(30)), SECRET);
      expect(first).toMatchObject({ erasedNow: true, contactId: 'contact-1', counts: { conversations: 1, transcript: 6, messages: 3, replies: 3, handoffEvents: 1, inbox: 1 } });
      const dump = await everyRow(db, kind.name);
      expect(dump.size).toBeGreaterThan(10);
      for (const [table, rows] of dump) {
        for (const identifier of IDENTIFIERS) expect({ table, found: rows.includes(identifier) }).toEqual({ table, found: false });
      }
      // The other citizen is untouched.
      expect(dump.get('contacts')).toContain('777');
      expect(await reportFigures(db)).toEqual(before);
      const second = await eraseContact(db, { channel: 'whatsapp', id: PHONE }, 'dpo', new Date(at(40)), SECRET);
      expect(second).toMatchObject({ erasedNow: false, id: first?.id, erasedAt: first?.erasedAt });
      expect(await eraseContact(db, { channel: 'whatsapp', id: '34600000000' }, 'dpo', new Date(at(40)), SECRET)).toBeUndefined();
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
      const deps = { store, retentionDays: RETENTION_DEFAULTS, now: () => new Date(at(50)), secret: SECRET };
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
