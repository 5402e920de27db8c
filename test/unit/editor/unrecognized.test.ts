/**
 * The unrecognised-questions inbox on a huge citizen text (a megabyte stored before channels
 * capped text, or by a channel that forgot to): filing it must not stall the hub, the filed text
 * is short and masked, and a later scan of the same conversation does not read it again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HubEvents } from '../../../src/core/events.js';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { EditorStore } from '../../../src/editor/content-store.js';
import { editorDb } from '../../../src/editor/schema.js';
import { INBOX_TEXT_LIMIT, inboxText, UnrecognizedInbox } from '../../../src/editor/unrecognized.js';
import * as mask from '../../../src/privacy/index.js';
import { longCitizenMessage } from '../../helpers/long-text.js';

vi.mock('../../../src/privacy/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/privacy/index.js')>();
  return { ...original, maskPersonalData: vi.fn(original.maskPersonalData) };
});

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  vi.mocked(mask.maskPersonalData).mockClear();
});

async function conversationWith(texts: readonly string[]): Promise<{ inbox: UnrecognizedInbox; conversationId: string; store: Store }> {
  const opened = await createStore(':memory:');
  store = opened;
  await opened.migrate();
  const inbox = new UnrecognizedInbox({ store: opened, editorStore: new EditorStore(opened), events: new HubEvents(), lowScore: () => 0.5 });
  let conversationId = '';
  for (const [index, text] of texts.entries()) {
    const { inbound, conversation } = await opened.ingest({ id: `m${index}`, conversationKey: 'telegram:1', from: { channel: 'telegram', id: '1' }, receivedAt: new Date(), kind: 'text', text });
    conversationId = conversation.id;
    await opened.completeTurn({
      inboundId: inbound.id,
      conversationId,
      inboundAnnotation: { intent: 'None', score: 0.1, language: 'es' },
      replies: [{ author: 'bot', message: { kind: 'text', text: 'No te he entendido.' } }],
    });
  }
  return { inbox, conversationId, store: opened };
}

describe('UnrecognizedInbox on long texts', () => {
  it('files a megabyte question cut and masked, masking at most a 10,000-character window of it', { timeout: 20_000 }, async () => {
    const huge = `Mi correo es ana.perez@example.org ${longCitizenMessage(1_000_000)}`;
    const { inbox, conversationId, store: opened } = await conversationWith([huge]);
    expect(await inbox.scan(conversationId)).toBe(1);
    const [row] = await editorDb(opened).selectFrom('editor_unrecognized').select(['text']).execute();
    expect(row?.text.length).toBeLessThanOrEqual(INBOX_TEXT_LIMIT);
    expect(row?.text).toMatch(/^Mi correo es \[EMAIL\] Xyzzy plugh/);
    for (const [text] of vi.mocked(mask.maskPersonalData).mock.calls) expect(text.length).toBeLessThanOrEqual(10_000);
  });

  it('never reads (masks) again an entry it already filed, however often the conversation is scanned', async () => {
    const { inbox, conversationId } = await conversationWith(['¿dónde aparco el patinete?', 'otra pregunta rara']);
    expect(await inbox.scan(conversationId)).toBe(2);
    expect(vi.mocked(mask.maskPersonalData)).toHaveBeenCalledTimes(2);
    // Each bot or system entry of the conversation triggers a scan of its last 30 entries.
    expect(await inbox.scan(conversationId)).toBe(0);
    expect(await inbox.scan(conversationId)).toBe(0);
    expect(vi.mocked(mask.maskPersonalData)).toHaveBeenCalledTimes(2);
  });

  it('masks an address that crosses the 500-character cut, and drops a word cut by the window', () => {
    const crossing = `${'a '.repeat(245)}escribe a ana.perez@example.org por favor`;
    expect(inboxText(crossing)).not.toContain('ana.perez');
    expect(inboxText(crossing).length).toBeLessThanOrEqual(INBOX_TEXT_LIMIT);
    // Long addresses shrink to [EMAIL], so the window's end (10,000 characters in, inside the
    // z… address) comes into the first 500 characters: its half must not be filed unmasked.
    const longAddresses = `${`${'x'.repeat(990)}@example.org `.repeat(9)}${'z'.repeat(2000)}@example.org`;
    const filed = inboxText(longAddresses);
    expect(filed).not.toMatch(/z{10}/);
    expect(filed.trim()).toBe(Array.from({ length: 9 }, () => '[EMAIL]').join(' '));
  });
});
