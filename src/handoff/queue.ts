/**
 * The handoff queue: tickets through the state machine of `ticket-state.ts`, routing and
 * assignment of `routing.ts`, presence, SLA and abandon timers. Its parts, one concern each, live
 * in `queue/`: the event log, the reads (position and wait), the agent roster and assignment
 * decision, the conversation side effects, the one transition function every status change goes
 * through, and the timers. This class is the public surface and holds the operations, each
 * described as a transition.
 */
import { HubError } from '../core/errors.js';
import { KeyedMutex } from '../core/keyed-mutex.js';
import type { ConversationMode, Language, OutboundMessage } from '../core/message.js';
import type { OutboxItem, TranscriptDraft, TranscriptEntry } from '../core/store/index.js';
import { queueById, type HandoffConfig } from './config.js';
import { QUEUE_TEXT } from './messages.js';
import { sortKey, type AgentCandidate, type Priority } from './routing.js';
import { handoffDb, type HandoffDb } from './schema.js';
import type { TicketAction, TicketStatus } from './ticket-state.js';
import { CONSOLE_ROLES, seesAllQueues, type Presence, type User } from '../accounts/users.js';
import { ConversationEffects, languageOf } from './queue/conversation-effects.js';
import { openTicket } from './queue/enqueue.js';
import { EventLog } from './queue/event-log.js';
import { TicketReads } from './queue/reads.js';
import { AgentRoster } from './queue/roster.js';
import { QueueTimers } from './queue/timers.js';
import { Transitions } from './queue/transition.js';
import { SYSTEM, toTicket, type Actor, type EnqueueInput, type HandoffEvent, type QueueContext, type QueueDeps, type QueuePosition, type Ticket } from './queue/types.js';

export type { Actor, EnqueueInput, HandoffEvent, HandoffLogger, QueueDeps, QueuePosition, Ticket } from './queue/types.js';

/** The handoff queue over the store's database. Safe to use from several processes. */
export class HandoffQueue {
  readonly db: HandoffDb;
  private readonly mutex = new KeyedMutex();
  private readonly log: EventLog;
  private readonly reads: TicketReads;
  private readonly roster: AgentRoster;
  private readonly effects: ConversationEffects;
  private readonly transitions: Transitions;
  private readonly timers: QueueTimers;

  constructor(private readonly deps: QueueDeps) {
    this.db = handoffDb(deps.store);
    const ctx: QueueContext = { db: this.db, deps, config: deps.config, now: () => deps.clock() };
    this.log = new EventLog(ctx);
    this.roster = new AgentRoster(ctx);
    this.reads = new TicketReads(ctx, this.roster);
    this.effects = new ConversationEffects(ctx);
    this.transitions = new Transitions(ctx, this.reads, this.roster, this.effects, this.log);
    this.timers = new QueueTimers(ctx, { reads: this.reads, roster: this.roster, effects: this.effects, log: this.log, transitions: this.transitions }, this);
  }

  get config(): HandoffConfig {
    return this.deps.config;
  }

  private now(): Date {
    return this.deps.clock();
  }

  // ── event log ──

  /** Stores a transition and emits it as `custom` `handoff.<type>` (no message text, no personal data). */
  record(type: string, ticket: Pick<Ticket, 'id' | 'conversationId' | 'queueId' | 'agentId'> | null, actorId: string | null, data: Record<string, unknown> = {}, extra: { conversationId?: string; agentId?: string | null } = {}): Promise<HandoffEvent> {
    return this.log.record(type, ticket, actorId, data, extra);
  }

  /** Stored events after `seq`, oldest first. */
  eventsAfter(seq: number, limit = 500): Promise<HandoffEvent[]> {
    return this.log.eventsAfter(seq, limit);
  }

  lastEventSeq(): Promise<number> {
    return this.log.lastEventSeq();
  }

  // ── reads, position and wait ──

  getTicket(ticketId: string): Promise<Ticket | undefined> {
    return this.reads.getTicket(ticketId);
  }

  /** The queued or assigned ticket of a conversation (at most one exists). */
  openTicket(conversationId: string): Promise<Ticket | undefined> {
    return this.reads.openTicket(conversationId);
  }

