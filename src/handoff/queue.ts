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
import { someoneElseServes, sortKey, type AgentCandidate, type Priority } from './routing.js';
import { handoffDb, type HandoffDb } from './schema.js';
import type { TicketAction, TicketStatus } from './ticket-state.js';
import { CONSOLE_ROLES, seesAllQueues, type Presence, type User } from '../accounts/users.js';
import { ConversationEffects, languageOf } from './queue/conversation-effects.js';
import { openTicket } from './queue/enqueue.js';
import { EventLog } from './queue/event-log.js';
import { TicketReads } from './queue/reads.js';
import { AgentRoster } from './queue/roster.js';
import { OfferDesk, type Offer } from './queue/offers.js';
import { QueueTimers } from './queue/timers.js';
import { Transitions } from './queue/transition.js';
import { SYSTEM, toTicket, type Actor, type EnqueueInput, type HandoffEvent, type QueueContext, type QueueDeps, type QueuePosition, type Ticket } from './queue/types.js';

export type { Offer } from './queue/offers.js';
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
  private readonly offers: OfferDesk;

  constructor(private readonly deps: QueueDeps) {
    this.db = handoffDb(deps.store);
    const ctx: QueueContext = { db: this.db, deps, config: deps.config, now: () => deps.clock() };
    this.log = new EventLog(ctx);
    this.roster = new AgentRoster(ctx);
    this.reads = new TicketReads(ctx, this.roster);
    this.effects = new ConversationEffects(ctx);
    this.transitions = new Transitions(ctx, this.reads, this.roster, this.effects, this.log);
    this.offers = new OfferDesk(ctx, { reads: this.reads, roster: this.roster, transitions: this.transitions, log: this.log });
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

  /**
   * Runs the assignment decision for every waiting ticket that fits a free agent and offers it to
   * that agent (see {@link OfferDesk}); returns the tickets offered. Serialised per process.
   */
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
        const won = await this.offers.offer(ticket, agentId);
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

  /**
   * Gives the ticket to an agent. A claim is the agent opening the chat, so the citizen is told a
   * person attends them at once; a supervisor's assignment or a transfer waits until the new agent
   * opens the chat or writes (see {@link open}); a transfer between agents tells the citizen
   * nothing new. `capacity` checks the agent's free slot in the writing statement.
   */
  private assignTo(ticket: Ticket, agent: Pick<User, 'id' | 'displayName'>, actorId: string, how: 'claim' | 'manual' | 'transfer', capacity = false): Promise<Ticket | undefined> {
    const now = this.now().toISOString();
    const action: TicketAction = ticket.status === 'queued' && how !== 'transfer' ? 'assign' : 'transfer-agent';
    const opened = how === 'claim';
    const announced = opened ? now : ticket.status === 'assigned' ? ticket.announcedAt : null;
    return this.transitions.run({
      ticket,
      action,
      set: { agent_id: agent.id, assigned_at: now, announced_at: announced, offer_skips: null },
      guardCapacity: capacity ? agent.id : undefined,
      afterMove: () => this.roster.markBusy(agent.id, now),
      // Until someone opens it, the citizen keeps waiting in the queue as far as they can tell.
      mode: announced === null ? undefined : { to: 'agent', from: ['queued', 'agent'] },
      transcript: [{ author: 'system', kind: 'handoff.assigned', text: null, data: { agentId: agent.id, agentName: agent.displayName, how } }],
      notice: opened && ticket.status === 'queued' ? { message: { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].assigned() }, language: ticket.language, event: 'assigned' } : undefined,
      event: { type: how === 'transfer' ? 'transferred' : 'assigned', actorId, data: { how, from: ticket.agentId } },
    });
  }

  /**
   * The agent holding the chat opened it (or writes in it): if the citizen has not been told yet
   * that a person attends them, they are told now and the conversation goes to the agent. Only
   * the holder's opening counts; anyone else's is a no-op. Returns true when the citizen was told.
   */
  async open(conversationId: string, user: Pick<User, 'id'>): Promise<boolean> {
    const ticket = await this.openTicket(conversationId);
    if (ticket === undefined || ticket.status !== 'assigned' || ticket.agentId !== user.id || ticket.announcedAt !== null) return false;
    const now = this.now().toISOString();
    const result = await this.db
      .updateTable('handoff_tickets')
      .set({ announced_at: now })
      .where('id', '=', ticket.id)
      .where('status', '=', 'assigned')
      .where('agent_id', '=', user.id)
      .where('announced_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await this.setMode(conversationId, 'agent', ['queued', 'agent']);
    await this.notifyCitizen(conversationId, { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].assigned() }, ticket.language, { event: 'assigned' });
    await this.record('opened', ticket, user.id, {});
    return true;
  }

  // ── offers ──

  /** The open offers made to an agent. */
  offersFor(agentId: string): Promise<Offer[]> {
    return this.offers.offersFor(agentId);
  }

  /** The agent accepts the chat offered to them (see {@link OfferDesk.accept}). */
  acceptOffer(conversationId: string, user: Pick<User, 'id' | 'displayName'>): Promise<Ticket> {
    return this.offers.accept(conversationId, user);
  }

  /** The agent declines the chat offered to them; it goes to the next eligible agent. */
  async declineOffer(conversationId: string, user: Pick<User, 'id'>): Promise<void> {
    await this.offers.decline(conversationId, user);
    await this.assignPass();
  }

  /**
   * Withdraws lapsed offers; an agent who let `offerMissesBeforeAway` offers in a row lapse is
   * set away; the chats are offered to the next agents. Cheap when nothing lapsed (one indexed
   * read), so the module runs it every few seconds besides the timer pass.
   */
  async expireOffers(): Promise<void> {
    const { expired, away } = await this.offers.expire();
    if (expired === 0) return;
    for (const agentId of away) {
      const agent = await this.roster.findUser(agentId);
      if (agent === undefined || agent.presence !== 'available') continue;
      this.deps.logger.info({ agentId }, 'handoff: agent let offers lapse, set away');
      await this.roster.writePresence(agent, 'away');
      await this.record('presence', null, agentId, { presence: 'away', reason: 'offers-missed' }, { agentId });
    }
    await this.assignPass();
  }

  /**
   * An agent takes a conversation. Exactly one of several concurrent claims wins; the others
   * get `HUB_ERR_CONFLICT` (409). Claiming one's own conversation again succeeds. An agent with
   * no free slot (assigned plus offered chats) gets 409 `full`.
   * Throws 404 when the conversation never asked for a person, 403 outside the agent's queues,
   * 409 when it is closed or held by another agent.
   */
  async claim(conversationId: string, user: User): Promise<Ticket> {
    const ticket = await this.requireVisibleOpen(conversationId, user);
    if (ticket.status === 'assigned') {
      if (ticket.agentId === user.id) return ticket;
      throw new HubError('HUB_ERR_CONFLICT', 'another agent already holds this conversation', { details: { reason: 'held' } });
    }
    // Claiming the chat offered to oneself is accepting it (its slot is already held).
    if (ticket.offerAgentId === user.id) return this.offers.accept(conversationId, user);
    const won = await this.assignTo(ticket, user, user.id, 'claim', true);
    if (won !== undefined) return won;
    const now = await this.getTicket(ticket.id);
    if (now?.status === 'assigned' && now.agentId === user.id) return now;
    if (now?.status === 'queued') {
      const load = (await this.roster.loads([user.id])).get(user.id) ?? 0;
      throw new HubError('HUB_ERR_CONFLICT', `you already hold ${load} of your ${user.capacity} chats: close one first`, { details: { reason: 'full', load, capacity: user.capacity } });
    }
    throw new HubError('HUB_ERR_CONFLICT', 'another agent claimed this conversation first', { details: { reason: 'held' } });
  }

  /**
   * Transfers to a queue (waits there, keeping its age) or to an agent, with an internal note.
   * The assigned agent or a supervisor may transfer; a supervisor moving a queued conversation
   * to an agent is a manual assignment.
   *
   * To a queue: the agent handing it over is never offered it again; when nobody else could ever
   * take it (no other enabled console user serves that queue in the citizen's language) and they
   * could, 409 `only-you` before anything moves, unless `confirmSelf`. To an agent: 409 `full` when they
   * have no free slot (assigned plus offered chats), unless a supervisor sends `overrideCapacity`
   * (recorded as `handoff.capacity_override`). The new agent's taking is told to the citizen only
   * when that agent opens the chat or writes.
   */
  async transfer(
    conversationId: string,
    user: User,
    target: { queue?: string; agent?: string; note?: string; confirmSelf?: boolean; overrideCapacity?: boolean },
  ): Promise<Ticket> {
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
      // The agent handing it over never gets it back, unless nobody else could ever take it:
      // then they are told before anything moves, and may confirm.
      const handing = ticket.agentId ?? user.id;
      const users = await this.roster.consoleUsers();
      const others = someoneElseServes(users, queue.id, ticket.language, handing);
      const backToSender = !others && someoneElseServes(users.filter((u) => u.id === handing), queue.id, ticket.language, null);
      if (backToSender && target.confirmSelf !== true) {
        throw new HubError('HUB_ERR_CONFLICT', `nobody else serves ${queue.name}${ticket.language === null ? '' : ` in ${ticket.language}`}: the conversation would come back to you; send confirmSelf to transfer anyway`, {
          details: { reason: 'only-you', queue: queue.id },
        });
      }
      result = await this.transitions.run({
        ticket,
        action: 'transfer-queue',
        set: { queue_id: queue.id, agent_id: null, assigned_at: null, sort_key: sortKey(ticket.enqueuedAt), sla_breached: 0, announced_at: null, offer_skips: null, transferred_from: backToSender ? null : handing },
        mode: { to: 'queued', from: ['agent', 'queued'] },
        transcript: [
          { author: 'system', kind: 'handoff.transferred', text: noteText, data: { agentId: user.id, agentName: user.displayName, fromQueue: ticket.queueId, toQueue: queue.id, internal: true } },
        ],
        notice: { message: { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].transferred({ queue: queue.name }) }, language: ticket.language, event: 'transferred' },
        event: { type: 'transferred', actorId: user.id, data: { fromQueue: ticket.queueId, toQueue: queue.id, fromAgent: ticket.agentId, backToSender } },
      });
      if (result === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
    } else {
      const agent = await this.roster.findUser(target.agent ?? '');
      if (agent === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `agent: "${target.agent}" is not a user`);
      if (!CONSOLE_ROLES.includes(agent.role) || agent.disabled) throw new HubError('HUB_ERR_BAD_PAYLOAD', `agent: "${agent.username}" does not work in the console`);
      if (agent.presence === 'offline') throw new HubError('HUB_ERR_CONFLICT', `${agent.displayName} is offline`, { details: { reason: 'offline' } });
      if (agent.id === ticket.agentId) return ticket;
      if (target.overrideCapacity === true && !seesAllQueues(user)) throw new HubError('HUB_ERR_FORBIDDEN', 'only a supervisor may assign beyond an agent’s capacity');
      const load = (await this.roster.loads([agent.id])).get(agent.id) ?? 0;
      const checkCapacity = target.overrideCapacity !== true;
      if (checkCapacity && load >= agent.capacity) {
        throw new HubError('HUB_ERR_CONFLICT', `${agent.displayName} is at capacity (${load} of ${agent.capacity} chats)${seesAllQueues(user) ? '; send overrideCapacity to assign anyway' : ''}`, {
          details: { reason: 'full', load, capacity: agent.capacity },
        });
      }
      result = await this.assignTo(ticket, agent, user.id, ticket.status === 'queued' ? 'manual' : 'transfer', checkCapacity);
      if (result === undefined) {
        const now = await this.getTicket(ticket.id);
        if (checkCapacity && now?.status === ticket.status && now.agentId === ticket.agentId) {
          throw new HubError('HUB_ERR_CONFLICT', `${agent.displayName} is at capacity`, { details: { reason: 'full', capacity: agent.capacity } });
        }
        throw new HubError('HUB_ERR_CONFLICT', 'the conversation changed meanwhile; reload and retry');
      }
      if (target.overrideCapacity === true && load >= agent.capacity) await this.record('capacity_override', result, user.id, { load: load + 1, capacity: agent.capacity });
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
        set: { agent_id: null, assigned_at: null, announced_at: null, sort_key: sortKey(ticket.enqueuedAt, true) },
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
    if (presence !== 'available') await this.offers.withdrawAll(user.id);
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
   * The agent's words to the citizen, through the same durable outbox as the bot's replies, marked
   * with the language they are written in: `language` when the agent said it (a canned response's),
   * else as detected, else the conversation's.
   * 409 when the conversation is closed, still queued (claim first) or held by another agent.
   */
  /** The language `text` is written in, by the detector when there is one; `fallback` otherwise. */
  private async writtenLanguage(text: string, fallback: Language | null): Promise<Language | null> {
    if (this.deps.detectLanguage === undefined) return fallback;
    try {
      return await this.deps.detectLanguage(text, fallback);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'language detection of an agent message failed; the conversation language is used');
      return fallback;
    }
  }

  async sendAgentMessage(conversationId: string, user: User, text: string, language?: Language): Promise<OutboxItem[]> {
    const ticket = await this.requireVisibleOpen(conversationId, user);
    if (ticket.status === 'queued') throw new HubError('HUB_ERR_CONFLICT', 'claim the conversation before replying', { details: { reason: 'not-claimed' } });
    if (ticket.agentId !== user.id) throw new HubError('HUB_ERR_CONFLICT', 'another agent holds this conversation', { details: { reason: 'held' } });
    // Writing is opening: the citizen hears a person attends them before the first words.
    await this.open(conversationId, user);
    const items = await this.deps.store.withConversationLock(conversationId, async () => {
      const conversation = await this.deps.store.getConversation(conversationId);
      const written = language ?? (await this.writtenLanguage(text, conversation?.language ?? ticket.language));
      return this.deps.store.enqueueReplies(conversationId, [
        { message: { kind: 'text', text }, author: 'agent', language: written, data: { agentId: user.id, agentName: user.displayName } },
      ]);
    });
    this.deps.notifyOutbox?.();
    await this.effects.emitReplies(conversationId, items);
    await this.record('message', ticket, user.id, { outboxId: items[0]?.id ?? null });
    return items;
  }
}
