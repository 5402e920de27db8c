/**
 * Timers: the periodic pass (agents not seen go offline, stale requests are abandoned, SLA
 * breaches flagged once, waiting citizens told their new place) and the start-up repair of
 * conversations left waiting without a ticket.
 */
import type { Priority } from '../routing.js';
import type { Presence, User } from '../../accounts/users.js';
import { isOpen } from '../business-hours.js';
import { QUEUE_TEXT, WAIT_EXCEEDED_TEXT } from '../messages.js';
import { languageOf, type ConversationEffects } from './conversation-effects.js';
import type { EventLog } from './event-log.js';
import type { TicketReads } from './reads.js';
import type { AgentRoster } from './roster.js';
import type { Transitions } from './transition.js';
import { SYSTEM, toTicket, type EnqueueInput, type QueueContext, type Ticket } from './types.js';

/** The queue operations the timers drive. */
export interface TimerHost {
  setPresence(user: Pick<User, 'id' | 'presence'>, presence: Presence): Promise<void>;
  enqueue(input: EnqueueInput): Promise<{ ticket: Ticket; created: boolean }>;
  assignPass(): Promise<Ticket[]>;
  expireOffers(): Promise<void>;
}

export class QueueTimers {
  constructor(
    private readonly ctx: QueueContext,
    private readonly parts: { readonly reads: TicketReads; readonly roster: AgentRoster; readonly effects: ConversationEffects; readonly log: EventLog; readonly transitions: Transitions },
    private readonly host: TimerHost,
  ) {}

  /**
   * One timer pass: agents not seen go offline (their chats back to the queue), stale queued
   * tickets are abandoned, SLA breaches are flagged once, citizens whose place changed
   * noticeably are told, and the assignment runs.
   */
  async tick(): Promise<void> {
    const now = this.ctx.now();
    const seenBefore = new Date(now.getTime() - this.ctx.config.presenceTimeoutMinutes * 60_000).toISOString();
    for (const agent of await this.parts.roster.unseenSince(seenBefore)) {
      this.ctx.deps.logger.info({ agentId: agent.id }, 'handoff: agent not seen, set offline');
      await this.host.setPresence(agent, 'offline');
    }
    // A failed after-turn hook (database hiccup) must not leave a citizen waiting with no ticket.
    await this.reconcile({ olderThanMs: 60_000 });
    await this.abandonStale(now);
    await this.checkSla(now);
    await this.updatePositions(now);
    // Lapsed offers go to the next agent.
    await this.host.expireOffers();
    await this.host.assignPass();
  }

