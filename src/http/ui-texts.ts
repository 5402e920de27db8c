/**
 * The staff pages' own texts (agent console, editor) in the staff member's language. The pages are
 * written in Spanish; an element whose text is translatable says so with `data-i18n="key"` (its
 * text) or `data-i18n-attr="attribute:key;…"` (its attributes), and the catalogue
 * `config/i18n/console/<language>.yaml` gives the text per key. Spanish (`es.yaml`) is the
 * reference; English or a co-official language is added by dropping its file next to it (in the
 * hub's config folder, `<configDir>/i18n/console/`): no code changes. A key missing from a
 * language is warned about once, at load, and stays in Spanish.
 *
 * What the pages' scripts write at run time (status lines, confirmations, waits) comes from the
 * same file: a page asks for the keys under some prefixes with a `<script type="application/json"
 * id="ui-texts" data-i18n-script="…">` placeholder, filled here as JSON (in Spanish too), and
 * `src/http/static/ui-texts.js` reads it (`ventanillaTexts.t(key, vars)`).
 *
 * The page is translated when it is served (no inline script under the pages' CSP, no flash of
 * Spanish), for the language the request asks: `?lang=`, else the `ventanilla_ui_lang` cookie,
 * else the browser's `Accept-Language` among the catalogues there are, else Spanish.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { HubError } from '../core/errors.js';

/** Where the shipped staff-page catalogues live. */
export const DEFAULT_UI_CATALOGUE_DIR = fileURLToPath(new URL('../../config/i18n/console/', import.meta.url));

/** A catalogue file's problem the pages work around (logged once at start-up). */
export interface UiCatalogueWarning {
  readonly language: string;
  readonly key: string;
  readonly message: string;
}

/** What a request says about its language. */
export interface UiLanguageRequest {
  readonly query?: string | undefined;
  readonly cookie?: string | undefined;
  readonly acceptLanguage?: string | undefined;
}

export interface UiCatalogue {
  /** The languages with a catalogue, Spanish first. */
  readonly languages: readonly string[];
  readonly warnings: readonly UiCatalogueWarning[];
  /** The language to serve a request in (one of {@link languages}). */
  choose(request: UiLanguageRequest): string;
  /** `html` with its marked texts and `<html lang>` in `language` (unchanged for Spanish or a page without marks). */
  render(html: string, language: string): string;
}

/** The cookie a staff member's language choice is kept in. */
export const UI_LANGUAGE_COOKIE = 'ventanilla_ui_lang';

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function flatten(source: unknown, file: string, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) throw new HubError('HUB_ERR_CONFIG', `${file} must be a map of keys to texts`);
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) flatten(value, file, key, out);
    else if (typeof value === 'string' && value.trim() !== '') out.set(key, value);
    else out.set(key, '');
  }
  return out;
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Builds the catalogue from parsed files (`sources[language]`). Throws `HUB_ERR_CONFIG` when the
 * Spanish one is missing or has an empty text, naming the key.
 */
