/**
 * Property test (fast-check) over random sequences of what agents and citizens do — presence
 * changes, new requests, offers accepted, declined or left to lapse, transfers to a queue or to
 * an agent, opening and closing chats — against the real queue on SQLite. After every step:
 * - no agent holds more chats (assigned plus offered) than their capacity;
 * - a chat transferred to a queue is never offered to the agent who transferred it (the queue
 *   refuses with 409 `only-you` when nobody else could take it, and this test never confirms);
 * - a citizen is told "Ya te atiende una persona" at most as many times as an agent holding their
 *   chat accepted, claimed, opened or wrote in it, and a citizen whose chat nobody opened yet
 *   still waits (conversation mode `queued`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import type { User } from '../../../src/accounts/users.js';
import { createConversation, createHarness, type Harness } from '../../helpers/handoff-hub.js';

const ASSIGNED = 'Ya te atiende una persona del equipo. Escribe aquí tu consulta.';
const AGENTS = [
  { id: 'a0', queues: ['tramites', 'tributos'], languages: ['es', 'eu'] },
  { id: 'a1', queues: ['tributos'], languages: ['es'] },
  { id: 'a2', queues: ['tramites'], languages: ['es', 'eu'] },
] as const;
const PRESENCES = ['available', 'away', 'offline'] as const;

type Command =
  | { readonly kind: 'presence'; readonly agent: number; readonly presence: (typeof PRESENCES)[number] }
  | { readonly kind: 'enqueue'; readonly queue: 'tramites' | 'tributos'; readonly language: 'es' | 'eu' }
  | { readonly kind: 'accept' | 'decline' | 'open' | 'write' | 'close' | 'claim'; readonly pick: number }
  | { readonly kind: 'lapse' }
  | { readonly kind: 'transferQueue'; readonly pick: number; readonly queue: 'tramites' | 'tributos' }
  | { readonly kind: 'transferAgent'; readonly pick: number; readonly agent: number };

// Weighted so that runs reach the interesting states (chats held, then transferred) often.
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('presence' as const), agent: fc.nat({ max: 2 }), presence: fc.constantFrom('available' as const, 'available' as const, ...PRESENCES) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('enqueue' as const), queue: fc.constantFrom('tramites' as const, 'tributos' as const), language: fc.constantFrom('es' as const, 'eu' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('accept' as const), pick: fc.nat({ max: 9 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constantFrom('decline' as const, 'open' as const, 'write' as const, 'close' as const, 'claim' as const), pick: fc.nat({ max: 9 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('lapse' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('transferQueue' as const), pick: fc.nat({ max: 9 }), queue: fc.constantFrom('tramites' as const, 'tributos' as const) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('transferAgent' as const), pick: fc.nat({ max: 9 }), agent: fc.nat({ max: 2 }) }), weight: 1 },
);

async function seedAgents(h: Harness, capacities: readonly number[]): Promise<void> {
  const now = h.clock().toISOString();
  await h.handoff.queue.db
    .insertInto('handoff_users')
    .values(
      AGENTS.map((a, i) => ({
        id: a.id,
        username: a.id,
        display_name: `Agente ${a.id}`,
        // Never logged in: a placeholder hash keeps the run fast (argon2 is slow on purpose).
        password_hash: 'x',
        role: 'agent',
        presence: 'offline',
        capacity: capacities[i] ?? 1,
        languages: JSON.stringify(a.languages),
        queues: JSON.stringify(a.queues),
        idle_since: now,
        last_seen_at: now,
        disabled: 0,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

async function user(h: Harness, id: string): Promise<User> {
  const found = await h.handoff.users.get(id);
  if (found === undefined) throw new Error(`no user ${id}`);
  return found;
}

/** Runs one step; refusals (409/403 with a reason) are part of the behaviour, anything else fails. */
async function step(h: Harness, cmd: Command, opened: Map<string, number>, counter: { n: number }): Promise<void> {
  const q = h.handoff.queue;
  const db = q.db;
  const nth = async (where: 'offered' | 'assigned', pick: number): Promise<{ conversation_id: string; agent_id: string | null; offer_agent_id: string | null } | undefined> => {
    let query = db.selectFrom('handoff_tickets').select(['conversation_id', 'agent_id', 'offer_agent_id']).orderBy('id');
    query = where === 'offered' ? query.where('status', '=', 'queued').where('offer_agent_id', 'is not', null) : query.where('status', '=', 'assigned');
    const rows = await query.execute();
    return rows.length === 0 ? undefined : rows[pick % rows.length];
  };
  const opens = (conversationId: string): void => {
    opened.set(conversationId, (opened.get(conversationId) ?? 0) + 1);
  };
  try {
    switch (cmd.kind) {
      case 'presence': {
        const agent = await user(h, AGENTS[cmd.agent]?.id ?? 'a0');
        await q.setPresence(agent, cmd.presence);
        break;
      }
      case 'enqueue': {
        counter.n += 1;
        const conversationId = await createConversation(h.store, `webchat:p${counter.n}`);
        await q.enqueue({ conversationId, queueId: cmd.queue, priority: 'normal', reason: 'citizen', language: cmd.language });
        await q.assignPass();
        break;
      }
      case 'accept':
      case 'decline': {
        const row = await nth('offered', cmd.pick);
        if (row === undefined) break;
        const agent = await user(h, row.offer_agent_id as string);
        if (cmd.kind === 'accept') {
          opens(row.conversation_id);
          await q.acceptOffer(row.conversation_id, agent);
        } else await q.declineOffer(row.conversation_id, agent);
        break;
      }
      case 'claim': {
        const rows = await db.selectFrom('handoff_tickets').select(['conversation_id', 'queue_id']).where('status', '=', 'queued').orderBy('id').execute();
        const row = rows[cmd.pick % Math.max(1, rows.length)];
        const agent = AGENTS.find((a) => row !== undefined && (a.queues as readonly string[]).includes(row.queue_id));
        if (row === undefined || agent === undefined) break;
        opens(row.conversation_id);
        await q.claim(row.conversation_id, await user(h, agent.id));
        break;
      }
      case 'open':
      case 'write':
      case 'close': {
        const row = await nth('assigned', cmd.pick);
        if (row === undefined) break;
        const agent = await user(h, row.agent_id as string);
        if (cmd.kind === 'open') {
          opens(row.conversation_id);
          await q.open(row.conversation_id, agent);
        } else if (cmd.kind === 'write') {
          opens(row.conversation_id);
          await q.sendAgentMessage(row.conversation_id, agent, 'Hola');
        } else await q.close(row.conversation_id, agent);
        break;
      }
      case 'lapse':
        h.advance(31_000);
        await q.expireOffers();
        break;
      case 'transferQueue': {
        const row = await nth('assigned', cmd.pick);
        if (row === undefined) break;
        await q.transfer(row.conversation_id, await user(h, row.agent_id as string), { queue: cmd.queue });
        break;
      }
      case 'transferAgent': {
        const row = await nth('assigned', cmd.pick);
        if (row === undefined) break;
        await q.transfer(row.conversation_id, await user(h, row.agent_id as string), { agent: AGENTS[cmd.agent]?.id ?? 'a0' });
        break;
      }
    }
  } catch (error) {
    if (!isHubError(error) || !['HUB_ERR_CONFLICT', 'HUB_ERR_FORBIDDEN'].includes(error.code)) throw error;
  }
}

