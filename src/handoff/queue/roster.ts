/**
 * Assignment: the roster of agents (presence, open-chat counts, cached for the decision) and the
 * assignment decision itself, which only plans; the writes are transitions.
 */
import { performance } from 'node:perf_hooks';
import { sql, type CompiledQuery, type Selectable } from 'kysely';
import { isLanguage } from '../../core/message.js';
import { openQueues } from '../business-hours.js';
import { pickAgent, type AgentCandidate, type WaitingTicket } from '../routing.js';
import type { HandoffTicketsTable } from '../schema.js';
import { CONSOLE_ROLES, toUser, type Presence, type User } from '../../accounts/users.js';
import { parseSkips, toTicket, type QueueContext, type Ticket } from './types.js';

interface RosterSnapshot {
  readonly loadedAt: number;
  readonly agents: AgentCandidate[];
  readonly names: ReadonlyMap<string, string>;
}

/** Agents a ticket must not go to now: who transferred it here, and who declined or let it lapse lately. */
export function notAgentsOf(ticket: Pick<Ticket, 'transferredFrom' | 'offerSkips'>, now: Date): string[] {
  const iso = now.toISOString();
  const skipped = Object.entries(ticket.offerSkips)
    .filter(([, until]) => until > iso)
    .map(([id]) => id);
  return ticket.transferredFrom === null ? skipped : [ticket.transferredFrom, ...skipped];
}

/**
 * A user's load (`u` is `handoff_users`): chats assigned to them plus chats offered to them and
 * not yet answered, counted by index in the reading statement, as the guarded write counts it
 * (`hasFreeSlot` in transition.ts), so the roster needs no second query nor a list of 500 ids.
 */
const OCCUPIED = sql<number>`(select count(*) from handoff_tickets as held where held.agent_id = u.id and held.status = 'assigned') + (select count(*) from handoff_tickets as offered where offered.offer_agent_id = u.id and offered.status = 'queued')`.as('occupied');

export class AgentRoster {
  private cached: RosterSnapshot | undefined;
  private openCache: { readonly minute: number; readonly queues: ReadonlyMap<string, boolean> } | undefined;
  private readonly windowCache = new Map<string, CompiledQuery<Selectable<HandoffTicketsTable>>>();

  constructor(private readonly ctx: QueueContext) {}

  /**
   * Which queues are open at `now`, worked out once per minute: hours are "HH:MM" and time zones
   * sit whole minutes from UTC, so the answer only changes on a minute boundary; a decision then
   * spends no time on local-time conversion.
   */
  private openQueuesAt(now: Date): ReadonlyMap<string, boolean> {
    const minute = Math.floor(now.getTime() / 60_000);
    if (this.openCache?.minute !== minute) this.openCache = { minute, queues: openQueues(this.ctx.config, now) };
    return this.openCache.queues;
  }

  /** Available, enabled console users as assignment candidates, with their open chat counts (read now). */
  async availableAgents(): Promise<AgentCandidate[]> {
    return (await this.load()).agents.map((a) => ({ ...a }));
  }

  /** Available agents of a queue and their total capacity. */
  async queueCapacity(queueId: string): Promise<number> {
    const agents = await this.availableAgents();
    return agents.filter((a) => a.queues.includes(queueId)).reduce((sum, a) => sum + a.capacity, 0);
  }

  /** Display name of an agent from the cached roster (the id when it is not cached). */
  nameOf(agentId: string): string {
    return this.cached?.names.get(agentId) ?? agentId;
  }

  /** Keeps the cached roster's open-chat counts in step with this process's own moves. */
  adjust(agentId: string, delta: number, assignedAt?: string): void {
    const agent = this.cached?.agents.find((a) => a.id === agentId);
    if (agent === undefined) return;
    agent.active = Math.max(0, agent.active + delta);
    if (assignedAt !== undefined) agent.idleSince = assignedAt;
  }

  /** Forget the cached roster (presence changed, or a guarded write found it stale). */
  invalidate(): void {
    this.cached = undefined;
  }

  /** A console user by id or username, for a transfer to a named agent. */
  async findUser(idOrUsername: string): Promise<User | undefined> {
    const byId = await this.ctx.db.selectFrom('handoff_users').selectAll().where('id', '=', idOrUsername).executeTakeFirst();
    const row = byId ?? (await this.ctx.db.selectFrom('handoff_users').selectAll().where('username', '=', idOrUsername).executeTakeFirst());
    return row === undefined ? undefined : toUser(row);
  }

