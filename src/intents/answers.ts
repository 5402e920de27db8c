/**
 * The answer contract: what the production policy says for an intent, in a language, on a
 * channel. The policy renders written answers here, and the editor refuses at save an intent this
 * module could not answer, so the editor accepts exactly what the policy renders.
 */
import type { ChannelId, Language, OutboundMessage } from '../core/message.js';
import { AGENT_INTENT, isEmergencyIntent } from './content/catalogue.js';
import { ANSWER_CHANNELS, SHORT_ANSWER_MAX, type Answer, type AnswerChannel } from './content/schema.js';

/**
 * What the bot does in a language the editors have not written an answer in (chosen per language
 * in the editor and stored with the intent): `handoff` passes the citizen to a person of the
 * intent's queue; `es` answers with the Spanish text, after a visible notice in the citizen's
 * language that the answer is only available in Spanish.
 */
export type LanguageFallback = 'handoff' | 'es';
export const LANGUAGE_FALLBACKS: readonly LanguageFallback[] = ['handoff', 'es'];

/** The language a `es` fallback answers in (the editors' reference language). */
export const FALLBACK_SOURCE_LANGUAGE: Language = 'es';

/** The notice that precedes a Spanish answer given in another language (never silent about it). */
export const SPANISH_ONLY_NOTICE: Readonly<Record<Language, string>> = {
  es: '',
  ca: '⚠️ Aquesta resposta només està disponible en castellà.',
  gl: '⚠️ Esta resposta só está dispoñible en castelán.',
  eu: '⚠️ Erantzun hau gaztelaniaz bakarrik dago eskuragarri.',
  en: '⚠️ This answer is only available in Spanish.',
};

/** What the contract needs of an intent: the editor's draft intents and the loaded ones both fit. */
export interface AnswerableIntent {
  readonly id: string;
  readonly utterances: Readonly<Partial<Record<Language, readonly string[]>>>;
  readonly answers: Readonly<Partial<Record<Language, Answer>>>;
  /** Per language without a written answer: what the bot does instead (absent: nothing chosen). */
  readonly fallback?: Readonly<Partial<Record<Language, LanguageFallback>>>;
}

function isAnswerChannel(channel: ChannelId): channel is AnswerChannel {
  return (ANSWER_CHANNELS as readonly string[]).includes(channel);
}

/** A text that shows something once the bold markup is rendered (see the content schema). */
function visible(text: string | undefined): text is string {
  return text !== undefined && /[^\s*]/.test(text);
}

/**
 * The written answer as a reply on `channel`: the channel's variant when the editors wrote one
 * (on X it is the short text too, since it fits a public reply), else the text with its short
 * variant. `undefined` when there is no answer with visible text.
 */
export function renderAnswer(answer: Answer | undefined, channel: ChannelId): OutboundMessage | undefined {
  if (answer === undefined || !visible(answer.text)) return undefined;
  const variant = isAnswerChannel(channel) ? answer.channels?.[channel] : undefined;
  const text = visible(variant) ? variant : answer.text;
  const short = visible(variant) && channel === 'x' ? variant : answer.short;
  return { kind: 'text', text, ...(visible(short) ? { short } : {}) };
}

/** What the policy does for an intent in a language on a channel: the one answer contract. */
export type AnswerPlan =
  /** The written answer (in the language, or the Spanish one after the notice when `fallback`). */
  | { readonly kind: 'answer'; readonly message: OutboundMessage; readonly fallback?: 'es' }
  /** No answer in the language and the editors chose a person for it. */
  | { readonly kind: 'handoff' }
  /** Nothing written and no fallback chosen (the runner's never-silent fallback answers). */
  | { readonly kind: 'none' };

/**
 * The answer of `intent` in `language` on `channel`: the written one when there is one; else the
 * fallback the editors chose for that language — a person, or the Spanish answer preceded by
 * {@link SPANISH_ONLY_NOTICE} in the citizen's language (on the short variant too, when it fits).
 */
export function planAnswer(intent: Pick<AnswerableIntent, 'answers' | 'fallback'> | undefined, language: Language, channel: ChannelId): AnswerPlan {
  if (intent === undefined) return { kind: 'none' };
  const own = renderAnswer(intent.answers[language], channel);
  if (own !== undefined) return { kind: 'answer', message: own };
  const fallback = language === FALLBACK_SOURCE_LANGUAGE ? undefined : intent.fallback?.[language];
  if (fallback === 'handoff') return { kind: 'handoff' };
  if (fallback === 'es') {
    const spanish = renderAnswer(intent.answers[FALLBACK_SOURCE_LANGUAGE], channel);
    if (spanish === undefined || spanish.kind !== 'text') return { kind: 'none' };
    const notice = SPANISH_ONLY_NOTICE[language];
    const short = spanish.short === undefined ? undefined : `${notice} ${spanish.short}`;
    const message: OutboundMessage = { kind: 'text', text: `${notice}\n\n${spanish.text}`, ...(short !== undefined && short.length <= SHORT_ANSWER_MAX ? { short } : {}) };
    return { kind: 'answer', message, fallback: 'es' };
  }
  return { kind: 'none' };
}

/** True when the intent says something in `language`: its own answer or a usable fallback. */
export function answersIn(intent: Pick<AnswerableIntent, 'answers' | 'fallback'>, language: Language): boolean {
  if (hasAnswer(intent, language)) return true;
  const fallback = language === FALLBACK_SOURCE_LANGUAGE ? undefined : intent.fallback?.[language];
  return fallback === 'handoff' || (fallback === 'es' && hasAnswer(intent, FALLBACK_SOURCE_LANGUAGE));
}

/**
 * False for the intents the policy answers without written text: the request for a person (a
 * handoff) and the emergencies (the safety net's fixed answers).
 */
export function needsWrittenAnswer(intentId: string): boolean {
  return intentId !== AGENT_INTENT && !isEmergencyIntent(intentId);
}

/**
 * The languages (of `languages`) where the intent is recognised, because it has utterances, and
 * the policy could not answer it: no answer with visible text and no usable fallback. Empty for intents that need none.
 */
export function unanswerableLanguages(intent: AnswerableIntent, languages: readonly Language[]): Language[] {
  if (!needsWrittenAnswer(intent.id)) return [];
  return languages.filter((language) => (intent.utterances[language]?.length ?? 0) > 0 && !answersIn(intent, language));
}

/**
 * The example phrases the model of `language` learns for the intent: its own; for a language
 * without phrases where the editors chose a fallback, the Spanish ones, so a question there that
 * shares their words (a service's name, a loanword) still reaches the intent and its fallback.
 */
export function trainingUtterances(intent: Pick<AnswerableIntent, 'utterances' | 'fallback'>, language: Language): readonly string[] {
  const own = intent.utterances[language] ?? [];
  if (own.length > 0 || language === FALLBACK_SOURCE_LANGUAGE || intent.fallback?.[language] === undefined) return own;
  return intent.utterances[FALLBACK_SOURCE_LANGUAGE] ?? [];
}

/** True when the intent has an answer with visible text in `language`. */
export function hasAnswer(intent: Pick<AnswerableIntent, 'answers'>, language: Language): boolean {
  return visible(intent.answers[language]?.text);
}
