/**
 * The acceptance scenario: a fixed clock and known events (bot-only conversations, escalations
 * answered at known times, an abandoned one, a re-contact within 72 h, surveys), with every
 * indicator computed by hand below, on SQLite and PostgreSQL. The live writer's roll-ups and a
 * rebuild from the stored facts must both give them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadReportsConfig } from '../../../src/reports/definitions.js';
import { runReport } from '../../../src/reports/queries.js';
import { rebuildRollups } from '../../../src/reports/rebuild.js';
import { reportsDb } from '../../../src/reports/schema.js';
import { RollupWriter } from '../../../src/reports/writer.js';
import { CONFIG_DIR, createAgent, createHarness, handoffStoreKinds, type Harness } from '../../helpers/handoff-hub.js';
import { turn } from './scenario.js';

const config = loadReportsConfig(CONFIG_DIR, {});
const quiet = { error: () => undefined };
let harness: Harness | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await harness?.close();
  harness = undefined;
});

async function scenario(h: Harness): Promise<void> {
  const agent = await createAgent(h, { username: `ana-${Math.random().toString(36).slice(2)}`, capacity: 5 });
  // The store stamps transcript rows with the system time, the queue with the hub's clock: move both.
  const sec = (s: number): void => {
    h.advance(s * 1000);
    vi.setSystemTime(h.now);
  };
  // A: greeting answered by the bot, never back → contained.
  await turn(h, 'webchat:a', 'hola', { intent: 'conversacion.saludo' });
  sec(60);
  // B: asks about the census twice within 2 h → the first answer is taken back, the second stands.
  await turn(h, 'webchat:b', 'padrón', { intent: 'tramites.padron' });
  sec(60);
  // G: not understood.
  await turn(h, 'webchat:g', 'xyzzy', { intent: 'None' });
  sec(60);
  // C: asks for a person; answered after 14 s (in T = 20 s); closed 300 s after the claim; rates 5.
  const c = await turn(h, 'webchat:c', 'quiero hablar con una persona', { intent: 'conversacion.agente', reply: { intent: null } });
  const ticketC = (await h.handoff.queue.enqueue({ conversationId: c, queueId: 'tramites', priority: 'normal', reason: 'citizen', intent: 'tramites.padron', language: 'es' })).ticket;
  sec(10);
  await h.handoff.queue.claim(c, agent);
  sec(4);
  await h.handoff.queue.sendAgentMessage(c, agent, 'Hola, soy Ana');
  sec(286);
  await h.handoff.queue.close(c, agent);
  sec(30);
  await h.handoff.queue.recordSatisfaction(ticketC.id, 5);
  sec(60);
  // D: low confidence; answered after 44 s (out of T); closed 120 s after the claim; rates 3;
  // 10 h later asks about the same thing again → not resolved at first contact.
  const d = await turn(h, 'webchat:d', 'certificado raro', { intent: 'tramites.certificado', reply: { intent: null } });
  const ticketD = (await h.handoff.queue.enqueue({ conversationId: d, queueId: 'tramites', priority: 'normal', reason: 'low-confidence', intent: 'tramites.certificado', language: 'es' })).ticket;
  sec(40);
  await h.handoff.queue.claim(d, agent);
  sec(4);
  await h.handoff.queue.sendAgentMessage(d, agent, 'Te ayudo');
  sec(116);
  await h.handoff.queue.close(d, agent);
  await h.handoff.queue.recordSatisfaction(ticketD.id, 3);
  sec(60);
  // E: asks for a person and cancels after 30 s → abandoned.
  const e = await turn(h, 'webchat:e', 'una persona', { intent: 'conversacion.agente', reply: { intent: null } });
  await h.handoff.queue.enqueue({ conversationId: e, queueId: 'tramites', priority: 'normal', reason: 'citizen', intent: null, language: 'es' });
  sec(30);
  await h.handoff.queue.cancelByCitizen(e);
  sec(60);
  // F: emergency (024) to Urgencias (T = 10 s), answered after 7 s.
  const f = await turn(h, 'webchat:f', 'ayuda', { intent: 'emergencia.024' });
  await h.handoff.queue.enqueue({ conversationId: f, queueId: 'urgencias', priority: 'urgent', reason: 'emergency', intent: 'emergencia.024', language: 'es' });
  sec(3);
  await h.handoff.queue.claim(f, agent);
  sec(4);
  await h.handoff.queue.sendAgentMessage(f, agent, 'Estoy contigo');
  sec(2 * 3600);
  await turn(h, 'webchat:b', 'padrón otra vez', { intent: 'tramites.padron' });
  sec(8 * 3600);
  await turn(h, 'webchat:d', 'el certificado', { intent: 'tramites.certificado' });
}

describe.each(handoffStoreKinds.filter((kind) => kind.enabled))('indicators of a known day ($name)', (kind) => {
  it('gives the hand-computed values, live and after a rebuild', async () => {
    const h = await createHarness({ store: kind });
    harness = h;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(h.now);
    const writer = new RollupWriter({ store: h.store, events: h.events, config, clock: h.clock, logger: quiet, flushMs: 60_000 });
    writer.start();
    const from = new Date(h.now.getTime() - 3600_000);
    await scenario(h);
    await writer.stop();
    expect(writer.pending).toBe(0);
    const to = new Date(h.now.getTime() + 3600_000);
    const db = reportsDb(h.store);

    for (const phase of ['live', 'rebuilt'] as const) {
      if (phase === 'rebuilt') await rebuildRollups(h.store, config, h.clock());
      const report = await runReport(db, config, { from, to, by: ['queue'], period: 'day' });
      const t = report.total;
      // 7 contacts: A, B, C, D, E, F, G (B and D come back within 24 h: same contact).
      expect(t.conversations, phase).toBe(7);
      expect(t.citizenMessages).toBe(9);
      expect(t.botReplies).toBe(9);
      expect(t.agentReplies).toBe(3);
      // Bot answers to recognised intents: A, B ×2, D's return; contained: A, B's second, D's return.
      expect(t.botAnswers).toBe(4);
      expect(t.contained).toBe(3);
      expect(t.containmentRate).toBe(0.75);
      expect(t.classified).toBe(9);
      expect(t.unrecognised).toBe(1);
      expect(t.unrecognisedRate).toBeCloseTo(1 / 9, 10);
      expect(t.handoffs).toBe(4);
      expect(t.handoffRate).toBeCloseTo(4 / 7, 10);
      expect(t.handoffReasons).toEqual({ citizen: 2, lowConfidence: 1, emergency: 1, policy: 0 });
      // Answered: C 14 s (≤ 20), D 44 s (> 20), F 7 s (≤ 10 in Urgencias); E abandoned.
      expect(t.answered).toBe(3);
      expect(t.answeredInServiceLevel).toBe(2);
      expect(t.serviceLevel).toBe(0.5);
      expect(t.serviceLevelTarget).toBe(0.8);
      expect(t.averageSpeedOfAnswerSeconds).toBeCloseTo((14 + 44 + 7) / 3, 1);
      expect(t.p90SpeedOfAnswerSeconds).toBe(45);
      expect(t.longestWaitSeconds).toBeCloseTo(44, 1);
      expect(t.abandoned).toBe(1);
      expect(t.abandonmentRate).toBe(0.25);
      // Handling from the claim to the close: C 290 s, D 120 s.
      expect(t.resolved).toBe(2);
      expect(t.averageHandlingTimeSeconds).toBeCloseTo((290 + 120) / 2, 1);
      expect(t.transfers).toBe(0);
      // C resolved at first contact; D came back on the same intent within 72 h.
      expect(t.firstContactResolved).toBe(1);
      expect(t.firstContactResolution).toBe(0.5);
      expect(t.surveysOffered).toBe(2);
      expect(t.surveys).toBe(2);
      expect(t.surveyResponseRate).toBe(1);
      expect(t.satisfactionDistribution).toEqual({ 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 });
      expect(t.satisfactionAverage).toBe(4);
      expect(t.csat).toBe(0.5);
      expect(t.emergencies).toEqual({ '112': 0, '016': 0, '024': 1 });
      expect(t.urgentAnswered).toBe(1);
      expect(t.urgentAverageSecondsToAgent).toBeCloseTo(7, 1);
      // By queue: Trámites 1 of 3 in T (C; D late; E abandoned), Urgencias 1 of 1 against its own 90 % target.
      const tramites = report.groups.find((g) => g.key.queue === 'tramites')?.indicators;
      const urgencias = report.groups.find((g) => g.key.queue === 'urgencias')?.indicators;
      expect(tramites?.serviceLevel).toBeCloseTo(1 / 3, 10);
      expect(tramites?.serviceLevelTarget).toBe(0.8);
      expect(urgencias?.serviceLevel).toBe(1);
      expect(urgencias?.serviceLevelTarget).toBe(0.9);
      expect(report.series.map((p) => p.period)).toEqual(['2026-03-10']);
      expect(report.series[0]?.indicators.handoffs).toBe(4);
    }
  }, 60_000);

  it('an empty period gives zeros and an empty series', async () => {
    const h = await createHarness({ store: kind });
    harness = h;
    const report = await runReport(reportsDb(h.store), config, { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-02-01T00:00:00Z'), by: ['channel'], period: 'week' });
    expect(report.total.conversations).toBe(0);
    expect(report.total.serviceLevel).toBeNull();
    expect(report.groups).toEqual([]);
    expect(report.series).toEqual([]);
  });
});
