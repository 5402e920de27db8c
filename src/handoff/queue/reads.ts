/**
 * Queue reads: tickets, what an agent may see, a waiting citizen's position and estimated wait.
 */
import { HubError } from '../../core/errors.js';
import { PRIORITY_RANK, type Priority } from '../routing.js';
import { isOpenStatus, type TicketStatus } from '../ticket-state.js';
import { seesAllQueues } from '../../accounts/users.js';
import type { AgentRoster } from './roster.js';
import { toTicket, type Actor, type QueueContext, type QueuePosition, type Ticket } from './types.js';

/** Minutes of recent assignments the live throughput is measured over. */
export const THROUGHPUT_WINDOW_MINUTES = 30;
/** Fewer conversations taken in the window than this say too little about the pace. */
export const MIN_THROUGHPUT_SAMPLES = 5;

export class TicketReads {
  private readonly handleCache = new Map<string, { at: number; minutes: number }>();
  private readonly rateCache = new Map<string, { at: number; perMinute: number | undefined }>();

  constructor(
    private readonly ctx: QueueContext,
    private readonly roster: AgentRoster,
  ) {}

  async getTicket(ticketId: string): Promise<Ticket | undefined> {
    const row = await this.ctx.db.selectFrom('handoff_tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
    return row === undefined ? undefined : toTicket(row);
  }

  /** The queued or assigned ticket of a conversation (at most one exists). */
  async openTicket(conversationId: string): Promise<Ticket | undefined> {
    const row = await this.ctx.db.selectFrom('handoff_tickets').selectAll().where('open_conversation_id', '=', conversationId).executeTakeFirst();
    return row === undefined ? undefined : toTicket(row);
  }

  /** The open ticket, else the most recent one. */
  async currentTicket(conversationId: string): Promise<Ticket | undefined> {
    const open = await this.openTicket(conversationId);
    if (open !== undefined) return open;
    const row = await this.ctx.db
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

  /** Tickets visible to `user` with a status; `queued` in queue order, others newest first. */
  async list(user: Actor, statuses: readonly TicketStatus[], limit = 200): Promise<Ticket[]> {
    let q = this.ctx.db.selectFrom('handoff_tickets').selectAll().where('status', 'in', [...statuses]);
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

  /** Waiting tickets per queue. */
  async waitingCounts(): Promise<Map<string, number>> {
    const counts = await this.ctx.db
      .selectFrom('handoff_tickets')
      .select(['queue_id', (eb) => eb.fn.countAll<number>().as('waiting')])
      .where('status', '=', 'queued')
      .groupBy('queue_id')
      .execute();
    return new Map(counts.map((c) => [c.queue_id, Number(c.waiting)]));
  }

  /** 1-based place of a queued ticket in its queue (priority, then FIFO). */
  async positionOf(ticket: Ticket): Promise<number> {
    const row = await this.ctx.db
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
    const row = await this.ctx.db
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
    const nowMs = this.ctx.now().getTime();
    if (cached !== undefined && nowMs - cached.at < 30_000 && nowMs >= cached.at) return cached.minutes;
    const rows = await this.ctx.db
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
    const minutes = durations.length < 3 ? this.ctx.config.defaultHandleMinutes : Math.max(1, durations.reduce((a, b) => a + b, 0) / durations.length);
    this.handleCache.set(queueId, { at: nowMs, minutes });
    return minutes;
  }

  /**
   * The queue's live throughput: conversations taken by an agent per minute over the last
   * {@link THROUGHPUT_WINDOW_MINUTES}, or `undefined` when too few were taken to tell (cached 30 s).
   */
  async throughput(queueId: string): Promise<number | undefined> {
    const nowMs = this.ctx.now().getTime();
    const cached = this.rateCache.get(queueId);
    if (cached !== undefined && nowMs - cached.at < 30_000 && nowMs >= cached.at) return cached.perMinute;
    const since = new Date(nowMs - THROUGHPUT_WINDOW_MINUTES * 60_000).toISOString();
    const row = await this.ctx.db
      .selectFrom('handoff_tickets')
      .select((eb) => eb.fn.countAll<number>().as('taken'))
      .where('queue_id', '=', queueId)
      .where('assigned_at', '>=', since)
      .executeTakeFirstOrThrow();
    const taken = Number(row.taken);
    const perMinute = taken < MIN_THROUGHPUT_SAMPLES ? undefined : taken / THROUGHPUT_WINDOW_MINUTES;
    this.rateCache.set(queueId, { at: nowMs, perMinute });
    return perMinute;
  }

  /**
   * Estimated wait in minutes for a place in a queue: from the queue's live throughput when
   * enough conversations were taken lately (place ÷ conversations taken per minute); until then,
   * conversations ahead divided by the queue's available capacity, times the recent mean
   * handling time.
   */
  async estimateWait(queueId: string, position: number): Promise<number> {
    const [rate, minutes, capacity] = await Promise.all([this.throughput(queueId), this.handleMinutes(queueId), this.roster.queueCapacity(queueId)]);
    // Rounded before the ceiling: 4 ÷ (10/30) is 12, not 12.000000000000002 → 13.
    if (rate !== undefined) return Math.max(1, Math.ceil(Math.round((position / rate) * 1000) / 1000));
    return Math.max(1, Math.ceil(position / Math.max(1, capacity)) * Math.round(minutes));
  }

  /** Position and wait of a conversation's queued ticket, or `undefined` when it is not queued. */
  async queueInfo(conversationId: string): Promise<QueuePosition | undefined> {
    const ticket = await this.openTicket(conversationId);
    // Taken by an agent who has not opened it yet: as far as the citizen knows, they are next.
    if (ticket?.status === 'assigned' && ticket.announcedAt === null) return { ticket, position: 1, waitMinutes: 1 };
    if (ticket === undefined || ticket.status !== 'queued') return undefined;
    const position = await this.positionOf(ticket);
    return { ticket, position, waitMinutes: await this.estimateWait(ticket.queueId, position) };
  }
}