  /** Stores a presence change; someone starting a shift queues behind colleagues idle already. */
  async writePresence(user: Pick<User, 'id' | 'presence'>, presence: Presence): Promise<void> {
    const now = this.ctx.now().toISOString();
    const set: { presence: string; last_seen_at: string; updated_at: string; idle_since?: string } = { presence, last_seen_at: now, updated_at: now };
    if (presence === 'available' && user.presence === 'offline') set.idle_since = now;
    await this.ctx.db.updateTable('handoff_users').set(set).where('id', '=', user.id).execute();
    this.invalidate();
  }

  /** The agent just got a conversation: "idle longest" starts again from now. */
  async markBusy(agentId: string, at: string): Promise<void> {
    await this.ctx.db.updateTable('handoff_users').set({ idle_since: at }).where('id', '=', agentId).execute();
  }

  /** Marks an agent as seen (any authenticated request or console heartbeat), at most every 30 s. */
  async touch(userId: string): Promise<void> {
    const now = this.ctx.now();
    const threshold = new Date(now.getTime() - 30_000).toISOString();
    await this.ctx.db
      .updateTable('handoff_users')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', threshold)]))
      .execute();
  }

  /** Agents not offline yet whose console has not been seen since `before`. */
  async unseenSince(before: string): Promise<{ id: string; presence: Presence }[]> {
    const rows = await this.ctx.db
      .selectFrom('handoff_users')
      .select(['id', 'presence'])
      .where('presence', '!=', 'offline')
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', before)]))
      .execute();
    return rows.map((row) => ({ id: row.id, presence: row.presence as Presence }));
  }

  /**
   * What occupies each of these agents: chats assigned to them plus chats offered to them and
   * not yet answered (an offer holds a slot, so accepting never exceeds capacity).
   */
  async loads(agentIds: readonly string[]): Promise<Map<string, number>> {
    if (agentIds.length === 0) return new Map();
    const rows = await this.ctx.db.selectFrom('handoff_users as u').select(['u.id', OCCUPIED]).where('u.id', 'in', [...agentIds]).execute();
    return new Map(rows.map((row) => [row.id, Number(row.occupied)]));
  }

  /** Enabled console users with their queues and languages, present or not (who could ever take a chat). */
  async consoleUsers(): Promise<{ id: string; queues: string[]; languages: string[] }[]> {
    const rows = await this.ctx.db.selectFrom('handoff_users').select(['id', 'queues', 'languages']).where('disabled', '=', 0).where('role', 'in', [...CONSOLE_ROLES]).execute();
    return rows.map((row) => ({
      id: row.id,
      queues: (JSON.parse(row.queues) as unknown[]).filter((q): q is string => typeof q === 'string'),
      languages: (JSON.parse(row.languages) as unknown[]).filter(isLanguage),
    }));
  }

  /** Open (assigned) chats per agent. */
  async activeCounts(): Promise<Map<string, number>> {
    const counts = await this.ctx.db
      .selectFrom('handoff_tickets')
      .select(['agent_id', (eb) => eb.fn.countAll<number>().as('active')])
      .where('status', '=', 'assigned')
      .groupBy('agent_id')
      .execute();
    return new Map(counts.filter((c) => c.agent_id !== null).map((c) => [c.agent_id as string, Number(c.active)]));
  }

  private async load(): Promise<RosterSnapshot> {
    const rows = await this.ctx.db
      .selectFrom('handoff_users as u')
      .select(['u.id', 'u.display_name', 'u.queues', 'u.languages', 'u.capacity', 'u.idle_since', OCCUPIED])
      .where('u.presence', '=', 'available')
      .where('u.disabled', '=', 0)
      .where('u.role', 'in', [...CONSOLE_ROLES])
      .execute();
    return {
      loadedAt: performance.now(),
      names: new Map(rows.map((r) => [r.id, r.display_name])),
      agents: rows.map((row) => ({
        id: row.id,
        queues: (JSON.parse(row.queues) as unknown[]).filter((q): q is string => typeof q === 'string'),
        languages: (JSON.parse(row.languages) as unknown[]).filter(isLanguage),
        capacity: Number(row.capacity),
        active: Number(row.occupied),
        idleSince: row.idle_since,
      })),
    };
  }

