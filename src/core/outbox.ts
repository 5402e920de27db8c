/**
 * The delivery worker: sends what turns and agents put in the durable outbox. Exponential backoff
 * with full jitter, honours the platform's retry-after, dead-letters after `maxAttempts`, and keeps
 * each conversation's replies in order (a failing reply holds back the ones after it, and only
 * those: conversations are delivered independently, so one slow chat delays nobody else).
 *
 * Each send is recorded as soon as the platform accepted it (marks completed in the same tick
 * share one transaction), and each accepted part of a split reply before the next part is sent:
 * a crash re-sends at most the one message that was in flight.
 */
import type { Logger } from 'pino';
import type { ChannelAdapter } from './channel-port.js';
import { degrade } from './degrade.js';
import { CHANNEL_NOT_CONFIGURED, deliveryFailureOf, type DeliveryFailure } from './delivery-failure.js';
import { HubError, isHubError } from './errors.js';
import type { DeliveryOutcome, HubEvents } from './events.js';
import type { ChannelId } from './message.js';
import type { Store } from './store/index.js';
import type { OutboxItem } from './store/types.js';

export interface DeliveryPolicy {
  /** Attempts before an item is dead-lettered. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long a leased item is reserved for one send before another worker may take it. */
  readonly leaseMs: number;
  /** Items in flight at most (leased and not yet settled), across all conversations. */
  readonly batchSize: number;
  /** How often the worker looks for due retries when nothing wakes it. */
  readonly pollIntervalMs: number;
  /**
   * How long a round waits for its slowest send before leasing more. Fast sends finish within it
   * and are leased and recorded in batches; a slower one (a chat whose API hangs) finishes on its
   * own, so it delays other conversations by this much at most, not by its request timeout.
   */
  readonly roundWaitMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  leaseMs: 60_000,
  batchSize: 100,
  pollIntervalMs: 1_000,
  roundWaitMs: 200,
};

/** Backoff for the n-th failed attempt (1-based): full jitter over an exponential cap. */
export function backoffDelay(attempt: number, policy: Pick<DeliveryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads retries of many conversations without ever retrying at once.
  return Math.round(cap / 2 + (random() * cap) / 2);
}

interface Delivered {
  readonly outboxId: string;
  readonly channelMessageId: string;
  readonly sentAt: Date;
}

export interface DeliveryWorkerOptions {
  readonly store: Store;
  readonly adapters: ReadonlyMap<ChannelId, ChannelAdapter>;
  readonly events: HubEvents;
  readonly logger: Logger;
  readonly policy?: Partial<DeliveryPolicy>;
}

/** Delivers outbox items; one instance per process (several processes share the work on PostgreSQL). */
export class DeliveryWorker {
  private readonly options: DeliveryWorkerOptions;
  readonly policy: DeliveryPolicy;
  private running = false;
  private loopPromise: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private timer: NodeJS.Timeout | undefined;
  /** Items leased and not yet settled (sent, retried, held or dead). */
  private inFlight = 0;
  /** Running conversation chains: stop() waits for them. */
  private readonly chains = new Set<Promise<void>>();
  private marks: { readonly delivered: Delivered; readonly done: { resolve: () => void; reject: (error: unknown) => void } }[] = [];
  private marksScheduled = false;
  private kickScheduled = false;

  constructor(options: DeliveryWorkerOptions) {
    this.options = options;
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
  }

  private now(): Date {
    // Delivery timing always follows the real clock: VENTANILLA_NOW only changes what answers say.
    return new Date();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopPromise = this.loop();
  }

