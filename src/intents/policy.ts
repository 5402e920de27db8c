/**
 * The turn middlewares of the intent module: the safety net (first in the pipeline) and
 * `understand` = language → choice-mapping → nlu → answer. It answers every intent the content
 * has, built-in or made in the editor; written answers are rendered by `answers.ts`.
 */
import { channel as diagnosticsChannel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { Choice, Language } from '../core/message.js';
import type { Middleware, Next, TurnContext } from '../core/pipeline.js';
import type { ConversationState } from '../core/store/types.js';
import type { DataAnswerProvider } from './data/contract.js';
import type { Analysis, Classifier, PossibleRisk } from './classifier.js';
import { planAnswer } from './answers.js';
import { AGENT_INTENT, GREETING_INTENT, NONE_INTENT, isEmergencyIntent, type EmergencyIntent } from './content/catalogue.js';
import type { Content } from './content/loader.js';
import { languageFromHint, DEFAULT_LANGUAGE, type HintStrength } from './language.js';
import { normalizeText } from './normalize.js';
import { POSSIBLE_RISK_ANSWERS, SAFETY_ANSWERS } from './safety/index.js';

/** Minimal structured logger (pino satisfies it). */
export interface IntentsLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

/** Prefix of the choice payloads the policy creates (`intent:renta.plazos`). */
export const INTENT_PAYLOAD_PREFIX = 'intent:';

interface TurnMemory {
  analysis?: Analysis;
  /** Set by the choice-mapping step: the citizen picked this intent. */
  chosenIntent?: string;
  /** A provider payload picked from a data answer's choices (e.g. a stop). */
  chosenPayload?: { intent: string; payload: string };
}

export interface PolicyDeps {
  readonly classifier: Classifier;
  readonly content: Content;
  readonly providers: readonly DataAnswerProvider[];
  readonly logger?: IntentsLogger;
  /**
   * How much the participant's `locale` weighs: `profile` (default; a browser or platform locale
   * yields to clear evidence in the text) or `explicit` (`nlu try --lang`: the operator chose it).
   */
  readonly localeStrength?: HintStrength;
}

/**
 * The mark a possible risk leaves in the conversation state (`state.safetyRisk`): the agent
 * console shows it, and a later handoff of the conversation is raised to `vulnerable` priority.
 */
export interface SafetyRiskMark {
  readonly intent: EmergencyIntent;
  readonly band: 'possible';
  /** ISO time of the last turn that raised it. */
  readonly at: string;
}

/** The possible-risk mark of a conversation state, if any. */
export function safetyRiskOf(state: ConversationState): SafetyRiskMark | undefined {
  const mark = state.safetyRisk;
  if (typeof mark !== 'object' || mark === null) return undefined;
  const { intent, band, at } = mark as Record<string, unknown>;
  return typeof intent === 'string' && isEmergencyIntent(intent) && band === 'possible' && typeof at === 'string' ? { intent, band, at } : undefined;
}

/**
 * Postback payloads that mean "a conversation just started": Bot Framework's `conversationUpdate`
 * (src/bots/botframework decodes it as payload `welcome`). Telegram's `/start` is recognised by its
 * text (see {@link isStartTurn}).
 */
export const WELCOME_PAYLOADS: readonly string[] = ['welcome'];
/** Telegram's `/start`, `/start@bot_name`, with or without a deep-link payload. */
const START_COMMAND = /^\/start(?:@\w+)?(?:\s+\S+)?\s*$/;

/** True for a turn that opens a conversation (Bot Framework welcome, Telegram `/start`): greet. */
export function isStartTurn(inbound: TurnContext['inbound']): boolean {
  if (inbound.kind === 'postback') {
    return (inbound.payload !== undefined && WELCOME_PAYLOADS.includes(inbound.payload)) || START_COMMAND.test((inbound.text ?? '').trim());
  }
  return inbound.kind === 'text' && START_COMMAND.test((inbound.text ?? '').trim());
}

function turnText(ctx: TurnContext): string | undefined {
  if (ctx.inbound.kind === 'text') return ctx.inbound.text ?? '';
  if (ctx.inbound.kind === 'postback') return ctx.inbound.text ?? ctx.inbound.payload ?? '';
  return undefined;
}

function patchState(ctx: TurnContext, changes: Partial<ConversationState>): void {
  const next: Record<string, unknown> = { ...ctx.state, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
  ctx.patch.state = next as ConversationState;
}

/**
 * The `node:diagnostics_channel` on which each turn's NLU analysis (language detection, spelling,
 * classification, safety scores) publishes its duration as {@link NluTiming}; the reports'
 * metrics subscribe to it. Publishing costs nothing while nobody subscribes.
 */
export const NLU_TIMING_CHANNEL = 'ventanilla:nlu.analyze';
const nluTiming = diagnosticsChannel(NLU_TIMING_CHANNEL);

/** One NLU analysis's duration and the language it found. */
export interface NluTiming {
  readonly seconds: number;
  readonly language: string;
}

/** Builds the safety middleware and the `understand` chain over one trained classifier. */
export function createPolicy(deps: PolicyDeps): { safety: Middleware; understand: readonly Middleware[] } {
  const { classifier, content, providers, logger } = deps;
  const localeStrength = deps.localeStrength ?? 'profile';
  const memory = new WeakMap<TurnContext, TurnMemory>();
  const policy = content.policy;
  // A payload or a deep link may name any intent the content has, and the person request.
  const answerable = (intent: string): boolean => content.intents.has(intent) || intent === AGENT_INTENT;

  const remember = (ctx: TurnContext): TurnMemory => {
    let entry = memory.get(ctx);
    if (!entry) {
      entry = {};
      memory.set(ctx, entry);
    }
    return entry;
  };

  /** The intent a data provider claims for a message that only names what it knows (a stop). */
  const claimedIntent = (text: string): string | undefined => {
    for (const provider of providers) {
      try {
        const intent = provider.claims?.(text);
        if (intent !== undefined && answerable(intent)) return intent;
      } catch (error) {
        logger?.warn({ err: error }, 'data answer provider failed to read a message; ignoring it');
      }
    }
    return undefined;
  };

  const analyze = async (ctx: TurnContext, text: string): Promise<Analysis> => {
    const entry = remember(ctx);
    if (!entry.analysis) {
      const started = performance.now();
      entry.analysis = await classifier.analyze(text, {
        ...(ctx.inbound.from.locale === undefined ? {} : { languageHint: ctx.inbound.from.locale, languageHintStrength: localeStrength }),
        conversationLanguage: ctx.conversation.language,
      });
      if (nluTiming.hasSubscribers) nluTiming.publish({ seconds: (performance.now() - started) / 1000, language: entry.analysis.result.language } satisfies NluTiming);
    }
    return entry.analysis;
  };

  // Without text to read, the language the citizen has been writing in beats a profile locale.
  const fallbackLanguage = (ctx: TurnContext): Language =>
    localeStrength === 'explicit'
      ? (languageFromHint(ctx.inbound.from.locale) ?? ctx.conversation.language ?? DEFAULT_LANGUAGE)
      : (ctx.conversation.language ?? languageFromHint(ctx.inbound.from.locale) ?? DEFAULT_LANGUAGE);

  const emergencyReply = (ctx: TurnContext, intent: EmergencyIntent, language: Language, data: Record<string, unknown>): void => {
    const answer = SAFETY_ANSWERS[intent][language];
    ctx.reply({ kind: 'text', text: answer.text, short: answer.short }, data);
  };

  const personChoice = (language: Language): Choice => ({
    title: content.intents.get(AGENT_INTENT)?.title[language] ?? 'Persona',
    payload: `${INTENT_PAYLOAD_PREFIX}${AGENT_INTENT}`,
  });

  /** A conversation marked at risk that is handed to a person goes ahead of ordinary ones. */
  const raiseIfAtRisk = (ctx: TurnContext): void => {
    if (ctx.handoff !== undefined && ctx.handoff.priority === 'normal' && safetyRiskOf(ctx.state) !== undefined) {
      ctx.handoff = { ...ctx.handoff, priority: 'vulnerable' };
    }
  };

  /**
   * The "possible risk" band: the rest of the pipeline answers what it can, then the citizen gets
   * the line's number and a person offered at once, and the conversation is marked for the console.
   * Never silent: with a person already in charge (or being called) the number still goes out.
   */
  const possibleRisk = async (ctx: TurnContext, next: Next, risk: PossibleRisk, analysis: Analysis): Promise<void> => {
    ctx.events.push({ author: 'system', kind: 'safety.possible_risk', data: { intent: risk.intent, score: Math.round(risk.score * 100) / 100, source: risk.source } });
    await next();
    const language = ctx.language ?? analysis.result.language;
    patchState(ctx, { safetyRisk: { intent: risk.intent, band: 'possible', at: ctx.now.toISOString() } satisfies SafetyRiskMark });
    const data = { safety: 'possible', intent: risk.intent };
    if (ctx.handoff !== undefined || ctx.conversation.mode === 'queued' || ctx.conversation.mode === 'agent') {
      // A person is taking over or already has the conversation: the number, and the queue is told.
      const answer = SAFETY_ANSWERS[risk.intent][language];
      ctx.reply({ kind: 'text', text: answer.short, short: answer.short }, data);
      ctx.handoff = ctx.handoff === undefined ? { reason: 'safety-risk', priority: 'vulnerable', intent: risk.intent } : ctx.handoff;
      raiseIfAtRisk(ctx);
      return;
    }
    const person = personChoice(language);
    const text = POSSIBLE_RISK_ANSWERS[risk.intent][language];
    const pending = ctx.patch.state?.pendingChoices ?? [];
    if (pending.length === 0 || !ctx.replies.some((reply) => reply.message.kind === 'choices')) {
      ctx.reply({ kind: 'choices', text, short: text, choices: [person] }, data);
      patchState(ctx, { pendingChoices: [person] });
      return;
    }
    // The answer already offers choices ("2" must keep meaning its second one): the person joins
    // that list instead of starting a second numbering.
    if (!pending.some((choice) => choice.payload === person.payload)) {
      const index = ctx.replies.map((reply) => reply.message.kind).lastIndexOf('choices');
      const offered = ctx.replies[index];
      if (offered !== undefined && offered.message.kind === 'choices') {
        ctx.replies[index] = { ...offered, message: { ...offered.message, choices: [...offered.message.choices, person] } };
      }
      patchState(ctx, { pendingChoices: [...pending, person] });
    }
    ctx.reply({ kind: 'text', text, short: text }, data);
  };

  const safety: Middleware = async (ctx, next) => {
    const text = turnText(ctx);
    if (text === undefined || text.trim().length === 0 || ctx.inbound.kind === 'postback' || isStartTurn(ctx.inbound)) {
      await next();
      raiseIfAtRisk(ctx);
      return;
    }
    const analysis = await analyze(ctx, text);
    const { result, decision } = analysis;
    if (decision.kind !== 'emergency') {
      if (analysis.risk !== undefined) {
        await possibleRisk(ctx, next, analysis.risk, analysis);
        return;
      }
      await next();
      raiseIfAtRisk(ctx);
      return;
    }
    ctx.language = result.language;
    ctx.nlu = { intent: decision.intent, score: result.score, language: result.language };
    ctx.patch.language = result.language;
    ctx.patch.urgent = true;
    // Whatever mode the conversation is in, the citizen gets the number now; the handoff module
    // decides who follows up. We do not call next: no FAQ answer after an emergency.
    emergencyReply(ctx, decision.intent, result.language, { safety: true, ...(decision.rule ? { rule: decision.rule } : {}) });
    ctx.handoff = { reason: 'emergency', priority: 'urgent', queue: 'urgencias', intent: decision.intent };
  };

  const languageStep: Middleware = async (ctx, next) => {
    const text = turnText(ctx);
    // "/start" and "welcome" say nothing about the citizen's language: use the profile.
    if (text !== undefined && text.trim().length > 0 && !isStartTurn(ctx.inbound)) {
      const { result } = await analyze(ctx, text);
      ctx.language = result.language;
    } else {
      ctx.language = ctx.language ?? fallbackLanguage(ctx);
    }
    if (ctx.language !== ctx.conversation.language) ctx.patch.language = ctx.language;
    await next();
  };

  const choiceMapping: Middleware = async (ctx, next) => {
    const pending = ctx.state.pendingChoices;
    const entry = remember(ctx);
    let picked: Choice | undefined;
    if (isStartTurn(ctx.inbound)) {
      // A (re)started conversation: greet. A deep link may name an intent (`/start intent:renta.cita`
      // arrives as that payload); anything else a deep link carries is the bot's own, so greet too.
      const payload = ctx.inbound.kind === 'postback' ? ctx.inbound.payload : undefined;
      picked = { title: '', payload: payload?.startsWith(INTENT_PAYLOAD_PREFIX) && answerable(payload.slice(INTENT_PAYLOAD_PREFIX.length)) ? payload : `${INTENT_PAYLOAD_PREFIX}${GREETING_INTENT}` };
    } else if (ctx.inbound.kind === 'postback' && ctx.inbound.payload) {
      picked = pending?.find((choice) => choice.payload === ctx.inbound.payload) ?? { title: '', payload: ctx.inbound.payload };
    } else if (pending && pending.length > 0 && ctx.inbound.kind === 'text') {
      const answer = normalizeText(ctx.inbound.text ?? '').replace(/(?<![.)!:])[.)!:]+$/, '').trim();
      const number = /^(?:la |el |opcion |option |aukera )?(\d{1,2})$/.exec(answer);
      if (number?.[1]) picked = pending[Number(number[1]) - 1];
      picked ??= pending.find((choice) => normalizeText(choice.title) === answer);
    }
    if (pending) patchState(ctx, { pendingChoices: undefined, pendingIntent: undefined });
    if (picked) {
      if (picked.payload.startsWith(INTENT_PAYLOAD_PREFIX)) {
        const intent = picked.payload.slice(INTENT_PAYLOAD_PREFIX.length);
        if (answerable(intent)) entry.chosenIntent = intent;
      } else {
        const pendingIntent = ctx.state.pendingIntent;
        if (typeof pendingIntent === 'string') entry.chosenPayload = { intent: pendingIntent, payload: picked.payload };
      }
    }
    await next();
  };

  const nluStep: Middleware = async (ctx, next) => {
    const entry = remember(ctx);
    const language = ctx.language ?? fallbackLanguage(ctx);
    const chosen = entry.chosenIntent ?? entry.chosenPayload?.intent;
    if (chosen) {
      ctx.nlu = { intent: chosen, score: 1, language };
    } else {
      const text = turnText(ctx);
      if (text !== undefined && text.trim().length > 0) {
        const { result } = await analyze(ctx, text);
        ctx.nlu = { intent: result.intent, score: result.score, language: result.language };
      }
    }
    await next();
  };

  const notUnderstood = (ctx: TurnContext, language: Language): void => {
    const misunderstood = (ctx.state.misunderstood ?? 0) + 1;
    if (misunderstood >= 2) {
      // Second miss in a row: a person takes over; the handoff module writes the message.
      patchState(ctx, { misunderstood: 0 });
      ctx.handoff = { reason: 'low-confidence', priority: 'normal' };
      return;
    }
    patchState(ctx, { misunderstood });
    const plan = planAnswer(content.intents.get(NONE_INTENT), language, ctx.inbound.from.channel);
    if (plan.kind === 'answer') ctx.reply(plan.message);
    // The editors chose a person for this language instead of a "please rephrase".
    else if (plan.kind === 'handoff') ctx.handoff = { reason: 'low-confidence', priority: 'normal' };
  };

  const answerIntent = async (ctx: TurnContext, intent: string, language: Language, text: string, score = 1): Promise<void> => {
    if (intent === AGENT_INTENT) {
      const queue = content.intents.get(AGENT_INTENT)?.handoffQueue ?? 'general';
      patchState(ctx, { misunderstood: 0 });
      ctx.handoff = { reason: 'citizen', priority: 'normal', queue, intent };
      return;
    }
    if (intent === NONE_INTENT) {
      notUnderstood(ctx, language);
      return;
    }
    patchState(ctx, { misunderstood: 0 });
    if (isEmergencyIntent(intent)) {
      // Below the safety net's threshold but still the best guess: give the number, no alarm.
      emergencyReply(ctx, intent, language, {});
      return;
    }
    const provider = providers.find((candidate) => candidate.intents.includes(intent));
    let answered = false;
    if (provider) {
      try {
        const data = await provider.answer({ intent, text, language, now: ctx.now });
        if (data && data.messages.length > 0) {
          for (const message of data.messages) ctx.reply(message, { provider: true });
          const choices = data.messages.flatMap((message) => (message.kind === 'choices' ? message.choices : []));
          if (choices.length > 0) patchState(ctx, { pendingChoices: choices, pendingIntent: intent });
          answered = true;
        }
      } catch (error) {
        // A broken data source must not leave the citizen without an answer: use the written one.
        logger?.warn({ err: error, intent }, 'data answer provider failed; using the written answer');
      }
    }
    const queue = content.intents.get(intent)?.handoffQueue;
    if (!answered) {
      const plan = planAnswer(content.intents.get(intent), language, ctx.inbound.from.channel);
      if (plan.kind === 'handoff') {
        // No answer in this language and the editors chose a person for it: the handoff module
        // tells the citizen, in their language, that a person of the topic's queue takes over.
        ctx.handoff = { reason: 'intent', priority: 'normal', ...(queue === undefined ? {} : { queue }), intent };
        ctx.events.push({ author: 'system', kind: 'intent.language_fallback', data: { intent, language, fallback: 'handoff' } });
        return;
      }
      if (plan.kind === 'answer' && plan.fallback === 'es') ctx.events.push({ author: 'system', kind: 'intent.language_fallback', data: { intent, language, fallback: 'es' } });
      const message = plan.kind === 'answer' ? plan.message : undefined;
      // A guess on a topic people handle: the way to a person rides on the answer itself, as one
      // button, instead of a second message after every answer (users find that noisy).
      const below = policy.handoffChoiceBelowScore;
      if (message?.kind === 'text' && queue !== undefined && below !== undefined && score < below && !policy.offerHandoffAfterAnswer) {
        const choices = [personChoice(language)];
        ctx.reply({ kind: 'choices', text: message.text, ...(message.short === undefined ? {} : { short: message.short }), choices });
        patchState(ctx, { pendingChoices: choices });
      } else if (message) ctx.reply(message);
    }
    if (policy.offerHandoffAfterAnswer && queue !== undefined && (ctx.patch.state ?? ctx.state).pendingChoices === undefined) {
      const choices = [personChoice(language)];
      ctx.reply({ kind: 'choices', text: policy.messages[language].handoffOffer, choices });
      patchState(ctx, { pendingChoices: choices });
    }
  };

  const answerStep: Middleware = async (ctx, next) => {
    const language = ctx.language ?? fallbackLanguage(ctx);
    const messages = policy.messages[language];
    const entry = remember(ctx);
    const text = turnText(ctx);
    if (entry.chosenPayload) {
      await answerIntent(ctx, entry.chosenPayload.intent, language, entry.chosenPayload.payload);
    } else if (entry.chosenIntent) {
      await answerIntent(ctx, entry.chosenIntent, language, text ?? '');
    } else if (text === undefined) {
      // Photos, voice notes, locations, stickers: say what we can do and offer a person.
      ctx.reply({ kind: 'text', text: messages.unsupported, short: messages.unsupported });
    } else if (text.trim().length === 0) {
      ctx.reply({ kind: 'text', text: messages.empty, short: messages.empty });
    } else {
      const analysis = await analyze(ctx, text);
      const { decision } = analysis;
      // A message that is only a stop's name asks for its next departures, whatever the FAQ model
      // guessed from two words; emergencies are never overridden.
      const claimed = decision.kind === 'emergency' ? undefined : claimedIntent(text);
      if (claimed !== undefined) {
        await answerIntent(ctx, claimed, language, text, analysis.result.score);
        await next();
        return;
      }
      switch (decision.kind) {
        case 'emergency':
          // Only reachable when the app runs `understand` without the safety middleware.
          emergencyReply(ctx, decision.intent, language, { safety: true });
          ctx.patch.urgent = true;
          ctx.handoff = { reason: 'emergency', priority: 'urgent', queue: 'urgencias', intent: decision.intent };
          break;
        case 'answer':
          await answerIntent(ctx, decision.intent, language, text, analysis.result.score);
          break;
        case 'clarify': {
          const choices = decision.intents.map((intent) => ({
            title: content.intents.get(intent)?.title[language] ?? intent,
            payload: `${INTENT_PAYLOAD_PREFIX}${intent}`,
          }));
          ctx.reply({ kind: 'choices', text: messages.clarify, choices });
          patchState(ctx, { pendingChoices: choices, misunderstood: 0 });
          break;
        }
        case 'not-understood':
          notUnderstood(ctx, language);
          break;
      }
    }
    await next();
  };

  return { safety, understand: [languageStep, choiceMapping, nluStep, answerStep] };
}
