/**
 * The retention purge with a fixed clock, on SQLite and PostgreSQL: exactly the raw rows past
 * their class's period go; conversations, contacts and handoff tickets (report figures) stay;
 * a dry run deletes nothing; the purge waits for a gap in the turns (and not forever); the lease lets one instance purge at a time; a retention of 0 stops
 * start-up naming the key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, PROJECT_ROOT } from '../../../src/config.js';
import type { Store } from '../../../src/core/store/index.js';
import { editorDb } from '../../../src/editor/schema.js';
import { acquireLease } from '../../../src/privacy/lease.js';
import { purgeExpired } from '../../../src/privacy/purge.js';
import { RETENTION_DEFAULTS } from '../../../src/privacy/retention-config.js';
import { privacyDb, type PrivacyDb } from '../../../src/privacy/schema.js';
import { runPrivacyCli } from '../../../src/privacy/cli.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';

const NOW = new Date('2026-06-01T03:00:00.000Z');
const daysAgo = (days: number): string => new Date(NOW.getTime() - days * 86_400_000).toISOString();
const RETENTION = { transcripts: 365, unrecognized: 180, handoffEvents: 730, auditLog: 730, deadLetters: 30 };

/** One conversation with a transcript line, an inbound message, a sent reply and a dead letter, all `age` days old. */
async function conversation(db: PrivacyDb, id: string, age: number, mode = 'bot'): Promise<void> {
  const at = daysAgo(age);
  await db.insertInto('contacts').values({ id: `c-${id}`, channel: 'telegram', external_id: `ext-${id}`, display_name: null, locale: null, created_at: at }).execute();
  await db
    .insertInto('conversations')
    .values({ id, channel: 'telegram', conversation_key: `telegram:${id}`, contact_id: `c-${id}`, mode, language: 'es', urgent: 0, unreachable: 0, reply_context: null, state: '{}', created_at: at, updated_at: at, last_inbound_at: at })
    .execute();
  await db.insertInto('transcript').values({ conversation_id: id, author: 'citizen', kind: 'text', text: 'mi DNI es 12345678Z', data: null, intent: null, score: null, language: 'es', outbox_id: null, inbound_id: `in-${id}`, created_at: at }).execute();
  await db.insertInto('inbound').values({ id: `in-${id}`, conversation_id: id, channel: 'telegram', channel_message_id: `m-${id}`, message: '{}', status: 'processed', received_at: at, processed_at: at }).execute();
  for (const status of ['sent', 'dead'] as const) {
    await db.insertInto('outbox').values({ conversation_id: id, channel: 'telegram', recipient: '{}', message: '{}', status, attempts: 1, next_attempt_at: at, last_error: null, channel_message_id: null, delivery_status: null, created_at: at, sent_at: null }).execute();
  }
}

async function seed(db: PrivacyDb, store: Store): Promise<void> {
  await conversation(db, 'old', 400);
  await conversation(db, 'recent', 100);
  await conversation(db, 'old-with-agent', 400, 'agent');
  for (const [id, age] of [['u-old', 181], ['u-new', 179]] as const) {
    await editorDb(store)
      .insertInto('editor_unrecognized')
      .values({ id, group_key: 'dni', text: '[DNI]', language: 'es', intent: null, score: null, reason: 'none', conversation_id: 'old', entry_id: id, status: 'pending', assigned_intent: null, resolved_by: null, created_at: daysAgo(age), resolved_at: null })
      .execute();
  }
  for (const age of [731, 729]) await db.insertInto('handoff_events').values({ type: 'ticket.created', ticket_id: 't1', conversation_id: 'old', data: '{}', created_at: daysAgo(age) }).execute();
  for (const age of [731, 10]) await db.insertInto('privacy_audit').values({ at: daysAgo(age), actor: 'ana', action: 'transcript.read', conversation_id: 'old', contact_id: null, reason: null, details: '{}' }).execute();
}