  private async abandonStale(now: Date): Promise<void> {
    const before = new Date(now.getTime() - this.ctx.config.abandonAfterHours * 3_600_000).toISOString();
    const rows = await this.ctx.db.selectFrom('handoff_tickets').selectAll().where('status', '=', 'queued').where('enqueued_at', '<', before).limit(200).execute();
    for (const row of rows) {
      const ticket = toTicket(row);
      await this.parts.transitions.run({
        ticket,
        action: 'abandon',
        mode: { to: 'bot', from: ['queued'] },
        notice: { message: { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].abandoned() }, language: ticket.language, event: 'abandoned', onlyIfModeChanged: true },
        event: { type: 'abandoned', actorId: SYSTEM, data: {} },
      });
    }
  }

  private async checkSla(now: Date): Promise<void> {
    const rows = await this.ctx.db.selectFrom('handoff_tickets').selectAll().where('status', '=', 'queued').where('sla_breached', '=', 0).orderBy('enqueued_at').limit(500).execute();
    for (const row of rows) {
      const ticket = toTicket(row);
      const queue = this.ctx.config.queues.find((q) => q.id === ticket.queueId);
      if (queue === undefined) continue;
      const waited = (now.getTime() - new Date(ticket.enqueuedAt).getTime()) / 60_000;
      // Waiting out of hours is what the citizen was told; the SLA counts working time only.
      if (waited < queue.maxWaitMinutes || (!isOpen(queue, this.ctx.config, now) && ticket.priority !== 'urgent')) continue;
      const result = await this.ctx.db
        .updateTable('handoff_tickets')
        .set({ sla_breached: 1, updated_at: now.toISOString() })
        .where('id', '=', ticket.id)
        .where('sla_breached', '=', 0)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) continue;
      await this.parts.effects.notifyCitizen(ticket.conversationId, { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].slaBreached() }, ticket.language, { event: 'sla' });
      await this.parts.log.record('sla_breached', ticket, SYSTEM, { waitedMinutes: Math.round(waited), maxWaitMinutes: queue.maxWaitMinutes });
    }
  }

  /** Tells waiting citizens their new place when it halved or they became next. */
  private async updatePositions(now: Date): Promise<void> {
    const rows = await this.ctx.db
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
      const queue = this.ctx.config.queues.find((q) => q.id === ticket.queueId);
      if (queue === undefined || (!isOpen(queue, this.ctx.config, now) && ticket.priority !== 'urgent')) continue;
      const last = row.notified_position === null ? null : Number(row.notified_position);
      // The estimate the citizen was given has run out: a new one, once (the next only when it runs out too).
      const told = row.notified_wait === null ? null : Number(row.notified_wait);
      if (told !== null && row.wait_announced_at !== null && now.getTime() - new Date(row.wait_announced_at).getTime() > told * 60_000) {
        const waitMinutes = await this.parts.reads.estimateWait(ticket.queueId, position);
        await this.ctx.db.updateTable('handoff_tickets').set({ notified_position: position, notified_wait: waitMinutes, wait_announced_at: now.toISOString() }).where('id', '=', ticket.id).execute();
        await this.parts.effects.notifyCitizen(ticket.conversationId, { kind: 'text', text: WAIT_EXCEEDED_TEXT[languageOf(ticket)]({ position, waitMinutes }) }, ticket.language, { event: 'wait-exceeded', waitMinutes });
        await this.parts.log.record('wait_exceeded', ticket, SYSTEM, { toldMinutes: told, waitMinutes });
        continue;
      }
      if (last === null) {
        await this.ctx.db.updateTable('handoff_tickets').set({ notified_position: position }).where('id', '=', ticket.id).execute();
        continue;
      }
      const noticeable = (position === 1 && last > 1) || (last >= 4 && position <= Math.floor(last / 2)) || position >= last * 2 + 2;
      if (!noticeable) continue;
      const waitMinutes = await this.parts.reads.estimateWait(ticket.queueId, position);
      await this.ctx.db.updateTable('handoff_tickets').set({ notified_position: position, notified_wait: waitMinutes, wait_announced_at: now.toISOString() }).where('id', '=', ticket.id).execute();
      await this.parts.effects.notifyCitizen(ticket.conversationId, { kind: 'text', text: QUEUE_TEXT[languageOf(ticket)].positionUpdate({ position, waitMinutes }) }, ticket.language, { event: 'position' });
    }
  }

  /**
   * Start-up repair: conversations left in `queued`/`agent` mode without an open ticket (a crash
   * between the turn's commit and the enqueue) get their ticket, from the turn's
   * `handoff.requested` transcript event when there is one.
   */
  async reconcile(options: { readonly olderThanMs?: number } = {}): Promise<number> {
    const { config, deps } = this.ctx;
    // From the timer, leave alone turns whose after-turn hook may still be running. The store
    // stamps rows with the system time, so compare with it, not with a pinned hub clock.
    const waiting = await deps.store.listConversations({
      modes: ['queued', 'agent'],
      ...(options.olderThanMs === undefined ? {} : { updatedBefore: new Date(Date.now() - options.olderThanMs) }),
      limit: 10_000,
    });
    const ticketed = new Set<string>();
    for (let start = 0; start < waiting.length; start += 500) {
      const ids = waiting.slice(start, start + 500).map((c) => c.id);
      const rows = await this.ctx.db.selectFrom('handoff_tickets').select('open_conversation_id').where('open_conversation_id', 'in', ids).execute();
      for (const row of rows) if (row.open_conversation_id !== null) ticketed.add(row.open_conversation_id);
    }
    const orphans = waiting.filter((c) => !ticketed.has(c.id));
    for (const orphan of orphans) {
      const requested = await deps.store.lastTranscriptEntry(orphan.id, 'handoff.requested');
      const data: Readonly<Record<string, unknown>> = requested?.data ?? {};
      const queueId = typeof data.queue === 'string' && config.queues.some((q) => q.id === data.queue) ? data.queue : config.defaultQueue;
      const priority: Priority = data.priority === 'urgent' || data.priority === 'vulnerable' ? data.priority : orphan.urgent ? 'urgent' : 'normal';
      await this.host.enqueue({
        conversationId: orphan.id,
        queueId,
        priority,
        reason: typeof data.reason === 'string' ? data.reason : 'citizen',
        intent: typeof data.intent === 'string' ? data.intent : null,
        language: orphan.language,
        outOfHours: data.outOfHours === true,
      });
      await this.parts.effects.setMode(orphan.id, 'queued', ['agent']);
    }
    if (orphans.length > 0) deps.logger.warn({ count: orphans.length }, 'handoff: re-enqueued conversations without a ticket');
    return orphans.length;
  }
}
