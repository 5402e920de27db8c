/**
 * Several hub instances on one PostgreSQL schema, turns owned through leases on the conversation
 * (no held connection): random interleaved messages of many conversations sent to two instances
 * are each answered exactly once, in order per conversation, and never two turns of one
 * conversation run at once; the outbox sends one conversation's replies in order whichever
 * instance leases them. Skipped (with the helper's warning) without VENTANILLA_TEST_POSTGRES_URL.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import type { InboundMessage } from '../../src/core/message.js';
import type { Middleware } from '../../src/core/pipeline.js';
import type { Store } from '../../src/core/store/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { openSharedPostgres, postgresUrl } from '../helpers/stores.js';
import { testConfig } from '../helpers/test-config.js';

const enabled = postgresUrl !== undefined && postgresUrl !== '';

function message(id: string, user: string, text: string): InboundMessage {
  return { id, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text };
}

const replyTo = (text: string): string => `¡Hola! ¿En qué puedo ayudarte? (${text})`;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!enabled)('two hub instances on one PostgreSQL schema (turn leases)', () => {
  let dispose: (() => Promise<void>) | undefined;
  const hubs: Hub[] = [];
  const adapter = new RecordingAdapter();
  /** Conversations with a turn running now (both instances live in this process), and overlaps seen. */
  const running = new Set<string>();
  const overlaps: string[] = [];
  // Before every other step: holds the turn a little, so two turns of one conversation would overlap.
  const watch: Middleware = async (ctx, next) => {
    const key = ctx.inbound.conversationKey;
    if (running.has(key)) overlaps.push(key);
    running.add(key);
    try {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 4)));
      await next();
    } finally {
      running.delete(key);
    }
  };

  beforeAll(async () => {
    const shared = await openSharedPostgres(2, 4);
    dispose = shared.dispose;
    for (const store of shared.stores) {
      const hub = await buildApp({
        config: testConfig(),
        store,
        intents: fakeIntents(),
        firstSteps: [watch],
        channels: [() => ({ adapter })],
        logger: false,
        deliveryPolicy: { baseDelayMs: 20, maxDelayMs: 200, pollIntervalMs: 10 },
        turnLease: { leaseMs: 2_000, sweepMs: 100 },
      });
      await hub.start();
      hubs.push(hub);
    }
  }, 60_000);

  afterAll(async () => {
    for (const hub of hubs) await hub.app.close();
    await dispose?.();
  });

  it('answers every message once, in order per conversation, one turn at a time, whichever instance receives it', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ conversation: fc.integer({ min: 0, max: 11 }), instance: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 80 }),
        async (schedule) => {
          run += 1;
          const sentBefore = adapter.sent.length;
          const expected = new Map<string, string[]>();
          // A citizen's messages are sent one after the other (each stored before the next);
          // conversations overlap freely and land on either instance.
          const chains = new Map<string, Promise<unknown>>();
          for (const [index, step] of schedule.entries()) {
            const user = `r${run}-c${step.conversation}`;
            const text = `hola ${user} #${index}`;
            expected.set(user, [...(expected.get(user) ?? []), replyTo(text)]);
            const hub = hubs[step.instance] as Hub;
            chains.set(user, (chains.get(user) ?? Promise.resolve()).then(() => hub.runner.accept(message(`${user}-${index}`, user, text))));
          }
          await Promise.all(chains.values());
          await until(() => adapter.sent.length - sentBefore >= schedule.length, 30_000, 'every reply sent');
          // Anything doubled would arrive now.
          await new Promise((resolve) => setTimeout(resolve, 150));
          const got = new Map<string, string[]>();
          for (const sent of adapter.sent.slice(sentBefore)) {
            const user = sent.to.participant.id;
            got.set(user, [...(got.get(user) ?? []), sent.message.kind === 'text' ? sent.message.text : '']);
          }
          expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
          expect(overlaps).toEqual([]);
        },
      ),
      { numRuns: 6 },
    );
    for (const hub of hubs) expect(hub.runner.counters.failedTurns).toBe(0);
  }, 180_000);
});

describe.skipIf(!enabled)('the outbox shared by two instances (PostgreSQL)', () => {
  it('does not lease a conversation’s later replies while another instance is leasing its first', async () => {
    const { stores, dispose } = await openSharedPostgres(2, 3);
    const [a, b] = stores as [Store, Store];
    try {
      const { inbound, conversation } = await a.ingest(message('outbox-order-1', 'outbox-order', 'tres respuestas'));
      const { outbox } = await a.completeTurn({
        inboundId: inbound.id,
        conversationId: conversation.id,
        replies: ['uno', 'dos', 'tres'].map((text) => ({ author: 'bot' as const, message: { kind: 'text' as const, text } })),
      });
      const later = new Date(Date.now() + 1_000);
      await a.kysely.transaction().execute(async (trx) => {
        // Instance A holds the first reply's row, as it does while leasing it.
        await trx.selectFrom('outbox').select('seq').where('seq', '=', Number(outbox[0]?.id)).forUpdate().execute();
        // B sees the second and third replies free and due: sending them now would overtake the first.
        expect(await b.leaseOutbox(later, 10, 60_000)).toEqual([]);
      });
      expect((await b.leaseOutbox(later, 10, 60_000)).map((item) => (item.message.kind === 'text' ? item.message.text : ''))).toEqual(['uno', 'dos', 'tres']);
    } finally {
      await dispose();
    }
  });
});
