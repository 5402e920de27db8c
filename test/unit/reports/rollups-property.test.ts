/**
 * Properties over random sequences of citizen turns and handoff transitions (through the real
 * store and handoff queue), with the live writer flushing at arbitrary points:
 * - every tier (hourly, daily, hour slices) equals a full recomputation from the stored facts
 *   (`rebuildRollups`);
 * - with retention purges of the raw rows in the sequence: no purge changes any aggregate, the
 *   daily and hour-slice tiers equal their rebuild from the hourly tier (`rebuildDayTier`, what
 *   `reports rebuild --days` runs), and a report read from the daily tier plus hour-slice edge
 *   days (or, for an hourly series, the hour-slice tier alone) equals the same report read from
 *   the hourly tier alone, for random ranges.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import { loadReportsConfig } from '../../../src/reports/definitions.js';
import { purgeExpired } from '../../../src/privacy/purge.js';
import { privacyDb } from '../../../src/privacy/schema.js';
import { rebuildDayTier } from '../../../src/reports/days.js';
import { runReport, type Period } from '../../../src/reports/queries.js';
import { rebuildRollups } from '../../../src/reports/rebuild.js';
import { reportsDb } from '../../../src/reports/schema.js';
import { RollupWriter } from '../../../src/reports/writer.js';
import type { User } from '../../../src/accounts/users.js';
import { CONFIG_DIR, createAgent, createHarness, handoffStoreKinds, type Harness } from '../../helpers/handoff-hub.js';
import { turn } from './scenario.js';

const config = loadReportsConfig(CONFIG_DIR, {});
const INTENTS = ['tramites.padron', 'tributos.renta', 'None', 'emergencia.112', null] as const;
type Op = 'turn' | 'turn-silent' | 'enqueue' | 'claim' | 'message' | 'close' | 'cancel' | 'survey' | 'transfer' | 'flush' | 'purge';

const opWith = (purgeWeight: number) => fc.record({
  // Weighted so most sequences get far into the handoff life (turns and flushes are common).
  op: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom<Op>('turn') },
    { weight: 1, arbitrary: fc.constantFrom<Op>('turn-silent') },
    { weight: 3, arbitrary: fc.constantFrom<Op>('flush') },
    { weight: 2, arbitrary: fc.constantFrom<Op>('enqueue', 'claim', 'message', 'close') },
    { weight: 1, arbitrary: fc.constantFrom<Op>('cancel', 'survey', 'transfer') },
    { weight: purgeWeight, arbitrary: fc.constantFrom<Op>('purge') },
  ),
  conversation: fc.integer({ min: 0, max: 2 }),
  intent: fc.integer({ min: 0, max: INTENTS.length - 1 }),
  rating: fc.integer({ min: 1, max: 5 }),
  // Seconds to the next step: from a second to four days (crosses the 24 h and 72 h windows).
  gap: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 60, max: 4 * 86_400 })),
});
const op = opWith(0);
/** A day of retention for every class: purges in a sequence of days remove real rows. */
const ONE_DAY = { transcripts: 1, unrecognized: 1, handoffEvents: 1, auditLog: 1, deadLetters: 1 };

let harness: Harness | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await harness?.close();
  harness = undefined;
});

const nonZero = (r: { n: unknown; total: unknown; peak: unknown }): boolean => Number(r.n) !== 0 || Number(r.total) !== 0 || Number(r.peak) !== 0;

async function snapshot(h: Harness): Promise<string[]> {
  const rows = await reportsDb(h.store).selectFrom('report_rollups').selectAll().execute();
  return rows
    .filter(nonZero)
    .map((r) => [r.bucket, r.channel, r.queue_id, r.language, r.intent, r.agent_id, r.metric, Number(r.n), Number(r.total), Number(r.peak)].join('|'))
    .sort();
}

async function daySnapshot(h: Harness): Promise<string[]> {
  const rows = await reportsDb(h.store).selectFrom('report_days').selectAll().execute();
  return rows
    .filter(nonZero)
    .map((r) => [r.day, r.channel, r.queue_id, r.language, r.metric, Number(r.n), Number(r.total), Number(r.peak)].join('|'))
    .sort();
}

async function sliceSnapshot(h: Harness): Promise<string[]> {
  const rows = await reportsDb(h.store).selectFrom('report_hour_slices').selectAll().execute();
  return rows
    .filter(nonZero)
    .map((r) => [r.bucket, r.channel, r.queue_id, r.language, r.metric, Number(r.n), Number(r.total), Number(r.peak)].join('|'))
    .sort();
}

/** Raw rows the purges deleted, to show the purges in the sequences did delete some. */
let purgedRows = 0;

