/**
 * The content model, in one place: the TypeBox schemas and limits of intents, answers and the
 * decision policy. The content files in `config/intents/` (one YAML file per domain plus
 * `policy.yaml`), the editor's API and import, and the editor page (through
 * `GET /api/editor/channels`) all read these; nothing else states a limit.
 */
import { Type, type Static, type StringOptions, type TSchema } from '@sinclair/typebox';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { LANGUAGES, type Language } from '../../core/message.js';

/** Channels an answer may have its own variant for. */
export const ANSWER_CHANNELS = ['webchat', 'telegram', 'whatsapp', 'x', 'botframework'] as const;
export type AnswerChannel = (typeof ANSWER_CHANNELS)[number];

/** The longest text of a variant per channel: what the platform shows in one message. */
export const ANSWER_CHANNEL_LIMITS: Readonly<Record<AnswerChannel, number>> = Object.fromEntries(ANSWER_CHANNELS.map((channel) => [channel, CHANNEL_TEXT_LIMITS[channel]])) as Record<AnswerChannel, number>;

/** Longest answer text: the shortest one-message limit among the channels that show the full text. */
export const ANSWER_TEXT_MAX = Math.min(...ANSWER_CHANNELS.filter((channel) => channel !== 'x').map((channel) => CHANNEL_TEXT_LIMITS[channel]));
/** Longest short variant: an X public reply (the channel that prefers it). */
export const SHORT_ANSWER_MAX = CHANNEL_TEXT_LIMITS.x;
/** Longest training utterance. */
export const UTTERANCE_MAX = 500;
/** Longest title (a button when the bot asks "which one do you mean?"). */
export const TITLE_MAX = 80;
/** Intent ids: `domain.name`, lower-case ASCII letters, digits and `_` (or the special `None`). */
export const INTENT_ID_PATTERN = '^(None|[a-z][a-z0-9_]{0,39}\\.[a-z0-9_]{1,60})$';
export const INTENT_ID_RE = new RegExp(INTENT_ID_PATTERN);
/** Domains: the part of an id before the dot. */
export const DOMAIN_PATTERN = '^[a-z][a-z0-9_]{0,39}$';
export const HANDOFF_QUEUE_MAX = 60;

/**
 * A text that shows something: at least one character that is neither blank nor the `**` of the
 * hub's bold markup (a reply of only `** **` renders to nothing on every channel).
 */
const VISIBLE = '[^\\s*]';
const NOT_BLANK = '\\S';

/**
 * Extra schema keywords the editor turns into messages an editor understands (see
 * `src/editor/validate.ts`): `problem` replaces the validator's wording for the field;
 * `unknownKey` is the message for an unexpected key, `{key}` standing for the key.
 */
interface Wording {
  readonly problem?: string;
  readonly unknownKey?: string;
}

const text = (maxLength: number, pattern: string, problem: string) => Type.String({ minLength: 1, maxLength, pattern, problem } satisfies StringOptions & Wording);

export const UtteranceSchema = text(UTTERANCE_MAX, NOT_BLANK, 'must be a non-empty text');
export const TitleSchema = text(TITLE_MAX, NOT_BLANK, `must be a text of 1–${TITLE_MAX} characters`);

const variant = (channel: AnswerChannel) => Type.Optional(text(ANSWER_CHANNEL_LIMITS[channel], VISIBLE, 'must be a non-empty text'));

export const AnswerSchema = Type.Object(
  {
    /** What every channel shows (split at sentences where a platform's limit is shorter). */
    text: text(ANSWER_TEXT_MAX, VISIBLE, 'the answer text is required'),
    /** For channels that prefer a short reply (X public replies); absent: `text`, cut to fit. */
    short: Type.Optional(Type.String({ maxLength: SHORT_ANSWER_MAX, problem: `the short answer must be a text of at most ${SHORT_ANSWER_MAX} characters` } satisfies StringOptions & Wording)),
    /** A channel's own wording, used instead of `text` (and of `short` on X) on that channel. */
    channels: Type.Optional(
      Type.Object(
        { webchat: variant('webchat'), telegram: variant('telegram'), whatsapp: variant('whatsapp'), x: variant('x'), botframework: variant('botframework') } satisfies Record<AnswerChannel, unknown>,
        { additionalProperties: false, unknownKey: `unknown channel "{key}": use ${ANSWER_CHANNELS.join(', ')}` },
      ),
    ),
  },
  { additionalProperties: false, unknownKey: 'unknown field "{key}": an answer has text, short and channels' },
);

