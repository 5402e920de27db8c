/**
 * The agents' live feed (Server-Sent Events). It tails `handoff_events` by sequence number, so
 * every instance's consoles see every instance's transitions; a local `handoff.*` hub event only
 * wakes the tail at once (no waiting for the poll). Committed `transcript` hub events of
 * conversations with an open ticket are forwarded too, for the live transcript, and so are
 * `delivery` outcomes (sent, retry, held, dead) of their replies. A reply that is held or
 * dead-lettered in a conversation that was passed to a person is also recorded as a handoff
 * event (`delivery_held`, `delivery_failed`), so consoles of every instance hear of it.
 * Each subscriber receives only what its user may see. Supervisors (and admins) also receive a
 * `max-wait` event when a queued chat passes its queue's maximum wait (the timer's `sla_breached`),
 * for the console's alert banner.
 */
import { transcriptItem, type TranscriptItem } from './transcript-view.js';
import { RESYNC_EVENT, type HubEvents, type HubEventMap } from '../../core/events.js';
import type { TranscriptEntry } from '../../core/store/types.js';
import type { HandoffEvent, HandoffLogger, HandoffQueue } from '../queue.js';
import { seesAllQueues, type User } from '../../accounts/users.js';

export interface FeedSubscriber {
  readonly user: User;
  send(event: string, data: unknown, id?: number): void;
}

/** What a console receives for a transcript entry: the same view as the REST API. */
export type FeedTranscriptEntry = TranscriptItem;

export function visibleTo(user: User, event: Pick<HandoffEvent, 'queueId' | 'agentId' | 'type' | 'data'>): boolean {
  if (seesAllQueues(user)) return true;
  if (event.agentId === user.id) return true;
  if (event.data.from === user.id || event.data.fromAgent === user.id) return true;
  if (event.type === 'presence') return false;
  return event.queueId !== null && user.queues.includes(event.queueId);
}

/** What a supervisor's console receives when a chat passes its queue's maximum wait. */
export interface MaxWaitAlert {
  readonly conversationId: string | null;
  readonly ticketId: string | null;
  readonly queueId: string | null;
  readonly waitedMinutes: number | null;
  readonly maxWaitMinutes: number | null;
}

function maxWaitAlert(event: HandoffEvent): MaxWaitAlert {
  const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  return { conversationId: event.conversationId, ticketId: event.ticketId, queueId: event.queueId, waitedMinutes: number(event.data.waitedMinutes), maxWaitMinutes: number(event.data.maxWaitMinutes) };
}

export class ConsoleFeed {
  private readonly subscribers = new Set<FeedSubscriber>();
  private lastSeq = 0;
  private polling: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private readonly onCustom = (event: HubEventMap['custom'][0]): void => {
    // A resync: the cross-instance relay reconnected, another instance's transitions may be unread.
    if (event.type.startsWith('handoff.') || event.type === RESYNC_EVENT) this.wake();
  };
  private readonly onTranscript = (event: HubEventMap['transcript'][0]): void => {
    if (this.subscribers.size === 0) return;
    void this.forwardTranscript(event.conversationId, event.entry).catch((error: unknown) => this.logger.error({ err: error }, 'handoff feed: transcript forward failed'));
  };
  private readonly onDelivery = (event: HubEventMap['delivery'][0]): void => {
    if (this.subscribers.size === 0 && event.outcome !== 'dead' && event.outcome !== 'held') return;
    void this.forwardDelivery(event).catch((error: unknown) => this.logger.error({ err: error }, 'handoff feed: delivery forward failed'));
  };

  constructor(
    private readonly queue: HandoffQueue,
    private readonly events: HubEvents,
    private readonly logger: HandoffLogger,
    private readonly pollMs = 1000,
  ) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.lastSeq = await this.queue.lastEventSeq();
    this.events.on('custom', this.onCustom);
    this.events.on('transcript', this.onTranscript);
    this.events.on('delivery', this.onDelivery);
    this.timer = setInterval(() => {
      if (this.subscribers.size > 0) this.wake();
    }, this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.events.off('custom', this.onCustom);
    this.events.off('transcript', this.onTranscript);
    this.events.off('delivery', this.onDelivery);
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    this.subscribers.clear();
  }

  subscribe(subscriber: FeedSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Reads new events now (coalesced: one read at a time, one more if woken meanwhile). */
  wake(): void {
    if (!this.started) return;
    if (this.polling !== undefined) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch((error: unknown) => this.logger.error({ err: error }, 'handoff feed: poll failed'))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async poll(): Promise<void> {
    for (;;) {
      const events = await this.queue.eventsAfter(this.lastSeq, 500);
      if (events.length === 0) return;
      for (const event of events) {
        this.lastSeq = Math.max(this.lastSeq, event.seq);
        for (const subscriber of this.subscribers) {
          if (visibleTo(subscriber.user, event)) subscriber.send('handoff', event, event.seq);
          if (event.type === 'sla_breached' && seesAllQueues(subscriber.user)) subscriber.send('max-wait', maxWaitAlert(event));
        }
      }
      if (events.length < 500) return;
    }
  }

  private async forwardDelivery(event: HubEventMap['delivery'][0]): Promise<void> {
    const { item, outcome, failure } = event;
    const problem = outcome === 'dead' || outcome === 'held';
    // A failure is worth recording even after the close; progress only matters while a person is on it.
    const ticket = problem ? await this.queue.currentTicket(item.conversationId) : await this.queue.openTicket(item.conversationId);
    if (ticket === undefined) return;
    if (problem) {
      // The instance that delivered records it; here the stored record reaches consoles through the tail.
      if (event.relayed === true) return;
      // Stored, so the consoles of every instance see it (the tail broadcasts it).
      await this.queue.record(outcome === 'dead' ? 'delivery_failed' : 'delivery_held', ticket, 'system', { outboxId: item.id, failure: failure?.kind ?? null });
      return;
    }
    const data = { conversationId: item.conversationId, outboxId: item.id, outcome };
    for (const subscriber of this.subscribers) {
      if (this.queue.canSee(subscriber.user, ticket)) subscriber.send('delivery', data);
    }
  }

  private async forwardTranscript(conversationId: string, entry: TranscriptEntry): Promise<void> {
    const ticket = await this.queue.openTicket(conversationId);
    if (ticket === undefined) return;
    const data: FeedTranscriptEntry & { conversationId: string } = { conversationId, ...transcriptItem(entry) };
    for (const subscriber of this.subscribers) {
      if (this.queue.canSee(subscriber.user, ticket)) subscriber.send('transcript', data);
    }
  }
}
