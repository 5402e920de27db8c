import { afterEach, describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import type { Ticket } from '../../../src/handoff/queue.js';
import type { Priority } from '../../../src/handoff/routing.js';
import type { StoreKind } from '../../helpers/stores.js';
import { WEEKEND, acceptOffers, createAgent, createConversation, createHarness as createHarnessOn, handoffStoreKinds, type Harness } from '../../helpers/handoff-hub.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function lastMessage(conversationId: string): Promise<string | null> {
  const transcript = await h.store.getTranscript(conversationId);
  return [...transcript].reverse().find((e) => e.outboxId !== null)?.text ?? null;
}

// Store kinds that are not available (PostgreSQL without VENTANILLA_TEST_POSTGRES_URL) are left
// out; test/helpers/stores.ts prints why on the console.
describe.each(handoffStoreKinds.filter((kind) => kind.enabled).map((kind) => [kind.name, kind] as const))('handoff queue on %s', (_name, kind: StoreKind) => {
  const createHarness = (options: Parameters<typeof createHarnessOn>[0] = {}): Promise<Harness> => createHarnessOn({ ...options, store: kind });
  it('enqueues idempotently: one open ticket per conversation, priority only raised', async () => {
    h = await createHarness();
    const conversationId = await createConversation(h.store);
    const first = await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    const again = await Promise.all([1, 2, 3].map(() => h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' })));
    expect(first.created).toBe(true);
    expect(again.every((r) => !r.created && r.ticket.id === first.ticket.id)).toBe(true);
    const raised = await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'urgent', reason: 'emergency' });
    expect(raised.ticket.priority).toBe('urgent');
    const lowered = await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    expect(lowered.ticket.priority).toBe('urgent');
    const rows = await h.handoff.queue.db.selectFrom('handoff_tickets').selectAll().execute();
    expect(rows).toHaveLength(1);
  });

  it('lets exactly one of two concurrent claims win; the loser gets 409', async () => {
    h = await createHarness();
    const [ana, luis] = [await createAgent(h, { username: 'ana' }, 'away'), await createAgent(h, { username: 'luis' }, 'away')];
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tributos', priority: 'normal', reason: 'citizen' });
    const results = await Promise.allSettled([h.handoff.queue.claim(conversationId, ana), h.handoff.queue.claim(conversationId, luis)]);
    const won = results.filter((r): r is PromiseFulfilledResult<Ticket> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(isHubError(lost[0]?.reason, 'HUB_ERR_CONFLICT')).toBe(true);
    const events = await h.handoff.queue.eventsAfter(0);
    expect(events.filter((e) => e.type === 'assigned')).toHaveLength(1);
    expect((await h.store.getConversation(conversationId))?.mode).toBe('agent');
    // The winner claiming again is fine.
    const winner = won[0]?.value.agentId === ana.id ? ana : luis;
    expect((await h.handoff.queue.claim(conversationId, winner)).agentId).toBe(winner.id);
  });

  it('refuses claims outside the agent queues (403) and on closed conversations (409)', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', queues: ['transporte'] }, 'away');
    const sup = await createAgent(h, { username: 'sup', role: 'supervisor', queues: [] }, 'away');
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tributos', priority: 'normal', reason: 'citizen' });
    await expect(h.handoff.queue.claim(conversationId, ana)).rejects.toMatchObject({ code: 'HUB_ERR_FORBIDDEN' });
    await h.handoff.queue.claim(conversationId, sup);
    await h.handoff.queue.close(conversationId, sup);
    await expect(h.handoff.queue.claim(conversationId, sup)).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT', message: 'the conversation is closed (resolved)' });
    await expect(h.handoff.queue.sendAgentMessage(conversationId, sup, 'hola')).rejects.toMatchObject({ code: 'HUB_ERR_CONFLICT' });
  });

  it('assigns 200 escalations to 10 agents exactly once each, FIFO within priority', async () => {
    h = await createHarness();
    const agents = [];
    for (let i = 0; i < 10; i++) agents.push(await createAgent(h, { username: `agente${i}`, capacity: 3 }));
    const priorities: Priority[] = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 'urgent' : i % 4 === 0 ? 'vulnerable' : 'normal'));
    const conversations: string[] = [];
    for (let i = 0; i < 200; i++) conversations.push(await createConversation(h.store, `webchat:c${i}`));
    // All at once: enqueues and assignment passes interleave as they would under load.
    await Promise.all(
      conversations.map(async (conversationId, i) => {
        await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: priorities[i] as Priority, reason: 'citizen' });
        await h.handoff.queue.assignPass();
      }),
    );
    const assignedOnce = new Map<string, number>();
    let rounds = 0;
    for (;;) {
      await acceptOffers(h);
      const open = await h.handoff.queue.db.selectFrom('handoff_tickets').selectAll().where('status', '=', 'assigned').execute();
      expect(open.length).toBeLessThanOrEqual(30);
      for (const agent of agents) expect(open.filter((t) => t.agent_id === agent.id).length).toBeLessThanOrEqual(3);
      if (open.length === 0) break;
      // Agents close their chats; each close frees a slot and runs the assignment.
      for (const row of open) {
        const agent = agents.find((a) => a.id === row.agent_id);
        if (agent !== undefined) await h.handoff.queue.close(row.conversation_id, agent);
      }
      rounds += 1;
      expect(rounds).toBeLessThan(50);
    }
    const events = await h.handoff.queue.eventsAfter(0, 10_000);
    const queued = events.filter((e) => e.type === 'queued');
    const assigned = events.filter((e) => e.type === 'assigned');
    for (const e of assigned) assignedOnce.set(e.ticketId as string, (assignedOnce.get(e.ticketId as string) ?? 0) + 1);
    expect(assignedOnce.size).toBe(200);
    expect([...assignedOnce.values()].every((n) => n === 1)).toBe(true);
    // FIFO within each priority: assignment order equals arrival order (the queue's FIFO key).
    const tickets = await h.handoff.queue.db.selectFrom('handoff_tickets').select(['id', 'priority', 'enqueued_at']).execute();
    const arrival = (id: string | null): string => tickets.find((t) => t.id === id)?.enqueued_at ?? '';
    expect(queued.map((e) => arrival(e.ticketId))).toEqual([...queued.map((e) => arrival(e.ticketId))].sort());
    for (const priority of ['urgent', 'vulnerable', 'normal'] as const) {
      const enqueueOrder = queued.filter((e) => e.data.priority === priority).map((e) => e.ticketId);
      const ticketsOfPriority = new Set(enqueueOrder);
      const assignOrder = assigned.filter((e) => ticketsOfPriority.has(e.ticketId)).map((e) => e.ticketId);
      expect(assignOrder, priority).toEqual(enqueueOrder);
    }
    // Every agent worked: idle-longest spreads the load.
    const perAgent = new Map<string, number>();
    for (const e of assigned) perAgent.set(e.agentId as string, (perAgent.get(e.agentId as string) ?? 0) + 1);
    expect(perAgent.size).toBe(10);
  }, 120_000);

  it('when all are waiting, assigns urgent first, then vulnerable, then normal, oldest first', async () => {
    h = await createHarness();
    const order: [string, Priority][] = [['n1', 'normal'], ['v1', 'vulnerable'], ['n2', 'normal'], ['u1', 'urgent'], ['v2', 'vulnerable'], ['u2', 'urgent']];
    const ids = new Map<string, string>();
    for (const [name, priority] of order) {
      const conversationId = await createConversation(h.store, `webchat:${name}`);
      const { ticket } = await h.handoff.queue.enqueue({ conversationId, queueId: 'tributos', priority, reason: 'citizen' });
      ids.set(ticket.id, name);
    }
    const waiting = await h.handoff.queue.list({ id: 'x', role: 'supervisor', queues: [] }, ['queued']);
    expect(waiting.map((t) => ids.get(t.id))).toEqual(['u1', 'u2', 'v1', 'v2', 'n1', 'n2']);
    const first = await h.handoff.queue.positionOf(waiting[5] as Ticket);
    expect(first).toBe(6);
    const agent = await createAgent(h, { username: 'ana', capacity: 6 });
    await acceptOffers(h);
    const assigned = (await h.handoff.queue.eventsAfter(0)).filter((e) => e.type === 'assigned' && e.agentId === agent.id);
    expect(assigned.map((e) => ids.get(e.ticketId as string))).toEqual(['u1', 'u2', 'v1', 'v2', 'n1', 'n2']);
  });

  it('assigns to the idle-longest agent with matching skills', async () => {
    h = await createHarness();
    const transporte = await createAgent(h, { username: 'transporte', queues: ['transporte'] });
    h.advance(60_000);
    const euskara = await createAgent(h, { username: 'euskara', queues: ['tributos'], languages: ['es', 'eu'] });
    h.advance(60_000);
    const castellano = await createAgent(h, { username: 'castellano', queues: ['tributos'], languages: ['es'] });
    const eu = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: eu, queueId: 'tributos', priority: 'normal', reason: 'citizen', language: 'eu' });
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    expect((await h.handoff.queue.openTicket(eu))?.agentId).toBe(euskara.id);
    const es = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: es, queueId: 'tributos', priority: 'normal', reason: 'citizen', language: 'es' });
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    // euskara just got one: castellano has been idle longer now.
    expect((await h.handoff.queue.openTicket(es))?.agentId).toBe(castellano.id);
    expect(transporte.queues).toEqual(['transporte']);
  });

  it('never assigns beyond capacity or to an agent gone offline elsewhere, even with a stale roster', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', capacity: 1 });
    const db = h.handoff.queue.db;
    await h.handoff.queue.planAssignments(); // warms this process's roster cache
    // Another instance sets ana offline: this process is not told.
    await db.updateTable('handoff_users').set({ presence: 'offline' }).where('id', '=', ana.id).execute();
    const first = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: first, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    expect(await h.handoff.queue.assignPass()).toEqual([]);
    expect((await h.handoff.queue.openTicket(first))?.status).toBe('queued');
    // Back available (this process reloads and caches her with no chat)…
    await db.updateTable('handoff_users').set({ presence: 'available' }).where('id', '=', ana.id).execute();
    h.handoff.queue.invalidateRoster();
    await h.handoff.queue.planAssignments();
    // …then another instance gives her a chat in another queue: she is at capacity (1).
    const elsewhere = await createConversation(h.store);
    const { ticket } = await h.handoff.queue.enqueue({ conversationId: elsewhere, queueId: 'urgencias', priority: 'normal', reason: 'citizen' });
    await db.updateTable('handoff_tickets').set({ status: 'assigned', agent_id: ana.id }).where('id', '=', ticket.id).execute();
    await h.handoff.queue.assignPass();
    expect((await h.handoff.queue.openTicket(first))?.status).toBe('queued');
    const held = await db.selectFrom('handoff_tickets').select('id').where('agent_id', '=', ana.id).where('status', '=', 'assigned').execute();
    expect(held.map((t) => t.id)).toEqual([ticket.id]);
  });

  it('returns an offline agent’s chats to the head of the queue', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', capacity: 1 });
    const mine = await createConversation(h.store, 'webchat:mine');
    await h.handoff.queue.enqueue({ conversationId: mine, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    expect((await h.handoff.queue.openTicket(mine))?.agentId).toBe(ana.id);
    const later = await createConversation(h.store, 'webchat:later');
    await h.handoff.queue.enqueue({ conversationId: later, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    await h.handoff.queue.setPresence(ana, 'offline');
    const waiting = await h.handoff.queue.list({ id: 'x', role: 'supervisor', queues: [] }, ['queued']);
    expect(waiting.map((t) => t.conversationId)).toEqual([mine, later]);
    expect((await h.store.getConversation(mine))?.mode).toBe('queued');
  });

  it('offers urgent conversations out of hours, while normal ones wait for the next shift', async () => {
    h = await createHarness({ now: WEEKEND });
    const ana = await createAgent(h, { username: 'ana', queues: ['tramites'] });
    const normal = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: normal, queueId: 'tramites', priority: 'normal', reason: 'citizen', outOfHours: true });
    const urgent = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId: urgent, queueId: 'urgencias', priority: 'urgent', reason: 'emergency' });
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    expect((await h.handoff.queue.openTicket(urgent))?.agentId).toBe(ana.id);
    expect((await h.handoff.queue.openTicket(normal))?.status).toBe('queued');
  });

  it('transfers to a queue with an internal note and keeps the conversation waiting', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana', queues: ['tramites'] });
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    const moved = await h.handoff.queue.transfer(conversationId, ana, { queue: 'transporte', note: 'pregunta por el abono joven' });
    expect(moved).toMatchObject({ status: 'queued', queueId: 'transporte', agentId: null });
    const transcript = await h.store.getTranscript(conversationId);
    expect(transcript.find((e) => e.kind === 'handoff.transferred')?.text).toBe('pregunta por el abono joven');
    expect(await lastMessage(conversationId)).toMatch(/equipo de Transporte/);
    await expect(h.handoff.queue.transfer(conversationId, ana, { queue: 'tramites' })).rejects.toMatchObject({ code: 'HUB_ERR_FORBIDDEN' });
  });

  it('close sends the satisfaction question with choices 1–5 and gives the conversation back to the bot', async () => {
    h = await createHarness();
    const ana = await createAgent(h, { username: 'ana' });
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    await h.handoff.queue.assignPass();
    await acceptOffers(h);
    await h.handoff.queue.sendAgentMessage(conversationId, ana, 'Hola, soy Ana');
    await h.handoff.queue.close(conversationId, ana);
    const conversation = await h.store.getConversation(conversationId);
    expect(conversation?.mode).toBe('bot');
    expect(conversation?.state.handoffSurvey).toBeDefined();
    const outbox = await h.store.listOutbox('pending', 100);
    const survey = outbox.find((o) => o.message.kind === 'choices');
    expect(survey?.message).toMatchObject({ kind: 'choices', choices: [1, 2, 3, 4, 5].map((n) => ({ title: String(n), payload: `survey:${n}` })) });
    expect(outbox.some((o) => o.message.kind === 'text' && o.message.text === 'Hola, soy Ana')).toBe(true);
  });

  it('abandons conversations nobody took and flags SLA breaches once', async () => {
    h = await createHarness();
    const conversationId = await createConversation(h.store);
    await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
    h.advance(25 * 60_000);
    await h.handoff.queue.tick();
    await h.handoff.queue.tick();
    const breaches = (await h.handoff.queue.eventsAfter(0)).filter((e) => e.type === 'sla_breached');
    expect(breaches).toHaveLength(1);
    expect(await lastMessage(conversationId)).toMatch(/la espera se está alargando/);
    h.advance(97 * 3_600_000);
    await h.handoff.queue.tick();
    expect((await h.handoff.queue.currentTicket(conversationId))?.status).toBe('abandoned');
    expect((await h.store.getConversation(conversationId))?.mode).toBe('bot');
  });

  it('tells waiting citizens their new place when it changes noticeably', async () => {
    h = await createHarness();
    const conversations: string[] = [];
    for (let i = 0; i < 6; i++) {
      const conversationId = await createConversation(h.store, `webchat:p${i}`);
      await h.handoff.queue.enqueue({ conversationId, queueId: 'tramites', priority: 'normal', reason: 'citizen' });
      conversations.push(conversationId);
    }
    await h.handoff.queue.tick(); // remembers the places told at escalation
    await createAgent(h, { username: 'ana', capacity: 4 });
    await acceptOffers(h);
    await h.handoff.queue.tick();
    expect(await lastMessage(conversations[4] as string)).toBe('Seguimos contigo: ahora estás en la posición 1; espera estimada: unos 6 minutos.');
    expect(await lastMessage(conversations[5] as string)).toBe('Seguimos contigo: ahora estás en la posición 2; espera estimada: unos 6 minutos.');
    await h.handoff.queue.tick();
    const notices = (await h.store.getTranscript(conversations[5] as string)).filter((e) => e.text?.startsWith('Seguimos contigo'));
    expect(notices).toHaveLength(1);
  });

  it('reconciles conversations left queued without a ticket at start-up', async () => {
    h = await createHarness();
    const conversationId = await createConversation(h.store);
    await h.store.appendTranscript(conversationId, [{ author: 'system', kind: 'handoff.requested', data: { queue: 'tributos', priority: 'vulnerable', reason: 'citizen' } }]);
    await h.handoff.start();
    const ticket = await h.handoff.queue.openTicket(conversationId);
    expect(ticket).toMatchObject({ queueId: 'tributos', priority: 'vulnerable', status: 'queued' });
  });
});
