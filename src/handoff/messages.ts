/**
 * What the handoff queue says to citizens, in the hub's five languages (texts from the message
 * catalogues, section `handoff`), and the phrases it recognises while a conversation waits
 * ("¿cuánto falta?", "ya no hace falta").
 */
import { catalogue, type TextVariables } from '../core/i18n.js';
import { LANGUAGES, type Language } from '../core/message.js';
import type { ReplyWindow } from '../core/reply-window.js';

export interface QueueText {
  queued(p: { queue: string; position: number; waitMinutes: number }): string;
  /**
   * Closed queue: the hours, when it opens, and that a message left now is answered then. With
   * `replyWindow` (WhatsApp's 24 hours) it also says how a late answer reaches the citizen.
   */
  outOfHours(p: { queue: string; hours: string; next: string | undefined; replyWindow?: ReplyWindow }): string;
  position(p: { position: number; waitMinutes: number }): string;
  positionUpdate(p: { position: number; waitMinutes: number }): string;
  assigned(): string;
  transferred(p: { queue: string }): string;
  cancelled(): string;
  slaBreached(): string;
  abandoned(): string;
  surveyQuestion(): string;
  surveyThanks(): string;
}

/**
 * Every key of the `handoff.*` section of the message catalogues (`config/i18n/<language>.yaml`):
 * the compile-time list the code below reads, which a test checks against every shipped catalogue.
 */
export const HANDOFF_TEXT_KEYS = [
  'minutesOne',
  'minutesOther',
  'queued',
  'outOfHours',
  'outOfHoursBack',
  'outOfHoursLeave',
  'outOfHoursCancel',
  'replyWindow',
  'replyWindowTemplate',
  'replyWindowWriteAgain',
  'positionNext',
  'position',
  'positionUpdate',
  'assigned',
  'transferred',
  'cancelled',
  'slaBreached',
  'abandoned',
  'waitExceeded',
  'surveyQuestion',
  'surveyThanks',
] as const;

/** A key of the `handoff.*` catalogue section. */
export type HandoffTextKey = (typeof HANDOFF_TEXT_KEYS)[number];

/**
 * The handoff text `key` in `language`, read from the catalogue in use at call time (so the one
 * installed at start-up counts), Spanish when that language lacks it.
 */
export function handoffText(language: Language, key: HandoffTextKey, variables?: TextVariables): string {
  return catalogue().text(language, `handoff.${key}`, variables);
}

const minutes = (n: number, language: Language): string => {
  const count = Math.max(1, Math.round(n));
  return count === 1 ? handoffText(language, 'minutesOne') : handoffText(language, 'minutesOther', { count });
};

/** How an answer given after the channel's reply window reaches the citizen (the truth, per setup). */
const windowText = (language: Language, window: ReplyWindow | undefined): readonly string[] =>
  window === undefined
    ? []
    : [handoffText(language, 'replyWindow', { hours: window.hours }), handoffText(language, window.reopenBy === 'template' ? 'replyWindowTemplate' : 'replyWindowWriteAgain')];

function queueText(language: Language): QueueText {
  const text = (key: HandoffTextKey, variables?: TextVariables): string => handoffText(language, key, variables);
  return {
    queued: ({ queue, position, waitMinutes }) => text('queued', { queue, position, minutes: minutes(waitMinutes, language) }),
    outOfHours: ({ queue, hours, next, replyWindow }) =>
      [
        text('outOfHours', { queue, hours }),
        ...(next === undefined ? [] : [text('outOfHoursBack', { next })]),
        text('outOfHoursLeave'),
        ...windowText(language, replyWindow),
        text('outOfHoursCancel'),
      ].join(' '),
    position: ({ position, waitMinutes }) => (position <= 1 ? text('positionNext', { minutes: minutes(waitMinutes, language) }) : text('position', { position, minutes: minutes(waitMinutes, language) })),
    positionUpdate: ({ position, waitMinutes }) => text('positionUpdate', { position, minutes: minutes(waitMinutes, language) }),
    assigned: () => text('assigned'),
    transferred: ({ queue }) => text('transferred', { queue }),
    cancelled: () => text('cancelled'),
    slaBreached: () => text('slaBreached'),
    abandoned: () => text('abandoned'),
    surveyQuestion: () => text('surveyQuestion'),
    surveyThanks: () => text('surveyThanks'),
  };
}