async function checkInvariants(h: Harness, capacities: readonly number[], opened: ReadonlyMap<string, number>): Promise<void> {
  const db = h.handoff.queue.db;
  const open = await db.selectFrom('handoff_tickets').selectAll().where('status', 'in', ['queued', 'assigned']).execute();
  AGENTS.forEach((agent, i) => {
    const load = open.filter((t) => (t.status === 'assigned' && t.agent_id === agent.id) || (t.status === 'queued' && t.offer_agent_id === agent.id)).length;
    expect(load, `load of ${agent.id}`).toBeLessThanOrEqual(capacities[i] ?? 1);
  });
  for (const t of open) {
    if (t.transferred_from !== null) expect(t.offer_agent_id, 'offered back to the transferring agent').not.toBe(t.transferred_from);
    if (t.status === 'queued') expect(t.agent_id).toBeNull();
    const conversation = await h.store.getConversation(t.conversation_id);
    if (t.status === 'queued' || t.announced_at === null) expect(conversation?.mode, 'a citizen nobody opened the chat of still waits').toBe('queued');
  }
  const rows = await db.selectFrom('handoff_tickets').select('conversation_id').distinct().execute();
  for (const { conversation_id: id } of rows) {
    const told = (await h.store.getTranscript(id)).filter((e) => e.outboxId !== null && e.text === ASSIGNED).length;
    expect(told, `"assigned" told without the agent opening ${id}`).toBeLessThanOrEqual(opened.get(id) ?? 0);
  }
}

describe('offers and transfers under random agent and citizen activity', () => {
  it('never exceed capacity, never bounce a transfer back, never tell "te atiende" before the agent opens the chat', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }), fc.array(command, { minLength: 5, maxLength: 30 }), async (capacities, commands) => {
        const h = await createHarness();
        try {
          await seedAgents(h, capacities);
          const opened = new Map<string, number>();
          const counter = { n: 0 };
          for (const cmd of commands) {
            await step(h, cmd, opened, counter);
            await checkInvariants(h, capacities, opened);
          }
        } finally {
          await h.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 240_000);
});
