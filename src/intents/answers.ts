/**
 * The answer contract: what the production policy says for an intent, in a language, on a
 * channel. The policy renders written answers here, and the editor refuses at save an intent this
 * module could not answer, so the editor accepts exactly what the policy renders.
 */
import type { ChannelId, Language, OutboundMessage } from '../core/message.js';
import { AGENT_INTENT, isEmergencyIntent } from './content/catalogue.js';
import { ANSWER_CHANNELS, type Answer, type AnswerChannel } from './content/schema.js';

/** What the contract needs of an intent: the editor's draft intents and the loaded ones both fit. */
export interface AnswerableIntent {
  readonly id: string;
  readonly utterances: Readonly<Partial<Record<Language, readonly string[]>>>;
  readonly answers: Readonly<Partial<Record<Language, Answer>>>;
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

/**
 * False for the intents the policy answers without written text: the request for a person (a
 * handoff) and the emergencies (the safety net's fixed answers).
 */
export function needsWrittenAnswer(intentId: string): boolean {
  return intentId !== AGENT_INTENT && !isEmergencyIntent(intentId);
}

/**
 * The languages (of `languages`) where the intent is recognised, because it has utterances, and
 * the policy could not answer it: no answer with visible text. Empty for intents that need none.
 */
export function unanswerableLanguages(intent: AnswerableIntent, languages: readonly Language[]): Language[] {
  if (!needsWrittenAnswer(intent.id)) return [];
  return languages.filter((language) => (intent.utterances[language]?.length ?? 0) > 0 && !visible(intent.answers[language]?.text));
}

/** True when the intent has an answer with visible text in `language`. */
export function hasAnswer(intent: Pick<AnswerableIntent, 'answers'>, language: Language): boolean {
  return visible(intent.answers[language]?.text);
}
