import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/core/message.js';
import type { Store } from '../../../src/core/store/index.js';
import { disposeStore, openSharedPostgres, storeKinds } from '../../helpers/stores.js';

function inbound(id: string, text: string, user = 'u1'): InboundMessage {
  return {
    id,
    conversationKey: `webchat:${user}`,
    from: { channel: 'webchat', id: user, displayName: 'Ana' },
    receivedAt: new Date(),
    kind: 'text',
    text,
  };
}

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`Store on ${kind.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await kind.open();
    });
    afterEach(async () => {
      await disposeStore(store);
    });

    it('migrates idempotently and answers ping', async () => {
      await store.migrate();
      expect(await store.ping()).toBe(true);
    });

    it('stores an inbound message once, creating contact, conversation and transcript', async () => {
      const first = await store.ingest(inbound('m1', 'hola'));
      expect(first.duplicate).toBe(false);
      expect(first.conversation.mode).toBe('bot');
      expect(first.conversation.participant).toMatchObject({ channel: 'webchat', id: 'u1', displayName: 'Ana' });
      const again = await store.ingest(inbound('m1', 'hola'));
      expect(again.duplicate).toBe(true);
      expect(again.inbound.id).toBe(first.inbound.id);
      const transcript = await store.getTranscript(first.conversation.id);
      expect(transcript.map((e) => [e.author, e.text])).toEqual([['citizen', 'hola']]);
      expect(await store.listPendingInbound(10)).toHaveLength(1);
    });

    it('completes a turn atomically and only once', async () => {
      const { inbound: stored, conversation } = await store.ingest(inbound('m1', 'hola'));
      const turn = {
        inboundId: stored.id,
        conversationId: conversation.id,
        inboundAnnotation: { intent: 'conversacion.saludo', score: 0.97, language: 'es' as const },
        replies: [{ message: { kind: 'text' as const, text: '¡Hola!' }, author: 'bot' as const, intent: 'conversacion.saludo', language: 'es' as const }],
        patch: { language: 'es' as const, state: { misunderstood: 0 } },
      };
      const done = await store.completeTurn(turn);
      expect(done.applied).toBe(true);
      expect(done.outbox).toHaveLength(1);
      const twice = await store.completeTurn(turn);
      expect(twice).toEqual({ applied: false, outbox: [], pending: 0 });
      expect(await store.listPendingInbound(10)).toHaveLength(0);
      const transcript = await store.getTranscript(conversation.id);
      expect(transcript.map((e) => [e.author, e.text, e.intent, e.language])).toEqual([
        ['citizen', 'hola', 'conversacion.saludo', 'es'],
        ['bot', '¡Hola!', 'conversacion.saludo', 'es'],
      ]);
      expect(transcript[1]?.outboxId).toBe(done.outbox[0]?.id);
      const updated = await store.getConversation(conversation.id);
      expect(updated?.language).toBe('es');
      expect(updated?.state).toEqual({ misunderstood: 0 });
      expect(await store.listOutbox('pending', 10)).toHaveLength(1);
    });

    it('commits a turn with the turn’s copy of the conversation (one statement on PostgreSQL): events, replies in order, annotation, patch', async () => {
      const { inbound: stored, conversation, entry } = await store.ingest(inbound('m1', 'hola'));
      const turn = {
        inboundId: stored.id,
        conversationId: conversation.id,
        conversation,
        inboundAnnotation: { intent: 'conversacion.saludo', score: 0.5, language: 'es' as const },
        events: [{ author: 'system' as const, kind: 'handoff.requested', data: { reason: 'citizen' } }],
        replies: [
          { message: { kind: 'text' as const, text: 'uno' }, author: 'bot' as const, language: 'es' as const },
          { message: { kind: 'text' as const, text: 'dos' }, author: 'bot' as const, intent: 'x', score: 0.25 },
        ],
        patch: { mode: 'queued' as const, state: { misunderstood: 2 } },
      };
      const done = await store.completeTurn(turn);
      expect(done.applied).toBe(true);
      expect(done.pending).toBe(0);
      expect(done.outbox.map((item) => item.message)).toEqual([{ kind: 'text', text: 'uno' }, { kind: 'text', text: 'dos' }]);
      expect(await store.completeTurn(turn)).toEqual({ applied: false, outbox: [], pending: 0 });
      const transcript = await store.getTranscript(conversation.id);
      expect(transcript.map((e) => [e.author, e.kind, e.text, e.intent, e.score, e.language])).toEqual([
        ['citizen', 'text', 'hola', 'conversacion.saludo', 0.5, 'es'],
        ['system', 'handoff.requested', null, null, null, null],
        ['bot', 'text', 'uno', null, null, 'es'],
        ['bot', 'text', 'dos', 'x', 0.25, null],
      ]);
      expect(transcript[2]?.outboxId).toBe(done.outbox[0]?.id);
      expect(transcript[3]?.outboxId).toBe(done.outbox[1]?.id);
      expect(Number(done.outbox[0]?.id)).toBeLessThan(Number(done.outbox[1]?.id));
      // What ingest and the commit return is what was written: the runner's events carry it, nothing reads it back.
      expect(entry).toEqual({ ...transcript[0], intent: null, score: null, language: null });
      expect(done.applied && done.citizen).toEqual(transcript[0]);
      expect(done.applied && done.transcript).toEqual(transcript.slice(1));
      const stored2 = await store.getOutboxMany(done.outbox.map((item) => item.id));
      expect(stored2.map((item) => [item.message, item.recipient.language])).toEqual([
        [{ kind: 'text', text: 'uno' }, 'es'],
        [{ kind: 'text', text: 'dos' }, undefined],
      ]);
      const updated = await store.getConversation(conversation.id);
      expect(updated?.mode).toBe('queued');
      expect(updated?.state).toEqual({ misunderstood: 2 });
      expect(await store.listPendingInbound(10)).toHaveLength(0);
      // A citizen who wrote before (PostgreSQL's one-statement ingest): its entry as written too.
      const again = await store.ingest(inbound('m2', 'otra'));
      expect(again.entry).toEqual((await store.getTranscript(conversation.id, { limit: 1 }))[0]);
    });

    it('leases due outbox items in order per conversation and holds back items behind a retry', async () => {
      const { inbound: a, conversation } = await store.ingest(inbound('m1', 'uno'));
      await store.completeTurn({
        inboundId: a.id,
        conversationId: conversation.id,
        replies: [
          { message: { kind: 'text', text: 'primero' }, author: 'bot' },
          { message: { kind: 'text', text: 'segundo' }, author: 'bot' },
        ],
      });
      const now = new Date(Date.now() + 1000);
      const leased = await store.leaseOutbox(now, 10, 30_000);
      expect(leased.map((i) => (i.message.kind === 'text' ? i.message.text : ''))).toEqual(['primero', 'segundo']);
      // A second worker sees nothing while the lease holds.
      expect(await store.leaseOutbox(now, 10, 30_000)).toHaveLength(0);
      const [first, second] = leased;
      if (first === undefined || second === undefined) throw new Error('expected two items');
      await store.markOutboxRetry(first.id, new Date(now.getTime() + 60_000), 'telegram API answered 500');
      await store.releaseOutbox([second.id], now);
      // The second one must wait for the first: order per conversation.
      expect(await store.leaseOutbox(now, 10, 30_000)).toHaveLength(0);
      const later = await store.leaseOutbox(new Date(now.getTime() + 61_000), 10, 30_000);
      expect(later.map((i) => i.id)).toEqual([first.id, second.id]);
      expect(later[0]?.attempts).toBe(1);
      await store.markOutboxSent(first.id, 'tg-1', new Date());
      await store.markOutboxDead(second.id, 'gave up');
      expect((await store.listOutbox('dead', 10)).map((i) => i.id)).toEqual([second.id]);
      expect(await store.retryDeadOutbox()).toBe(1);
      expect((await store.getOutbox(second.id))?.status).toBe('pending');
      expect(await store.setOutboxDeliveryStatus('webchat', 'tg-1', 'read')).toBe(true);
      expect(await store.setOutboxDeliveryStatus('webchat', 'unknown', 'read')).toBe(false);
      expect((await store.getOutbox(first.id))?.deliveryStatus).toBe('read');
    });

    it('keeps delivered parts and the last failure, and clears the failure once sent', async () => {
      const { inbound: a, conversation } = await store.ingest(inbound('m1', 'uno'));
      const { outbox } = await store.completeTurn({ inboundId: a.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'largo' }, author: 'bot' }] });
      const id = outbox[0]?.id ?? '';
      expect(await store.getOutbox(id)).toMatchObject({ partsSent: 0, failure: null });
      await store.markOutboxPartsSent(id, 2, 'part-2');
      await store.markOutboxRetry(id, new Date(), 'telegram API answered 502: Bad Gateway', { kind: 'http', status: 502, detail: 'telegram API answered 502: Bad Gateway' });
      expect(await store.getOutbox(id)).toMatchObject({ partsSent: 2, channelMessageId: 'part-2', attempts: 1, failure: { kind: 'http', status: 502 } });
      await store.markOutboxSent(id, 'part-3', new Date());
      expect(await store.getOutbox(id)).toMatchObject({ status: 'sent', partsSent: 2, failure: null, lastError: null, channelMessageId: 'part-3' });
      expect((await store.getOutboxMany([id, '999999'])).map((item) => item.id)).toEqual([id]);
    });

    it('holds replies outside the reply window and releases them, in order and re-routed, when the citizen writes', async () => {
      const old = { ...inbound('w1', 'hola', 'wa'), replyContext: { lastInboundAt: '2026-03-09T03:00:00.000Z' } };
      const { inbound: a, conversation } = await store.ingest(old);
      const { outbox } = await store.completeTurn({
        inboundId: a.id,
        conversationId: conversation.id,
        replies: [
          { message: { kind: 'text', text: 'primero' }, author: 'agent' },
          { message: { kind: 'text', text: 'segundo' }, author: 'agent' },
        ],
      });
      const [first, second] = outbox.map((item) => item.id);
      const window = { kind: 'window-closed' as const, detail: 'outside the window', reopenSentAt: '2026-03-10T09:00:00.000Z' };
      expect(await store.firstHeldOutbox(conversation.id)).toBeUndefined();
      expect(await store.holdOutbox(first ?? '', window, new Date())).toBe('held');
      expect(await store.holdOutbox(second ?? '', { kind: 'window-closed', detail: 'outside the window' }, new Date()))
        .toBe('held');
      expect((await store.firstHeldOutbox(conversation.id))?.id).toBe(first);
      expect(await store.leaseOutbox(new Date(Date.now() + 1000), 10, 30_000)).toHaveLength(0);
      // Another citizen writing releases nothing of this conversation.
      await store.ingest(inbound('x1', 'hola', 'someone-else'));
      expect(await store.listOutbox('held', 10)).toHaveLength(2);
      await store.ingest({ ...inbound('w2', 'vale', 'wa'), replyContext: { lastInboundAt: '2026-03-10T10:00:00.000Z' } });
      const released = await store.leaseOutbox(new Date(Date.now() + 1000), 10, 30_000);
      expect(released.map((item) => [item.id, item.recipient.replyContext?.lastInboundAt])).toEqual([
        [first, '2026-03-10T10:00:00.000Z'],
        [second, '2026-03-10T10:00:00.000Z'],
      ]);
      expect(await store.firstHeldOutbox(conversation.id)).toBeUndefined();
    });

    it('does not hold a reply when the citizen wrote while its send was failing', async () => {
      const { inbound: a, conversation } = await store.ingest({ ...inbound('w1', 'hola', 'wa'), replyContext: { lastInboundAt: 'old' } });
      const { outbox } = await store.completeTurn({ inboundId: a.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'r' }, author: 'agent' }] });
      const attemptStartedAt = new Date(Date.now() - 60_000);
      await store.ingest({ ...inbound('w2', 'sigo aquí', 'wa'), replyContext: { lastInboundAt: 'new' } });
      expect(await store.holdOutbox(outbox[0]?.id ?? '', { kind: 'window-closed', detail: 'outside' }, attemptStartedAt)).toBe('released');
      expect(await store.getOutbox(outbox[0]?.id ?? '')).toMatchObject({ status: 'pending', recipient: { replyContext: { lastInboundAt: 'new' } } });
    });

    it('retries a reply that died outside the window through the citizen’s latest message, others as they were', async () => {
      const { inbound: a, conversation } = await store.ingest({ ...inbound('w1', 'hola', 'wa'), replyContext: { lastInboundAt: 'old', thread: 't1' } });
      const { outbox } = await store.completeTurn({
        inboundId: a.id,
        conversationId: conversation.id,
        replies: [
          { message: { kind: 'text', text: 'ventana' }, author: 'agent' },
          { message: { kind: 'text', text: 'otro' }, author: 'agent' },
        ],
      });
      const [windowed, other] = outbox.map((item) => item.id ?? '');
      await store.markOutboxDead(windowed ?? '', 'outside', { kind: 'window-closed', detail: 'outside' });
      await store.markOutboxDead(other ?? '', 'telegram API answered 400', { kind: 'http', status: 400, detail: 'telegram API answered 400' });
      await store.ingest({ ...inbound('w2', 'ya estoy', 'wa'), replyContext: { lastInboundAt: 'new', thread: 't2' } });
      expect(await store.retryDeadOutbox([windowed ?? '', other ?? ''])).toBe(2);
      expect((await store.getOutbox(windowed ?? ''))?.recipient.replyContext).toEqual({ lastInboundAt: 'new', thread: 't2' });
      expect((await store.getOutbox(other ?? ''))?.recipient.replyContext).toEqual({ lastInboundAt: 'old', thread: 't1' });
      expect(await store.retryDeadOutbox([])).toBe(0);
    });

    it('reclaims a lease that expired (a worker died mid-send)', async () => {
      const { inbound: a, conversation } = await store.ingest(inbound('m1', 'uno'));
      await store.completeTurn({ inboundId: a.id, conversationId: conversation.id, replies: [{ message: { kind: 'text', text: 'r' }, author: 'bot' }] });
      const t0 = new Date(Date.now() + 1000);
      expect(await store.leaseOutbox(t0, 10, 5_000)).toHaveLength(1);
      expect(await store.leaseOutbox(new Date(t0.getTime() + 1_000), 10, 5_000)).toHaveLength(0);
      expect(await store.leaseOutbox(new Date(t0.getTime() + 6_000), 10, 5_000)).toHaveLength(1);
    });

    it('keeps cursors, agent replies and conversation patches', async () => {
      await store.setCursor('x:mentions', '100');
      await store.setCursor('x:mentions', '200');
      expect(await store.getCursor('x:mentions')).toBe('200');
      expect(await store.getCursor('missing')).toBeUndefined();
      const { conversation } = await store.ingest(inbound('m1', 'hola'));
      const items = await store.enqueueReplies(conversation.id, [{ message: { kind: 'text', text: 'Soy Marta' }, author: 'agent', data: { agentId: 'marta' } }], { mode: 'agent' });
      expect(items).toHaveLength(1);
      const updated = await store.updateConversation(conversation.id, { urgent: true });
      expect(updated).toMatchObject({ mode: 'agent', urgent: true });
      expect((await store.listConversations({ modes: ['agent'] })).map((c) => c.id)).toEqual([conversation.id]);
      await store.appendTranscript(conversation.id, [{ author: 'system', kind: 'handoff.requested', data: { reason: 'citizen' } }]);
      const transcript = await store.getTranscript(conversation.id);
      expect(transcript.map((e) => e.author)).toEqual(['citizen', 'agent', 'system']);
      expect(transcript[1]?.data).toMatchObject({ agentId: 'marta' });
    });

    it('runs turns of one conversation one at a time', async () => {
      const order: string[] = [];
      const slow = (label: string, ms: number) => async () => {
        order.push(`start ${label}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        order.push(`end ${label}`);
      };
      await Promise.all([store.withConversationLock('c1', slow('a', 300)), store.withConversationLock('c1', slow('b', 1)), store.withConversationLock('c2', slow('c', 1))]);
      expect(order.indexOf('end a')).toBeLessThan(order.indexOf('start b'));
      expect(order.indexOf('start c')).toBeLessThan(order.indexOf('end a'));
    });

    it('reads a compiled query row by row until told to stop, and never from inside another open transaction', async () => {
      const db = store.kysely;
      const at = new Date().toISOString();
      const contact = (externalId: string) => ({ id: `c-${externalId}`, channel: 'webchat', external_id: externalId, display_name: null, locale: null, created_at: at });
      await db.insertInto('contacts').values(['a', 'b', 'c'].map(contact)).execute();
      const query = db.selectFrom('contacts').select('external_id').orderBy('external_id').compile();
      const firstTwo: string[] = [];
      await store.readRows(query, (row) => {
        firstTwo.push(row.external_id);
        return firstTwo.length < 2;
      });
      expect(firstTwo).toEqual(['a', 'b']);
      // A transaction has written a row and not committed: the read must not see it (on SQLite,
      // where both share one connection, it waits for the lock until the transaction ends).
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const transaction = db.transaction().execute(async (trx) => {
        await trx.insertInto('contacts').values(contact('d')).execute();
        inserted();
        await released;
        throw new Error('rolled back');
      });
      await insertedYet;
      const seen: string[] = [];
      const read = store.readRows(query, (row) => {
        seen.push(row.external_id);
        return true;
      });
      release();
      await expect(transaction).rejects.toThrow('rolled back');
      await read;
      expect(seen).toEqual(['a', 'b', 'c']);
    });
  });
}

