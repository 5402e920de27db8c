/**
 * The live model, swappable without a restart.
 *
 * {@link LiveIntents} is an {@link IntentsModule} that delegates to the current inner module and
 * pins that module to each turn when the turn enters the safety step: a turn that started on
 * version N finishes on version N even if version N+1 is swapped in meanwhile, and a turn never
 * sees a half-built model because a module is only swapped in once it is fully built. The turn
 * runner, the inbox and the outbox are untouched, so a swap loses and doubles nothing.
 *
 * {@link createContentIntents} builds an inner module from editor content and exported models. It
 * is the editor's own fallback answer step (answer per language and channel, clarify choices,
 * rephrase-then-offer-a-person, the safety net through the intents helper's Classifier). The lead
 * should pass a `buildModule` that builds the intents helper's full module (data-backed answers)
 * from the same content and models instead; see the editor's README section in the report.
 */
import type { ChannelId, InboundMessage, Language } from '../core/message.js';
import { compose, dryRunTurn, ephemeralConversation, type Middleware, type TurnContext } from '../core/pipeline.js';
import type { ClassifyOptions, IntentResult, IntentsModule } from '../intents/contract.js';
import { NONE_INTENT } from '../intents/content/catalogue.js';
import type { Analysis } from '../intents/classifier.js';
import { channelVariants, toIntentsContent } from './content-io.js';
import { classifierFor, ImportedEngine, type ModelExport } from './model.js';
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
}

/** Runs one synthetic turn (nothing is stored) through a module, as a citizen on `channel` would. */
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
  const answers = ctx.replies.map((reply) => {
    const message = reply.message;
    if (message.kind === 'text') return message.text;
    if (message.kind === 'choices') return `${message.text}\n${message.choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n')}`;
    return message.caption ?? message.url;
  });
  return { intent: ctx.nlu?.intent ?? NONE_INTENT, score: ctx.nlu?.score ?? 0, language: ctx.nlu?.language ?? ctx.language ?? null, answers, handoff: ctx.handoff !== undefined };
}

const NOT_UNDERSTOOD_AGAIN: Readonly<Record<Language, string>> = {
  es: 'Sigo sin entenderte. Si quieres, escribe «persona» y te paso con alguien del equipo.',
  ca: 'Encara no t’entenc. Si vols, escriu «persona» i et passo amb algú de l’equip.',
  gl: 'Sigo sen entenderte. Se queres, escribe «persoa» e pásote con alguén do equipo.',
  eu: 'Oraindik ez zaitut ulertzen. Nahi baduzu, idatzi «pertsona» eta norbaitekin jarriko zaitut.',
  en: 'I still don’t understand. If you like, type “person” and I’ll pass you to someone on the team.',
};

/**
 * The editor's fallback inner module over editor content and exported models. Answers in the
 * citizen's language with the channel's variant when the editors wrote one (X gets the short
 * answer otherwise); emergencies answer at once and escalate urgently.
 */