  /** The open ticket, else the most recent one. */
  currentTicket(conversationId: string): Promise<Ticket | undefined> {
    return this.reads.currentTicket(conversationId);
  }

  /** True when `user` may see this ticket: supervisors see all; agents their queues and their own chats. */
  canSee(user: Actor, ticket: Pick<Ticket, 'queueId' | 'agentId'>): boolean {
    return this.reads.canSee(user, ticket);
  }

  /** The open ticket if `user` may see it; else 404 (never escalated), 409 (closed) or 403. */
  requireVisibleOpen(conversationId: string, user: Actor): Promise<Ticket> {
    return this.reads.requireVisibleOpen(conversationId, user);
  }

  /** Tickets visible to `user` with a status; `queued` in queue order, others newest first. */
  list(user: Actor, statuses: readonly TicketStatus[], limit = 200): Promise<Ticket[]> {
    return this.reads.list(user, statuses, limit);
  }

  /** Waiting tickets per queue. */
  waitingCounts(): Promise<Map<string, number>> {
    return this.reads.waitingCounts();
  }

  /** 1-based place of a queued ticket in its queue (priority, then FIFO). */
  positionOf(ticket: Ticket): Promise<number> {
    return this.reads.positionOf(ticket);
  }

  /** Place a new request of this priority would take in the queue. */
  positionForNew(queueId: string, priority: Priority): Promise<number> {
    return this.reads.positionForNew(queueId, priority);
  }

  /** Estimated wait in minutes for a place in a queue (see {@link TicketReads.estimateWait}). */
  estimateWait(queueId: string, position: number): Promise<number> {
    return this.reads.estimateWait(queueId, position);
  }

  /** Position and wait of a conversation's queued ticket, or `undefined` when it is not queued. */
  queueInfo(conversationId: string): Promise<QueuePosition | undefined> {
    return this.reads.queueInfo(conversationId);
  }

  // ── assignment (agent roster) ──

  /** Available, enabled console users as assignment candidates, with their open chat counts (read now). */
  availableAgents(): Promise<AgentCandidate[]> {
    return this.roster.availableAgents();
  }

  /** Open (assigned) chats per agent. */
  activeCounts(): Promise<Map<string, number>> {
    return this.roster.activeCounts();
  }

  /** Forget the cached roster (presence changed, or a guarded write found it stale). */
  invalidateRoster(): void {
    this.roster.invalidate();
  }

  /** The assignment decision, without writing (see {@link AgentRoster.planAssignments}). */
  planAssignments(): Promise<{ ticket: Ticket; agentId: string }[]> {
    return this.roster.planAssignments();
  }

  /** Marks an agent as seen (any authenticated request or console heartbeat), at most every 30 s. */
  touch(userId: string): Promise<void> {
    return this.roster.touch(userId);
  }

  /** Runs the assignment decision for every waiting ticket that fits a free agent. Serialised per process. */
  assignPass(): Promise<Ticket[]> {
    return this.mutex.run('assign', () => this.assignPassLocked());
  }

  private async assignPassLocked(): Promise<Ticket[]> {
    const assigned: Ticket[] = [];
    // A failed guarded write means the cached roster was stale: reload and decide again (bounded).
    for (let round = 0; round < 3; round++) {
      const plan = await this.roster.planAssignments();
      let stale = false;
      for (const { ticket, agentId } of plan) {
        const won = await this.assignTo(ticket, { id: agentId, displayName: this.roster.nameOf(agentId) }, SYSTEM, 'auto');
        if (won === undefined) stale = true;
        else assigned.push(won);
      }
      if (!stale) break;
      this.roster.invalidate();
    }
    return assigned;
  }

  // ── conversation side effects ──

  /** Sets the conversation mode only when it is still one of `from` (a turn may have moved it meanwhile). */
  setMode(conversationId: string, to: ConversationMode, from: readonly ConversationMode[]): Promise<boolean> {
    return this.effects.setMode(conversationId, to, from);
  }

