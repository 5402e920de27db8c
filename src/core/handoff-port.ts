/**
 * How the turn pipeline talks to the handoff queue without knowing it. The default
 * implementation (`createBasicHandoff`) only switches the conversation mode; `src/handoff`
 * provides the real queue.
 */
import type { Middleware, TurnContext } from './pipeline.js';

export interface HandoffPort {
  /**
   * Pipeline step 2 ("mode"): while a conversation is `queued` or `agent`, the bot stays silent
   * (the citizen's words reach the agent through the transcript feed). It may answer queue
   * questions ("¿cuánto falta?") and handle a cancel ("ya no hace falta").
   */
  readonly mode: Middleware;
  /**
   * Last pipeline step: when `ctx.handoff` is set, adds the citizen-facing message (position,
   * wait, hours) and patches the conversation mode. Runs inside the turn, before the commit.
   */
  readonly escalate: Middleware;
  /** After the turn is committed: enqueue the ticket (idempotent), notify consoles, auto-assign. */
  afterTurn?(ctx: TurnContext, conversationId: string): Promise<void>;
}
