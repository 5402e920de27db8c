/**
 * Honest assignment (issue 17): automatic assignment offers the chat to an agent, who accepts
 * within the queue's `offerSeconds` or it goes to the next one; the citizen hears "Ya te atiende
 * una persona" only when the agent opens the chat or writes; transfers never bounce back to the
 * agent who made them; capacity holds on a transfer to an agent unless a supervisor overrides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HandoffQueue } from '../../../src/handoff/queue.js';
import type { User } from '../../../src/accounts/users.js';
import { acceptOffers, createAgent, createConversation, createHarness, silentLogger, type Harness } from '../../helpers/handoff-hub.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const ASSIGNED = 'Ya te atiende una persona del equipo. Escribe aquí tu consulta.';

async function citizenTexts(conversationId: string): Promise<string[]> {
  const transcript = await h.store.getTranscript(conversationId);
  return transcript.filter((e) => e.outboxId !== null && e.text !== null).map((e) => e.text as string);
}

async function waiting(key: string, queueId = 'tramites', language: 'es' | 'eu' | null = 'es'): Promise<string> {
  const conversationId = await createConversation(h.store, `webchat:${key}`);
  await h.handoff.queue.enqueue({ conversationId, queueId, priority: 'normal', reason: 'citizen', language });
  return conversationId;
}

describe('offers', () => {
  it('offers instead of assigning: the citizen keeps their place until the agent accepts, then hears a person attends them', async () => {
    h = await createHarness();
    const conversationId = await waiting('a');
    const ana = await createAgent(h, { username: 'ana', capacity: 1 });
    const ticket = await h.handoff.queue.openTicket(conversationId);
    expect(ticket).toMatchObject({ status: 'queued', agentId: null, offerAgentId: ana.id });
    expect(await h.handoff.queue.queueInfo(conversationId)).toMatchObject({ position: 1 });
    expect((await h.store.getConversation(conversationId))?.mode).toBe('queued');
    expect(await citizenTexts(conversationId)).not.toContain(ASSIGNED);
    const offered = (await h.handoff.queue.eventsAfter(0)).find((e) => e.type === 'offered');
    expect(offered).toMatchObject({ agentId: ana.id, data: expect.objectContaining({ seconds: 30 }) });
    const [offer] = await h.handoff.queue.offersFor(ana.id);
    expect(offer).toMatchObject({ conversationId, queueId: 'tramites', language: 'es' });
    // 30 s from the offer (the test clock ticks 1 ms per read, so the event is stamped just after).
    const left = new Date(offer?.expiresAt ?? 0).getTime() - new Date(offered?.createdAt ?? 0).getTime();
    expect(left).toBeGreaterThan(29_900);
    expect(left).toBeLessThanOrEqual(30_000);

    const accepted = await h.handoff.queue.acceptOffer(conversationId, ana);
    expect(accepted).toMatchObject({ status: 'assigned', agentId: ana.id, offerAgentId: null });
    expect((await h.store.getConversation(conversationId))?.mode).toBe('agent');
    expect((await citizenTexts(conversationId)).filter((t) => t === ASSIGNED)).toHaveLength(1);
    // Accepting twice is harmless; accepting what was never offered is a 409 with the reason.
    await h.handoff.queue.acceptOffer(conversationId, ana);
    expect((await citizenTexts(conversationId)).filter((t) => t === ASSIGNED)).toHaveLength(1);
    const other = await waiting('b');
    await expect(h.handoff.queue.acceptOffer(other, ana)).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT', details: { reason: 'not-offered' } });
  });

  it('an offer holds a slot: an agent is never offered more than their capacity', async () => {
    h = await createHarness();
    for (let i = 0; i < 4; i++) await waiting(`c${i}`);
    const ana = await createAgent(h, { username: 'ana', capacity: 2 });
    expect(await h.handoff.queue.offersFor(ana.id)).toHaveLength(2);
    await h.handoff.queue.assignPass();
    expect(await h.handoff.queue.offersFor(ana.id)).toHaveLength(2);
    await acceptOffers(h);
    await h.handoff.queue.assignPass();
    expect(await h.handoff.queue.offersFor(ana.id)).toHaveLength(0);
  });

  it('a declined offer goes to the next agent, and is not offered back to the one who declined at once', async () => {
    h = await createHarness();
    const conversationId = await waiting('d');
    const ana = await createAgent(h, { username: 'ana', capacity: 1 });
    h.advance(1000);
    const ben = await createAgent(h, { username: 'ben', capacity: 1 });
    expect((await h.handoff.queue.openTicket(conversationId))?.offerAgentId).toBe(ana.id);
    await h.handoff.queue.declineOffer(conversationId, ana);
    expect((await h.handoff.queue.openTicket(conversationId))?.offerAgentId).toBe(ben.id);
    await h.handoff.queue.declineOffer(conversationId, ben);
    // Both declined a moment ago: it waits in its place rather than bouncing between them.
    expect((await h.handoff.queue.openTicket(conversationId))?.offerAgentId).toBeNull();
    expect(await h.handoff.queue.queueInfo(conversationId)).toMatchObject({ position: 1 });
    // Later, a lone agent gets it back.
    h.advance(61_000);
    await h.handoff.queue.assignPass();
    expect((await h.handoff.queue.openTicket(conversationId))?.offerAgentId).not.toBeNull();
    await expect(h.handoff.queue.declineOffer(await waiting('e'), ana)).rejects.toMatchObject({ details: { reason: 'not-offered' } });
  });

  it('a lapsed offer goes to the next agent; an agent who lets offers lapse twice in a row is set away; offers survive a restart', async () => {
    h = await createHarness();
    const first = await waiting('f1');
    const ana = await createAgent(h, { username: 'ana', capacity: 1 });
    expect((await h.handoff.queue.openTicket(first))?.offerAgentId).toBe(ana.id);
    // A restart: a new queue on the same database finds the offer and withdraws it when due.
    const restarted = new HandoffQueue({ store: h.store, events: h.events, clock: h.clock, config: h.config, logger: silentLogger });
    h.advance(29_000);
    await restarted.expireOffers();
    expect((await restarted.openTicket(first))?.offerAgentId).toBe(ana.id);
    h.advance(2_000);
    const ben = await createAgent(h, { username: 'ben', capacity: 1 });
    await restarted.expireOffers();
    expect((await restarted.openTicket(first))?.offerAgentId).toBe(ben.id);
    expect((await h.handoff.users.get(ana.id))?.presence).toBe('available');
    const second = await waiting('f2');
    await restarted.assignPass();
    expect((await restarted.openTicket(second))?.offerAgentId).toBe(ana.id);
    h.advance(31_000);
    await restarted.tick();
    expect((await h.handoff.users.get(ana.id))?.presence).toBe('away');
    // Ben let one lapse: still available, and he is offered the chat Ana let lapse.
    expect((await h.handoff.users.get(ben.id))?.presence).toBe('available');
    expect((await restarted.openTicket(second))?.offerAgentId).toBe(ben.id);
    const types = (await restarted.eventsAfter(0)).map((e) => e.type);
    expect(types.filter((t) => t === 'offer_expired')).toHaveLength(3);
    expect((await h.store.getConversation(first))?.mode).toBe('queued');
  });

  it('a supervisor’s assignment is told to the citizen only when the agent opens the chat or writes', async () => {
    h = await createHarness();
    const sup = await createAgent(h, { username: 'sup', role: 'supervisor', queues: [] }, 'offline');
    const ana = await createAgent(h, { username: 'ana', capacity: 2 }, 'away');
    const conversationId = await waiting('g');
    await h.handoff.queue.transfer(conversationId, sup, { agent: 'ana' });
    expect(await h.handoff.queue.openTicket(conversationId)).toMatchObject({ status: 'assigned', agentId: ana.id, announcedAt: null });
    expect((await h.store.getConversation(conversationId))?.mode).toBe('queued');
    expect(await citizenTexts(conversationId)).not.toContain(ASSIGNED);
    expect(await h.handoff.queue.open(conversationId, sup)).toBe(false);
    expect(await h.handoff.queue.open(conversationId, ana)).toBe(true);
    expect((await h.store.getConversation(conversationId))?.mode).toBe('agent');
    expect(await h.handoff.queue.open(conversationId, ana)).toBe(false);
    expect((await citizenTexts(conversationId)).filter((t) => t === ASSIGNED)).toHaveLength(1);

    // Writing first also tells the citizen, before the agent's words.
    const other = await waiting('g2');
    await h.handoff.queue.transfer(other, sup, { agent: 'ana' });
    await h.handoff.queue.sendAgentMessage(other, ana, 'Hola, soy Ana.');
    expect((await citizenTexts(other)).slice(-2)).toEqual([ASSIGNED, 'Hola, soy Ana.']);
  });

  it('a transfer to an agent respects capacity; a supervisor may override knowingly', async () => {
    h = await createHarness();
    const sup = await createAgent(h, { username: 'sup', role: 'supervisor', queues: [] }, 'offline');
    const ana = await createAgent(h, { username: 'ana', capacity: 1 }, 'away');
    const ben = await createAgent(h, { username: 'ben', capacity: 1 }, 'away');
    const one = await waiting('h1');
    const two = await waiting('h2');
    await h.handoff.queue.transfer(one, sup, { agent: 'ana' });
    await expect(h.handoff.queue.transfer(two, sup, { agent: 'ana' })).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT', details: { reason: 'full', capacity: 1 } });
    expect((await h.handoff.queue.openTicket(two))?.status).toBe('queued');
    // An agent passing a chat to a full colleague is refused too, and may not override.
    await h.handoff.queue.transfer(two, sup, { agent: 'ben' });
    await expect(h.handoff.queue.transfer(two, ben, { agent: 'ana' })).rejects.toMatchObject({ details: { reason: 'full' } });
    await expect(h.handoff.queue.transfer(two, ben, { agent: 'ana', overrideCapacity: true })).rejects.toMatchObject({ code: 'HUB_ERR_FORBIDDEN' });
    const forced = await h.handoff.queue.transfer(two, sup, { agent: 'ana', overrideCapacity: true });
    expect(forced).toMatchObject({ status: 'assigned', agentId: ana.id });
    expect((await h.handoff.queue.eventsAfter(0)).filter((e) => e.type === 'capacity_override')).toHaveLength(1);
  });

  it('a transfer to a queue never goes back to the transferring agent while someone else could take it', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', capacity: 3 });
    const conversationId = await waiting('i');
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    const ben = await createAgent(h, { username: 'ben', queues: ['tributos'], capacity: 1 }, 'offline');
    await h.handoff.queue.transfer(conversationId, ana, { queue: 'tributos' });
    // Ana is the only one available and serves Tributos: it waits for Ben instead of bouncing back.
    await h.handoff.queue.assignPass();
    expect(await h.handoff.queue.openTicket(conversationId)).toMatchObject({ status: 'queued', queueId: 'tributos', offerAgentId: null, transferredFrom: ana.id });
    expect(await citizenTexts(conversationId)).toContain('Te pasamos con el equipo de Tributos. Enseguida te atienden.');
    await h.handoff.queue.setPresence(ben as User, 'available');
    expect((await h.handoff.queue.openTicket(conversationId))?.offerAgentId).toBe(ben.id);
  });

  it('says so before transferring when nobody else could ever take it, and transfers on confirmation', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', capacity: 3 });
    const conversationId = await waiting('j', 'tramites', 'eu');
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    // Ben serves Tributos but not in Basque: only Ana could take this chat there.
    await createAgent(h, { username: 'ben', queues: ['tributos'], languages: ['es'] }, 'offline');
    await expect(h.handoff.queue.transfer(conversationId, ana, { queue: 'tributos' })).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT', details: { reason: 'only-you', queue: 'tributos' } });
    expect(await h.handoff.queue.openTicket(conversationId)).toMatchObject({ status: 'assigned', queueId: 'tramites', agentId: ana.id });
    await h.handoff.queue.transfer(conversationId, ana, { queue: 'tributos', confirmSelf: true });
    expect(await h.handoff.queue.openTicket(conversationId)).toMatchObject({ queueId: 'tributos', offerAgentId: ana.id, transferredFrom: null });
  });

  it('tells a waiting citizen a new estimate once theirs is exceeded, not on every pass', async () => {
    h = await createHarness();
    const conversationId = await createConversation(h.store, 'webchat:k');
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen', language: 'es', announcedWaitMinutes: 6 });
    h.advance(5 * 60_000);
    await h.handoff.queue.tick();
    expect((await citizenTexts(conversationId)).some((t) => t.startsWith('Perdona, la espera'))).toBe(false);
    h.advance(2 * 60_000);
    await h.handoff.queue.tick();
    await h.handoff.queue.tick();
    const notices = (await citizenTexts(conversationId)).filter((t) => t.startsWith('Perdona, la espera'));
    expect(notices).toEqual(['Perdona, la espera se está alargando más de lo que te dijimos. Sigues en la posición 1; nueva espera estimada: unos 6 minutos.']);
    h.advance(7 * 60_000);
    await h.handoff.queue.tick();
    expect((await citizenTexts(conversationId)).filter((t) => t.startsWith('Perdona, la espera'))).toHaveLength(2);
  });

  it('estimates the wait from live throughput once enough chats were taken', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', capacity: 10 });
    for (let i = 0; i < 10; i++) await waiting(`l${i}`);
    await h.handoff.queue.assignPass();
    expect(await acceptOffers(h)).toHaveLength(10);
    for (let i = 0; i < 4; i++) await waiting(`m${i}`);
    // 10 taken in the last 30 minutes: one every 3 minutes; the 4th in line waits about 12.
    h.advance(31_000);
    expect(await h.handoff.queue.estimateWait('tramites', 4)).toBe(12);
    expect(ana.capacity).toBe(10);
  });
});