  /** Appends transcript entries and emits them. */
  appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]> {
    return this.effects.appendTranscript(conversationId, entries);
  }

  /** Sends a queue notice to the citizen through the durable outbox. */
  notifyCitizen(conversationId: string, message: OutboundMessage, language: Language | null, data: Record<string, unknown> = {}): Promise<OutboxItem[]> {
    return this.effects.notifyCitizen(conversationId, message, language, data);
  }

  // ── timers ──

  /** One timer pass (see {@link QueueTimers.tick}). */
  tick(): Promise<void> {
    return this.timers.tick();
  }

  /** Start-up repair of conversations waiting without a ticket (see {@link QueueTimers.reconcile}). */
  reconcile(options: { readonly olderThanMs?: number } = {}): Promise<number> {
    return this.timers.reconcile(options);
  }

  // ── transitions ──

  /**
   * Opens a ticket for the conversation, idempotently: when one is already open it is returned
   * (its priority raised if the new request is more urgent). Emits `handoff.queued` once.
   */
  enqueue(input: EnqueueInput): Promise<{ ticket: Ticket; created: boolean }> {
    queueById(this.config, input.queueId);
    // Same lock as the assignment pass: in this process, FIFO keys are taken and committed in
    // order, so a pass never sees a later arrival without an earlier one.
    return this.mutex.run('assign', () => openTicket({ db: this.db, now: this.now(), reads: this.reads, log: this.log }, input));
  }

  private assignTo(ticket: Ticket, agent: Pick<User, 'id' | 'displayName'>, actorId: string, how: 'auto' | 'claim' | 'manual' | 'transfer'): Promise<Ticket | undefined> {
    const now = this.now().toISOString();
    const action: TicketAction = ticket.status === 'queued' && how !== 'transfer' ? 'assign' : 'transfer-agent';
    return this.transitions.run({
      ticket,
      action,
      set: { agent_id: agent.id, assigned_at: now },
      guardAgent: how === 'auto' ? agent.id : undefined,
      afterMove: () => this.roster.markBusy(agent.id, now),
      mode: { to: 'agent', from: ['queued', 'agent'] },
      transcript: [{ author: 'system', kind: 'handoff.assigned', text: null, data: { agentId: agent.id, agentName: agent.displayName, how } }],
      // The citizen hears once that a person took over, not again on a transfer between agents.
      notice: ticket.status === 'queued' ? { message: { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].assigned() }, language: ticket.language, event: 'assigned' } : undefined,
      event: { type: how === 'transfer' ? 'transferred' : 'assigned', actorId, data: { how, from: ticket.agentId } },
    });
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
    const noteText = note === undefined || note === '' ? null : note;
    let result: Ticket | undefined;
    if (target.queue !== undefined) {
      const queue = this.config.queues.find((q) => q.id === target.queue);
      if (queue === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `queue: "${target.queue}" does not exist; use one of ${this.config.queues.map((q) => q.id).join(', ')}`);
      result = await this.transitions.run({
        ticket,
        action: 'transfer-queue',
        set: { queue_id: queue.id, agent_id: null, assigned_at: null, sort_key: sortKey(ticket.enqueuedAt), sla_breached: 0 },
        mode: { to: 'queued', from: ['agent', 'queued'] },
        transcript: [
          { author: 'system', kind: 'handoff.transferred', text: noteText, data: { agentId: user.id, agentName: user.displayName, fromQueue: ticket.queueId, toQueue: queue.id, internal: true } },
        ],
        notice: { message: { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].transferred({ queue: queue.name }) }, language: ticket.language, event: 'transferred' },
        event: { type: 'transferred', actorId: user.id, data: { fromQueue: ticket.queueId, toQueue: queue.id, fromAgent: ticket.agentId } },
      });
      if (result === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
    } else {
      const agent = await this.roster.findUser(target.agent ?? '');
      if (agent === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `agent: "${target.agent}" is not a user`);
      if (!CONSOLE_ROLES.includes(agent.role) || agent.disabled) throw new HubError('HUB_ERR_BAD_PAYLOAD', `agent: "${agent.username}" does not work in the console`);
      if (agent.presence === 'offline') throw new HubError('HUB_ERR_CONFLICT', `${agent.displayName} is offline`, { details: { reason: 'offline' } });
      if (agent.id === ticket.agentId) return ticket;
      result = await this.assignTo(ticket, agent, user.id, ticket.status === 'queued' ? 'manual' : 'transfer');
      if (result === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
      if (noteText !== null) {
        await this.appendTranscript(conversationId, [
          { author: 'system', kind: 'handoff.note', text: noteText, data: { agentId: user.id, agentName: user.displayName, internal: true, toAgent: agent.id } },
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
    // Under the turn lock: the survey question and the state expecting its answer are written
    // before the citizen's next message is processed.
    const resolved = await this.deps.store.withConversationLock(conversationId, async () => {
      const conversation = await this.deps.store.getConversation(conversationId);
      const language = languageOf(ticket, conversation);
      const survey = this.config.surveyEnabled && conversation !== undefined;
      const question = QUEUE_TEXT[language].surveyQuestion();
      return this.transitions.run({
        ticket,
        action: 'close',
        // With the survey, the bot comes back in the same write as the question.
        mode: survey ? undefined : { to: 'bot', from: ['queued', 'agent'] },
        transcript: [{ author: 'system', kind: 'handoff.resolved', data: { agentId: user.id, agentName: user.displayName } }],
        notice: survey
          ? {
              message: { kind: 'choices', text: question, choices: [1, 2, 3, 4, 5].map((n) => ({ title: String(n), payload: `survey:${n}` })) },
              language,
              event: 'survey',
              patch: { mode: 'bot', state: { ...conversation.state, handoffSurvey: { ticketId: ticket.id, askedAt: this.now().toISOString() } } },
            }
          : undefined,
        event: { type: 'resolved', actorId: user.id, data: { survey: this.config.surveyEnabled } },
      });
    });
    if (resolved === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
    await this.assignPass();
    return resolved;
  }

  /** The citizen cancelled ("ya no hace falta"): the open ticket ends; the turn already put the bot back. */
  async cancelByCitizen(conversationId: string): Promise<Ticket | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ticket = await this.openTicket(conversationId);
      if (ticket === undefined) return undefined;
      const moved = await this.transitions.run({ ticket, action: 'cancel', event: { type: 'cancelled', actorId: 'citizen', data: { from: ticket.status } } });
      if (moved === undefined) continue;
      if (ticket.status === 'assigned') await this.assignPass();
      return moved;
    }
    return undefined;
  }

  /** Sends every open chat of an agent back to the head of its queue. */
  async requeueAgent(agentId: string): Promise<number> {
    const rows = await this.db.selectFrom('handoff_tickets').selectAll().where('agent_id', '=', agentId).where('status', '=', 'assigned').execute();
    let count = 0;
    for (const row of rows) {
      const ticket = toTicket(row);
      const moved = await this.transitions.run({
        ticket,
        action: 'requeue',
        set: { agent_id: null, assigned_at: null, sort_key: sortKey(ticket.enqueuedAt, true) },
        mode: { to: 'queued', from: ['agent'] },
        transcript: [{ author: 'system', kind: 'handoff.requeued', data: { agentId } }],
        event: { type: 'requeued', actorId: SYSTEM, data: { fromAgent: agentId } },
      });
      if (moved !== undefined) count += 1;
    }
    return count;
  }

  /**
   * Presence change. Going offline sends the agent's open chats back to the head of their
   * queues; becoming available runs the assignment.
   */
  async setPresence(user: Pick<User, 'id' | 'presence'>, presence: Presence): Promise<void> {
    await this.roster.writePresence(user, presence);
    await this.record('presence', null, user.id, { presence }, { agentId: user.id });
    if (presence === 'offline') await this.requeueAgent(user.id);
    await this.assignPass();
  }

  // ── what happens around an open conversation (no status change) ──

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
    await this.effects.emitReplies(conversationId, items);
    await this.record('message', ticket, user.id, { outboxId: items[0]?.id ?? null });
    return items;
  }
}
