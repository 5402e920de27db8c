/**
 * Validation of an intent as editors send it (API body or import file), against the one content
 * schema (`IntentInputSchema`, built from `src/intents/content/schema.ts`) and the answer
 * contract of the production policy. Every problem names its field (`answers.es.text`,
 * `utterances.fr`), so a 400 or an import report says exactly what to fix. Unknown keys are
 * problems, never silently dropped.
 */
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { LANGUAGES, type Language } from '../core/message.js';
import { FALLBACK_SOURCE_LANGUAGE, unanswerableLanguages } from '../intents/answers.js';
import { domainOf } from '../intents/content/catalogue.js';
import { IntentInputSchema, intentFromInput, type IntentInput } from './types.js';

export interface FieldProblem {
  /** Dotted path inside the intent: `id`, `answers.es.text`, `utterances.fr`. */
  readonly field: string;
  readonly message: string;
}

export interface ValidateIntentOptions {
  /** The id in the URL (PUT /intents/:id): the body id must match it when the body has one. */
  readonly idFromPath?: string;
  /** The languages the hub answers in (default all five): an enabled intent must be answerable in each. */
  readonly languages?: readonly Language[];
}

/** Enough to fix a file at a time; a pasted corpus with thousands of bad lines says the rest later. */
const MAX_PROBLEMS = 50;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/answers/es/text` → `answers.es.text` (JSON pointer unescaped); the root is `(root)`. */
function fieldOf(path: string): string {
  if (path === '') return '(root)';
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** The schema's own wording for a field (`problem`, `unknownKey`), else the validator's. */
function messageOf(error: ValueError): string {
  const schema = error.schema as { readonly problem?: unknown; readonly unknownKey?: unknown; readonly maxLength?: unknown };
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const key = fieldOf(error.path).split('.').at(-1) ?? '';
    return typeof schema.unknownKey === 'string' ? schema.unknownKey.replace('{key}', key) : `unknown field "${key}"`;
  }
  if (error.type === ValueErrorType.StringMaxLength && typeof error.value === 'string') {
    return `${error.value.length} characters: over the limit of ${String(schema.maxLength)}`;
  }
  return typeof schema.problem === 'string' ? schema.problem : error.message;
}

function schemaProblems(body: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(IntentInputSchema, body)) {
    const field = fieldOf(error.path);
    // A missing text is also "not a string": one problem per field is enough.
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ field, message: messageOf(error) });
    if (problems.length === MAX_PROBLEMS) break;
  }
  return problems;
}

/**
 * Validates a raw intent object. Returns the typed input when there are no problems. First the
 * schema; then what the schema cannot say: the body id matches the URL, the domain matches the
 * id, and the production policy could answer the intent wherever it would recognise it (an
 * enabled intent with example phrases in a language needs an answer in that language).
 */
export function validateIntentInput(raw: unknown, options: ValidateIntentOptions = {}): { input?: IntentInput; problems: FieldProblem[] } {
  if (!isRecord(raw)) return { problems: [{ field: '(root)', message: 'the intent must be an object' }] };
  const { idFromPath } = options;
  const body = idFromPath !== undefined && raw.id === undefined ? { ...raw, id: idFromPath } : raw;
  const problems = schemaProblems(body);
  const id = body.id;
  if (typeof id === 'string' && idFromPath !== undefined && id !== idFromPath) {
    problems.push({ field: 'id', message: `the body id "${id}" differs from the URL id "${idFromPath}"` });
  }
  if (typeof id === 'string' && typeof body.domain === 'string' && id !== 'None' && domainOf(id) !== body.domain) {
    problems.push({ field: 'domain', message: `intent "${id}" belongs to domain "${domainOf(id)}"` });
  }
  if (isRecord(body.fallback) && body.fallback[FALLBACK_SOURCE_LANGUAGE] !== undefined) {
    problems.push({ field: `fallback.${FALLBACK_SOURCE_LANGUAGE}`, message: 'Spanish is the language the others fall back on: write its answer instead of choosing a fallback for it' });
  }
  if (problems.length > 0) return { problems };
  const input = body as unknown as IntentInput;
  const intent = intentFromInput(input);
  if (intent.enabled) {
    for (const language of unanswerableLanguages(intent, options.languages ?? LANGUAGES)) {
      problems.push({
        field: `answers.${language}.text`,
        message: `the intent has example phrases in ${language} but no answer in ${language}: the bot would recognise the question and have nothing to say. Write the answer, choose a fallback for ${language} (a person, or the Spanish answer with a notice), or remove the phrases`,
      });
    }
  }
  return problems.length === 0 ? { input, problems } : { problems };
}

/** Validates a `lang` parameter. */
export function isKnownLanguage(value: string | undefined): value is Language {
  return value !== undefined && (LANGUAGES as readonly string[]).includes(value);
}
