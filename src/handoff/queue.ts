/**
 * The handoff queue: tickets through the state machine of `ticket-state.ts`, routing and
 * assignment of `routing.ts`, presence, SLA and abandon timers. Every transition is a
 * conditional UPDATE (`… WHERE status = <expected>`), so concurrent claims, instances and
 * timers never both win; every transition is stored in `handoff_events` and emitted as a
 * `custom` hub event (`handoff.<type>`) after it is committed.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql, type Selectable } from 'kysely';
import { HubError } from '../core/errors.js';
import type { HubEvents } from '../core/events.js';
import { KeyedMutex } from '../core/keyed-mutex.js';
import { isLanguage, type ConversationMode, type Language, type OutboundMessage } from '../core/message.js';
import type { Store } from '../core/store/index.js';
import type { Conversation, OutboxItem, TranscriptDraft, TranscriptEntry } from '../core/store/types.js';
import { isOpen } from './business-hours.js';
import { queueById, type HandoffConfig, type QueueConfig } from './config.js';
import { QUEUE_TEXT } from './messages.js';
import { PRIORITY_RANK, compareTickets, pickAgent, sortKey, type AgentCandidate, type Priority, type WaitingTicket } from './routing.js';
import { handoffDb, type HandoffDb, type HandoffTicketsTable } from './schema.js';
import { isOpenStatus, modeForStatus, transition, type TicketAction, type TicketStatus } from './ticket-state.js';
import { CONSOLE_ROLES, seesAllQueues, toUser, type Presence, type User } from './users.js';

/** Minimal structured logger (pino-compatible). Never pass message text or personal data. */
export interface HandoffLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface Ticket {
  readonly id: string;
  readonly conversationId: string;
  readonly queueId: string;
  readonly priority: Priority;
  readonly priorityRank: number;
  readonly sortKey: string;
  readonly status: TicketStatus;
  readonly agentId: string | null;
  readonly reason: string;
  readonly intent: string | null;
  readonly language: Language | null;
  readonly outOfHours: boolean;
  readonly slaBreached: boolean;
  readonly satisfaction: number | null;
  readonly createdAt: string;
  readonly enqueuedAt: string;
  readonly assignedAt: string | null;
  readonly closedAt: string | null;
  readonly updatedAt: string;
}

function toTicket(row: Selectable<HandoffTicketsTable>): Ticket {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    queueId: row.queue_id,
    priority: row.priority as Priority,
    priorityRank: Number(row.priority_rank),
    sortKey: row.sort_key,
    status: row.status as TicketStatus,
    agentId: row.agent_id,
    reason: row.reason,
    intent: row.intent,
    language: isLanguage(row.language) ? row.language : null,
    outOfHours: Number(row.out_of_hours) === 1,
    slaBreached: Number(row.sla_breached) === 1,
    satisfaction: row.satisfaction === null ? null : Number(row.satisfaction),
    createdAt: row.created_at,
    enqueuedAt: row.enqueued_at,
    assignedAt: row.assigned_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
  };
}

/** A stored transition, as the console feed reads it. */
export interface HandoffEvent {
  readonly seq: number;
  readonly type: string;
  readonly ticketId: string | null;
  readonly conversationId: string | null;
  readonly queueId: string | null;
  readonly agentId: string | null;
  readonly actorId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface EnqueueInput {
  readonly conversationId: string;
  readonly queueId: string;
  readonly priority: Priority;
  readonly reason: string;
  readonly intent?: string | null;
  readonly language?: Language | null;
  readonly outOfHours?: boolean;
}

export interface QueuePosition {
  readonly ticket: Ticket;
  /** 1 = next. */
  readonly position: number;
  readonly waitMinutes: number;
}

export interface QueueDeps {
  readonly store: Store;
  readonly events: HubEvents;
  readonly clock: () => Date;
  readonly config: HandoffConfig;
  readonly logger: HandoffLogger;
  /** Wakes the outbox worker after queue notices or agent messages are enqueued. */
  readonly notifyOutbox?: () => void;
  /** How long the assignment roster (available agents, open-chat counts) is cached; default 2000 ms. */
  readonly rosterTtlMs?: number;
}

export interface Actor {
  readonly id: string;
  readonly role: User['role'];
  readonly queues: readonly string[];
}

const SYSTEM = 'system';

interface Roster {
  readonly loadedAt: number;
  readonly agents: AgentCandidate[];
  readonly names: ReadonlyMap<string, string>;
}

/** The handoff queue over the store's database. Safe to use from several processes. */
export class HandoffQueue {
  readonly db: HandoffDb;
  private readonly mutex = new KeyedMutex();
  private readonly handleCache = new Map<string, { at: number; minutes: number }>();
  private roster: Roster | undefined;

  constructor(private readonly deps: QueueDeps) {
    this.db = handoffDb(deps.store);
  }

  get config(): HandoffConfig {
    return this.deps.config;
  }

  private now(): Date {
    return this.deps.clock();
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────

  /** Stores a transition and emits it as `custom` `handoff.<type>` (no message text, no personal data). */
  async record(type: string, ticket: Pick<Ticket, 'id' | 'conversationId' | 'queueId' | 'agentId'> | null, actorId: string | null, data: Record<string, unknown> = {}, extra: { conversationId?: string; agentId?: string | null } = {}): Promise<HandoffEvent> {
    const createdAt = this.now().toISOString();
    const conversationId = ticket?.conversationId ?? extra.conversationId ?? null;
    const agentId = extra.agentId !== undefined ? extra.agentId : (ticket?.agentId ?? null);
    const row = await this.db
      .insertInto('handoff_events')
      .values({
        type,
        ticket_id: ticket?.id ?? null,
        conversation_id: conversationId,
        queue_id: ticket?.queueId ?? null,
        agent_id: agentId,
        actor_id: actorId,
        data: JSON.stringify(data),
        created_at: createdAt,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const event: HandoffEvent = {
      seq: Number(row.seq),
      type,
      ticketId: ticket?.id ?? null,
      conversationId,
      queueId: ticket?.queueId ?? null,
      agentId,
      actorId,
      data,
      createdAt,
    };
    this.deps.events.emit('custom', {
      type: `handoff.${type}`,
      ...(conversationId === null ? {} : { conversationId }),
      data: { seq: event.seq, ticketId: event.ticketId, queueId: event.queueId, agentId: event.agentId, actorId, ...data },
    });
    return event;
  }

  /** Stored events after `seq`, oldest first. */
  async eventsAfter(seq: number, limit = 500): Promise<HandoffEvent[]> {
    const rows = await this.db.selectFrom('handoff_events').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      type: row.type,
      ticketId: row.ticket_id,
      conversationId: row.conversation_id,
      queueId: row.queue_id,
      agentId: row.agent_id,
      actorId: row.actor_id,
      data: JSON.parse(row.data) as Record<string, unknown>,
      createdAt: row.created_at,
    }));
  }