describe.skipIf(!storeKinds[1]?.enabled)('PostgreSQL singleton lock', () => {
  it('lets exactly one instance own a singleton until it releases it', async () => {
    const kind = storeKinds[1];
    if (kind === undefined) return;
    const a = await kind.open();
    const b = await kind.open();
    try {
      const release = await a.trySingleton('whatsapp-web');
      expect(release).toBeDefined();
      expect(await b.trySingleton('whatsapp-web')).toBeUndefined();
      await release?.();
      const second = await b.trySingleton('whatsapp-web');
      expect(second).toBeDefined();
      await second?.();
    } finally {
      await disposeStore(a);
      await disposeStore(b);
    }
  });

  it('keeps an agent action and a turn of one conversation apart across two instances on one schema', async () => {
    const { stores, dispose } = await openSharedPostgres(2);
    const [a, b] = stores as [Store, Store];
    const order: string[] = [];
    const work = (label: string, ms: number) => async () => {
      order.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`end ${label}`);
    };
    try {
      const { conversation } = await a.ingest(inbound('m1', 'hola'));
      // B asks only once A holds the conversation (a fixed delay loses that race on a loaded machine).
      let aHolds: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (aHolds = resolve));
      const workA = work('a', 100);
      await Promise.all([
        a.withConversationLock(conversation.id, async () => {
          aHolds();
          await workA();
        }),
        held.then(() => b.withConversationLock(conversation.id, work('b', 1))),
      ]);
      expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
      // While an agent action holds the conversation, no instance can claim its turn; after it, one can.
      let claimedDuringLock: unknown = 'not tried';
      await a.withConversationLock(conversation.id, async () => {
        claimedDuringLock = await b.claimTurn(conversation.id, 'turn:b', 5_000);
      });
      expect(claimedDuringLock).toBeUndefined();
      const claim = await b.claimTurn(conversation.id, 'turn:b', 5_000);
      expect(claim?.inbound?.message.text).toBe('hola');
      expect(await a.claimTurn(conversation.id, 'turn:a', 5_000)).toBeUndefined();
    } finally {
      await dispose();
    }
  });
});
