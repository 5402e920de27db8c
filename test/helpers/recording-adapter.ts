/**
 * A channel adapter that records what it is asked to send and can be told to fail, standing in
 * for a platform API in core tests.
 */
import type { ChannelAdapter, ChannelCapabilities } from '../../src/core/channel-port.js';
import { channelHttpError } from '../../src/core/errors.js';
import type { ChannelId, OutboundMessage, Recipient } from '../../src/core/message.js';

export interface SentMessage {
  readonly to: Recipient;
  readonly message: OutboundMessage;
  readonly at: number;
}

export type Failure = { readonly status: number; readonly retryAfterMs?: number } | { readonly hang: true };

export class RecordingAdapter implements ChannelAdapter {
  readonly sent: SentMessage[] = [];
  readonly attempts: { at: number; ok: boolean }[] = [];
  /** Failures to serve before succeeding, in order. */
  failures: Failure[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(
    readonly channel: ChannelId = 'webchat',
    readonly capabilities: ChannelCapabilities = { choices: true, attachments: true, maxTextLength: 4000, markup: 'none' },
  ) {}

  async send(to: Recipient, message: OutboundMessage): Promise<{ id: string }> {
    const failure = this.failures.shift();
    if (failure !== undefined) {
      this.attempts.push({ at: Date.now(), ok: false });
      if ('hang' in failure) throw channelHttpError(this.channel, 0, 'timeout');
      throw channelHttpError(this.channel, failure.status, 'simulated', failure.retryAfterMs);
    }
    this.attempts.push({ at: Date.now(), ok: true });
    this.sent.push({ to, message, at: Date.now() });
    for (const waiter of this.waiters.filter((w) => this.sent.length >= w.count)) waiter.resolve();
    this.waiters = this.waiters.filter((w) => this.sent.length < w.count);
    return { id: `sent-${this.sent.length}` };
  }

  /** Resolves once at least `count` messages were sent (rejects after `timeoutMs`). */
  waitForSent(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.sent.length} of ${count} messages sent`)), timeoutMs);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  texts(): string[] {
    return this.sent.map((s) => (s.message.kind === 'attachment' ? s.message.url : s.message.text));
  }
}
