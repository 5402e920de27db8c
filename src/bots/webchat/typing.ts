/**
 * The web chat's typing indicator, from the hub's channel-neutral typing events
 * (`src/core/typing.ts`): a `typing` SSE event to the session's open streams, with
 * `{ who: 'bot' }` while a bot turn runs, `{ who: 'agent', name, ttlMs }` while the agent types
 * (the browser clears it after `ttlMs` without another) and `{ who: 'none' }` when the bot turn
 * ended or failed. Nothing is stored: a browser that connects later has nothing to show.
 */
import type { HubEventMap, HubEvents } from '../../core/events.js';
import { AGENT_TYPING, AGENT_TYPING_TTL_MS, BOT_TURN_ENDED, BOT_TURN_STARTED } from '../../core/typing.js';
import type { SseEvent } from './streams.js';

/** What the browser receives as the `typing` event's data. */
export type TypingSignal = { readonly who: 'bot' } | { readonly who: 'agent'; readonly name: string | null; readonly ttlMs: number } | { readonly who: 'none' };

/** Name of the SSE event (the widget's message handler never sees it: it is not `message`). */
export const TYPING_SSE_EVENT = 'typing';

/** How long a signal for a conversation whose session is not known yet waits for it. */
const PENDING_MS = 30_000;

export interface TypingRelayDeps {
  readonly events: HubEvents;
  /** The session of a conversation, when this process knows it. */
  readonly sessionOf: (conversationId: string) => string | undefined;
  /** Writes an event to the session's open streams. */
  readonly push: (sessionId: string, event: SseEvent) => void;
}

/** The signal a typing hub event means, or undefined for any other event. */
export function typingSignal(event: HubEventMap['custom'][0]): TypingSignal | undefined {
  if (event.type === BOT_TURN_STARTED) return { who: 'bot' };
  if (event.type === BOT_TURN_ENDED) return { who: 'none' };
  if (event.type === AGENT_TYPING) {
    const name = typeof event.data.agentName === 'string' && event.data.agentName.trim() !== '' ? event.data.agentName : null;
    return { who: 'agent', name, ttlMs: AGENT_TYPING_TTL_MS };
  }
  return undefined;
}

/**
 * Relays typing events to the sessions' streams. A turn may start before the message's POST has
 * told the channel which session the new conversation belongs to: such a signal is kept (briefly)
 * and sent by {@link TypingRelay.learned} when the session becomes known.
 */
export class TypingRelay {
  private readonly pending = new Map<string, { readonly signal: TypingSignal; readonly at: number }>();
  private readonly onCustom = (event: HubEventMap['custom'][0]): void => {
    if (event.conversationId === undefined) return;
    const signal = typingSignal(event);
    if (signal === undefined) return;
    const sessionId = this.deps.sessionOf(event.conversationId);
    if (sessionId !== undefined) {
      this.deps.push(sessionId, { event: TYPING_SSE_EVENT, data: signal });
      return;
    }
    if (signal.who === 'none') this.pending.delete(event.conversationId);
    else this.keep(event.conversationId, signal);
  };

  constructor(private readonly deps: TypingRelayDeps) {}

  start(): void {
    this.deps.events.on('custom', this.onCustom);
  }

  stop(): void {
    this.deps.events.off('custom', this.onCustom);
    this.pending.clear();
  }

  /** The channel learned the session of a conversation: a signal waiting for it goes out now. */
  learned(conversationId: string, sessionId: string): void {
    const waiting = this.pending.get(conversationId);
    if (waiting === undefined) return;
    this.pending.delete(conversationId);
    if (Date.now() - waiting.at <= PENDING_MS) this.deps.push(sessionId, { event: TYPING_SSE_EVENT, data: waiting.signal });
  }

  private keep(conversationId: string, signal: TypingSignal): void {
    const now = Date.now();
    if (this.pending.size >= 1000) {
      for (const [id, entry] of this.pending) if (now - entry.at > PENDING_MS) this.pending.delete(id);
      if (this.pending.size >= 1000) return;
    }
    this.pending.set(conversationId, { signal, at: now });
  }
}
