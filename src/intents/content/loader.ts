/**
 * Loads and validates the intent content (`config/intents/*.yaml`) and the decision policy
 * (`config/intents/policy.yaml`). Any problem stops start-up with a `HUB_ERR_CONTENT` error that
 * names the file, the intent and the fix.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse, YAMLParseError } from 'yaml';
import { HubError } from '../../core/errors.js';
import { LANGUAGES, type Language } from '../../core/message.js';
import type { LanguageFallback } from '../answers.js';
import { INTENT_IDS, NONE_INTENT, domainOf, isIntentId } from './catalogue.js';
import {
  IntentFileSchema,
  PolicyFileSchema,
  SHORT_ANSWER_MAX,
  type Answer,
  type PolicyFile,
} from './schema.js';

/**
 * One intent with everything the engine and the answer step need. The content files give every
 * language; content from the editor may lack an answer where the intent has no utterances.
 */
export interface IntentContent {
  readonly id: string;
  readonly domain: string;
  readonly file: string;
  readonly handoffQueue?: string;
  readonly title: Readonly<Record<Language, string>>;
  readonly utterances: Readonly<Record<Language, readonly string[]>>;
  readonly answers: Readonly<Partial<Record<Language, Answer>>>;
  /** Editor content: per language without an answer, what the bot does instead (see `answers.ts`). */
  readonly fallback?: Readonly<Partial<Record<Language, LanguageFallback>>>;
}

/** A validated content set: the seed files give every catalogue id once; the editor adds its own. */
export interface Content {
  readonly intents: ReadonlyMap<string, IntentContent>;
  readonly policy: PolicyFile;
}

/** The file holding thresholds and policy messages; every other `*.yaml` is an intent file. */
export const POLICY_FILE = 'policy.yaml';

function contentError(file: string, message: string, fix: string, cause?: unknown): HubError {
  return new HubError('HUB_ERR_CONTENT', `${file}: ${message}. Fix: ${fix}`, cause === undefined ? {} : { cause });
}

function parseYaml(file: string, source: string): unknown {
  try {
    return parse(source, { uniqueKeys: true });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw contentError(
      file,
      `YAML error${where} (${detail})`,
      'check the indentation and quote texts containing ":" or "#"; each intent id may appear only once',
      error,
    );
  }
}

/** Points at the intent named in a TypeBox error path (`/intents/renta.cita/answers/en`). */
function schemaError(file: string, value: unknown, schema: Parameters<typeof Value.Errors>[0]): HubError | undefined {
  const first = Value.Errors(schema, value).First();
  if (first === undefined) return undefined;
  const parts = first.path.split('/').filter((part) => part.length > 0);
  const intent = parts[0] === 'intents' ? parts[1] : undefined;
  const field = parts.slice(intent === undefined ? 0 : 2).join('.');
  const missingLanguage = parts.length >= 4 && (LANGUAGES as readonly string[]).includes(parts.at(-1) ?? '');
  const where = intent === undefined ? `field "${field || '(root)'}"` : `intent "${intent}", field "${field}"`;
  if (parts[2] === 'utterances' && parts.length === 4 && (first.value === null || (Array.isArray(first.value) && first.value.length === 0))) {
    return contentError(file, `intent "${intent}" has no utterances in "${parts[3]}"`, `add at least one example sentence under utterances.${parts[3]}`);
  }
  if (missingLanguage && first.value === undefined) {
    return contentError(file, `${where}: language "${parts.at(-1)}" is missing`, `add "${parts.at(-1)}:" under "${parts.slice(2, -1).join('.')}" of "${intent}" (all of es, ca, gl, eu, en are required)`);
  }
  const fix = field.endsWith('short')
    ? `shorten it to at most ${SHORT_ANSWER_MAX} characters`
    : 'compare with the other intents of the file; every intent needs title, utterances and answers (text, optionally short) in es, ca, gl, eu and en';
  return contentError(file, `${where}: ${first.message}`, fix);
}

/**
 * Reads every `*.yaml` of `dir`. Throws `HUB_ERR_CONTENT` on a YAML error, a schema error, a
 * missing language, an empty utterance list, an unknown or duplicate intent id, a domain
 * mismatch, or a catalogue id that no file provides.
 */
export async function loadContent(dir: string): Promise<Content> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.yaml') || name.endsWith('.yml')).sort();
  } catch (error) {
    throw contentError(dir, 'cannot read the content folder', 'point contentDir at the folder holding the intent YAML files (default config/intents)', error);
  }
  if (!names.includes(POLICY_FILE)) {
    throw contentError(join(dir, POLICY_FILE), 'file not found', 'restore policy.yaml (thresholds and policy messages) from the default config/intents');
  }
  const intents = new Map<string, IntentContent>();
  let policy: PolicyFile | undefined;
  for (const name of names) {
    const path = join(dir, name);
    const parsed = parseYaml(path, await readFile(path, 'utf8'));
    if (name === POLICY_FILE) {
      const error = schemaError(path, parsed, PolicyFileSchema);
      if (error) throw error;
      policy = parsed as PolicyFile;
      continue;
    }
    const error = schemaError(path, parsed, IntentFileSchema);
    if (error) throw error;
    const file = Value.Cast(IntentFileSchema, parsed);
    for (const [id, entry] of Object.entries(file.intents)) {
      if (!isIntentId(id)) {
        throw contentError(path, `unknown intent id "${id}"`, `these files hold the seed catalogue (${INTENT_IDS.join(', ')}); add new intents in the editor (/editor) or with \`npx ventanilla content import\``);
      }
      const previous = intents.get(id);
      if (previous) {
        throw contentError(path, `intent "${id}" is already defined in ${basename(previous.file)}`, 'keep each intent in exactly one file');
      }
      if (id !== NONE_INTENT && domainOf(id) !== file.domain) {
        throw contentError(path, `intent "${id}" does not belong to domain "${file.domain}"`, `move it to the file whose domain is "${domainOf(id)}"`);
      }
      for (const language of LANGUAGES) {
        if (entry.utterances[language].length === 0) {
          throw contentError(path, `intent "${id}" has no utterances in "${language}"`, `add at least one example sentence under utterances.${language}`);
        }
      }
      const content: IntentContent = {
        id,
        domain: file.domain,
        file: path,
        title: entry.title,
        utterances: entry.utterances,
        answers: entry.answers,
        ...(entry.handoffQueue === undefined ? {} : { handoffQueue: entry.handoffQueue }),
      };
      intents.set(id, content);
    }
  }
  const missing = INTENT_IDS.filter((id) => !intents.has(id));
  if (missing.length > 0) {
    throw contentError(dir, `intent(s) ${missing.join(', ')} not found in any file`, 'add them to the file of their domain (e.g. renta.yaml) with utterances and answers in the 5 languages');
  }
  if (policy === undefined) throw contentError(join(dir, POLICY_FILE), 'empty policy', 'restore policy.yaml');
  return { intents, policy };
}