  /** Wakes the worker now (a turn just committed replies). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Wakes the worker once for all the chains that finish in this tick (one lease, not one each). */
  private kickSoon(): void {
    if (this.kickScheduled || !this.running) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      if (this.running) this.kick();
    });
  }

  /**
   * Stops the worker. With `flushMs`, first keeps delivering until nothing is due or the time is up
   * (graceful shutdown sends what it can). Sends already under way are always awaited (each is
   * bounded by its channel's request timeout), so nothing is recorded after the store closes.
   */
  async stop(flushMs = 0): Promise<void> {
    const flush = flushMs > 0 && this.running;
    this.running = false;
    this.wake?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.loopPromise;
    if (flush) {
      const deadline = Date.now() + flushMs;
      await this.settled();
      while (Date.now() < deadline && (await this.deliverOnce()) > 0) {
        // keep going while there was something to send
      }
    }
    await this.settled();
  }

  /** Resolves when `round` settles or `ms` have passed, whichever comes first. */
  private async untilSettledOr(round: Promise<unknown>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([round, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Resolves when no chain is running. */
  private async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains]);
  }

  /**
   * Leases one batch and delivers it, waiting until every item in it is settled; returns how many
   * items were attempted. For callers that drive delivery themselves (`ventanilla chat`, tests).
   */
  async deliverOnce(): Promise<number> {
    const items = await this.lease(this.policy.batchSize);
    if (items.length === 0) return 0;
    await Promise.all(this.dispatch(items));
    return items.length;
  }

  private lease(limit: number): Promise<OutboxItem[]> {
    return this.options.store.leaseOutbox(this.now(), limit, this.policy.leaseMs);
  }

  /** Starts one ordered chain per conversation; returns their promises (they never reject). */
  private dispatch(items: readonly OutboxItem[]): Promise<void>[] {
    const byConversation = new Map<string, OutboxItem[]>();
    for (const item of items) {
      const list = byConversation.get(item.conversationId) ?? [];
      list.push(item);
      byConversation.set(item.conversationId, list);
    }
    this.inFlight += items.length;
    const unreachable = this.options.store.unreachableAmong([...byConversation.keys()]);
    return [...byConversation.values()].map((list) => {
      let remaining = list.length;
      const chain = unreachable
        .then((set) =>
          this.deliverInOrder(list, set, () => {
            remaining -= 1;
            this.inFlight -= 1;
          }),
        )
        .catch((error: unknown) => {
          // A store error mid-chain: what was not settled stays leased and is retried when the lease expires.
          this.options.logger.error({ err: error, conversationId: list[0]?.conversationId }, 'outbox delivery failed; the lease will expire and it is retried');
        })
        .finally(() => {
          this.inFlight -= remaining;
          this.chains.delete(chain);
          // Room for more, and this conversation's next replies may be due now.
          this.kickSoon();
        });
      this.chains.add(chain);
      return chain;
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let leased = 0;
      try {
        this.kicked = false;
        const room = this.policy.batchSize - this.inFlight;
        if (room > 0) {
          const items = await this.lease(room);
          leased = items.length;
          // Chains run on their own: the next round does not wait for a slow send to finish.
          if (leased > 0) await this.untilSettledOr(Promise.all(this.dispatch(items)), this.policy.roundWaitMs);
        }
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox round failed; retrying shortly');
      }
      if (!this.running) break;
      if (leased > 0 || this.kicked) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.policy.pollIntervalMs);
      });
      this.wake = undefined;
      if (this.timer !== undefined) clearTimeout(this.timer);
    }
  }

  private async deliverInOrder(items: readonly OutboxItem[], unreachable: ReadonlySet<string>, settle: () => void): Promise<void> {
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index];
      if (item === undefined) continue;
      const retryAt = await this.deliver(item, unreachable);
      settle();
      if (retryAt !== undefined) {
        // Keep order: the rest of this conversation waits for the failed one.
        const rest = items.slice(index + 1);
        await this.options.store.releaseOutbox(
          rest.map((later) => later.id),
          retryAt,
        );
        for (let skipped = 0; skipped < rest.length; skipped += 1) settle();
        return;
      }
    }
  }

  /**
   * Records a delivered item. Marks that complete in the same tick share one transaction; the
   * caller continues (with its conversation's next reply) only once its mark is durable.
   */
  private markSent(delivered: Delivered): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.marks.push({ delivered, done: { resolve, reject } });
      if (this.marksScheduled) return;
      this.marksScheduled = true;
      setImmediate(() => {
        this.marksScheduled = false;
        const batch = this.marks;
        this.marks = [];
        this.options.store.markOutboxSentMany(batch.map((mark) => mark.delivered)).then(
          () => {
            for (const mark of batch) mark.done.resolve();
          },
          (error: unknown) => {
            for (const mark of batch) mark.done.reject(error);
          },
        );
      });
    });
  }

  /** Sends one item; returns when to retry it, or undefined when it is settled (sent, held or dead). */
  private async deliver(item: OutboxItem, unreachable: ReadonlySet<string>): Promise<Date | undefined> {
    const { store, adapters } = this.options;
    const attemptStartedAt = this.now();
    if (unreachable.has(item.conversationId)) {
      const failure: DeliveryFailure = { kind: 'unreachable-citizen', detail: 'the citizen is unreachable on this channel (blocked the bot or left)' };
      await store.markOutboxDead(item.id, failure.detail, failure);
      this.emit(item, 'dead', failure);
      return undefined;
    }
    const adapter = adapters.get(item.channel);
    let channelMessageId = item.channelMessageId ?? '';
    try {
      if (adapter === undefined) {
        throw new HubError('HUB_ERR_CHANNEL_RETRYABLE', `channel ${item.channel} is not configured in this instance`, { details: { reason: CHANNEL_NOT_CONFIGURED } });
      }
      const capabilities = adapter.capabilitiesFor?.(item.recipient) ?? adapter.capabilities;
      const parts = degrade(item.message, capabilities);
      // Parts the platform accepted on an earlier attempt are not sent again.
      for (let index = item.partsSent; index < parts.length; index += 1) {
        const part = parts[index];
        if (part === undefined) continue;
        channelMessageId = (await adapter.send(item.recipient, part, { outboxId: item.id, part: index, parts: parts.length })).id;
        if (index < parts.length - 1) await store.markOutboxPartsSent(item.id, index + 1, channelMessageId);
      }
    } catch (error) {
      return this.failed(item, error, adapter, attemptStartedAt);
    }
    await this.markSent({ outboxId: item.id, channelMessageId, sentAt: this.now() });
    this.emit(item, 'sent');
    return undefined;
  }

  /** Decides what a failed send becomes: held for the citizen's answer, a retry, or a dead letter. */
  private async failed(item: OutboxItem, error: unknown, adapter: ChannelAdapter | undefined, attemptStartedAt: Date): Promise<Date | undefined> {
    const failure = deliveryFailureOf(error);
    if (failure.kind === 'window-closed' && adapter?.reopen !== undefined) return this.holdForReopen(item, adapter, failure, attemptStartedAt);
    return this.retryOrDie(item, error, failure);
  }

  private async retryOrDie(item: OutboxItem, error: unknown, failure: DeliveryFailure): Promise<Date | undefined> {
    const { store, logger } = this.options;
    const attempt = item.attempts + 1;
    const permanent = isHubError(error) && !error.retryable;
    if (permanent || attempt >= this.policy.maxAttempts) {
      await store.markOutboxDead(item.id, failure.detail, failure);
      logger.warn({ outboxId: item.id, channel: item.channel, attempt, permanent, failure: failure.kind, status: failure.status }, 'outbox item dead-lettered');
      this.emit(item, 'dead', failure);
      // A permanent failure of one item does not block the conversation's next replies.
      return undefined;
    }
    const retryAfter = isHubError(error) ? error.retryAfterMs : undefined;
    const delay = retryAfter ?? backoffDelay(attempt, this.policy);
    const retryAt = new Date(this.now().getTime() + delay);
    await store.markOutboxRetry(item.id, retryAt, failure.detail, failure);
    logger.info({ outboxId: item.id, channel: item.channel, attempt, delayMs: delay, failure: failure.kind, status: failure.status }, 'outbox send failed; will retry');
    this.emit(item, 'retry', failure);
    return retryAt;
  }

  /**
   * Outside the reply window: invites the citizen back (once per wait: not when replies are
   * already held) and holds the reply until they write. If the invitation itself fails, the
   * reply is retried or dead-lettered like any failed send, with that reason.
   */
  private async holdForReopen(item: OutboxItem, adapter: ChannelAdapter, failure: DeliveryFailure, attemptStartedAt: Date): Promise<Date | undefined> {
    const { store, logger } = this.options;
    const waiting = await store.firstHeldOutbox(item.conversationId);
    // Already waiting: the invitation went out with the first held reply.
    let held: DeliveryFailure = waiting?.failure?.reopenSentAt === undefined ? failure : { ...failure, reopenSentAt: waiting.failure.reopenSentAt };
    if (waiting === undefined) {
      try {
        await adapter.reopen?.(item.recipient);
        held = { ...failure, reopenSentAt: this.now().toISOString() };
        logger.info({ outboxId: item.id, channel: item.channel }, 'reply window closed: invitation to reopen sent, reply held');
      } catch (reopenError) {
        const cause = deliveryFailureOf(reopenError);
        const reopenFailure: DeliveryFailure = { ...cause, kind: 'reopen-failed', detail: `outside the reply window, and the invitation to reopen it failed: ${cause.detail}` };
        return this.retryOrDie(item, reopenError, reopenFailure);
      }
    }
    const outcome = await store.holdOutbox(item.id, held, attemptStartedAt);
    if (outcome === 'released') return this.now();
    this.emit(item, 'held', held);
    return undefined;
  }

  private emit(item: OutboxItem, outcome: DeliveryOutcome, failure?: DeliveryFailure): void {
    const { events } = this.options;
    if (outcome === 'dead' && failure !== undefined) {
      // People must hear about a reply that will never arrive: consoles and monitoring listen for alerts.
      events.emit('custom', {
        type: 'alert.delivery_failed',
        conversationId: item.conversationId,
        data: { outboxId: item.id, channel: item.channel, failure: failure.kind, ...(failure.status === undefined ? {} : { status: failure.status }), detail: failure.detail },
      });
    }
    if (events.listenerCount('delivery') > 0) events.emit('delivery', { item, outcome, ...(failure === undefined ? {} : { failure }) });
  }
}
