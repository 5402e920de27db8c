/**
 * The cross-instance event relay over an in-memory transport (the PostgreSQL one is exercised by
 * test/integration/events-cluster.test.ts): payloads carry ids only and stay under the NOTIFY
 * limit, rows are read back from the store, an instance ignores its own announcements, and a
 * reconnect catches up from the store.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBridge, idFields, type EventTransport } from '../../../src/core/event-bridge.js';
import { HubEvents, RESYNC_EVENT, type HubEventMap } from '../../../src/core/events.js';
import type { Store } from '../../../src/core/store/index.js';
import { NOTIFY_PAYLOAD_LIMIT } from '../../../src/core/store/pg-notify.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';

/** Every payload goes to every started transport, asynchronously, as NOTIFY does. */
class Bus {
  readonly payloads: string[] = [];
  private readonly receivers = new Set<{ onMessage: (payload: string) => void; onReconnect: () => void; up: boolean }>();

  transport(): EventTransport & { drop(): void; restore(): void } {
    const { payloads, receivers } = this;
    const receiver = { onMessage: (_payload: string) => undefined as void, onReconnect: () => undefined as void, up: false };
    return {
      maxPayloadBytes: NOTIFY_PAYLOAD_LIMIT,
      async publish(payload) {
        if (Buffer.byteLength(payload) >= NOTIFY_PAYLOAD_LIMIT) throw new Error('payload string too long');
        payloads.push(payload);
        setImmediate(() => {
          for (const r of receivers) if (r.up) r.onMessage(payload);
        });
      },
      async start(onMessage, onReconnect) {
        Object.assign(receiver, { onMessage, onReconnect, up: true });
        receivers.add(receiver);
      },
      async stop() {
        receivers.delete(receiver);
      },
      drop() {
        receiver.up = false;
      },
      restore() {
        receiver.up = true;
        receiver.onReconnect();
      },
    };
  }
}

