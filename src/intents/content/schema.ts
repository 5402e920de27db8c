/**
 * TypeBox schemas of the content files in `config/intents/`: one YAML file per domain, plus
 * `policy.yaml` with the decision thresholds and the policy's own messages.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Longest allowed `short` answer (X public replies and SMS-like channels). */
export const SHORT_ANSWER_MAX = 200;

const NonEmptyText = Type.String({ minLength: 1 });
const Utterances = Type.Array(NonEmptyText);

export const AnswerSchema = Type.Object(
  {
    text: NonEmptyText,
    short: Type.String({ minLength: 1, maxLength: SHORT_ANSWER_MAX }),
  },
  { additionalProperties: false },
);

const PerLanguage = <T extends import('@sinclair/typebox').TSchema>(schema: T) =>
  Type.Object({ es: schema, ca: schema, gl: schema, eu: schema, en: schema }, { additionalProperties: false });

export const IntentEntrySchema = Type.Object(
  {
    /** Button title when the bot asks "which one do you mean?". */
    title: PerLanguage(NonEmptyText),
    /** Queue of people that handles the topic (the handoff module routes on it). */
    handoffQueue: Type.Optional(NonEmptyText),
    utterances: PerLanguage(Utterances),
    answers: PerLanguage(AnswerSchema),
  },
  { additionalProperties: false },
);

export const IntentFileSchema = Type.Object(
  {
    domain: NonEmptyText,
    intents: Type.Record(Type.String(), IntentEntrySchema),
  },
  { additionalProperties: false },
);

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
    messages: PerLanguage(PolicyMessagesSchema),
  },
  { additionalProperties: false },
);

export type IntentFile = Static<typeof IntentFileSchema>;
export type IntentEntry = Static<typeof IntentEntrySchema>;
export type Answer = Static<typeof AnswerSchema>;
export type PolicyFile = Static<typeof PolicyFileSchema>;
export type PolicyMessages = Static<typeof PolicyMessagesSchema>;
