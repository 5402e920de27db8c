/**
 * Field-by-field validation of an intent as editors send it (API body or import file). Every
 * problem names its field (`answers.es.text`, `utterances.fr`), so a 400 or an import report
 * says exactly what to fix. Unknown keys are problems, never silently dropped.
 */
import { LANGUAGES, type Language } from '../core/message.js';
import {
  ANSWER_HARD_LIMIT,
  CHANNEL_LIMITS,
  EDITOR_CHANNELS,
  INTENT_ID_RE,
  SHORT_HARD_LIMIT,
  UTTERANCE_MAX,
  domainOfId,
  type IntentInput,
} from './types.js';

export interface FieldProblem {
  /** Dotted path inside the intent: `id`, `answers.es.text`, `utterances.fr`. */
  readonly field: string;
  readonly message: string;
}

const INTENT_KEYS = new Set(['id', 'domain', 'enabled', 'handoffQueue', 'title', 'utterances', 'answers']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkLanguages(value: unknown, field: string, problems: FieldProblem[]): value is Record<string, unknown> {
  if (value === undefined) return false;
  if (!isRecord(value)) {
    problems.push({ field, message: 'must be a mapping of language → value (es, ca, gl, eu, en)' });
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!(LANGUAGES as readonly string[]).includes(key)) problems.push({ field: `${field}.${key}`, message: `unknown language "${key}": use es, ca, gl, eu or en` });
  }
  return true;
}

/**
 * Validates a raw intent object. Returns the typed input when there are no problems.
 * `idFromPath` (PUT /intents/:id) must match the body id when the body has one.
 */
export function validateIntentInput(raw: unknown, idFromPath?: string): { input?: IntentInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!isRecord(raw)) return { problems: [{ field: '(root)', message: 'the intent must be an object' }] };
  const body = idFromPath !== undefined && raw.id === undefined ? { ...raw, id: idFromPath } : raw;
  for (const key of Object.keys(body)) if (!INTENT_KEYS.has(key)) problems.push({ field: key, message: `unknown field "${key}"` });
  const id = body.id;
  if (typeof id !== 'string' || !INTENT_ID_RE.test(id)) {
    problems.push({ field: 'id', message: 'bad intent id: use domain.name with lower-case letters, digits and _ (e.g. tramites.bicicleta_publica)' });
  } else if (idFromPath !== undefined && id !== idFromPath) {
    problems.push({ field: 'id', message: `the body id "${id}" differs from the URL id "${idFromPath}"` });
  }
  if (body.domain !== undefined) {
    if (typeof body.domain !== 'string' || !/^[a-z][a-z0-9_]{0,39}$/.test(body.domain)) problems.push({ field: 'domain', message: 'must be lower-case letters, digits and _' });
    else if (typeof id === 'string' && id !== 'None' && domainOfId(id) !== body.domain) problems.push({ field: 'domain', message: `intent "${id}" belongs to domain "${domainOfId(id)}"` });
  }
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') problems.push({ field: 'enabled', message: 'must be true or false' });
  if (body.handoffQueue !== undefined && body.handoffQueue !== null && (typeof body.handoffQueue !== 'string' || body.handoffQueue.length === 0 || body.handoffQueue.length > 60)) {
    problems.push({ field: 'handoffQueue', message: 'must be a queue id (1–60 characters) or null' });
  }
  if (checkLanguages(body.title, 'title', problems)) {
    for (const language of LANGUAGES) {
      const title = body.title[language];
      if (title !== undefined && (typeof title !== 'string' || title.trim() === '' || title.length > 80)) problems.push({ field: `title.${language}`, message: 'must be a text of 1–80 characters' });
    }
  }
  if (checkLanguages(body.utterances, 'utterances', problems)) {
    for (const language of LANGUAGES) {
      const list = body.utterances[language];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        problems.push({ field: `utterances.${language}`, message: 'must be a list of sentences' });
        continue;
      }
      list.forEach((utterance: unknown, index) => {
        if (typeof utterance !== 'string' || utterance.trim() === '') problems.push({ field: `utterances.${language}.${index}`, message: 'must be a non-empty text' });
        else if (utterance.length > UTTERANCE_MAX) problems.push({ field: `utterances.${language}.${index}`, message: `longer than ${UTTERANCE_MAX} characters` });
      });
    }
  }
  if (checkLanguages(body.answers, 'answers', problems)) {
    for (const language of LANGUAGES) validateAnswer(body.answers[language], `answers.${language}`, problems);
  }
  return problems.length === 0 ? { input: body as unknown as IntentInput, problems } : { problems };
}

function validateAnswer(answer: unknown, field: string, problems: FieldProblem[]): void {
  if (answer === undefined) return;
  if (!isRecord(answer)) {
    problems.push({ field, message: 'must be an object with text, short and optional channels' });
    return;
  }
  for (const key of Object.keys(answer)) if (!['text', 'short', 'channels'].includes(key)) problems.push({ field: `${field}.${key}`, message: `unknown field "${key}"` });
  if (typeof answer.text !== 'string' || answer.text.trim() === '') problems.push({ field: `${field}.text`, message: 'the answer text is required' });
  else if (answer.text.length > ANSWER_HARD_LIMIT) problems.push({ field: `${field}.text`, message: `${answer.text.length} characters: over the hard limit of ${ANSWER_HARD_LIMIT}` });
  if (answer.short !== undefined && (typeof answer.short !== 'string' || answer.short.length > SHORT_HARD_LIMIT)) {
    problems.push({ field: `${field}.short`, message: `the short answer must be a text of at most ${SHORT_HARD_LIMIT} characters` });
  }
  if (answer.channels !== undefined) {
    if (!isRecord(answer.channels)) {
      problems.push({ field: `${field}.channels`, message: 'must be a mapping of channel → text' });
      return;
    }
    for (const [channel, text] of Object.entries(answer.channels)) {
      if (!(EDITOR_CHANNELS as string[]).includes(channel)) {
        problems.push({ field: `${field}.channels.${channel}`, message: `unknown channel "${channel}": use ${EDITOR_CHANNELS.join(', ')}` });
        continue;
      }
      const limit = CHANNEL_LIMITS[channel as keyof typeof CHANNEL_LIMITS];
      if (typeof text !== 'string' || text.trim() === '') problems.push({ field: `${field}.channels.${channel}`, message: 'must be a non-empty text' });
      else if (text.length > limit) problems.push({ field: `${field}.channels.${channel}`, message: `${text.length} characters: over the ${channel} limit of ${limit}` });
    }
  }
}

/** Validates a `lang` parameter. */
export function isKnownLanguage(value: string | undefined): value is Language {
  return value !== undefined && (LANGUAGES as readonly string[]).includes(value);
}
