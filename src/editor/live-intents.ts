/**
 * The live model, swappable without a restart.
 *
 * {@link LiveIntents} is an {@link IntentsModule} that delegates to the current inner module and
 * pins that module to each turn when the turn enters the safety step: a turn that started on
 * version N finishes on version N even if version N+1 is swapped in meanwhile, and a turn never
 * sees a half-built model because a module is only swapped in once it is fully built. The turn
 * runner, the inbox and the outbox are untouched, so a swap loses and doubles nothing.
 *
 * The inner modules are the production policy, built by `full-module.ts` from published content
 * and its trained models; {@link tryTurn} runs one text through one of them for "Probar".
 */
import type { ChannelId, InboundMessage, Language, OutboundMessage } from '../core/message.js';
import { numberedChoices } from '../core/degrade.js';
import { compose, dryRunTurn, ephemeralConversation, type Middleware, type TurnContext } from '../core/pipeline.js';
import { answerSilentTurn, endsSilent } from '../core/turn-fallbacks.js';
import type { ClassifyOptions, IntentResult, IntentsModule } from '../intents/contract.js';
import { NONE_INTENT } from '../intents/content/catalogue.js';
import type { ModelExport } from './model.js';
import type { EditorContent } from './types.js';

/** Builds a complete intents module from content and already-trained models (no training). */
export type BuildModule = (content: EditorContent, models: ModelExport) => Promise<IntentsModule>;

/** The swappable live intents module the app runs turns through. */
export class LiveIntents implements IntentsModule {
  private current: IntentsModule;
  private currentVersion: number;
  private readonly pinned = new WeakMap<TurnContext, IntentsModule>();

  constructor(initial: IntentsModule, version = 0) {
    this.current = initial;
    this.currentVersion = version;
  }

  readonly safety: Middleware = async (ctx, next) => {
    const module = this.current;
    this.pinned.set(ctx, module);
    await module.safety(ctx, next);
  };

  readonly understand: readonly Middleware[] = [
    async (ctx, next) => {
      const module = this.pinned.get(ctx) ?? this.current;
      await compose(module.understand)(ctx, next);
    },
  ];

  classify(text: string, options?: ClassifyOptions): Promise<IntentResult> {
    return this.current.classify(text, options);
  }

  ready(): boolean {
    return this.current.ready();
  }

  /** The content version answering now (0: the module the hub started with). */
  get version(): number {
    return this.currentVersion;
  }

  /** The module answering now. */
  get module(): IntentsModule {
    return this.current;
  }

  /** Atomically replaces the module: turns already started keep theirs. */
  swap(next: IntentsModule, version: number): void {
    this.current = next;
    this.currentVersion = version;
  }
}

/** What one text gets from a module: the classification and the replies a citizen would see. */
export interface TryOutcome {
  readonly intent: string;
  readonly score: number;
  readonly language: Language | null;
  readonly answers: readonly string[];
  readonly handoff: boolean;
  /** True when the module said nothing and the answer is the runner's fallback (a content gap). */
  readonly fallback: boolean;
  /** The replies as the pipeline made them, before any channel fits them (see `channel-preview.ts`). */
  readonly replies: readonly OutboundMessage[];
  /** The queue a handoff asks for (absent: the hub's default queue, or no handoff). */
  readonly queue?: string;
  /** Set when the answer is the language fallback the editors chose (`es`: Spanish with a notice; `handoff`: a person). */
  readonly languageFallback?: 'es' | 'handoff';
}

/**
 * Runs one synthetic turn (nothing is stored) through a module, as a citizen on `channel` would,
 * including the runner's never-silent fallback, so the answers are what the citizen would get.
 */
export async function tryTurn(module: IntentsModule, text: string, options: { readonly language?: Language; readonly channel?: ChannelId; readonly now?: Date } = {}): Promise<TryOutcome> {
  const channel = options.channel ?? 'webchat';
  const now = options.now ?? new Date();
  const inbound: InboundMessage = {
    id: `try-${now.getTime()}`,
    conversationKey: `${channel}:editor-try`,
    from: { channel, id: 'editor-try', ...(options.language === undefined ? {} : { locale: options.language }) },
    receivedAt: now,
    kind: 'text',
    text,
  };
  const ctx = await dryRunTurn([module.safety, ...module.understand], inbound, now, ephemeralConversation(inbound, now, { language: options.language ?? null }));
  const fallback = endsSilent(ctx);
  if (fallback) answerSilentTurn(ctx);
  const answers = ctx.replies.map((reply) => {
    const message = reply.message;
    if (message.kind === 'text') return message.text;
    if (message.kind === 'choices') return numberedChoices(message.text, message.choices);
    return message.caption ?? message.url;
  });
  const languageFallback = ctx.events.find((event) => event.kind === 'intent.language_fallback')?.data?.fallback;
  return {
    intent: ctx.nlu?.intent ?? NONE_INTENT,
    score: ctx.nlu?.score ?? 0,
    language: ctx.nlu?.language ?? ctx.language ?? null,
    answers,
    handoff: ctx.handoff !== undefined,
    fallback,
    replies: ctx.replies.map((reply) => reply.message),
    ...(ctx.handoff?.queue === undefined ? {} : { queue: ctx.handoff.queue }),
    ...(languageFallback === 'es' || languageFallback === 'handoff' ? { languageFallback } : {}),
  };
}
