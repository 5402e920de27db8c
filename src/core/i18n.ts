/**
 * Message catalogues: the texts the hub writes to citizens, one YAML file per language
 * (`config/i18n/<language>.yaml`). Spanish is the reference: every key must be there. Another
 * language that lacks a key (or has an empty one, or a placeholder Spanish does not have) gets a
 * warning once, when the catalogue is loaded, and the Spanish text for that key — never an empty
 * message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { HubError } from './errors.js';
import { LANGUAGES, type Language } from './message.js';

/** One entry: a text (with `{placeholders}`) or a list of phrases. */
export type CatalogueValue = string | readonly string[];

/** What a catalogue file said that the hub works around (logged once at start-up). */
export interface CatalogueWarning {
  readonly language: Language;
  readonly key: string;
  readonly message: string;
}

/** Values for a text's placeholders. */
export type TextVariables = Readonly<Record<string, string | number>>;

export interface Catalogue {
  /**
   * The text `key` in `language` with its placeholders filled. Throws when `key` is not a text in
   * the Spanish catalogue or a placeholder has no value: both are programming errors.
   */
  text(language: Language, key: string, variables?: TextVariables): string;
  /** The phrase list `key` in `language` (Spanish when that language has none). */
  list(language: Language, key: string): readonly string[];
  /** Every text under `prefix.` in `language`, keyed by the rest of the key (placeholders unfilled). */
  section(language: Language, prefix: string): Readonly<Record<string, string>>;
  /** What was missing or wrong when the catalogue was loaded. */
  readonly warnings: readonly CatalogueWarning[];
}

/** Where the shipped catalogues live. */
export const DEFAULT_CATALOGUE_DIR = fileURLToPath(new URL('../../config/i18n/', import.meta.url));

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;

function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''));
}

/** Flattens nested YAML maps into dotted keys; leaves are texts or lists of texts. */
function flatten(source: unknown, file: string, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new HubError('HUB_ERR_CONFIG', `${file}${prefix === '' ? '' : ` at "${prefix}"`} must be a map of keys to texts`);
  }
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) flatten(value, file, key, out);
    else out.set(key, value);
  }
  return out;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every(isText);
}

/**
 * Builds a catalogue from parsed files (`sources[language]`, as YAML parses them; `undefined` for
 * a language without a file). Throws `HUB_ERR_CONFIG` naming the key when the Spanish catalogue is
 * missing, has an empty text or a value that is neither a text nor a list of texts.
 */