export async function createContentIntents(content: EditorContent, models: ModelExport): Promise<IntentsModule> {
  const intentsContent = toIntentsContent(content);
  const classifier = await classifierFor(intentsContent, await ImportedEngine.fromExport(models));
  const variants = channelVariants(content);
  const analyses = new WeakMap<TurnContext, Analysis>();

  const analyze = async (ctx: TurnContext): Promise<Analysis> => {
    const cached = analyses.get(ctx);
    if (cached !== undefined) return cached;
    const analysis = await classifier.analyze(ctx.inbound.text ?? '', {
      ...(ctx.inbound.from.locale === undefined ? {} : { languageHint: ctx.inbound.from.locale }),
      conversationLanguage: ctx.conversation.language,
    });
    analyses.set(ctx, analysis);
    return analysis;
  };
  const answerText = (intentId: string, language: Language, channel: ChannelId): string | undefined => {
    const intent = intentsContent.intents.get(intentId as never);
    if (intent === undefined) return undefined;
    const variant = variants.get(intentId)?.[language]?.[channel];
    if (variant !== undefined) return variant;
    return channel === 'x' ? intent.answers[language].short : intent.answers[language].text;
  };
  const annotate = (ctx: TurnContext, analysis: Analysis) => {
    ctx.language = analysis.result.language;
    ctx.patch.language = analysis.result.language;
    ctx.nlu = { intent: analysis.result.intent, score: analysis.result.score, language: analysis.result.language };
  };

  const safety: Middleware = async (ctx, next) => {
    if (ctx.inbound.kind !== 'text' || ctx.conversation.mode !== 'bot') return next();
    const analysis = await analyze(ctx);
    if (analysis.decision.kind !== 'emergency') return next();
    annotate(ctx, analysis);
    const text = answerText(analysis.decision.intent, analysis.result.language, ctx.conversation.channel);
    if (text !== undefined) ctx.reply({ kind: 'text', text });
    ctx.patch.urgent = true;
    ctx.handoff = { reason: 'emergency', priority: 'urgent', queue: 'urgencias', intent: analysis.decision.intent };
  };

  const answer: Middleware = async (ctx) => {
    const language = ctx.conversation.language ?? 'es';
    const messages = intentsContent.policy.messages;
    if (ctx.inbound.kind !== 'text' && ctx.inbound.kind !== 'postback') {
      ctx.language = language;
      ctx.reply({ kind: 'text', text: messages[language].unsupported });
      return;
    }
    const text = ctx.inbound.kind === 'postback' ? (ctx.inbound.payload ?? ctx.inbound.text ?? '') : (ctx.inbound.text ?? '');
    if (text.trim() === '') {
      ctx.language = language;
      ctx.reply({ kind: 'text', text: messages[language].empty });
      return;
    }
    const analysis = ctx.inbound.kind === 'postback' && intentsContent.intents.has(text as never)
      ? { result: { ...(await analyze(ctx)).result, intent: text, score: 1 }, decision: { kind: 'answer' as const, intent: text } }
      : await analyze(ctx);
    annotate(ctx, analysis);
    const lang = analysis.result.language;
    const { decision } = analysis;
    if (decision.kind === 'answer' || decision.kind === 'emergency') {
      const reply = answerText(decision.intent, lang, ctx.conversation.channel);
      if (reply !== undefined) ctx.reply({ kind: 'text', text: reply });
      const intent = intentsContent.intents.get(decision.intent as never);
      if (decision.intent === 'conversacion.agente') ctx.handoff = { reason: 'citizen', priority: 'normal', intent: decision.intent };
      else if (intent?.handoffQueue !== undefined && intentsContent.policy.offerHandoffAfterAnswer) ctx.reply({ kind: 'text', text: messages[lang].handoffOffer });
      ctx.patch.state = { ...ctx.state, misunderstood: 0 };
      return;
    }
    if (decision.kind === 'clarify') {
      const choices = decision.intents.map((id) => ({ title: intentsContent.intents.get(id as never)?.title[lang] ?? id, payload: id }));
      ctx.reply({ kind: 'choices', text: messages[lang].clarify, choices });
      ctx.patch.state = { ...ctx.state, pendingChoices: choices };
      return;
    }
    const misunderstood = (ctx.state.misunderstood ?? 0) + 1;
    ctx.patch.state = { ...ctx.state, misunderstood };
    if (misunderstood >= 2) {
      ctx.reply({ kind: 'text', text: NOT_UNDERSTOOD_AGAIN[lang] });
      return;
    }
    const none = answerText(NONE_INTENT, lang, ctx.conversation.channel);
    ctx.reply({ kind: 'text', text: none ?? NOT_UNDERSTOOD_AGAIN[lang] });
  };

  return {
    safety,
    understand: [answer],
    async classify(text, options) {
      return (await classifier.analyze(text, options ?? {})).result;
    },
    ready: () => true,
  };
}