  async lastEventSeq(): Promise<number> {
    const row = await this.db.selectFrom('handoff_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────

  async getTicket(ticketId: string): Promise<Ticket | undefined> {
    const row = await this.db.selectFrom('handoff_tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
    return row === undefined ? undefined : toTicket(row);
  }

  /** The queued or assigned ticket of a conversation (at most one exists). */
  async openTicket(conversationId: string): Promise<Ticket | undefined> {
    const row = await this.db.selectFrom('handoff_tickets').selectAll().where('open_conversation_id', '=', conversationId).executeTakeFirst();
    return row === undefined ? undefined : toTicket(row);
  }

  /** The open ticket, else the most recent one. */
  async currentTicket(conversationId: string): Promise<Ticket | undefined> {
    const open = await this.openTicket(conversationId);
    if (open !== undefined) return open;
    const row = await this.db
      .selectFrom('handoff_tickets')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toTicket(row);
  }

  /** True when `user` may see this ticket: supervisors see all; agents their queues and their own chats. */
  canSee(user: Actor, ticket: Pick<Ticket, 'queueId' | 'agentId'>): boolean {
    return seesAllQueues(user) || ticket.agentId === user.id || user.queues.includes(ticket.queueId);
  }

  /** Tickets visible to `user` with a status; `queued` in queue order, others newest first. */
  async list(user: Actor, statuses: readonly TicketStatus[], limit = 200): Promise<Ticket[]> {
    let q = this.db.selectFrom('handoff_tickets').selectAll().where('status', 'in', [...statuses]);
    if (!seesAllQueues(user)) {
      const queues = user.queues.length === 0 ? [''] : [...user.queues];
      q = q.where((eb) => eb.or([eb('queue_id', 'in', queues), eb('agent_id', '=', user.id)]));
    }
    if (statuses.length === 1 && statuses[0] === 'queued') q = q.orderBy('priority_rank').orderBy('sort_key').orderBy('id');
    else if (statuses.every((s) => !isOpenStatus(s))) q = q.orderBy('closed_at', 'desc');
    else q = q.orderBy('priority_rank').orderBy('sort_key');
    const rows = await q.limit(limit).execute();
    return rows.map(toTicket);
  }

  /** 1-based place of a queued ticket in its queue (priority, then FIFO). */
  async positionOf(ticket: Ticket): Promise<number> {
    const row = await this.db
      .selectFrom('handoff_tickets')
      .select((eb) => eb.fn.countAll<number>().as('ahead'))
      .where('status', '=', 'queued')
      .where('queue_id', '=', ticket.queueId)
      .where('id', '!=', ticket.id)
      .where((eb) =>
        eb.or([
          eb('priority_rank', '<', ticket.priorityRank),
          eb.and([eb('priority_rank', '=', ticket.priorityRank), eb('sort_key', '<', ticket.sortKey)]),
          eb.and([eb('priority_rank', '=', ticket.priorityRank), eb('sort_key', '=', ticket.sortKey), eb('id', '<', ticket.id)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.ahead) + 1;
  }

  /** Place a new request of this priority would take in the queue. */
  async positionForNew(queueId: string, priority: Priority): Promise<number> {
    const row = await this.db
      .selectFrom('handoff_tickets')
      .select((eb) => eb.fn.countAll<number>().as('ahead'))
      .where('status', '=', 'queued')
      .where('queue_id', '=', queueId)
      .where('priority_rank', '<=', PRIORITY_RANK[priority])
      .executeTakeFirstOrThrow();
    return Number(row.ahead) + 1;
  }

  /** Mean minutes from assignment to close over the queue's last 20 resolved tickets (config default until then). */
  async handleMinutes(queueId: string): Promise<number> {
    const cached = this.handleCache.get(queueId);
    const nowMs = this.now().getTime();
    if (cached !== undefined && nowMs - cached.at < 30_000 && nowMs >= cached.at) return cached.minutes;
    const rows = await this.db
      .selectFrom('handoff_tickets')
      .select(['assigned_at', 'closed_at'])
      .where('queue_id', '=', queueId)
      .where('status', '=', 'resolved')
      .where('assigned_at', 'is not', null)
      .orderBy('closed_at', 'desc')
      .limit(20)
      .execute();
    const durations = rows
      .map((r) => (new Date(r.closed_at ?? 0).getTime() - new Date(r.assigned_at ?? 0).getTime()) / 60_000)
      .filter((m) => Number.isFinite(m) && m >= 0);
    const minutes = durations.length < 3 ? this.config.defaultHandleMinutes : Math.max(1, durations.reduce((a, b) => a + b, 0) / durations.length);
    this.handleCache.set(queueId, { at: nowMs, minutes });
    return minutes;
  }

  /** Available agents of a queue and their total capacity. */
  async queueCapacity(queueId: string): Promise<number> {
    const agents = await this.availableAgents();
    return agents.filter((a) => a.queues.includes(queueId)).reduce((sum, a) => sum + a.capacity, 0);
  }

  /**
   * Estimated wait in minutes for a place in a queue: conversations ahead divided by the
   * queue's available capacity, times the recent mean handling time.
   */
  async estimateWait(queueId: string, position: number): Promise<number> {
    const [minutes, capacity] = await Promise.all([this.handleMinutes(queueId), this.queueCapacity(queueId)]);
    return Math.max(1, Math.ceil(position / Math.max(1, capacity)) * Math.round(minutes));
  }

  /** Position and wait of a conversation's queued ticket, or `undefined` when it is not queued. */
  async queueInfo(conversationId: string): Promise<QueuePosition | undefined> {
    const ticket = await this.openTicket(conversationId);
    if (ticket === undefined || ticket.status !== 'queued') return undefined;
    const position = await this.positionOf(ticket);
    return { ticket, position, waitMinutes: await this.estimateWait(ticket.queueId, position) };
  }

  // ── conversation side effects ────────────────────────────────────────────────────────────

  /** Sets the conversation mode only when it is still one of `from` (a turn may have moved it meanwhile). */
  async setMode(conversationId: string, to: ConversationMode, from: readonly ConversationMode[]): Promise<boolean> {
    const conversation = await this.deps.store.setModeIf(conversationId, to, from);
    if (conversation !== undefined) this.deps.events.emit('conversation', { conversation });
    return conversation !== undefined;
  }

  /** Emits committed transcript entries (as the turn runner does for its own), for the consoles and the web chat. */
  emitTranscript(conversationId: string, entries: readonly TranscriptEntry[]): void {
    for (const entry of entries) this.deps.events.emit('transcript', { conversationId, entry });
  }

  /** Appends transcript entries and emits them. */
  async appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]> {
    const written = await this.deps.store.appendTranscript(conversationId, entries);
    this.emitTranscript(conversationId, written);
    return written;
  }

  /** Emits the transcript entries of replies just enqueued. */
  async emitReplies(conversationId: string, items: readonly OutboxItem[]): Promise<void> {
    if (items.length === 0 || this.deps.events.listenerCount('transcript') === 0) return;
    const ids = new Set(items.map((i) => i.id));
    const recent = await this.deps.store.getTranscript(conversationId, { limit: items.length + 20 });
    this.emitTranscript(
      conversationId,
      recent.filter((e) => e.outboxId !== null && ids.has(e.outboxId)),
    );
  }

  /** Sends a queue notice to the citizen through the durable outbox. */
  async notifyCitizen(conversationId: string, message: OutboundMessage, language: Language | null, data: Record<string, unknown> = {}): Promise<OutboxItem[]> {
    const items = await this.deps.store.enqueueReplies(conversationId, [{ message, author: 'system', language, data: { handoff: true, ...data } }]);
    this.deps.notifyOutbox?.();
    await this.emitReplies(conversationId, items);
    return items;
  }

  private languageOf(ticket: Pick<Ticket, 'language'>, conversation?: Conversation): Language {
    return ticket.language ?? conversation?.language ?? 'es';
  }

  // ── transitions ──────────────────────────────────────────────────────────────────────────

  /**
   * Opens a ticket for the conversation, idempotently: when one is already open it is returned
   * (its priority raised if the new request is more urgent). Emits `handoff.queued` once.
   */
  enqueue(input: EnqueueInput): Promise<{ ticket: Ticket; created: boolean }> {
    queueById(this.config, input.queueId);
    // Same lock as the assignment pass: in this process, FIFO keys are taken and committed in
    // order, so a pass never sees a later arrival without an earlier one.
    return this.mutex.run('assign', () => this.enqueueLocked(input));
  }

  private async enqueueLocked(input: EnqueueInput): Promise<{ ticket: Ticket; created: boolean }> {
    const now = this.now().toISOString();
    const row: Selectable<HandoffTicketsTable> = {
      id: randomUUID(),
      conversation_id: input.conversationId,
      open_conversation_id: input.conversationId,
      queue_id: input.queueId,
      priority: input.priority,
      priority_rank: PRIORITY_RANK[input.priority],
      sort_key: sortKey(now),
      status: 'queued',
      agent_id: null,
      reason: input.reason,
      intent: input.intent ?? null,
      language: input.language ?? null,
      out_of_hours: input.outOfHours === true ? 1 : 0,
      sla_breached: 0,
      notified_position: null,
      notified_wait: null,
      satisfaction: null,
      created_at: now,
      enqueued_at: now,
      assigned_at: null,
      closed_at: null,
      updated_at: now,
    };
    // RETURNING yields no row when the conflict clause skipped the insert (both dialects).
    const inserted = await this.db
      .insertInto('handoff_tickets')
      .values(row)
      .onConflict((oc) => oc.column('open_conversation_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted !== undefined) {
      const ticket = toTicket(row);
      await this.record('queued', ticket, SYSTEM, { priority: ticket.priority, reason: ticket.reason, intent: ticket.intent, language: ticket.language, outOfHours: ticket.outOfHours });
      return { ticket, created: true };
    }
    const existing = await this.openTicket(input.conversationId);
    if (existing === undefined) throw new HubError('HUB_ERR_STORE', `ticket for conversation ${input.conversationId} vanished while enqueueing`);
    if (PRIORITY_RANK[input.priority] < existing.priorityRank) {
      await this.db
        .updateTable('handoff_tickets')
        .set({ priority: input.priority, priority_rank: PRIORITY_RANK[input.priority], updated_at: now })
        .where('id', '=', existing.id)
        .execute();
      const raised = { ...existing, priority: input.priority, priorityRank: PRIORITY_RANK[input.priority] };
      await this.record('priority', raised, SYSTEM, { from: existing.priority, to: input.priority });
      return { ticket: raised, created: false };
    }
    return { ticket: existing, created: false };
  }

  /**
   * Moves a ticket with a conditional update: succeeds only if it is still `expected.status`
   * (and still held by `expected.agentId`). With `guardAgent`, also only while that agent is
   * available with free capacity, checked in the same statement (an instance's cached roster may
   * be stale; the database is not). Returns the new ticket or `undefined` when it did not move.
   */
  private async move(expected: Ticket, action: TicketAction, set: Partial<HandoffTicketsTable>, guardAgent?: string): Promise<Ticket | undefined> {
    const to = transition(expected.status, action);
    const now = this.now().toISOString();
    const columns: Partial<HandoffTicketsTable> = { ...set, status: to, updated_at: now };
    if (!isOpenStatus(to)) {
      columns.open_conversation_id = null;
      columns.closed_at = now;
    }
    let q = this.db.updateTable('handoff_tickets').set(columns).where('id', '=', expected.id).where('status', '=', expected.status);
    q = expected.agentId === null ? q.where('agent_id', 'is', null) : q.where('agent_id', '=', expected.agentId);
    if (guardAgent !== undefined) {
      // NULL capacity (agent not available or disabled) makes the comparison false.
      q = q.where(
        sql<boolean>`(select count(*) from handoff_tickets as held where held.agent_id = ${guardAgent} and held.status = 'assigned') < (select capacity from handoff_users where id = ${guardAgent} and presence = 'available' and disabled = 0)`,
      );
    }
    const result = await q.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    const newAgent = set.agent_id !== undefined ? set.agent_id : expected.agentId;
    const holdsAfter = to === 'assigned' ? newAgent : null;
    if (expected.status === 'assigned' && expected.agentId !== null && expected.agentId !== holdsAfter) this.adjustRoster(expected.agentId, -1);
    if (holdsAfter !== null && holdsAfter !== expected.agentId) this.adjustRoster(holdsAfter, +1, now);
    return this.getTicket(expected.id);
  }

  /** Keeps the cached roster's open-chat counts in step with this process's own moves. */
  private adjustRoster(agentId: string, delta: number, assignedAt?: string): void {
    const agent = this.roster?.agents.find((a) => a.id === agentId);
    if (agent === undefined) return;
    agent.active = Math.max(0, agent.active + delta);
    if (assignedAt !== undefined) agent.idleSince = assignedAt;
  }

  /** Forget the cached roster (presence changed, or a guarded write found it stale). */
  invalidateRoster(): void {
    this.roster = undefined;
  }

  private async assignTo(ticket: Ticket, agent: Pick<User, 'id' | 'displayName'>, actorId: string, how: 'auto' | 'claim' | 'manual' | 'transfer'): Promise<Ticket | undefined> {
    const now = this.now().toISOString();
    const action: TicketAction = ticket.status === 'queued' && how !== 'transfer' ? 'assign' : 'transfer-agent';
    const moved = await this.move(ticket, action, { agent_id: agent.id, assigned_at: now }, how === 'auto' ? agent.id : undefined);
    if (moved === undefined) return undefined;
    await this.db.updateTable('handoff_users').set({ idle_since: now }).where('id', '=', agent.id).execute();
    await this.setMode(ticket.conversationId, 'agent', ['queued', 'agent']);
    await this.appendTranscript(ticket.conversationId, [
      { author: 'system', kind: 'handoff.assigned', text: null, data: { agentId: agent.id, agentName: agent.displayName, how } },
    ]);
    if (ticket.status === 'queued') {
      await this.notifyCitizen(ticket.conversationId, { kind: 'text', text: QUEUE_TEXT[this.languageOf(ticket)].assigned() }, ticket.language, { event: 'assigned' });
    }
    await this.record(how === 'transfer' ? 'transferred' : 'assigned', moved, actorId, { how, from: ticket.agentId });
    return moved;
  }

  /**
   * An agent takes a conversation. Exactly one of several concurrent claims wins; the others
   * get `HUB_ERR_CONFLICT` (409). Claiming one's own conversation again succeeds.
   * Throws 404 when the conversation never asked for a person, 403 outside the agent's queues,
   * 409 when it is closed or held by another agent.
   */
  async claim(conversationId: string, user: User): Promise<Ticket> {
    const ticket = await this.requireVisibleOpen(conversationId, user);
    if (ticket.status === 'assigned') {
      if (ticket.agentId === user.id) return ticket;
      throw new HubError('HUB_ERR_CONFLICT', 'another agent already holds this conversation', { details: { reason: 'held' } });
    }
    const won = await this.assignTo(ticket, user, user.id, 'claim');
    if (won !== undefined) return won;
    const now = await this.getTicket(ticket.id);
    if (now?.status === 'assigned' && now.agentId === user.id) return now;
    throw new HubError('HUB_ERR_CONFLICT', 'another agent claimed this conversation first', { details: { reason: 'held' } });
  }

  /** The open ticket if `user` may see it; else 404 (never escalated), 409 (closed) or 403. */
  async requireVisibleOpen(conversationId: string, user: Actor): Promise<Ticket> {
    const ticket = await this.currentTicket(conversationId);
    if (ticket === undefined) throw new HubError('HUB_ERR_NOT_FOUND', 'this conversation was never passed to a person');
    if (!this.canSee(user, ticket)) throw new HubError('HUB_ERR_FORBIDDEN', 'this conversation belongs to a queue you do not serve');
    if (!isOpenStatus(ticket.status)) {
      throw new HubError('HUB_ERR_CONFLICT', `the conversation is closed (${ticket.status})`, { details: { reason: 'closed', status: ticket.status } });
    }
    return ticket;
  }

  /** Runs the assignment decision for every waiting ticket that fits a free agent. Serialised per process. */
  assignPass(): Promise<Ticket[]> {
    return this.mutex.run('assign', () => this.assignPassLocked());
  }

  /** Available, enabled console users as assignment candidates, with their open chat counts (read now). */
  async availableAgents(): Promise<AgentCandidate[]> {
    return (await this.loadRoster()).agents.map((a) => ({ ...a }));
  }

  private async loadRoster(): Promise<Roster> {
    const rows = await this.db
      .selectFrom('handoff_users')
      .select(['id', 'display_name', 'queues', 'languages', 'capacity', 'idle_since'])
      .where('presence', '=', 'available')
      .where('disabled', '=', 0)
      .where('role', 'in', [...CONSOLE_ROLES])
      .execute();
    const counts =
      rows.length === 0
        ? []
        : await this.db
            .selectFrom('handoff_tickets')
            .select(['agent_id', (eb) => eb.fn.countAll<number>().as('active')])
            .where('status', '=', 'assigned')
            .where(
              'agent_id',
              'in',
              rows.map((r) => r.id),
            )
            .groupBy('agent_id')
            .execute();
    const active = new Map(counts.map((c) => [c.agent_id, Number(c.active)]));
    return {
      loadedAt: performance.now(),
      names: new Map(rows.map((r) => [r.id, r.display_name])),
      agents: rows.map((row) => ({
        id: row.id,
        queues: (JSON.parse(row.queues) as unknown[]).filter((q): q is string => typeof q === 'string'),
        languages: (JSON.parse(row.languages) as unknown[]).filter(isLanguage),
        capacity: Number(row.capacity),
        active: active.get(row.id) ?? 0,
        idleSince: row.idle_since,
      })),
    };
  }

  /**
   * The roster the decision runs on: cached for `rosterTtlMs` (default 2 s) so a decision does
   * not re-read 500 agents; this process keeps the cached counts exact, other instances' changes
   * show within the TTL, and the guarded write keeps capacity and presence exact regardless.
   */
  private async rosterSnapshot(): Promise<Roster> {
    if (this.roster === undefined || performance.now() - this.roster.loadedAt >= (this.deps.rosterTtlMs ?? 2000)) this.roster = await this.loadRoster();
    return this.roster;
  }

  /**
   * The assignment decision, without writing: which waiting ticket goes to which agent, in
   * queue order (priority, then FIFO), each to the idle-longest free agent with the skills
   * (queue, language; any free agent for urgent ones). Out of hours only urgent tickets are offered.
   */
  async planAssignments(): Promise<{ ticket: Ticket; agentId: string }[]> {
    const roster = await this.rosterSnapshot();
    // Work on copies: the plan must not change the cache until the writes succeed.
    const free = roster.agents.filter((a) => a.active < a.capacity).map((a) => ({ ...a }));
    if (free.length === 0) return [];
    const now = this.now();
    let slots = free.reduce((sum, a) => sum + (a.capacity - a.active), 0);
    // Only queues someone free serves and that are open now (urgent ones from anywhere, at any hour):
    // the rows read are then nearly all assignable, so a small window suffices.
    const open = new Map(this.config.queues.map((q) => [q.id, isOpen(q, this.config, now)]));
    const queues = [...new Set(free.flatMap((a) => a.queues))].filter((q) => open.get(q) === true);
    const rows = await this.db
      .selectFrom('handoff_tickets')
      .selectAll()
      .where('status', '=', 'queued')
      .where((eb) => eb.or([eb('queue_id', 'in', queues.length === 0 ? [''] : queues), eb('priority_rank', '=', 0)]))
      .orderBy('priority_rank')
      .orderBy('sort_key')
      .orderBy('id')
      .limit(slots * 4 + 16)
      .execute();
    const plan: { ticket: Ticket; agentId: string }[] = [];
    for (const row of rows) {
      if (slots <= 0) break;
      const ticket = toTicket(row);
      const urgent = ticket.priority === 'urgent';
      // Out of hours only urgent conversations are offered; the rest wait for the next shift.
      if (!urgent && open.get(ticket.queueId) !== true) continue;
      const waited = (now.getTime() - new Date(ticket.enqueuedAt).getTime()) / 60_000;
      const waiting: WaitingTicket = { id: ticket.id, queueId: ticket.queueId, priorityRank: ticket.priorityRank, sortKey: ticket.sortKey, language: ticket.language, enqueuedAt: ticket.enqueuedAt };
      const agent = pickAgent(free, waiting, { anyAgentFallback: urgent, ignoreLanguage: waited >= this.config.languageFallbackMinutes });
      if (agent === undefined) continue;
      agent.active += 1;
      agent.idleSince = now.toISOString();
      slots -= 1;
      plan.push({ ticket, agentId: agent.id });
    }
    return plan;
  }

  private async assignPassLocked(): Promise<Ticket[]> {
    const assigned: Ticket[] = [];
    // A failed guarded write means the cached roster was stale: reload and decide again (bounded).
    for (let round = 0; round < 3; round++) {
      const plan = await this.planAssignments();
      let stale = false;
      for (const { ticket, agentId } of plan) {
        const won = await this.assignTo(ticket, { id: agentId, displayName: this.roster?.names.get(agentId) ?? agentId }, SYSTEM, 'auto');
        if (won === undefined) stale = true;
        else assigned.push(won);
      }
      if (!stale) break;
      this.invalidateRoster();
    }
    return assigned;
  }

  /**
   * Transfers to a queue (waits there, keeping its age) or to an agent, with an internal note.
   * The assigned agent or a supervisor may transfer; a supervisor moving a queued conversation
   * to an agent is a manual assignment.
   */
  async transfer(conversationId: string, user: User, target: { queue?: string; agent?: string; note?: string }): Promise<Ticket> {
    if ((target.queue === undefined) === (target.agent === undefined)) {
      throw new HubError('HUB_ERR_BAD_PAYLOAD', 'give exactly one of "queue" or "agent"');
    }
    const ticket = await this.requireVisibleOpen(conversationId, user);
    if (!seesAllQueues(user) && ticket.agentId !== user.id) {
      throw new HubError('HUB_ERR_FORBIDDEN', 'only the assigned agent or a supervisor may transfer this conversation');
    }
    const note = target.note?.trim();
    let result: Ticket | undefined;
    if (target.queue !== undefined) {
      const queue = this.config.queues.find((q) => q.id === target.queue);
      if (queue === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `queue: "${target.queue}" does not exist; use one of ${this.config.queues.map((q) => q.id).join(', ')}`);
      result = await this.move(ticket, 'transfer-queue', { queue_id: queue.id, agent_id: null, assigned_at: null, sort_key: sortKey(ticket.enqueuedAt), sla_breached: 0 });
      if (result === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
      await this.setMode(conversationId, 'queued', ['agent', 'queued']);
      await this.notifyCitizen(conversationId, { kind: 'text', text: QUEUE_TEXT[this.languageOf(ticket)].transferred({ queue: queue.name }) }, ticket.language, { event: 'transferred' });
      await this.appendTranscript(conversationId, [
        { author: 'system', kind: 'handoff.transferred', text: note === undefined || note === '' ? null : note, data: { agentId: user.id, agentName: user.displayName, fromQueue: ticket.queueId, toQueue: queue.id, internal: true } },
      ]);
      await this.record('transferred', result, user.id, { fromQueue: ticket.queueId, toQueue: queue.id, fromAgent: ticket.agentId });
    } else {
      const targetUser = await this.db.selectFrom('handoff_users').selectAll().where('id', '=', target.agent ?? '').executeTakeFirst();
      const byName = targetUser ?? (await this.db.selectFrom('handoff_users').selectAll().where('username', '=', target.agent ?? '').executeTakeFirst());
      if (byName === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `agent: "${target.agent}" is not a user`);
      const agent = toUser(byName);
      if (!CONSOLE_ROLES.includes(agent.role) || agent.disabled) throw new HubError('HUB_ERR_BAD_PAYLOAD', `agent: "${agent.username}" does not work in the console`);
      if (agent.presence === 'offline') throw new HubError('HUB_ERR_CONFLICT', `${agent.displayName} is offline`, { details: { reason: 'offline' } });
      if (agent.id === ticket.agentId) return ticket;
      result = await this.assignTo(ticket, agent, user.id, ticket.status === 'queued' ? 'manual' : 'transfer');
      if (result === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
      if (note !== undefined && note !== '') {
        await this.appendTranscript(conversationId, [
          { author: 'system', kind: 'handoff.note', text: note, data: { agentId: user.id, agentName: user.displayName, internal: true, toAgent: agent.id } },
        ]);
      }
    }
    await this.assignPass();
    return result;
  }

  /**
   * Closes a conversation: resolved, the bot is back and (when enabled) the citizen gets the
   * satisfaction question (1–5 as choices). The assigned agent or a supervisor may close.
   */
  async close(conversationId: string, user: User): Promise<Ticket> {
    const ticket = await this.requireVisibleOpen(conversationId, user);
    if (ticket.agentId !== user.id && !seesAllQueues(user)) {
      throw new HubError('HUB_ERR_CONFLICT', ticket.status === 'queued' ? 'claim the conversation before closing it' : 'another agent holds this conversation', {
        details: { reason: ticket.status === 'queued' ? 'not-claimed' : 'held' },
      });
    }
    const resolved = await this.deps.store.withConversationLock(conversationId, async () => {
      const moved = await this.move(ticket, 'close', {});
      if (moved === undefined) return undefined;
      const conversation = await this.deps.store.getConversation(conversationId);
      const language = this.languageOf(ticket, conversation);
      if (this.config.surveyEnabled && conversation !== undefined) {
        const text = QUEUE_TEXT[language];
        const state = { ...conversation.state, handoffSurvey: { ticketId: ticket.id, askedAt: this.now().toISOString() } };
        const survey = await this.deps.store.enqueueReplies(
          conversationId,
          [
            {
              message: { kind: 'choices', text: text.surveyQuestion(), choices: [1, 2, 3, 4, 5].map((n) => ({ title: String(n), payload: `survey:${n}` })) },
              author: 'system',
              language,
              data: { handoff: true, event: 'survey' },
            },
          ],
          { mode: 'bot', state },
        );
        this.deps.notifyOutbox?.();
        await this.emitReplies(conversationId, survey);
        const updated = await this.deps.store.getConversation(conversationId);
        if (updated !== undefined) this.deps.events.emit('conversation', { conversation: updated });
      } else {
        await this.setMode(conversationId, 'bot', ['queued', 'agent']);
      }
      return moved;
    });
    if (resolved === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
    await this.appendTranscript(conversationId, [{ author: 'system', kind: 'handoff.resolved', data: { agentId: user.id, agentName: user.displayName } }]);
    await this.record('resolved', resolved, user.id, { survey: this.config.surveyEnabled });
    await this.assignPass();
    return resolved;
  }

  /** The citizen cancelled ("ya no hace falta"): the open ticket ends; the turn already put the bot back. */
  async cancelByCitizen(conversationId: string): Promise<Ticket | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ticket = await this.openTicket(conversationId);
      if (ticket === undefined) return undefined;
      const moved = await this.move(ticket, 'cancel', {});
      if (moved === undefined) continue;
      await this.record('cancelled', moved, 'citizen', { from: ticket.status });
      if (ticket.status === 'assigned') await this.assignPass();
      return moved;
    }
    return undefined;
  }

  /** Stores the satisfaction answer (1–5) of a resolved ticket. */
  async recordSatisfaction(ticketId: string, rating: number): Promise<void> {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'rating must be 1–5');
    const result = await this.db
      .updateTable('handoff_tickets')
      .set({ satisfaction: rating, updated_at: this.now().toISOString() })
      .where('id', '=', ticketId)
      .where('satisfaction', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return;
    const ticket = await this.getTicket(ticketId);
    if (ticket !== undefined) await this.record('survey', ticket, 'citizen', { rating });
  }

  /** A citizen wrote while queued or with an agent: tells the consoles (the text stays in the transcript). */
  async recordActivity(conversationId: string): Promise<void> {
    const ticket = await this.openTicket(conversationId);
    if (ticket !== undefined) await this.record('activity', ticket, 'citizen', { status: ticket.status });
  }

  /** Internal note on the transcript (never sent to the citizen). */
  async addNote(conversationId: string, user: User, text: string): Promise<void> {
    const ticket = await this.currentTicket(conversationId);
    if (ticket === undefined) throw new HubError('HUB_ERR_NOT_FOUND', 'this conversation was never passed to a person');
    if (!this.canSee(user, ticket)) throw new HubError('HUB_ERR_FORBIDDEN', 'this conversation belongs to a queue you do not serve');
    await this.appendTranscript(conversationId, [{ author: 'system', kind: 'handoff.note', text, data: { agentId: user.id, agentName: user.displayName, internal: true } }]);
    await this.record('note', ticket, user.id, {});
  }

  /**
   * The agent's words to the citizen, through the same durable outbox as the bot's replies.
   * 409 when the conversation is closed, still queued (claim first) or held by another agent.
   */
  async sendAgentMessage(conversationId: string, user: User, text: string): Promise<OutboxItem[]> {
    const ticket = await this.requireVisibleOpen(conversationId, user);
    if (ticket.status === 'queued') throw new HubError('HUB_ERR_CONFLICT', 'claim the conversation before replying', { details: { reason: 'not-claimed' } });
    if (ticket.agentId !== user.id) throw new HubError('HUB_ERR_CONFLICT', 'another agent holds this conversation', { details: { reason: 'held' } });
    const items = await this.deps.store.withConversationLock(conversationId, async () => {
      const conversation = await this.deps.store.getConversation(conversationId);
      return this.deps.store.enqueueReplies(conversationId, [
        { message: { kind: 'text', text }, author: 'agent', language: conversation?.language ?? ticket.language, data: { agentId: user.id, agentName: user.displayName } },
      ]);
    });
    this.deps.notifyOutbox?.();
    await this.emitReplies(conversationId, items);
    await this.record('message', ticket, user.id, { outboxId: items[0]?.id ?? null });
    return items;
  }

  /**
   * Presence change. Going offline sends the agent's open chats back to the head of their
   * queues; becoming available runs the assignment.
   */
  async setPresence(user: Pick<User, 'id' | 'presence'>, presence: Presence): Promise<void> {
    const now = this.now().toISOString();
    const set: { presence: string; last_seen_at: string; updated_at: string; idle_since?: string } = { presence, last_seen_at: now, updated_at: now };
    // Someone starting a shift queues behind colleagues who have been idle already.
    if (presence === 'available' && user.presence === 'offline') set.idle_since = now;
    await this.db.updateTable('handoff_users').set(set).where('id', '=', user.id).execute();
    this.invalidateRoster();
    await this.record('presence', null, user.id, { presence }, { agentId: user.id });
    if (presence === 'offline') await this.requeueAgent(user.id);
    await this.assignPass();
  }

  /** Marks an agent as seen (any authenticated request or console heartbeat), at most every 30 s. */
  async touch(userId: string): Promise<void> {
    const now = this.now();
    const threshold = new Date(now.getTime() - 30_000).toISOString();
    await this.db
      .updateTable('handoff_users')
      .set({ last_seen_at: now.toISOString() })
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', threshold)]))
      .execute();
  }

  /** Sends every open chat of an agent back to the head of its queue. */
  async requeueAgent(agentId: string): Promise<number> {
    const rows = await this.db.selectFrom('handoff_tickets').selectAll().where('agent_id', '=', agentId).where('status', '=', 'assigned').execute();
    let count = 0;
    for (const row of rows) {
      const ticket = toTicket(row);
      const moved = await this.move(ticket, 'requeue', { agent_id: null, assigned_at: null, sort_key: sortKey(ticket.enqueuedAt, true) });
      if (moved === undefined) continue;
      count += 1;
      await this.setMode(ticket.conversationId, 'queued', ['agent']);
      await this.appendTranscript(ticket.conversationId, [{ author: 'system', kind: 'handoff.requeued', data: { agentId } }]);
      await this.record('requeued', moved, SYSTEM, { fromAgent: agentId });
    }
    return count;
  }

  // ── timers ───────────────────────────────────────────────────────────────────────────────

  /**
   * One timer pass: agents not seen go offline (their chats back to the queue), stale queued
   * tickets are abandoned, SLA breaches are flagged once, citizens whose place changed
   * noticeably are told, and the assignment runs.
   */
  async tick(): Promise<void> {
    const now = this.now();
    const seenBefore = new Date(now.getTime() - this.config.presenceTimeoutMinutes * 60_000).toISOString();
    const gone = await this.db
      .selectFrom('handoff_users')
      .select(['id', 'presence'])
      .where('presence', '!=', 'offline')
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', seenBefore)]))
      .execute();
    for (const agent of gone) {
      this.deps.logger.info({ agentId: agent.id }, 'handoff: agent not seen, set offline');
      await this.setPresence({ id: agent.id, presence: agent.presence as Presence }, 'offline');
    }
    // A failed after-turn hook (database hiccup) must not leave a citizen waiting with no ticket.
    await this.reconcile({ olderThanMs: 60_000 });
    await this.abandonStale(now);
    await this.checkSla(now);
    await this.updatePositions(now);
    await this.assignPass();
    await this.db.deleteFrom('handoff_sessions').where('expires_at', '<=', now.toISOString()).execute();
  }

  private async abandonStale(now: Date): Promise<void> {
    const before = new Date(now.getTime() - this.config.abandonAfterHours * 3_600_000).toISOString();
    const rows = await this.db.selectFrom('handoff_tickets').selectAll().where('status', '=', 'queued').where('enqueued_at', '<', before).limit(200).execute();
    for (const row of rows) {
      const ticket = toTicket(row);
      const moved = await this.move(ticket, 'abandon', {});
      if (moved === undefined) continue;
      if (await this.setMode(ticket.conversationId, 'bot', ['queued'])) {
        await this.notifyCitizen(ticket.conversationId, { kind: 'text', text: QUEUE_TEXT[this.languageOf(ticket)].abandoned() }, ticket.language, { event: 'abandoned' });
      }
      await this.record('abandoned', moved, SYSTEM, {});
    }
  }

  private async checkSla(now: Date): Promise<void> {
    const rows = await this.db.selectFrom('handoff_tickets').selectAll().where('status', '=', 'queued').where('sla_breached', '=', 0).orderBy('enqueued_at').limit(500).execute();
    for (const row of rows) {
      const ticket = toTicket(row);
      const queue = this.config.queues.find((q) => q.id === ticket.queueId);
      if (queue === undefined) continue;
      const waited = (now.getTime() - new Date(ticket.enqueuedAt).getTime()) / 60_000;
      // Waiting out of hours is what the citizen was told; the SLA counts working time only.
      if (waited < queue.maxWaitMinutes || (!isOpen(queue, this.config, now) && ticket.priority !== 'urgent')) continue;
      const result = await this.db
        .updateTable('handoff_tickets')
        .set({ sla_breached: 1, updated_at: now.toISOString() })
        .where('id', '=', ticket.id)
        .where('sla_breached', '=', 0)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) continue;
      await this.notifyCitizen(ticket.conversationId, { kind: 'text', text: QUEUE_TEXT[this.languageOf(ticket)].slaBreached() }, ticket.language, { event: 'sla' });
      await this.record('sla_breached', ticket, SYSTEM, { waitedMinutes: Math.round(waited), maxWaitMinutes: queue.maxWaitMinutes });
    }
  }

  /** Tells waiting citizens their new place when it halved or they became next. */
  private async updatePositions(now: Date): Promise<void> {
    const rows = await this.db
      .selectFrom('handoff_tickets')
      .selectAll()
      .where('status', '=', 'queued')
      .orderBy('priority_rank')
      .orderBy('sort_key')
      .orderBy('id')
      .limit(5000)
      .execute();
    const seen = new Map<string, number>();
    for (const row of rows) {
      const ticket = toTicket(row);
      const position = (seen.get(ticket.queueId) ?? 0) + 1;
      seen.set(ticket.queueId, position);
      const queue: QueueConfig | undefined = this.config.queues.find((q) => q.id === ticket.queueId);
      if (queue === undefined || (!isOpen(queue, this.config, now) && ticket.priority !== 'urgent')) continue;
      const last = row.notified_position === null ? null : Number(row.notified_position);
      if (last === null) {
        await this.db.updateTable('handoff_tickets').set({ notified_position: position }).where('id', '=', ticket.id).execute();
        continue;
      }
      const noticeable = (position === 1 && last > 1) || (last >= 4 && position <= Math.floor(last / 2)) || position >= last * 2 + 2;
      if (!noticeable) continue;
      const waitMinutes = await this.estimateWait(ticket.queueId, position);
      await this.db.updateTable('handoff_tickets').set({ notified_position: position, notified_wait: waitMinutes }).where('id', '=', ticket.id).execute();
      await this.notifyCitizen(ticket.conversationId, { kind: 'text', text: QUEUE_TEXT[this.languageOf(ticket)].positionUpdate({ position, waitMinutes }) }, ticket.language, { event: 'position' });
    }
  }

  /**
   * Start-up repair: conversations left in `queued`/`agent` mode without an open ticket (a crash
   * between the turn's commit and the enqueue) get their ticket, from the turn's
   * `handoff.requested` transcript event when there is one.
   */
  async reconcile(options: { readonly olderThanMs?: number } = {}): Promise<number> {
    // From the timer, leave alone turns whose after-turn hook may still be running. The store
    // stamps rows with the system time, so compare with it, not with a pinned hub clock.
    const waiting = await this.deps.store.listConversations({
      modes: ['queued', 'agent'],
      ...(options.olderThanMs === undefined ? {} : { updatedBefore: new Date(Date.now() - options.olderThanMs) }),
      limit: 10_000,
    });
    const ticketed = new Set<string>();
    for (let start = 0; start < waiting.length; start += 500) {
      const ids = waiting.slice(start, start + 500).map((c) => c.id);
      const rows = await this.db.selectFrom('handoff_tickets').select('open_conversation_id').where('open_conversation_id', 'in', ids).execute();
      for (const row of rows) if (row.open_conversation_id !== null) ticketed.add(row.open_conversation_id);
    }
    const orphans = waiting.filter((c) => !ticketed.has(c.id));
    for (const orphan of orphans) {
      const requested = await this.deps.store.lastTranscriptEntry(orphan.id, 'handoff.requested');
      const data: Readonly<Record<string, unknown>> = requested?.data ?? {};
      const queueId = typeof data.queue === 'string' && this.config.queues.some((q) => q.id === data.queue) ? data.queue : this.config.defaultQueue;
      const priority: Priority = data.priority === 'urgent' || data.priority === 'vulnerable' ? data.priority : orphan.urgent ? 'urgent' : 'normal';
      await this.enqueue({
        conversationId: orphan.id,
        queueId,
        priority,
        reason: typeof data.reason === 'string' ? data.reason : 'citizen',
        intent: typeof data.intent === 'string' ? data.intent : null,
        language: orphan.language,
        outOfHours: data.outOfHours === true,
      });
      await this.setMode(orphan.id, 'queued', ['agent']);
    }
    if (orphans.length > 0) this.deps.logger.warn({ count: orphans.length }, 'handoff: re-enqueued conversations without a ticket');
    return orphans.length;
  }

  /** Mode a ticket status implies (re-exported for callers that patch conversations). */
  static modeFor(status: TicketStatus): ConversationMode {
    return modeForStatus(status);
  }

  /** Sorts waiting tickets in queue order (for tests and the benchmark). */
  static order(tickets: WaitingTicket[]): WaitingTicket[] {
    return tickets.sort(compareTickets);
  }
}
