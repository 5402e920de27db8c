import { describe, expect, it } from 'vitest';
import { loadHandoffConfig } from '../../../src/handoff/config.js';
import { compareTickets, pickAgent, resolvePriority, resolveQueue, sortKey, type AgentCandidate, type WaitingTicket } from '../../../src/handoff/routing.js';
import { CONFIG_DIR } from '../../helpers/handoff-hub.js';

const config = loadHandoffConfig(CONFIG_DIR, {});

function ticket(id: string, priorityRank: number, minute: number, extra: Partial<WaitingTicket> = {}): WaitingTicket {
  const at = new Date(Date.UTC(2026, 2, 10, 9, minute)).toISOString();
  return { id, queueId: 'tributos', priorityRank, sortKey: sortKey(at), language: 'es', enqueuedAt: at, ...extra };
}

function agent(id: string, idleMinute: number, extra: Partial<AgentCandidate> = {}): AgentCandidate {
  return { id, queues: ['tributos'], languages: ['es'], capacity: 2, active: 0, idleSince: new Date(Date.UTC(2026, 2, 10, 8, idleMinute)).toISOString(), ...extra };
}

describe('queue order', () => {
  it('puts urgent before vulnerable before normal, oldest first within a priority', () => {
    const tickets = [ticket('n1', 2, 1), ticket('v1', 1, 5), ticket('u1', 0, 9), ticket('n0', 2, 0), ticket('v0', 1, 2), ticket('u0', 0, 3)];
    expect(tickets.sort(compareTickets).map((t) => t.id)).toEqual(['u0', 'u1', 'v0', 'v1', 'n0', 'n1']);
  });

  it('puts chats returned by an agent going offline at the head of their priority', () => {
    const back = { ...ticket('back', 2, 30), sortKey: sortKey(new Date(Date.UTC(2026, 2, 10, 9, 30)), true) };
    const tickets = [ticket('old', 2, 1), back, ticket('urgent', 0, 40)];
    expect(tickets.sort(compareTickets).map((t) => t.id)).toEqual(['urgent', 'back', 'old']);
  });
});

describe('assignment decision', () => {
  const options = { anyAgentFallback: false, ignoreLanguage: false };

  it('picks the available agent idle longest', () => {
    const agents = [agent('a', 30), agent('b', 10), agent('c', 20)];
    expect(pickAgent(agents, ticket('t', 2, 0), options)?.id).toBe('b');
  });

  it('skips agents without free capacity', () => {
    const agents = [agent('a', 30), agent('b', 10, { active: 2 }), agent('c', 20, { capacity: 3, active: 3 })];
    expect(pickAgent(agents, ticket('t', 2, 0), options)?.id).toBe('a');
  });

  it('requires the queue and the language', () => {
    const agents = [agent('queue', 0, { queues: ['transporte'] }), agent('lang', 1, { languages: ['es'] }), agent('eu', 5, { languages: ['es', 'eu'] })];
    expect(pickAgent(agents, ticket('t', 2, 0, { language: 'eu' }), options)?.id).toBe('eu');
    expect(pickAgent(agents, ticket('t', 2, 0, { language: 'en' }), options)).toBeUndefined();
    // After the language fallback delay anyone in the queue will do.
    expect(pickAgent(agents, ticket('t', 2, 0, { language: 'en' }), { ...options, ignoreLanguage: true })?.id).toBe('lang');
  });

  it('offers urgent conversations to any free agent when no skilled one is free', () => {
    const agents = [agent('other', 0, { queues: ['transporte'] })];
    const urgent = ticket('u', 0, 0, { queueId: 'urgencias' });
    expect(pickAgent(agents, urgent, options)).toBeUndefined();
    expect(pickAgent(agents, urgent, { ...options, anyAgentFallback: true })?.id).toBe('other');
  });
});

describe('routing requests to queues', () => {
  it('maps intent domains, queue ids and emergencies', () => {
    expect(resolveQueue(config, { reason: 'intent', priority: 'normal', intent: 'renta.plazos' })).toBe('tributos');
    expect(resolveQueue(config, { reason: 'citizen', priority: 'normal', queue: 'transporte' })).toBe('transporte');
    expect(resolveQueue(config, { reason: 'citizen', priority: 'normal', queue: 'renta' })).toBe('tributos');
    expect(resolveQueue(config, { reason: 'emergency', priority: 'urgent' })).toBe('urgencias');
    expect(resolveQueue(config, { reason: 'citizen', priority: 'normal' })).toBe('tramites');
    expect(resolveQueue(config, { reason: 'low-confidence', priority: 'normal', intent: 'desconocido.algo' })).toBe('tramites');
  });

  it('raises vulnerable citizens by intent, domain or keyword, never lowering urgent', () => {
    expect(resolvePriority(config, { priority: 'normal', intent: 'tramites.dependencia' }, 'hola')).toBe('vulnerable');
    expect(resolvePriority(config, { priority: 'normal' }, 'Mi madre es una persona mayor y no puede venir')).toBe('vulnerable');
    expect(resolvePriority(config, { priority: 'normal' }, 'quiero hablar con una persona')).toBe('normal');
    expect(resolvePriority(config, { priority: 'urgent' }, 'dependencia')).toBe('urgent');
  });
});
