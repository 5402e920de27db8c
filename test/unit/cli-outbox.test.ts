import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { createStore } from '../../src/core/store/index.js';

describe('ventanilla outbox list|retry', () => {
  let dir = '';
  const previous = process.env.VENTANILLA_DATABASE_URL;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ventanilla-cli-'));
    process.env.VENTANILLA_DATABASE_URL = join(dir, 'hub.db');
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.VENTANILLA_DATABASE_URL;
    else process.env.VENTANILLA_DATABASE_URL = previous;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists dead-lettered replies and moves them back to the queue', async () => {
    const store = await createStore(join(dir, 'hub.db'));
    await store.migrate();
    const { inbound, conversation } = await store.ingest({ id: 'm1', conversationKey: 'telegram:42', from: { channel: 'telegram', id: '42' }, receivedAt: new Date(), kind: 'text', text: 'hola' });
    const { outbox } = await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'Hola' }, author: 'bot' }] });
    const id = outbox[0]?.id ?? '';
    await store.markOutboxDead(id, 'telegram API answered 500: Internal Server Error');
    await store.close();

    const lines: string[] = [];
    expect(await main(['outbox', 'list'], (line) => lines.push(line))).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${id}\\ttelegram\\ttelegram:42\\tattempts=1\\t.*answered 500`));

    lines.length = 0;
    expect(await main(['outbox', 'retry'], (line) => lines.push(line))).toBe(2);
    expect(await main(['outbox', 'retry', '--all'], (line) => lines.push(line))).toBe(0);
    expect(lines.at(-1)).toMatch(/^1 replies moved back/);
    lines.length = 0;
    await main(['outbox', 'list', '--status', 'pending'], (line) => lines.push(line));
    expect(lines[0]).toMatch(new RegExp(`^${id}\\t`));
  });

  it('lists replies held for a closed WhatsApp window with the reason', async () => {
    const store = await createStore(join(dir, 'hub.db'));
    await store.migrate();
    const { inbound, conversation } = await store.ingest({ id: 'w1', conversationKey: 'whatsapp:34600000000', from: { channel: 'whatsapp', id: '34600000000' }, receivedAt: new Date(), kind: 'text', text: 'hola' });
    const { outbox } = await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'Su cita es el lunes' }, author: 'agent' }] });
    const id = outbox[0]?.id ?? '';
    const detail = 'the 24-hour customer-service window is closed';
    expect(await store.holdOutbox(id, { kind: 'window-closed', detail }, new Date())).toBe('held');
    await store.close();

    const lines: string[] = [];
    expect(await main(['outbox', 'list', '--status', 'held'], (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${id}\\twhatsapp\\twhatsapp:34600000000\\tattempts=1\\t.*window is closed$`))]);
    lines.length = 0;
    expect(await main(['outbox', 'list', '--status', 'lost'], (line) => lines.push(line), (line) => lines.push(line))).toBe(2);
    expect(lines.join('\n')).toMatch(/--status must be one of dead, held, pending, sending, sent/);
  });

  it('shows what the platform reported after accepting a reply, such as an e-mail bounce', async () => {
    const store = await createStore(join(dir, 'hub.db'));
    await store.migrate();
    const { inbound, conversation } = await store.ingest({ id: 'e1', conversationKey: 'email:maria@example.es', from: { channel: 'email', id: 'maria@example.es' }, receivedAt: new Date(), kind: 'text', text: 'hola' });
    const { outbox } = await store.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'Hola' }, author: 'bot' }] });
    const id = outbox[0]?.id ?? '';
    await store.markOutboxSent(id, '<reply-1@hub.example>', new Date());
    expect(await store.setOutboxDeliveryStatus('email', '<reply-1@hub.example>', 'failed: 5.1.1 user unknown')).toBe(true);
    await store.close();

    const lines: string[] = [];
    expect(await main(['outbox', 'list', '--status', 'sent'], (line) => lines.push(line))).toBe(0);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${id}\\temail\\temail:maria@example.es\\t.*\\tplatform: failed: 5\\.1\\.1 user unknown$`))]);
  });
});