const LANGUAGE_KEYS = `unknown language "{key}": use ${LANGUAGES.join(', ')}`;

/** Every language required (content files: what the hub starts with must be complete). */
const AllLanguages = <T extends TSchema>(schema: T) =>
  Type.Object({ es: schema, ca: schema, gl: schema, eu: schema, en: schema } satisfies Record<Language, T>, { additionalProperties: false, unknownKey: LANGUAGE_KEYS });

/** Any subset of the languages (the editor's draft fills them one at a time). */
export const SomeLanguages = <T extends TSchema>(schema: T) =>
  Type.Object(
    { es: Type.Optional(schema), ca: Type.Optional(schema), gl: Type.Optional(schema), eu: Type.Optional(schema), en: Type.Optional(schema) },
    { additionalProperties: false, unknownKey: LANGUAGE_KEYS },
  );

export const HandoffQueueSchema = Type.String({ minLength: 1, maxLength: HANDOFF_QUEUE_MAX, pattern: NOT_BLANK, problem: `must be a queue id (1–${HANDOFF_QUEUE_MAX} characters) or null` } satisfies StringOptions & Wording);

export const IntentEntrySchema = Type.Object(
  {
    /** Button title when the bot asks "which one do you mean?". */
    title: AllLanguages(TitleSchema),
    /** Queue of people that handles the topic (the handoff module routes on it). */
    handoffQueue: Type.Optional(HandoffQueueSchema),
    utterances: AllLanguages(Type.Array(UtteranceSchema)),
    answers: AllLanguages(AnswerSchema),
  },
  { additionalProperties: false },
);

export const IntentFileSchema = Type.Object(
  {
    domain: Type.String({ pattern: DOMAIN_PATTERN }),
    intents: Type.Record(Type.String({ pattern: INTENT_ID_PATTERN }), IntentEntrySchema),
  },
  { additionalProperties: false },
);

const NonEmptyText = Type.String({ minLength: 1 });

const PolicyMessagesSchema = Type.Object(
  {
    /** Asked when two intents are close: "¿Te refieres a…?". */
    clarify: NonEmptyText,
    /** Reply to an empty or whitespace-only message. */
    empty: NonEmptyText,
    /** Reply to attachments, locations, stickers… */
    unsupported: NonEmptyText,
    /** Offer of a person (after an answer with `offerHandoffAfterAnswer`). */
    handoffOffer: NonEmptyText,
  },
  { additionalProperties: false },
);

export const PolicyFileSchema = Type.Object(
  {
    thresholds: Type.Object(
      {
        /** Minimum classifier score to answer directly. */
        answer: Type.Number({ minimum: 0, maximum: 1 }),
        /** Two candidates closer than this (and both above `clarifyFloor`) → ask which one. */
        clarifyMargin: Type.Number({ minimum: 0, maximum: 1 }),
        /** Minimum score of the second candidate to be offered as a choice. */
        clarifyFloor: Type.Number({ minimum: 0, maximum: 1 }),
        /** Minimum NLU score for an `emergencia.*` intent to trigger the safety net. */
        emergency: Type.Number({ minimum: 0, maximum: 1 }),
      },
      { additionalProperties: false },
    ),
    /** Old behaviour: a second message offering a person after every answer of a queued topic. */
    offerHandoffAfterAnswer: Type.Boolean(),
    /**
     * Attach "talk to a person" as a choice on the answer itself when the intent has a
     * `handoffQueue` and the NLU score is below this (the bot may have guessed). Absent: never.
     */
    handoffChoiceBelowScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    messages: AllLanguages(PolicyMessagesSchema),
  },
  { additionalProperties: false },
);

export type IntentFile = Static<typeof IntentFileSchema>;
export type IntentEntry = Static<typeof IntentEntrySchema>;
export type Answer = Static<typeof AnswerSchema>;
export type PolicyFile = Static<typeof PolicyFileSchema>;
export type PolicyMessages = Static<typeof PolicyMessagesSchema>;