  /**
   * The roster the decision runs on: cached for `rosterTtlMs` (default 2 s) so a decision does
   * not re-read 500 agents; this process keeps the cached counts exact, other instances' changes
   * show within the TTL, and the guarded write keeps capacity and presence exact regardless.
   */
  private async snapshot(): Promise<RosterSnapshot> {
    if (this.cached === undefined || performance.now() - this.cached.loadedAt >= (this.ctx.deps.rosterTtlMs ?? 2000)) this.cached = await this.load();
    return this.cached;
  }

  /**
   * The compiled window read for these queues and this many rows. The set of queues free agents
   * serve and the number of free slots change seldom, so a decision reuses a compiled query
   * (building and compiling it cost more than running it) and, on SQLite, a prepared statement.
   */
  private windowQuery(queues: readonly string[], limit: number): CompiledQuery<Selectable<HandoffTicketsTable>> {
    const key = `${limit}|${queues.join('|')}`;
    let compiled = this.windowCache.get(key);
    if (compiled === undefined) {
      compiled = this.ctx.db
        .selectFrom('handoff_tickets')
        .selectAll()
        .where('status', '=', 'queued')
        // A ticket offered to someone waits for their answer (or the offer's lapse).
        .where('offer_agent_id', 'is', null)
        .where((eb) => eb.or([eb('queue_id', 'in', queues.length === 0 ? [''] : [...queues]), eb('priority_rank', '=', 0)]))
        .orderBy('priority_rank')
        .orderBy('sort_key')
        .orderBy('id')
        .limit(limit)
        .compile();
      // Bounded: queue sets and slot counts are few, but nothing else stops the keys from growing.
      if (this.windowCache.size >= 64) this.windowCache.clear();
      this.windowCache.set(key, compiled);
    }
    return compiled;
  }

  /**
   * The assignment decision, without writing: which waiting ticket goes to which agent, in
   * queue order (priority, then FIFO), each to the idle-longest free agent with the skills
   * (queue, language; any free agent for urgent ones), never back to the agent who transferred it
   * nor to one who just declined it; tickets already offered wait for the answer. Out of hours
   * only urgent tickets are offered.
   */
  async planAssignments(): Promise<{ ticket: Ticket; agentId: string }[]> {
    const roster = await this.snapshot();
    // Work on copies: the plan must not change the cache until the writes succeed.
    const free = roster.agents.filter((a) => a.active < a.capacity).map((a) => ({ ...a }));
    if (free.length === 0) return [];
    const { config } = this.ctx;
    const now = this.ctx.now();
    let slots = free.reduce((sum, a) => sum + (a.capacity - a.active), 0);
    // Only queues someone free serves and that are open now (urgent ones from anywhere, at any hour):
    // the rows read are then nearly all assignable, so a small window suffices.
    const open = this.openQueuesAt(now);
    const queues = [...new Set(free.flatMap((a) => a.queues))].filter((q) => open.get(q) === true);
    const picked: { ticket: Ticket; agentId: string }[] = [];
    // The window holds several tickets per free slot, but rows are read only until the slots are
    // filled (on SQLite): the usual decision, one slot taken by the head ticket, reads one row.
    await this.ctx.deps.store.readRows(this.windowQuery(queues, slots * 4 + 16), (row) => {
      const urgent = row.priority === 'urgent';
      // Out of hours only urgent conversations are offered; the rest wait for the next shift.
      if (!urgent && open.get(row.queue_id) !== true) return true;
      const waited = (now.getTime() - new Date(row.enqueued_at).getTime()) / 60_000;
      const waiting: WaitingTicket = {
        id: row.id,
        queueId: row.queue_id,
        priorityRank: Number(row.priority_rank),
        sortKey: row.sort_key,
        language: isLanguage(row.language) ? row.language : null,
        enqueuedAt: row.enqueued_at,
        notAgents: notAgentsOf({ transferredFrom: row.transferred_from ?? null, offerSkips: parseSkips(row.offer_skips ?? null) }, now),
      };
      const agent = pickAgent(free, waiting, { anyAgentFallback: urgent, ignoreLanguage: waited >= config.languageFallbackMinutes });
      if (agent === undefined) return true;
      agent.active += 1;
      agent.idleSince = now.toISOString();
      slots -= 1;
      picked.push({ ticket: toTicket(row), agentId: agent.id });
      return slots > 0;
    });
    return picked;
  }
}