export function createCatalogue(sources: Partial<Record<Language, unknown>>, files: Partial<Record<Language, string>> = {}): Catalogue {
  const fileOf = (language: Language): string => files[language] ?? `config/i18n/${language}.yaml`;
  if (sources.es === undefined || sources.es === null) throw new HubError('HUB_ERR_CONFIG', `${fileOf('es')} is missing: it is the reference catalogue every other language falls back to`);
  const reference = flatten(sources.es, fileOf('es'));
  for (const [key, value] of reference) {
    if (!isText(value) && !isList(value)) {
      throw new HubError('HUB_ERR_CONFIG', `${fileOf('es')}: "${key}" must be a non-empty text or a list of non-empty texts (fix: write the Spanish text for it)`);
    }
  }
  const warnings: CatalogueWarning[] = [];
  // Each text with the language it is really in (Spanish when it fell back), for number formats.
  const resolved = new Map<Language, Map<string, { value: CatalogueValue; language: Language }>>();
  for (const language of LANGUAGES) {
    const own = language === 'es' ? reference : sources[language] === undefined || sources[language] === null ? new Map<string, unknown>() : flatten(sources[language], fileOf(language));
    const values = new Map<string, { value: CatalogueValue; language: Language }>();
    for (const [key, spanish] of reference) {
      const value = own.get(key);
      const warn = (message: string): void => {
        warnings.push({ language, key, message: `${fileOf(language)}: "${key}" ${message}; the Spanish text is used until it is fixed` });
      };
      if (typeof spanish === 'string') {
        if (!isText(value)) {
          warn(value === undefined ? 'is missing' : 'must be a non-empty text');
          values.set(key, { value: spanish, language: 'es' });
          continue;
        }
        const allowed = placeholders(spanish);
        const unknown = [...placeholders(value)].filter((name) => !allowed.has(name));
        if (unknown.length > 0) {
          warn(`uses {${unknown.join('}, {')}}, which the hub does not fill`);
          values.set(key, { value: spanish, language: 'es' });
          continue;
        }
        values.set(key, { value, language });
      } else if (isList(value)) {
        values.set(key, { value, language });
      } else {
        warn(value === undefined ? 'is missing' : 'must be a list of non-empty texts');
        values.set(key, { value: spanish as string[], language: 'es' });
      }
    }
    for (const key of own.keys()) {
      if (!reference.has(key)) warnings.push({ language, key, message: `${fileOf(language)}: "${key}" is not in ${fileOf('es')}, so nothing uses it (a typo?)` });
    }
    resolved.set(language, values);
  }

  const entryOf = (language: Language, key: string): { value: CatalogueValue; language: Language } => {
    const entry = resolved.get(language)?.get(key);
    if (entry === undefined) throw new HubError('HUB_ERR_INTERNAL', `no catalogue entry "${key}"`);
    return entry;
  };

  return {
    warnings,
    text(language, key, variables = {}) {
      const { value: template, language: written } = entryOf(language, key);
      if (typeof template !== 'string') throw new HubError('HUB_ERR_INTERNAL', `catalogue entry "${key}" is a list, not a text`);
      return template.replace(PLACEHOLDER, (_whole, name: string) => {
        const value = variables[name];
        if (value === undefined) throw new HubError('HUB_ERR_INTERNAL', `catalogue text "${key}" needs a value for {${name}}`);
        // Numbers as the text's own language writes them (a Spanish fallback says 10.000).
        return typeof value === 'number' ? new Intl.NumberFormat(written).format(value) : value;
      });
    },
    list(language, key) {
      const { value } = entryOf(language, key);
      return typeof value === 'string' ? [value] : value;
    },
    section(language, prefix) {
      const out: Record<string, string> = {};
      for (const [key, { value }] of resolved.get(language) ?? []) {
        if (key.startsWith(`${prefix}.`) && typeof value === 'string') out[key.slice(prefix.length + 1)] = value;
      }
      return out;
    },
  };
}

/** Reads `<dir>/<language>.yaml` for each language (a missing file counts as an empty catalogue). */
export function loadCatalogue(dir: string = DEFAULT_CATALOGUE_DIR): Catalogue {
  const sources: Partial<Record<Language, unknown>> = {};
  const files: Partial<Record<Language, string>> = {};
  for (const language of LANGUAGES) {
    const file = join(dir, `${language}.yaml`);
    files[language] = file;
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new HubError('HUB_ERR_CONFIG', `cannot read ${file}: ${String(error)}`, { cause: error });
    }
    try {
      sources[language] = parse(raw) as unknown;
    } catch (error) {
      throw new HubError('HUB_ERR_CONFIG', `${file} is not valid YAML: ${String(error)}`, { cause: error });
    }
  }
  return createCatalogue(sources, files);
}

let current: Catalogue | undefined;

/**
 * The catalogue the hub's modules read their texts from: the one installed by
 * {@link useCatalogue} at start-up, else the shipped one (loaded on first use).
 */
export function catalogue(): Catalogue {
  current ??= loadCatalogue();
  return current;
}

/**
 * Loads the catalogue in `dir`, makes it the one {@link catalogue} returns, and reports each of its
 * warnings once through `warn`. Throws (start-up refuses) when the Spanish catalogue is unusable.
 */
export function useCatalogue(dir: string, warn: (warning: CatalogueWarning) => void): Catalogue {
  const loaded = loadCatalogue(dir);
  for (const warning of loaded.warnings) warn(warning);
  current = loaded;
  return loaded;
}
