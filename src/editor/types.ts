/**
 * The editor's content model: what content editors change in the draft and what a published
 * version freezes. It is a superset of the files in `config/intents/` (enabled flag, per-channel
 * answer variants, entities, any intent id the editors invent), and converts to the intents
 * helper's {@link Content} for training and answering.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LANGUAGES, type ChannelId, type Language } from '../core/message.js';
import type { PolicyFile } from '../intents/content/schema.js';

/** Channels an answer may have its own variant for, with the platform's text limit. */
export const CHANNEL_LIMITS = {
  webchat: 4000,
  telegram: 4096,
  whatsapp: 4096,
  x: 280,
  botframework: 4000,
} as const satisfies Partial<Record<ChannelId, number>>;

export type EditorChannel = keyof typeof CHANNEL_LIMITS;
export const EDITOR_CHANNELS = Object.keys(CHANNEL_LIMITS) as EditorChannel[];

/** Longest answer text accepted: beyond it no channel shows it in one message. */
export const ANSWER_HARD_LIMIT = 4000;
/** Longest short variant (X public replies and other tight channels). */
export const SHORT_HARD_LIMIT = 280;
/** Longest training utterance accepted. */
export const UTTERANCE_MAX = 500;
/** Intent ids: `domain.name`, lower-case ASCII letters, digits and `_` (or the special `None`). */
export const INTENT_ID_PATTERN = '^(None|[a-z][a-z0-9_]{0,39}\\.[a-z0-9_]{1,60})$';
export const INTENT_ID_RE = new RegExp(INTENT_ID_PATTERN);

const LanguageKey = Type.Union(LANGUAGES.map((l) => Type.Literal(l)));

export const AnswerSchema = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: ANSWER_HARD_LIMIT }),
    short: Type.Optional(Type.String({ maxLength: SHORT_HARD_LIMIT })),
    channels: Type.Optional(
      Type.Object(
        Object.fromEntries(EDITOR_CHANNELS.map((c) => [c, Type.Optional(Type.String({ minLength: 1, maxLength: CHANNEL_LIMITS[c] }))])),
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const perLanguage = <T extends import('@sinclair/typebox').TSchema>(schema: T) =>
  Type.Object(Object.fromEntries(LANGUAGES.map((l) => [l, Type.Optional(schema)])) as unknown as Record<Language, import('@sinclair/typebox').TOptional<T>>, {
    additionalProperties: false,
  });

/** What an editor sends to create or replace an intent (the API body). */
export const IntentInputSchema = Type.Object(
  {
    id: Type.String({ pattern: INTENT_ID_PATTERN, description: 'domain.name, lower-case letters, digits and _' }),
    domain: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    enabled: Type.Optional(Type.Boolean()),
    handoffQueue: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 60 }), Type.Null()])),
    title: Type.Optional(perLanguage(Type.String({ minLength: 1, maxLength: 80 }))),
    utterances: Type.Optional(perLanguage(Type.Array(Type.String({ minLength: 1, maxLength: UTTERANCE_MAX }), { maxItems: 2000 }))),
    answers: Type.Optional(perLanguage(AnswerSchema)),
  },
  { additionalProperties: false },
);

export type IntentInput = Static<typeof IntentInputSchema>;
export type EditorAnswer = Static<typeof AnswerSchema>;

/** One intent as the editor stores it. Languages may be missing (the quality gate reports it). */
export interface EditorIntent {
  readonly id: string;
  readonly domain: string;
  readonly enabled: boolean;
  readonly handoffQueue: string | null;
  readonly title: Partial<Record<Language, string>>;
  readonly utterances: Partial<Record<Language, readonly string[]>>;
  readonly answers: Partial<Record<Language, EditorAnswer>>;
}

/** A named list of values with synonyms per language (stored, imported and exported as they are). */
export interface EditorEntity {
  readonly name: string;
  readonly values: readonly { readonly value: string; readonly synonyms: Partial<Record<Language, readonly string[]>> }[];
}

export const EntitySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    values: Type.Array(
      Type.Object({ value: Type.String({ minLength: 1 }), synonyms: perLanguage(Type.Array(Type.String({ minLength: 1 }))) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** The whole content set: what a version freezes. */
export interface EditorContent {
  readonly intents: readonly EditorIntent[];
  readonly entities: readonly EditorEntity[];
  readonly policy: PolicyFile;
}

/** The JSON schema of an intent as the API returns it. */
export const IntentSchema = Type.Object({
  id: Type.String(),
  domain: Type.String(),
  enabled: Type.Boolean(),
  handoffQueue: Type.Union([Type.String(), Type.Null()]),
  title: perLanguage(Type.String()),
  utterances: perLanguage(Type.Array(Type.String())),
  answers: perLanguage(AnswerSchema),
});

export { LanguageKey };

/** `renta.plazos` → `renta`. */
export function domainOfId(id: string): string {
  const dot = id.indexOf('.');
  return dot === -1 ? id : id.slice(0, dot);
}

/** Normalises an API/import input into a stored intent. */
export function intentFromInput(input: IntentInput): EditorIntent {
  const utterances: Partial<Record<Language, readonly string[]>> = {};
  for (const language of LANGUAGES) {
    const list = input.utterances?.[language];
    if (list !== undefined) utterances[language] = dedupe(list.map((u) => u.trim()).filter((u) => u.length > 0));
  }
  const answers: Partial<Record<Language, EditorAnswer>> = {};
  for (const language of LANGUAGES) {
    const answer = input.answers?.[language];
    if (answer === undefined) continue;
    const channels: Record<string, string> | undefined =
      answer.channels === undefined ? undefined : Object.fromEntries(Object.entries(answer.channels).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
    answers[language] = {
      text: answer.text,
      ...(answer.short === undefined || answer.short === '' ? {} : { short: answer.short }),
      ...(channels === undefined || Object.keys(channels).length === 0 ? {} : { channels }),
    } as EditorAnswer;
  }
  return {
    id: input.id,
    domain: input.domain ?? domainOfId(input.id),
    enabled: input.enabled ?? true,
    handoffQueue: input.handoffQueue ?? null,
    title: { ...(input.title ?? {}) },
    utterances,
    answers,
  };
}

function dedupe(list: readonly string[]): string[] {
  const seen = new Set<string>();
  return list.filter((item) => (seen.has(item) ? false : (seen.add(item), true)));
}

/** Languages where an enabled intent lacks utterances or an answer (the completeness check). */
export function missingLanguages(intent: EditorIntent, languages: readonly Language[]): { utterances: Language[]; answers: Language[] } {
  const utterances = languages.filter((l) => (intent.utterances[l]?.length ?? 0) === 0);
  const answers = languages.filter((l) => intent.answers[l] === undefined);
  return { utterances, answers };
}
