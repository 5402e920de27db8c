/**
 * The editor's draft model: the content schema of `src/intents/content/schema.ts` (the same
 * answers, titles, utterances and limits the engine loads) plus what only a draft has: an
 * enabled flag, entities, and languages filled one at a time. It converts to the engine's
 * {@link Content} for training and answering.
 */
import { Type, type Static } from '@sinclair/typebox';
import { LANGUAGES, type Language } from '../core/message.js';
import { FALLBACK_SOURCE_LANGUAGE, answersIn, hasAnswer, type LanguageFallback } from '../intents/answers.js';
import { domainOf, GREETING_INTENT, NONE_INTENT, POLICY_INTENTS } from '../intents/content/catalogue.js';
import {
  AnswerSchema,
  DOMAIN_PATTERN,
  HANDOFF_QUEUE_MAX,
  HandoffQueueSchema,
  INTENT_ID_PATTERN,
  SomeLanguages,
  TitleSchema,
  UtteranceSchema,
  type Answer,
  type PolicyFile,
} from '../intents/content/schema.js';

/** Most utterances one intent may have in one language. */
export const UTTERANCES_PER_LANGUAGE_MAX = 2000;

/** What the bot does in a language without an answer: `handoff` (a person) or `es` (the Spanish answer with a notice). */
const FallbackSchema = Type.Union([Type.Literal('handoff'), Type.Literal('es')], { problem: 'must be "handoff" (pass to a person) or "es" (answer in Spanish with a notice)' });

/**
 * What an editor sends to create or replace an intent (the API body, an imported intent): the
 * content schema's fields, every language optional (a draft is filled one language at a time).
 * `problem` and `unknownKey` are the wording `validate.ts` gives editors.
 */
export const IntentInputSchema = Type.Object(
  {
    id: Type.String({
      pattern: INTENT_ID_PATTERN,
      description: 'domain.name, lower-case letters, digits and _',
      problem: 'bad intent id: use domain.name with lower-case letters, digits and _ (e.g. tramites.bicicleta_publica)',
    }),
    domain: Type.Optional(Type.String({ pattern: DOMAIN_PATTERN, problem: 'must be lower-case letters, digits and _' })),
    enabled: Type.Optional(Type.Boolean({ problem: 'must be true or false' })),
    handoffQueue: Type.Optional(Type.Union([HandoffQueueSchema, Type.Null()], { problem: `must be a queue id (1–${HANDOFF_QUEUE_MAX} characters) or null` })),
    title: Type.Optional(SomeLanguages(TitleSchema)),
    utterances: Type.Optional(SomeLanguages(Type.Array(UtteranceSchema, { maxItems: UTTERANCES_PER_LANGUAGE_MAX, problem: `must be a list of at most ${UTTERANCES_PER_LANGUAGE_MAX} sentences` }))),
    answers: Type.Optional(SomeLanguages(AnswerSchema)),
    fallback: Type.Optional(SomeLanguages(FallbackSchema)),
  },
  { additionalProperties: false, unknownKey: 'unknown field "{key}": an intent has id, domain, enabled, handoffQueue, title, utterances, answers and fallback' },
);

export type IntentInput = Static<typeof IntentInputSchema>;

/** One intent as the editor stores it. Languages may be missing (the quality gate reports it). */
export interface EditorIntent {
  readonly id: string;
  readonly domain: string;
  readonly enabled: boolean;
  readonly handoffQueue: string | null;
  readonly title: Partial<Record<Language, string>>;
  readonly utterances: Partial<Record<Language, readonly string[]>>;
  readonly answers: Partial<Record<Language, Answer>>;
  /**
   * Per language without an answer, what the bot does instead (chosen by the editors; never for
   * Spanish, the reference language). Absent in content saved before it existed.
   */
  readonly fallback?: Partial<Record<Language, LanguageFallback>>;
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
      Type.Object({ value: Type.String({ minLength: 1 }), synonyms: SomeLanguages(Type.Array(Type.String({ minLength: 1 }))) }, { additionalProperties: false }),
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
  title: SomeLanguages(Type.String()),
  utterances: SomeLanguages(Type.Array(Type.String())),
  answers: SomeLanguages(AnswerSchema),
  fallback: Type.Optional(SomeLanguages(FallbackSchema)),
});

