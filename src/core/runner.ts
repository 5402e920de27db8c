/**
 * The conversation runner: the inbound sink every channel feeds, and the loop that runs one turn
 * at a time per conversation. Order of a turn: store (before the channel's 200) → pipeline →
 * one transaction with the replies (outbox), the transcript and the "processed" mark → events.
 */
import type { Logger } from 'pino';
import type { HubEvents } from './events.js';
import type { HandoffPort } from './handoff-port.js';
import { isHubError } from './errors.js';
import type { InboundMessage } from './message.js';
import { compose, createTurnContext, type Middleware, type TurnContext } from './pipeline.js';
import type { Store } from './store/index.js';
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationPatch, StoredInbound } from './store/types.js';
import { BOT_TURN_ENDED, BOT_TURN_STARTED } from './typing.js';
import { answerSilentTurn, endsSilent, TURN_ERROR_APOLOGY, turnLanguage } from './turn-fallbacks.js';

/** The turn's patch without fields that would not change anything (saves a write per turn). */
function effectivePatch(ctx: TurnContext): ConversationPatch | undefined {
  const { patch, conversation } = ctx;
  const changed: { -readonly [K in keyof ConversationPatch]: ConversationPatch[K] } = {};
  if (patch.mode !== undefined && patch.mode !== conversation.mode) changed.mode = patch.mode;
  if (patch.language !== undefined && patch.language !== conversation.language) changed.language = patch.language;
  if (patch.urgent !== undefined && patch.urgent !== conversation.urgent) changed.urgent = patch.urgent;
  if (patch.unreachable !== undefined && patch.unreachable !== conversation.unreachable) changed.unreachable = patch.unreachable;
  if (patch.state !== undefined && JSON.stringify(patch.state) !== JSON.stringify(conversation.state)) changed.state = patch.state;
  return Object.keys(changed).length === 0 ? undefined : changed;
}

export interface TurnRunnerOptions {
  readonly store: Store;
  /** Steps after the safety net and the handoff `mode` step: language, NLU, answer. */
  readonly safety: Middleware;
  readonly understand: readonly Middleware[];
  /** Steps before the safety net (citizen feedback: a 👎 is recorded whoever holds the chat). */
  readonly first?: readonly Middleware[];
  readonly handoff: HandoffPort;
  readonly events: HubEvents;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** Called after each committed turn that produced replies (wakes the delivery worker). */
  readonly onReplies?: () => void;
  /**
   * Turns running at once (default 32). Intake never waits for this: a stored message is
   * acknowledged at once and its turn queues, so a burst is absorbed at store speed and
   * processed at NLU speed, instead of slowing every platform's webhook.
   */
  readonly maxConcurrentTurns?: number;
  /**
   * PostgreSQL: how long an instance's ownership of a conversation lasts without renewal (default
   * 10 s). An instance that dies loses its conversations to the others after at most this long.
   */
  readonly leaseMs?: number;
  /** PostgreSQL: how often to look for conversations whose owner died (default 500 ms). */
  readonly sweepMs?: number;
}

/**
 * Turn counts since the runner was built, for a metrics endpoint. A silent turn is a bot turn the
 * pipeline left without a reply or a handoff (the runner sent the fallback); a failed turn threw.
 */
export interface TurnCounters {
  readonly turns: number;
  readonly silentTurns: number;
  readonly failedTurns: number;
}

/** Why the runner spoke for the pipeline in a turn; raised as an alert once the turn commits. */
interface TurnAlert {
  readonly type: 'alert.turn_error' | 'alert.silent_turn';
  readonly data: Readonly<Record<string, unknown>>;
}

export interface AcceptResult {
  readonly duplicate: boolean;
  readonly conversationId: string;
  readonly inboundId: string;
}

/**
 * Turns stored inbound messages into committed replies. Implements the channels' `InboundSink`.
 * Guarantees: a message is stored before `accept` resolves; each stored message gets exactly one
 * committed turn (a resumed or duplicated turn is a no-op); turns of one conversation run in order;
 * every turn of a conversation the bot owns ends with at least one reply or a handoff (when the
 * pipeline left it silent, the runner sends `SILENT_TURN_FALLBACK` and raises
 * `alert.silent_turn`); a turn that throws gets an apology and `alert.turn_error`.
 */