export function createUiCatalogue(sources: Readonly<Record<string, unknown>>, fileOf: (language: string) => string = (language) => `config/i18n/console/${language}.yaml`): UiCatalogue {
  if (sources.es === undefined || sources.es === null) throw new HubError('HUB_ERR_CONFIG', `${fileOf('es')} is missing: it is the reference every staff-page language falls back to`);
  const reference = flatten(sources.es, fileOf('es'));
  for (const [key, text] of reference) if (text === '') throw new HubError('HUB_ERR_CONFIG', `${fileOf('es')}: "${key}" must be a non-empty text`);
  const warnings: UiCatalogueWarning[] = [];
  const texts = new Map<string, Map<string, string>>([['es', reference]]);
  for (const [language, source] of Object.entries(sources)) {
    if (language === 'es') continue;
    const own = flatten(source, fileOf(language));
    const resolved = new Map<string, string>();
    for (const [key, spanish] of reference) {
      const text = own.get(key);
      if (text === undefined || text === '') {
        warnings.push({ language, key, message: `${fileOf(language)}: "${key}" is ${text === undefined ? 'missing' : 'empty'}; the Spanish text is shown until it is fixed` });
        resolved.set(key, spanish);
      } else resolved.set(key, text);
    }
    for (const key of own.keys()) if (!reference.has(key)) warnings.push({ language, key, message: `${fileOf(language)}: "${key}" is not in ${fileOf('es')}, so no page uses it (a typo?)` });
    texts.set(language, resolved);
  }
  const languages = ['es', ...[...texts.keys()].filter((language) => language !== 'es').sort()];

  const match = (tag: string): string | undefined => {
    const lower = tag.trim().toLowerCase();
    return languages.find((language) => language.toLowerCase() === lower) ?? languages.find((language) => language.toLowerCase() === lower.split('-')[0]);
  };

  return {
    languages,
    warnings,
    choose({ query, cookie, acceptLanguage }) {
      for (const asked of [query, cookie]) {
        const found = asked === undefined ? undefined : match(asked);
        if (found !== undefined) return found;
      }
      // Accept-Language in the browser's order of preference (q values), first one with a catalogue.
      const ranked = (acceptLanguage ?? '')
        .split(',')
        .map((part, index) => {
          const [tag = '', ...params] = part.trim().split(';');
          const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
          return { tag, q: Number.isFinite(q) ? q : 0, index };
        })
        .filter((entry) => entry.tag !== '' && entry.q > 0)
        .sort((a, b) => b.q - a.q || a.index - b.index);
      for (const { tag } of ranked) {
        const found = match(tag);
        if (found !== undefined) return found;
      }
      return 'es';
    },
    render(html, language) {
      const own = texts.get(language);
      if (own === undefined || !html.includes('data-i18n')) return html;
      const text = (key: string): string | undefined => own.get(key);
      const marked =
        language === 'es'
          ? html
          : html
          .replace(/<html lang="[^"]*"/, `<html lang="${escapeHtml(language)}"`)
          // An element's own text: the marked element holds text only (no markup inside).
          .replace(/(<([a-zA-Z0-9]+)\b[^>]*\sdata-i18n="([^"]+)"[^>]*>)([^<]*)(<\/\2>)/g, (whole, open: string, _tag: string, key: string, _old: string, close: string) => {
            const translated = text(key);
            return translated === undefined ? whole : `${open}${escapeHtml(translated)}${close}`;
          })
          // Attributes: data-i18n-attr="aria-label:key;placeholder:key".
          .replace(/<[a-zA-Z0-9]+\b[^>]*\sdata-i18n-attr="([^"]+)"[^>]*>/g, (element: string, spec: string) => {
            let out = element;
            for (const pair of spec.split(';')) {
              const [attribute = '', key = ''] = pair.split(':').map((part) => part.trim());
              const translated = text(key);
              if (attribute === '' || translated === undefined) continue;
              out = out.replace(new RegExp(`(\\s${attribute}=")[^"]*(")`), `$1${escapeHtml(translated)}$2`);
            }
            return out;
          });
      // The texts the page's scripts write at run time, as a JSON data block (see the module doc).
      return marked.replace(SCRIPT_TEXTS, (_whole, open: string, prefixes: string) => `${open}${scriptJson(own, prefixes.split(/\s+/).filter(Boolean))}</script>`);
    },
  };
}

/**
 * The placeholder a page puts where its scripts' texts go: `<script type="application/json"
 * id="ui-texts" data-i18n-script="console.script language"></script>` asks for every key under
 * those prefixes, each without its prefix (`console.script.sent` → `sent`).
 */
const SCRIPT_TEXTS = /(<script type="application\/json" id="ui-texts" data-i18n-script="([^"]+)">)<\/script>/;

function scriptJson(texts: ReadonlyMap<string, string>, prefixes: readonly string[]): string {
  const out: Record<string, string> = {};
  for (const prefix of prefixes) for (const [key, text] of texts) if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = text;
  // Inside <script> only `</script` (and `<!--`) could end or bend the block: no `<` appears raw.
  return JSON.stringify(out).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * Reads every `<language>.yaml` in the shipped folder and then in `dir` (a file there replaces
 * the shipped one of the same language): dropping `en.yaml` into `<configDir>/i18n/console/` adds
 * English.
 */
export function loadUiCatalogue(dir?: string): UiCatalogue {
  const sources: Record<string, unknown> = {};
  const files: Record<string, string> = {};
  for (const folder of dir === undefined ? [DEFAULT_UI_CATALOGUE_DIR] : [DEFAULT_UI_CATALOGUE_DIR, dir]) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new HubError('HUB_ERR_CONFIG', `cannot read ${folder}: ${String(error)}`, { cause: error });
    }
    for (const name of names) {
      const language = name.replace(/\.ya?ml$/, '');
      if (language === name || !LANGUAGE_TAG.test(language)) continue;
      const file = join(folder, name);
      try {
        sources[language] = parse(readFileSync(file, 'utf8')) as unknown;
        files[language] = file;
      } catch (error) {
        throw new HubError('HUB_ERR_CONFIG', `${file} is not valid YAML: ${String(error)}`, { cause: error });
      }
    }
  }
  return createUiCatalogue(sources, (language) => files[language] ?? join(dir ?? DEFAULT_UI_CATALOGUE_DIR, `${language}.yaml`));
}

let current: UiCatalogue | undefined;

/** The staff-page catalogue in use: the one {@link useUiCatalogue} installed, else the shipped one. */
export function uiCatalogue(): UiCatalogue {
  current ??= loadUiCatalogue();
  return current;
}

/** Loads the shipped catalogues plus those in `dir`, makes them current, reports each warning once. */
export function useUiCatalogue(dir: string | undefined, warn: (warning: UiCatalogueWarning) => void): UiCatalogue {
  const loaded = loadUiCatalogue(dir);
  for (const warning of loaded.warnings) warn(warning);
  current = loaded;
  return loaded;
}

/** The cookie value of `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
