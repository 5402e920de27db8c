/**
 * The 👍/👎 a citizen gives a bot answer, as a button payload. One shape for every channel that
 * shows buttons (`fb:up:<outbox id>`): the outbox id is what the transcript entry of the answer
 * names and what an adapter knows when it sends, and the payload stays within Telegram's 64-byte
 * `callback_data`.
 */

/** `custom` hub event emitted when a rating is stored or changed (`data`: outboxId, entryId, value); the editor's inbox files 👎. */
export const FEEDBACK_EVENT = 'feedback.recorded';

export const FEEDBACK_VALUES = ['up', 'down'] as const;
export type FeedbackValue = (typeof FEEDBACK_VALUES)[number];

const PREFIX = 'fb:';
const REF = /^[A-Za-z0-9_-]{1,48}$/;

/** The payload of a feedback button for the answer delivered by outbox item `outboxId`. */
export function feedbackPayload(value: FeedbackValue, outboxId: string): string {
  return `${PREFIX}${value}:${outboxId}`;
}

/** The value and answer a payload names, or undefined when it is not a (well-formed) feedback payload. */
export function parseFeedbackPayload(payload: string | undefined): { readonly value: FeedbackValue; readonly outboxId: string } | undefined {
  if (payload === undefined || !payload.startsWith(PREFIX)) return undefined;
  const [value, outboxId, ...rest] = payload.slice(PREFIX.length).split(':');
  if (rest.length > 0 || outboxId === undefined || !REF.test(outboxId)) return undefined;
  return value === 'up' || value === 'down' ? { value, outboxId } : undefined;
}

/** Button titles: emoji only, so they read the same in every language and fit every channel. */
export const FEEDBACK_TITLES: Readonly<Record<FeedbackValue, string>> = { up: '👍', down: '👎' };

/**
 * The 👍/👎 buttons to show under a sent part, or undefined when none belong there: only under a
 * `rateable` text (degrade keeps the mark on the last part only) delivered from the outbox.
 */
export function feedbackChoices(message: { readonly kind: string; readonly rateable?: boolean }, outboxId: string | undefined): readonly { readonly title: string; readonly payload: string }[] | undefined {
  if (message.kind !== 'text' || message.rateable !== true || outboxId === undefined || !REF.test(outboxId)) return undefined;
  return FEEDBACK_VALUES.map((value) => ({ title: FEEDBACK_TITLES[value], payload: feedbackPayload(value, outboxId) }));
}