async function run(h: Harness, agent: User, ops: readonly { op: string; conversation: number; intent: number; rating: number; gap: number }[], writer: RollupWriter): Promise<void> {
  const ids = new Map<number, string>();
  const ticketOf = new Map<number, string>();
  for (const step of ops) {
    h.advance(step.gap * 1000);
    vi.setSystemTime(h.now);
    const key = `webchat:p${step.conversation}`;
    const intent = INTENTS[step.intent] ?? null;
    const id = ids.get(step.conversation);
    try {
      switch (step.op) {
        case 'turn':
        case 'turn-silent':
          ids.set(step.conversation, await turn(h, key, `mensaje ${step.intent}`, { intent, ...(step.op === 'turn-silent' ? { reply: false as const } : {}) }));
          break;
        case 'enqueue':
          if (id !== undefined) {
            const queued = await h.handoff.queue.enqueue({ conversationId: id, queueId: step.intent === 3 ? 'urgencias' : 'tramites', priority: step.intent === 3 ? 'urgent' : 'normal', reason: step.rating > 3 ? 'citizen' : 'low-confidence', intent, language: 'es' });
            ticketOf.set(step.conversation, queued.ticket.id);
          }
          break;
        case 'claim':
          if (id !== undefined) await h.handoff.queue.claim(id, agent);
          break;
        case 'message':
          if (id !== undefined) await h.handoff.queue.sendAgentMessage(id, agent, 'hola');
          break;
        case 'close':
          if (id !== undefined) await h.handoff.queue.close(id, agent);
          break;
        case 'cancel':
          if (id !== undefined) await h.handoff.queue.cancelByCitizen(id);
          break;
        case 'survey': {
          const ticket = ticketOf.get(step.conversation);
          if (ticket !== undefined) await h.handoff.queue.recordSatisfaction(ticket, step.rating);
          break;
        }
        case 'transfer':
          if (id !== undefined) await h.handoff.queue.transfer(id, agent, { queue: step.intent % 2 === 0 ? 'tributos' : 'tramites' });
          break;
        case 'flush':
          await writer.flush();
          break;
        case 'purge': {
          // The hub flushes every second; raw rows a day past retention were counted long ago.
          await writer.flush();
          const before = [...(await snapshot(h)), ...(await daySnapshot(h)), ...(await sliceSnapshot(h))];
          const counts = await purgeExpired(privacyDb(h.store), { now: h.clock(), retentionDays: ONE_DAY, batchSize: 3 });
          purgedRows += counts.transcript + counts.handoffEvents;
          await writer.flush();
          expect([...(await snapshot(h)), ...(await daySnapshot(h)), ...(await sliceSnapshot(h))], 'a purge changed the aggregates').toEqual(before);
          break;
        }
      }
    } catch (error) {
      // A transition the state machine refuses (409) changes nothing: part of the property.
      if (!isHubError(error)) throw error;
    }
  }
}

describe.each(handoffStoreKinds.filter((kind) => kind.enabled))('roll-ups ($name)', (kind) => {
  it('equal a full recomputation after any sequence of events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 20, maxLength: 80 }), async (ops) => {
        const h = await createHarness({ store: kind });
        harness = h;
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(h.now);
        try {
          const agent = await createAgent(h, { username: 'prop', capacity: 10, role: 'supervisor' });
          const writer = new RollupWriter({ store: h.store, events: h.events, config, clock: h.clock, logger: { error: () => undefined }, flushMs: 3_600_000 });
          writer.start();
          await run(h, agent, ops, writer);
          await writer.stop();
          const live = await snapshot(h);
          const liveDays = await daySnapshot(h);
          const liveSlices = await sliceSnapshot(h);
          await rebuildRollups(h.store, config, h.clock());
          expect(live).toEqual(await snapshot(h));
          expect(liveDays).toEqual(await daySnapshot(h));
          expect(liveSlices).toEqual(await sliceSnapshot(h));
        } finally {
          vi.useRealTimers();
          await h.close();
          harness = undefined;
        }
      }),
      { numRuns: kind.name === 'sqlite' ? 15 : 6 },
    );
  }, 300_000);

  it('keep the daily tier equal to the hourly one through retention purges, and reports equal either way', async () => {
    purgedRows = 0;
    const range = fc.record({
      from: fc.integer({ min: 0, max: 3_000 }),
      hours: fc.integer({ min: 1, max: 1_500 }),
      period: fc.constantFrom<Period>('hour', 'day', 'week', 'month'),
      by: fc.constantFrom<('queue' | 'channel' | 'language')[]>([], ['queue', 'channel'], ['language']),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(opWith(2), { minLength: 20, maxLength: 80 }), fc.array(range, { minLength: 3, maxLength: 3 }), async (ops, ranges) => {
        const h = await createHarness({ store: kind });
        harness = h;
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(h.now);
        const began = h.clock().getTime();
        try {
          const agent = await createAgent(h, { username: 'prop', capacity: 10, role: 'supervisor' });
          const writer = new RollupWriter({ store: h.store, events: h.events, config, clock: h.clock, logger: { error: () => undefined }, flushMs: 3_600_000 });
          writer.start();
          await run(h, agent, ops, writer);
          await writer.stop();
          const db = reportsDb(h.store);
          const liveDays = await daySnapshot(h);
          const liveSlices = await sliceSnapshot(h);
          await rebuildDayTier(db, h.store.dialect, config.timezone);
          expect(liveDays).toEqual(await daySnapshot(h));
          expect(liveSlices).toEqual(await sliceSnapshot(h));
          // Ranges starting anywhere in the sequence's span, not on day boundaries (edge days on both sides).
          const queries = ranges.map((r) => {
            const from = new Date(began - 86_400_000 + r.from * 3_600_000 + (r.from % 2) * 1_234);
            return { from, to: new Date(from.getTime() + r.hours * 3_600_000), by: r.by, period: r.period };
          });
          const tiered = [];
          for (const query of queries) tiered.push(await runReport(db, config, query));
          // Without the zone mark the summed tiers are not read: the same reports from the hourly tier.
          await db.deleteFrom('report_meta').execute();
          for (const [i, query] of queries.entries()) expect(tiered[i]).toEqual(await runReport(db, config, query));
        } finally {
          vi.useRealTimers();
          await h.close();
          harness = undefined;
        }
      }),
      { numRuns: kind.name === 'sqlite' ? 12 : 5 },
    );
    // The purges in the sequences did delete raw rows (the property is not vacuous).
    expect(purgedRows).toBeGreaterThan(0);
  }, 300_000);
});