/** What the queue says to citizens, per language (texts from the catalogues, `handoff.*`). */
export const QUEUE_TEXT: Readonly<Record<Language, QueueText>> = Object.fromEntries(LANGUAGES.map((language) => [language, queueText(language)])) as Record<Language, QueueText>;

/** Lowercase, without accents, punctuation or repeated spaces: what the phrase rules match on. */
export function normalizePhrase(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[·¿?¡!.,;:"'«»()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const HOW_LONG = [
  'cuanto falta', 'cuanto queda', 'cuanto tarda', 'cuanto tiempo', 'cuanto mas', 'que posicion', 'mi posicion', 'mi turno', 'me queda mucho',
  'quant falta', 'quant queda', 'quant trigara', 'quant temps',
  'canto falta', 'canto queda', 'canto tempo', 'canto tarda',
  'zenbat falta', 'zenbat denbora', 'zenbat geratzen',
  'how long', 'how much longer', 'my position', 'what position', 'whats my place',
];

const CANCEL = [
  'ya no hace falta', 'no hace falta', 'cancelar', 'cancela', 'cancelalo', 'olvidalo', 'dejalo', 'ya no lo necesito', 'ya esta resuelto',
  'ja no cal', 'no cal', 'cancel lar', 'cancella', 'deixa ho', 'ja no ho necessito',
  'xa non fai falta', 'non fai falta', 'xa non o necesito', 'deixao',
  'ez da beharrezkoa', 'ez da behar', 'utzi', 'ezeztatu', 'bertan behera',
  'cancel', 'never mind', 'nevermind', 'no longer needed', 'not needed anymore', 'forget it',
];

function matchesShort(text: string, phrases: readonly string[], maxLength: number): boolean {
  const normalized = normalizePhrase(text);
  if (normalized.length === 0 || normalized.length > maxLength) return false;
  return phrases.some((phrase) => normalized === phrase || normalized.startsWith(`${phrase} `) || normalized.endsWith(` ${phrase}`) || normalized.includes(` ${phrase} `));
}

/** True for a short "how long is left?" question in any of the five languages. */
export function isHowLongQuestion(text: string): boolean {
  return matchesShort(text, HOW_LONG, 60);
}

/**
 * True for a short cancel ("ya no hace falta", "cancelar"): only short messages count, so
 * "quiero cancelar mi cita del padrón" still reaches the agent as a question.
 */
export function isCancelRequest(text: string): boolean {
  const normalized = normalizePhrase(text);
  if (normalized.split(' ').length > 5) return false;
  return matchesShort(text, CANCEL, 40);
}

/** A survey rating (1–5) from a button payload (`survey:N`) or a typed digit; otherwise undefined. */
export function parseRating(text: string | undefined, payload: string | undefined): number | undefined {
  const fromPayload = payload === undefined ? undefined : /^survey:([1-5])$/.exec(payload)?.[1];
  if (fromPayload !== undefined) return Number(fromPayload);
  const trimmed = text?.trim();
  // A rating is a few characters; the length check keeps any pattern cheap on a long message.
  if (trimmed === undefined || trimmed.length > 40) return undefined;
  // Spaces belong to the part after them (an optional group is kept only when its word follows), so
  // a run of spaces splits one way only: four free-standing `\s*` sharing one run made a former
  // pattern backtrack for minutes on "5" + 500 spaces + "x".
  const match = /^([1-5])(?:\s*\/\s*5)?(?:\s*(?:estrellas?|stars?|izarr\w*|estrel\w*))?\s*[.!]?$/i.exec(trimmed);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * The estimate a waiting citizen was given has run out: they are told a new one, once per
 * estimate (kept apart from {@link QUEUE_TEXT} so the two can change independently).
 */
export const WAIT_EXCEEDED_TEXT: Readonly<Record<Language, (p: { position: number; waitMinutes: number }) => string>> = Object.fromEntries(
  LANGUAGES.map((language) => [language, ({ position, waitMinutes }: { position: number; waitMinutes: number }) => handoffText(language, 'waitExceeded', { position, minutes: minutes(waitMinutes, language) })]),
) as Record<Language, (p: { position: number; waitMinutes: number }) => string>;