/** Normalises an API/import input into a stored intent. */
export function intentFromInput(input: IntentInput): EditorIntent {
  const utterances: Partial<Record<Language, readonly string[]>> = {};
  for (const language of LANGUAGES) {
    const list = input.utterances?.[language];
    if (list !== undefined) utterances[language] = dedupe(list.map((u) => u.trim()).filter((u) => u.length > 0));
  }
  const answers: Partial<Record<Language, Answer>> = {};
  for (const language of LANGUAGES) {
    const answer = input.answers?.[language];
    if (answer === undefined) continue;
    const channels: Record<string, string> | undefined =
      answer.channels === undefined ? undefined : Object.fromEntries(Object.entries(answer.channels).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
    answers[language] = {
      text: answer.text,
      ...(answer.short === undefined || answer.short === '' ? {} : { short: answer.short }),
      ...(channels === undefined || Object.keys(channels).length === 0 ? {} : { channels }),
    } as Answer;
  }
  const fallback: Partial<Record<Language, LanguageFallback>> = {};
  for (const language of LANGUAGES) {
    const chosen = input.fallback?.[language];
    if (chosen !== undefined && language !== FALLBACK_SOURCE_LANGUAGE) fallback[language] = chosen;
  }
  return {
    id: input.id,
    domain: input.domain ?? domainOf(input.id),
    enabled: input.enabled ?? true,
    handoffQueue: input.handoffQueue ?? null,
    title: { ...(input.title ?? {}) },
    utterances,
    answers,
    ...(Object.keys(fallback).length === 0 ? {} : { fallback }),
  };
}

function dedupe(list: readonly string[]): string[] {
  const seen = new Set<string>();
  return list.filter((item) => (seen.has(item) ? false : (seen.add(item), true)));
}

/** Languages where an enabled intent lacks utterances or an answer, whatever fallback it has. */
export function missingLanguages(intent: EditorIntent, languages: readonly Language[]): { utterances: Language[]; answers: Language[] } {
  const utterances = languages.filter((l) => (intent.utterances[l]?.length ?? 0) === 0);
  const answers = languages.filter((l) => !hasAnswer(intent, l));
  return { utterances, answers };
}

/**
 * Languages that block publishing the intent: those without an answer where the editors chose no
 * usable fallback (a person, or Spanish when there is a Spanish answer), and those without example
 * phrases and no fallback (a fallback learns the Spanish phrases there).
 */
export function blockingLanguages(intent: EditorIntent, languages: readonly Language[]): { utterances: Language[]; answers: Language[] } {
  const missing = missingLanguages(intent, languages);
  const covered = (l: Language): boolean => l !== FALLBACK_SOURCE_LANGUAGE && intent.fallback?.[l] !== undefined && answersIn(intent, l);
  return { utterances: missing.utterances.filter((l) => !covered(l)), answers: missing.answers.filter((l) => !covered(l)) };
}

/** What the policy uses each intent of `POLICY_INTENTS` for, in the publish gate's words. */
const POLICY_INTENT_ROLES: Readonly<Record<string, string>> = { [NONE_INTENT]: 'fuera de ámbito', [GREETING_INTENT]: 'saludo al empezar una conversación' };

/**
 * The publish gate's completeness reasons (in Spanish, for editors): enabled intents without
 * utterances or answers in one of `languages` and no fallback chosen there, and missing intents the policy answers with (the
 * out-of-scope `None`, the greeting). Empty when the content may go live.
 */
export function completenessProblems(content: EditorContent, languages: readonly Language[]): string[] {
  const reasons: string[] = [];
  for (const intent of content.intents) {
    if (!intent.enabled) continue;
    const missing = blockingLanguages(intent, languages);
    if (missing.utterances.length > 0) reasons.push(`${intent.id}: sin frases de ejemplo en ${missing.utterances.join(', ')} (escríbelas o elige qué hacer en ese idioma: pasar a una persona o responder en español con aviso)`);
    if (missing.answers.length > 0) reasons.push(`${intent.id}: sin respuesta en ${missing.answers.join(', ')} (escríbela o elige qué hacer en ese idioma: pasar a una persona o responder en español con aviso)`);
  }
  for (const id of POLICY_INTENTS) {
    if (!content.intents.some((i) => i.id === id && i.enabled)) reasons.push(`${id}: la intención «${id}» (${POLICY_INTENT_ROLES[id] ?? 'la usa el asistente'}) debe existir y estar activa`);
  }
  return reasons;
}