const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventBridge', () => {
  let store: Store | undefined;
  const bridges: EventBridge[] = [];
  afterEach(async () => {
    for (const bridge of bridges.splice(0)) await bridge.stop();
    if (store !== undefined) await disposeStore(store);
    store = undefined;
  });

  async function setup() {
    const opened = await storeKinds[0]!.open();
    store = opened;
    const bus = new Bus();
    const make = async () => {
      const events = new HubEvents();
      const transport = bus.transport();
      const bridge = new EventBridge({ events, store: opened, transport });
      await bridge.start();
      bridges.push(bridge);
      return { events, bridge, transport };
    };
    return { store: opened, bus, a: await make(), b: await make() };
  }

  function record<K extends keyof HubEventMap>(events: HubEvents, name: K): HubEventMap[K][0][] {
    const seen: HubEventMap[K][0][] = [];
    (events.on as (name: K, listener: (event: HubEventMap[K][0]) => void) => HubEvents)(name, (event) => seen.push(event));
    return seen;
  }

  it('relays a committed transcript entry by id: the other instance re-reads it, text included; the payload has no text', async () => {
    const { store: s, bus, a, b } = await setup();
    const { conversation, inbound } = await s.ingest({ id: 'm1', conversationKey: 'webchat:abc', from: { channel: 'webchat', id: 'abc' }, receivedAt: new Date(), kind: 'text', text: 'mi DNI es 12345678Z' });
    await s.completeTurn({ inboundId: inbound.id, conversationId: conversation.id, replies: [{ author: 'bot', message: { kind: 'text', text: 'Respuesta secreta' } }] });
    const entries = await s.getTranscript(conversation.id);
    const onA = record(a.events, 'transcript');
    const onB = record(b.events, 'transcript');
    for (const entry of entries) a.events.emit('transcript', { conversationId: conversation.id, entry });
    // Arrival is waited for (a loaded machine may take longer than a fixed pause), then checked whole.
    await vi.waitFor(() => expect(onB).toHaveLength(2), { timeout: 5_000, interval: 10 });
    await settle();
    expect(onB.map((event) => [event.entry.text, event.relayed])).toEqual([
      ['mi DNI es 12345678Z', true],
      ['Respuesta secreta', true],
    ]);
    // A hears only its own two emits: its announcement does not come back to it.
    expect(onA).toHaveLength(2);
    expect(bus.payloads.join('')).not.toMatch(/12345678Z|secreta/);
    expect(JSON.parse(bus.payloads[0] ?? '{}')).toMatchObject({ i: a.bridge.instanceId, e: [{ k: 't', c: conversation.id, id: entries[0]?.id }, { k: 't', id: entries[1]?.id }] });
  });

  it('custom events travel with their id fields only; publish progress stays local', async () => {
    const { a, b } = await setup();
    const onB = record(b.events, 'custom');
    a.events.emit('custom', { type: 'handoff.note', conversationId: 'c1', data: { seq: 7, ticketId: 't1', text: 'nota interna con datos', agentId: 'u1' } });
    a.events.emit('custom', { type: 'editor.publish_progress', data: { percent: 40 } });
    await vi.waitFor(() => expect(onB).toHaveLength(1), { timeout: 5_000, interval: 10 });
    await settle();
    expect(onB).toEqual([{ type: 'handoff.note', conversationId: 'c1', data: { seq: 7, ticketId: 't1', agentId: 'u1' }, relayed: true }]);
    expect(idFields({ version: 3, author: 'ana', outboxId: 'x'.repeat(500) })).toEqual({ version: 3 });
  });

  it('a burst larger than one NOTIFY is split into payloads under 8000 bytes, relayed in order', async () => {
    const { store: s, bus, a, b } = await setup();
    const { conversation } = await s.ingest({ id: 'm1', conversationKey: 'webchat:abc', from: { channel: 'webchat', id: 'abc' }, receivedAt: new Date(), kind: 'text', text: 'hola' });
    const drafts = Array.from({ length: 600 }, (_, index) => ({ author: 'system' as const, kind: 'note', text: `nota ${index}` }));
    const entries = await s.appendTranscript(conversation.id, drafts);
    const onB = record(b.events, 'transcript');
    for (const entry of entries) a.events.emit('transcript', { conversationId: conversation.id, entry });
    await settle(200);
    expect(bus.payloads.length).toBeGreaterThan(1);
    for (const payload of bus.payloads) expect(Buffer.byteLength(payload)).toBeLessThan(NOTIFY_PAYLOAD_LIMIT);
    expect(onB.map((event) => event.entry.text)).toEqual(drafts.map((draft) => draft.text));
  });

  it('after a reconnect the entries committed meanwhile are re-emitted once, then a resync', async () => {
    const { store: s, a, b } = await setup();
    const { conversation } = await s.ingest({ id: 'm1', conversationKey: 'webchat:abc', from: { channel: 'webchat', id: 'abc' }, receivedAt: new Date(), kind: 'text', text: 'hola' });
    const before = await s.appendTranscript(conversation.id, [{ author: 'bot', kind: 'text', text: 'antes' }]);
    for (const entry of before) a.events.emit('transcript', { conversationId: conversation.id, entry });
    await settle();
    const onB = record(b.events, 'transcript');
    const customB = record(b.events, 'custom');
    b.transport.drop();
    const during = await s.appendTranscript(conversation.id, [{ author: 'bot', kind: 'text', text: 'durante 1' }, { author: 'bot', kind: 'text', text: 'durante 2' }]);
    for (const entry of during) a.events.emit('transcript', { conversationId: conversation.id, entry });
    await settle();
    expect(onB).toHaveLength(0);
    b.transport.restore();
    await vi.waitFor(() => expect(customB).toHaveLength(1), { timeout: 5_000, interval: 10 });
    await settle();
    // The citizen's 'hola' was never announced either: catching up reads the store, not the announcements.
    expect(onB.map((event) => event.entry.text)).toEqual(['hola', 'durante 1', 'durante 2']);
    expect(customB.map((event) => event.type)).toEqual([RESYNC_EVENT]);
    expect(b.bridge.stats).toMatchObject({ reconnects: 1, caughtUp: 3 });
  });
});