async function tableCount(db: PrivacyDb, table: 'transcript' | 'inbound' | 'outbox' | 'editor_unrecognized' | 'handoff_events' | 'privacy_audit' | 'conversations' | 'contacts'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirst();
  return Number(row?.count ?? 0);
}

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`retention purge on ${kind.name}`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      if (store !== undefined) await disposeStore(store);
      store = undefined;
    });

    it('removes exactly what is past retention at a fixed clock, and a dry run only counts it', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await seed(db, store);
      const expected = { transcript: 1, inbound: 1, sentReplies: 1, unrecognized: 1, handoffEvents: 1, auditLog: 1, deadLetters: 3 };
      expect(await purgeExpired(db, { now: NOW, retentionDays: RETENTION, dryRun: true })).toEqual(expected);
      expect(await tableCount(db, 'transcript')).toBe(3);
      // Batches of one: the loop, not one statement, does the work.
      expect(await purgeExpired(db, { now: NOW, retentionDays: RETENTION, batchSize: 1 })).toEqual(expected);
      const transcript = await db.selectFrom('transcript').select('conversation_id').orderBy('conversation_id').execute();
      expect(transcript.map((row) => row.conversation_id)).toEqual(['old-with-agent', 'recent']);
      expect((await db.selectFrom('editor_unrecognized').select('id').execute()).map((row) => row.id)).toEqual(['u-new']);
      expect(await tableCount(db, 'handoff_events')).toBe(1);
      expect(await tableCount(db, 'privacy_audit')).toBe(1);
      const outbox = await db.selectFrom('outbox').select(['conversation_id', 'status']).orderBy('conversation_id').orderBy('status').execute();
      expect(outbox).toEqual([
        { conversation_id: 'old-with-agent', status: 'sent' },
        { conversation_id: 'recent', status: 'sent' },
      ]);
      // Structure and report figures stay.
      expect(await tableCount(db, 'conversations')).toBe(3);
      expect(await tableCount(db, 'contacts')).toBe(3);
      // Nothing left to purge at the same clock.
      expect(Object.values(await purgeExpired(db, { now: NOW, retentionDays: RETENTION })).every((count) => count === 0)).toBe(true);

      // Turns first on SQLite: busy for the first checks, the purge waits and asks again before its batch.
      let checks = 0;
      const busyAtFirst = (): boolean => {
        checks += 1;
        return checks <= 3;
      };
      await conversation(db, 'old-2', 400);
      expect((await purgeExpired(db, { now: NOW, retentionDays: RETENTION, batchSize: 1, busy: busyAtFirst })).transcript).toBe(1);
      // SQLite waits for the gap; PostgreSQL (statements side by side with the turns') does not ask.
      if (kind.name === 'sqlite') expect(checks).toBeGreaterThan(3);
      else expect(checks).toBe(0);
      // Never idle: each batch waits at most maxYieldMs, so the purge ends anyway.
      await conversation(db, 'old-3', 400);
      expect((await purgeExpired(db, { now: NOW, retentionDays: RETENTION, batchSize: 1, busy: () => true, maxYieldMs: 5 })).transcript).toBe(1);
    });

    it('walks rows sharing one timestamp in small batches, stepping over the ones it must keep, and takes each past row exactly once', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await conversation(db, 'old', 400);
      await conversation(db, 'held', 400, 'queued');
      await conversation(db, 'recent', 100);
      const at = daysAgo(400);
      // 23 more lines of the idle conversation and 9 of the held one, interleaved, all at one instant.
      for (let i = 0; i < 32; i += 1) {
        const id = i % 7 === 3 ? 'held' : 'old';
        await db.insertInto('transcript').values({ conversation_id: id, author: 'bot', kind: 'text', text: `línea ${i}`, data: null, intent: null, score: null, language: 'es', outbox_id: null, inbound_id: null, created_at: at }).execute();
      }
      const before = await db.selectFrom('transcript').select(['conversation_id']).execute();
      const oldLines = before.filter((row) => row.conversation_id === 'old').length;
      const counts = await purgeExpired(db, { now: NOW, retentionDays: RETENTION, batchSize: 4 });
      expect(counts.transcript).toBe(oldLines);
      const left = await db.selectFrom('transcript').select(['conversation_id']).execute();
      expect(left.filter((row) => row.conversation_id === 'old')).toEqual([]);
      expect(left.length).toBe(before.length - oldLines);
      expect(left.filter((row) => row.conversation_id === 'held').length).toBe(before.filter((row) => row.conversation_id === 'held').length);
    });

    it('lets one holder at a time take the purge lease, and another once it expired', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      const results = await Promise.all(['a', 'b', 'c'].map((holder) => acquireLease(db, 'retention-purge', holder, NOW, 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const later = new Date(NOW.getTime() + 60_000);
      expect(await acquireLease(db, 'retention-purge', 'z', new Date(NOW.getTime() + 30_000), 60_000)).toBe(false);
      expect(await acquireLease(db, 'retention-purge', 'z', later, 60_000)).toBe(true);
    });

    it('`privacy purge --dry-run` prints the counts and deletes nothing', async () => {
      store = await kind.open();
      const db = privacyDb(store);
      await seed(db, store);
      const lines: string[] = [];
      const output = { write: (text: string) => lines.push(text), writeError: (text: string) => lines.push(`ERR ${text}`) };
      expect(await runPrivacyCli(['purge', '--dry-run'], output, { store, retentionDays: RETENTION, now: () => NOW })).toBe(0);
      expect(lines.join('')).toMatch(/dry run[\s\S]*transcript\t1[\s\S]*deadLetters\t3/);
      expect(await tableCount(db, 'transcript')).toBe(3);
      expect(await runPrivacyCli(['purge'], output, { store, retentionDays: RETENTION, now: () => NOW })).toBe(0);
      expect(await tableCount(db, 'transcript')).toBe(2);
    });
  });
}

describe('retention configuration', () => {
  function configDirWith(retention: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-retention-'));
    const base = readFileSync(join(PROJECT_ROOT, 'config/default.yaml'), 'utf8').replace(/privacy:[\s\S]*$/, '');
    writeFileSync(join(dir, 'default.yaml'), `${base}privacy:\n  retentionDays:\n${retention}`);
    return dir;
  }

  it('reads the shipped periods and fills a missing class with its default', () => {
    expect(loadConfig({}).privacy.retentionDays).toEqual(RETENTION);
    expect(loadConfig({}, configDirWith('    transcripts: 90\n')).privacy.retentionDays).toEqual({ ...RETENTION_DEFAULTS, transcripts: 90 });
  });

  it.each(['0', '-5', '1.5', 'forever'])('refuses a retention of %s naming the key and the fix', (value) => {
    expect(() => loadConfig({}, configDirWith(`    deadLetters: ${value}\n`))).toThrow(/privacy\.retentionDays\.deadLetters[\s\S]*To fix it/);
  });
});