export class TurnRunner {
  private readonly options: TurnRunnerOptions;
  private readonly pipeline: Middleware;
  private readonly running = new Set<Promise<void>>();
  private readonly turnPromises = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private readonly maxConcurrent: number;
  private accepting = true;
  private readonly counts = { turns: 0, silentTurns: 0, failedTurns: 0 };
  /** PostgreSQL: turns run under a lease on the conversation instead of the in-process lock. */
  private readonly leased: boolean;
  /** This instance's name on the leases it takes. */
  readonly leaseOwner = `turn:${randomUUID()}`;
  private readonly leaseMs: number;
  private readonly sweepMs: number;
  /** Conversations this instance is draining (PostgreSQL), and those asked again meanwhile. */
  private readonly drains = new Map<string, Promise<void>>();
  private readonly drainAgain = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(options: TurnRunnerOptions) {
    this.options = options;
    this.pipeline = compose([...(options.first ?? []), options.safety, options.handoff.mode, ...options.understand]);
    this.maxConcurrent = Math.max(1, options.maxConcurrentTurns ?? 32);
    this.leased = options.store.dialect === 'postgres';
    this.leaseMs = Math.max(100, options.leaseMs ?? 10_000);
    this.sweepMs = Math.max(10, options.sweepMs ?? 500);
  }

  /** A snapshot of the turn counters. */
  get counters(): TurnCounters {
    return { ...this.counts };
  }

  /** Whether a turn is running or waiting for a slot: background work (the retention purge) yields to it. */
  get busy(): boolean {
    return this.active > 0 || this.waiting.length > 0;
  }

