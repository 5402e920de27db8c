/**
 * The turn pipeline: a typed `(ctx, next)` middleware chain (as in grammY and botbuilder) that
 * turns one stored inbound message into replies, transcript annotations and a conversation patch.
 * The pipeline itself writes nothing: the runner commits what it collected in one transaction.
 */
import { HubError } from './errors.js';
import type { InboundMessage, Language, OutboundMessage } from './message.js';
import type { Conversation, ConversationPatch, ConversationState, ReplyDraft, TranscriptDraft } from './store/types.js';

/** Why a person is asked for; `safety-risk`: a possible emergency in a conversation a person already has. */
export type HandoffReason = 'citizen' | 'low-confidence' | 'emergency' | 'intent' | 'unsupported' | 'safety-risk';

/** A request to pass the conversation to a person; the handoff queue decides what follows. */
export interface HandoffRequest {
  readonly reason: HandoffReason;
  readonly priority: 'urgent' | 'vulnerable' | 'normal';
  /** Intent domain or queue id that should take it (`renta`, `transporte`, …). */
  readonly queue?: string;
  readonly intent?: string;
}

/** What the NLU step found; the answer step and the transcript read it. */
export interface NluAnnotation {
  readonly intent: string;
  readonly score: number;
  readonly language: Language;
}

/** The mutable context of one turn. Middlewares read the inbound and conversation, and add output. */
export interface TurnContext {
  readonly inbound: InboundMessage;
  /** The conversation as it was when the turn started. */
  readonly conversation: Conversation;
  /** The turn's clock (VENTANILLA_NOW in demos and tests). */
  readonly now: Date;
  /** Replies, in order. */
  readonly replies: ReplyDraft[];
  /** Extra transcript entries (system events). */
  readonly events: TranscriptDraft[];
  /** The language the turn answers in, once known. */
  language: Language | undefined;
  /** The detected intent, once known (annotates the citizen's transcript entry). */
  nlu: NluAnnotation | undefined;
  /** Conversation changes to commit with the turn. */
  patch: { -readonly [K in keyof ConversationPatch]: ConversationPatch[K] };
  /** Set when the turn escalates to a person. */
  handoff: HandoffRequest | undefined;
  /** Adds a bot reply annotated with the turn's intent and language. */
  reply(message: OutboundMessage, data?: Readonly<Record<string, unknown>>): void;
  /** The conversation state as the turn leaves it (patched state or the stored one). */
  readonly state: ConversationState;
}

export type Next = () => Promise<void>;
export type Middleware = (ctx: TurnContext, next: Next) => Promise<void>;

/**
 * Composes middlewares into one. Each `next` may be called at most once: a second call throws
 * `HUB_ERR_NEXT_CALLED_TWICE`, which catches the classic double-answer bug at its source.
 */
export function compose(middlewares: readonly Middleware[]): Middleware {
  return async (ctx, last) => {
    const dispatch = async (index: number): Promise<void> => {
      if (index === middlewares.length) {
        await last();
        return;
      }
      const middleware = middlewares[index];
      if (middleware === undefined) return;
      let called = false;
      await middleware(ctx, async () => {
        if (called) {
          throw new HubError('HUB_ERR_NEXT_CALLED_TWICE', `middleware #${index} called next() twice`);
        }
        called = true;
        await dispatch(index + 1);
      });
    };
    await dispatch(0);
  };
}

/** Creates a fresh context for one turn. */
export function createTurnContext(inbound: InboundMessage, conversation: Conversation, now: Date): TurnContext {
  const ctx: TurnContext = {
    inbound,
    conversation,
    now,
    replies: [],
    events: [],
    language: undefined,
    nlu: undefined,
    patch: {},
    handoff: undefined,
    reply(message, data) {
      ctx.replies.push({
        message,
        author: 'bot',
        intent: ctx.nlu?.intent ?? null,
        score: ctx.nlu?.score ?? null,
        language: ctx.language ?? null,
        data: data ?? null,
      });
    },
    get state(): ConversationState {
      return ctx.patch.state ?? conversation.state;
    },
  };
  return ctx;
}

/**
 * A conversation that exists only for one unstored turn: `nlu try`, the editor's try-it console
 * and tests run the real middlewares against it without touching the store.
 */
export function ephemeralConversation(inbound: InboundMessage, now: Date, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: `${inbound.conversationKey}#ephemeral`,
    channel: inbound.from.channel,
    conversationKey: inbound.conversationKey,
    contactId: `${inbound.from.channel}:${inbound.from.id}`,
    participant: inbound.from,
    mode: 'bot',
    language: null,
    urgent: false,
    unreachable: false,
    replyContext: null,
    state: {},
    createdAt: now,
    updatedAt: now,
    lastInboundAt: now,
    ...overrides,
  };
}

/** Runs one turn through `middlewares` without storing anything; returns its context. */
export async function dryRunTurn(middlewares: readonly Middleware[], inbound: InboundMessage, now: Date, conversation = ephemeralConversation(inbound, now)): Promise<TurnContext> {
  const ctx = createTurnContext(inbound, conversation, now);
  await compose(middlewares)(ctx, async () => undefined);
  return ctx;
}
