/**
 * The delivery worker: sends what turns and agents put in the durable outbox. Exponential backoff
 * with full jitter, honours the platform's retry-after, dead-letters after `maxAttempts`, and keeps
 * each conversation's replies in order (a failing reply holds back the ones after it).
 */
import type { Logger } from 'pino';
import type { ChannelAdapter } from '../bots/adapter.js';
import { degrade } from '../bots/degrade.js';
import { isHubError } from './errors.js';
import type { HubEvents } from './events.js';
import type { ChannelId } from './message.js';
import type { KyselyStore } from './store/index.js';
import type { OutboxItem } from './store/types.js';

export interface DeliveryPolicy {
  /** Attempts before an item is dead-lettered. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long a leased item is reserved for one send before another worker may take it. */
  readonly leaseMs: number;
  /** Items leased per round. */
  readonly batchSize: number;
  /** How often the worker looks for due retries when nothing wakes it. */
  readonly pollIntervalMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  leaseMs: 60_000,
  batchSize: 100,
  pollIntervalMs: 1_000,
};

/** Backoff for the n-th failed attempt (1-based): full jitter over an exponential cap. */
export function backoffDelay(attempt: number, policy: Pick<DeliveryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads retries of many conversations without ever retrying at once.
  return Math.round(cap / 2 + (random() * cap) / 2);
}

interface Delivered {
  readonly item: OutboxItem;
  readonly outboxId: string;
  readonly channelMessageId: string;
  readonly sentAt: Date;
}

export interface DeliveryWorkerOptions {
  readonly store: KyselyStore;
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

  /**
   * Stops the worker. With `flushMs`, first keeps delivering until nothing is due or the time is up
   * (graceful shutdown sends what it can).
   */
  async stop(flushMs = 0): Promise<void> {
    if (flushMs > 0 && this.running) {
      const deadline = Date.now() + flushMs;
      while (Date.now() < deadline && (await this.deliverOnce()) > 0) {
        // keep going while there was something to send
      }
    }
    this.running = false;
    this.wake?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.loopPromise;
  }

  /** Leases one batch and delivers it; returns how many items were attempted. */
  async deliverOnce(): Promise<number> {
    const { store } = this.options;
    const items = await store.leaseOutbox(this.now(), this.policy.batchSize, this.policy.leaseMs);
    if (items.length === 0) return 0;
    const byConversation = new Map<string, OutboxItem[]>();
    for (const item of items) {
      const list = byConversation.get(item.conversationId) ?? [];
      list.push(item);
      byConversation.set(item.conversationId, list);
    }
    const unreachable = await store.unreachableAmong([...byConversation.keys()]);
    const sent: Delivered[] = [];
    try {
      await Promise.all([...byConversation.values()].map((list) => this.deliverInOrder(list, unreachable, sent)));
    } finally {
      // One commit for the round: the sends already happened, so record them even if a sibling threw.
      await store.markOutboxSentMany(sent);
      for (const delivered of sent) this.emit(delivered.item, 'sent');
    }
    return items.length;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let attempted = 0;
      try {
        this.kicked = false;
        attempted = await this.deliverOnce();
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox round failed; retrying shortly');
      }
      if (!this.running) break;
      if (attempted > 0 || this.kicked) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.policy.pollIntervalMs);
      });
      this.wake = undefined;
      if (this.timer !== undefined) clearTimeout(this.timer);
    }
  }

  private async deliverInOrder(items: readonly OutboxItem[], unreachable: ReadonlySet<string>, sent: Delivered[]): Promise<void> {
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index];
      if (item === undefined) continue;
      const retryAt = await this.deliver(item, unreachable, sent);
      if (retryAt !== undefined) {
        // Keep order: the rest of this conversation waits for the failed one.
        await this.options.store.releaseOutbox(
          items.slice(index + 1).map((rest) => rest.id),
          retryAt,
        );
        return;
      }
    }
  }

  /** Sends one item; returns when to retry it, or undefined when it is settled (sent or dead). */
  private async deliver(item: OutboxItem, unreachable: ReadonlySet<string>, sent: Delivered[]): Promise<Date | undefined> {
    const { store, adapters, logger } = this.options;
    if (unreachable.has(item.conversationId)) {
      await store.markOutboxDead(item.id, 'the citizen is unreachable on this channel (blocked the bot or left)');
      this.emit(item, 'dead');
      return undefined;
    }
    const adapter = adapters.get(item.channel);
    try {
      if (adapter === undefined) throw new Error(`channel ${item.channel} is not configured in this instance`);
      let lastId = '';
      const capabilities = adapter.capabilitiesFor?.(item.recipient) ?? adapter.capabilities;
      for (const part of degrade(item.message, capabilities)) {
        lastId = (await adapter.send(item.recipient, part)).id;
      }
      sent.push({ item, outboxId: item.id, channelMessageId: lastId, sentAt: this.now() });
      return undefined;
    } catch (error) {
      const attempt = item.attempts + 1;
      const reason = error instanceof Error ? error.message : String(error);
      const permanent = isHubError(error) && !error.retryable;
      if (permanent || attempt >= this.policy.maxAttempts) {
        await store.markOutboxDead(item.id, reason);
        logger.warn({ outboxId: item.id, channel: item.channel, attempt, permanent }, 'outbox item dead-lettered');
        this.emit(item, 'dead');
        // A permanent failure of one item does not block the conversation's next replies.
        return undefined;
      }
      const retryAfter = isHubError(error) ? error.retryAfterMs : undefined;
      const delay = retryAfter ?? backoffDelay(attempt, this.policy);
      const retryAt = new Date(this.now().getTime() + delay);
      await store.markOutboxRetry(item.id, retryAt, reason);
      logger.info({ outboxId: item.id, channel: item.channel, attempt, delayMs: delay }, 'outbox send failed; will retry');
      this.emit(item, 'retry');
      return retryAt;
    }
  }

  private emit(item: OutboxItem, outcome: 'sent' | 'retry' | 'dead'): void {
    if (this.options.events.listenerCount('delivery') > 0) this.options.events.emit('delivery', { item, outcome });
  }
}