  /** Resolves when a turn slot is free. Slots are handed out in arrival order. */
  private async slot(): Promise<void> {
    if (this.active < this.maxConcurrent && this.waiting.length === 0) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.active -= 1;
      return;
    }
    // Hand the slot over on the next loop turn, after pending I/O: new webhooks are acknowledged first.
    setImmediate(next);
  }

  /**
   * Stores the message; resolves once it is durable and schedules its turn. Nothing else happens
   * before it resolves (the channel acknowledges then): the turn runs later, in a slot.
   */
  async accept(message: InboundMessage): Promise<AcceptResult> {
    const { inbound, conversation, duplicate, entry } = await this.options.store.ingest(message);
    if (!duplicate) {
      // The entry as the ingest wrote it: no listener reads it back.
      if (entry !== undefined) this.options.events.emit('transcript', { conversationId: conversation.id, entry });
      if (this.accepting) {
        if (this.leased) void this.requestDrain(conversation.id);
        else this.schedule(inbound);
      }
    }
    return { duplicate, conversationId: conversation.id, inboundId: inbound.id };
  }

  /**
   * Like `accept`, but resolves after the turn is committed (terminal channel, tests). On
   * PostgreSQL the turn may run on another instance (the one holding the conversation's lease).
   */
  async acceptAndWait(message: InboundMessage): Promise<AcceptResult> {
    const result = await this.accept(message);
    if (!this.leased) {
      await this.turnPromises.get(result.inboundId);
      return result;
    }
    if (result.duplicate) return result;
    await this.drains.get(result.conversationId);
    const deadline = Date.now() + 3 * this.leaseMs;
    while ((await this.options.store.getInbound(result.inboundId))?.status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return result;
  }

  /**
   * Schedules every stored but unprocessed message (after a crash or restart), oldest first, and
   * resolves once they are processed. On PostgreSQL: the conversations no live instance owns, and
   * from then on a periodic sweep takes over those whose owner dies (until {@link drain}).
   */
  async resumePending(): Promise<number> {
    if (this.leased) {
      this.startLeaseTimers();
      return this.sweep();
    }
    let resumed = 0;
    for (;;) {
      const pending = (await this.options.store.listPendingInbound(500)).filter((p) => !this.turnPromises.has(p.id));
      if (pending.length === 0) return resumed;
      for (const inbound of pending) this.schedule(inbound);
      resumed += pending.length;
      await Promise.all(pending.map((p) => this.turnPromises.get(p.id)));
    }
  }

  /**
   * Stops scheduling new turns and waits for the running ones (graceful shutdown). On PostgreSQL
   * a conversation with messages still pending is given back at once, for another instance.
   */
  async drain(): Promise<void> {
    this.accepting = false;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    if (this.renewTimer !== undefined) clearInterval(this.renewTimer);
  }

  // ── PostgreSQL: turns under a lease on the conversation ──

  private startLeaseTimers(): void {
    if (this.sweepTimer !== undefined || !this.accepting) return;
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepMs);
    // Renewed well before expiry, so a long turn (a slow NLU, a handoff) keeps its conversation.
    this.renewTimer = setInterval(() => {
      if (this.drains.size === 0) return;
      this.options.store.renewLeases(this.leaseOwner, [...this.drains.keys()], this.leaseMs).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'turn leases could not be renewed');
      });
    }, Math.max(10, Math.floor(this.leaseMs / 3)));
    this.sweepTimer.unref();
    this.renewTimer.unref();
  }

  /** Drains every conversation with pending messages and no live owner; resolves how many it took. */
  private async sweep(): Promise<number> {
    if (this.sweeping || !this.accepting) return 0;
    this.sweeping = true;
    try {
      const free = (await this.options.store.claimableConversations(200)).filter((id) => !this.drains.has(id));
      await Promise.all(free.map((id) => this.requestDrain(id)));
      return free.length;
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not look for conversations to take over');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  /** Runs the conversation's pending turns here unless another instance holds its lease. */
  private requestDrain(conversationId: string): Promise<void> {
    const current = this.drains.get(conversationId);
    if (current !== undefined) {
      // Its loop may be past its last claim: run once more after it.
      this.drainAgain.add(conversationId);
      return current;
    }
    const drain = this.drainConversation(conversationId)
      .catch((error: unknown) => {
        // The message stays pending; the lease expires and a sweep (here or elsewhere) retries it.
        this.options.logger.error({ err: error, conversationId }, 'turn could not be committed');
      })
      .finally(() => {
        this.running.delete(drain);
        this.drains.delete(conversationId);
        if (this.drainAgain.delete(conversationId) && this.accepting) void this.requestDrain(conversationId);
      });
    this.running.add(drain);
    this.drains.set(conversationId, drain);
    return drain;
  }

  /**
   * Claims the conversation and runs its pending messages one turn at a time, oldest first, until
   * a commit says none is left (that commit gave the lease back). Ends at once when another
   * instance holds the lease: its commits see this instance's messages and it runs them.
   */
  private async drainConversation(conversationId: string): Promise<void> {
    const { store } = this.options;
    for (let unseen = 0; ; ) {
      await this.slot();
      let pending: number;
      try {
        // Taken once a slot is free: a lease is never held by a turn that is only waiting.
        const claim = await store.claimTurn(conversationId, this.leaseOwner, this.leaseMs);
        if (claim === undefined) return;
        if (claim.inbound === undefined) {
          // Counted but not visible to the claim's snapshot yet (stored that very moment): claim again.
          unseen += 1;
          if (unseen >= 3) {
            this.options.logger.warn({ conversationId }, 'pending count with no pending message: counter repaired');
            await store.repairPending(conversationId, this.leaseOwner);
            return;
          }
          continue;
        }
        unseen = 0;
        pending = await this.runTurn(claim.inbound, claim.conversation);
      } finally {
        this.release();
      }
      if (pending === 0) return;
      if (pending < 0) {
        // Whoever committed it owns the conversation now, or nobody does: give back what may be ours and ask again.
        await store.releaseLease(conversationId, this.leaseOwner);
        continue;
      }
      if (!this.accepting) {
        await store.releaseLease(conversationId, this.leaseOwner);
        return;
      }
    }
  }

  private schedule(inbound: StoredInbound): void {
    const existing = this.turnPromises.get(inbound.id);
    if (existing !== undefined) return;
    // The conversation lock is queued at once (arrival order per conversation); the slot only
    // bounds how many turns do work at the same time.
    const turn = this.options.store
      .withConversationLock(inbound.conversationId, async () => {
        await this.slot();
        try {
          await this.runStoredTurn(inbound);
        } finally {
          this.release();
        }
      })
      .catch((error: unknown) => {
        // The turn stays pending in the store and is resumed at the next start.
        this.options.logger.error({ err: error, inboundId: inbound.id }, 'turn could not be committed');
      })
      .finally(() => {
        this.running.delete(turn);
        this.turnPromises.delete(inbound.id);
      });
    this.running.add(turn);
    this.turnPromises.set(inbound.id, turn);
  }

  /** SQLite: the turn of one stored message, under the in-process conversation lock. */
  private async runStoredTurn(inbound: StoredInbound): Promise<void> {
    // Read under the lock: an earlier turn may have changed the mode or language.
    const conversation = await this.options.store.getConversation(inbound.conversationId);
    if (conversation === undefined) return;
    await this.runTurn(inbound, conversation);
  }

  /**
   * Runs and commits one turn; resolves how many messages of the conversation are still pending
   * (-1: the message was already committed elsewhere, nothing was written).
   */
  private async runTurn(inbound: StoredInbound, conversation: Conversation): Promise<number> {
    // Only a conversation the bot owns gets a bot turn worth a typing indicator; a queued one or
    // one an agent holds is answered by people (or a queue notice), not by a running bot.
    if (conversation.mode !== 'bot') return this.commitTurn(inbound, conversation);
    this.options.events.emit('custom', { type: BOT_TURN_STARTED, conversationId: conversation.id, data: {} });
    try {
      return await this.commitTurn(inbound, conversation);
    } finally {
      this.options.events.emit('custom', { type: BOT_TURN_ENDED, conversationId: conversation.id, data: {} });
    }
  }

  private async commitTurn(inbound: StoredInbound, conversation: Conversation): Promise<number> {
    const { store, logger, handoff } = this.options;
    const ctx = createTurnContext(inbound.message, conversation, this.options.clock());
    let alert: TurnAlert | undefined;
    try {
      await this.pipeline(ctx, async () => undefined);
      if (ctx.handoff !== undefined) await handoff.escalate(ctx, async () => undefined);
    } catch (error) {
      alert = this.failTurn(ctx, error);
    }
    if (endsSilent(ctx)) alert = this.answerSilence(ctx);
    const patch = effectivePatch(ctx);
    const result = await store.completeTurn({
      inboundId: inbound.id,
      conversationId: conversation.id,
      conversation,
      ...(inbound.message.replyContext === undefined ? {} : { replyContext: inbound.message.replyContext }),
      inboundAnnotation: {
        intent: ctx.nlu?.intent ?? null,
        score: ctx.nlu?.score ?? null,
        language: ctx.nlu?.language ?? ctx.language ?? null,
      },
      replies: ctx.replies,
      events: ctx.events,
      ...(patch === undefined ? {} : { patch }),
      ...(this.leased ? { leaseOwner: this.leaseOwner } : {}),
    });
    // Already committed by another instance (this one's lease had run out): the caller claims again.
    if (!result.applied) return -1;
    this.counts.turns += 1;
    if (alert !== undefined) {
      if (alert.type === 'alert.silent_turn') this.counts.silentTurns += 1;
      else this.counts.failedTurns += 1;
      this.options.events.emit('custom', { type: alert.type, conversationId: conversation.id, data: alert.data });
    }
    logger.debug({ conversationId: conversation.id, intent: ctx.nlu?.intent, replies: ctx.replies.length }, 'turn committed');
    if (result.outbox.length > 0) this.options.onReplies?.();
    const { events } = this.options;
    // Synchronously after the commit, before anything else awaits: a listener sees the turn's
    // annotated message before its replies, and no entry is read back for it.
    if (result.citizen !== undefined) events.emit('turn', { conversationId: conversation.id, entry: result.citizen });
    for (const entry of result.transcript) events.emit('transcript', { conversationId: conversation.id, entry });
    if (patch !== undefined) await this.emitConversation(conversation.id);
    if (handoff.afterTurn !== undefined) {
      try {
        await handoff.afterTurn(ctx, conversation.id);
      } catch (error) {
        logger.error({ err: error, conversationId: conversation.id }, 'handoff afterTurn failed');
      }
    }
    return result.pending;
  }

  /** Replaces whatever the failed pipeline collected with an apology; returns the alert to raise. */
  private failTurn(ctx: TurnContext, error: unknown): TurnAlert {
    const code = isHubError(error) ? error.code : 'UNEXPECTED';
    this.options.logger.error({ err: error, conversationKey: ctx.inbound.conversationKey, code }, 'turn failed: apologising to the citizen');
    ctx.replies.length = 0;
    ctx.events.length = 0;
    ctx.handoff = undefined;
    const language = turnLanguage(ctx);
    ctx.replies.push({ message: { kind: 'text', text: TURN_ERROR_APOLOGY[language] }, author: 'bot', language, data: { error: code } });
    ctx.events.push({ author: 'system', kind: 'turn.error', data: { code } });
    return { type: 'alert.turn_error', data: { code } };
  }

  /**
   * A bot turn that would end with neither a reply nor a handoff (content without an answer for
   * the recognised intent, a step that returned early): the citizen gets the fallback, the
   * transcript and the alert say what the pipeline had recognised.
   */
  private answerSilence(ctx: TurnContext): TurnAlert {
    const recognised = answerSilentTurn(ctx);
    this.options.logger.warn({ conversationKey: ctx.inbound.conversationKey, ...recognised }, 'turn ended without a reply or a handoff: sending the fallback');
    return { type: 'alert.silent_turn', data: { ...recognised } };
  }

  private async emitConversation(conversationId: string): Promise<void> {
    const { events, store } = this.options;
    if (events.listenerCount('conversation') === 0) return;
    const conversation = await store.getConversation(conversationId);
    if (conversation !== undefined) events.emit('conversation', { conversation });
  }
}
