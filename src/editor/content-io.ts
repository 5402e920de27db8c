/**
 * Content in and out of the editor: seeding from `config/intents/` (through the intents
 * loader, which validates it), import of YAML/JSON files in the same format plus an
 * `enabled` flag, per-channel variants and `entities`, import of utterances as CSV
 * (`intent,lang,utterance`), and export in those formats. An import is all-or-nothing: it
 * reports every problem with its file, line and field and changes nothing when there is one.
 */
import { LineCounter, parseDocument, stringify, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { LANGUAGES, type Language } from '../core/message.js';
import type { Content, IntentContent } from '../intents/content/loader.js';
import { POLICY_FILE } from '../intents/content/loader.js';
import { PolicyFileSchema, type PolicyFile } from '../intents/content/schema.js';
import { Value } from '@sinclair/typebox/value';
import { readCsv, writeCsv, type CsvSeparator } from '../csv.js';
import { validateIntentInput } from './validate.js';
import { EntitySchema, intentFromInput, type EditorContent, type EditorEntity, type EditorIntent } from './types.js';

/** One problem found in an import, located for a human. */
export interface ImportProblem {
  readonly file: string;
  /** 1-based line (0 when the problem is about the whole file). */
  readonly line: number;
  readonly field: string;
  readonly message: string;
}

export interface ImportFile {
  readonly name: string;
  readonly text: string;
}

/** What a successful parse yields: intents to upsert, and optionally a policy and entities. */
export interface ParsedImport {
  readonly intents: readonly EditorIntent[];
  readonly policy?: PolicyFile;
  readonly entities?: readonly EditorEntity[];
}

/** The intents loader's validated content → the editor's model (all intents enabled). */
export function editorContentFromLoaded(content: Content): EditorContent {
  const intents: EditorIntent[] = [...content.intents.values()].map((intent) => ({
    id: intent.id,
    domain: intent.domain,
    enabled: true,
    handoffQueue: intent.handoffQueue ?? null,
    title: { ...intent.title },
    utterances: Object.fromEntries(LANGUAGES.map((l) => [l, [...intent.utterances[l]]])),
    answers: { ...intent.answers },
  }));
  intents.sort((a, b) => a.id.localeCompare(b.id));
  return { intents, entities: [], policy: content.policy };
}

/**
 * The editor's model → the engine's {@link Content}, for training and answering. Disabled
 * intents are left out (the bot no longer recognises them). Answers are taken as they are: a
 * language without an answer has none, unless the editors chose a fallback there (a person, or
 * the Spanish answer with a notice: `planAnswer` in `src/intents/answers.ts`); saving refuses an
 * enabled intent with phrases and no way to answer them, and the publish gate refuses languages
 * without an answer or a fallback. A missing title falls
 * back to the Spanish one, or the id, since it only labels a button.
 */
export function toIntentsContent(content: EditorContent): Content {
  const intents = new Map<string, IntentContent>();
  for (const intent of content.intents) {
    if (!intent.enabled) continue;
    const title = Object.fromEntries(LANGUAGES.map((l) => [l, intent.title[l] ?? intent.title.es ?? intent.id])) as IntentContent['title'];
    const utterances = Object.fromEntries(LANGUAGES.map((l) => [l, intent.utterances[l] ?? []])) as IntentContent['utterances'];
    intents.set(intent.id, {
      id: intent.id,
      domain: intent.domain,
      file: `editor:${intent.domain}`,
      title,
      utterances,
      answers: intent.answers,
      ...(intent.fallback === undefined ? {} : { fallback: intent.fallback }),
      ...(intent.handoffQueue === null ? {} : { handoffQueue: intent.handoffQueue }),
    });
  }
  return { intents, policy: content.policy };
}

function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: readonly (string | number)[]): number {
  // The deepest node that exists along the path: a missing field points at its parent.
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as YamlNode | null | undefined;
    const range = node?.range;
    if (range !== undefined && range !== null) return counter.linePos(range[0]).line;
  }
  return 0;
}

function keyLine(doc: ReturnType<typeof parseDocument>, counter: LineCounter, parent: readonly (string | number)[], key: string): number {
  const map = (parent.length === 0 ? doc.contents : doc.getIn(parent, true)) as unknown;
  if (isMap(map)) {
    for (const pair of map.items) {
      const k = pair.key as YamlNode | null;
      if (k !== null && typeof k === 'object' && 'value' in k && (k as { value: unknown }).value === key && k.range) return counter.linePos(k.range[0]).line;
    }
  }
  return lineOf(doc, counter, [...parent, key]);
}

/**
 * Parses `intent,lang,utterance` CSV (a header line is optional; `,` or `;` separated; see
 * `src/csv.ts`). Problems name the line a row ends on.
 */
export function parseUtterancesCsv(file: string, text: string, known: ReadonlySet<string>): { rows: { intent: string; language: Language; utterance: string }[]; problems: ImportProblem[] } {
  const rows: { intent: string; language: Language; utterance: string }[] = [];
  const problems: ImportProblem[] = [];
  const parsed = readCsv(text);
  if ('error' in parsed) return { rows, problems: [{ file, line: parsed.error.line, field: '(file)', message: `not valid CSV: ${parsed.error.message}` }] };
  parsed.records.forEach(({ line, cells }) => {
    const [intent = '', language = '', utterance = ''] = cells.map((c) => c.trim());
    if (line === 1 && intent === 'intent' && language === 'lang') return;
    if (cells.length !== 3) {
      problems.push({ file, line, field: '(row)', message: `expected 3 columns (intent,lang,utterance), got ${cells.length}` });
      return;
    }
    if (!known.has(intent)) problems.push({ file, line, field: 'intent', message: `unknown intent "${intent}"` });
    if (!(LANGUAGES as readonly string[]).includes(language)) problems.push({ file, line, field: 'lang', message: `unknown language "${language}": use es, ca, gl, eu or en` });
    if (utterance === '') problems.push({ file, line, field: 'utterance', message: 'empty utterance' });
    else if (utterance.length > 500) problems.push({ file, line, field: 'utterance', message: 'longer than 500 characters' });
    if (known.has(intent) && (LANGUAGES as readonly string[]).includes(language) && utterance !== '') rows.push({ intent, language: language as Language, utterance });
  });
  return { rows, problems };
}

/** Exports every utterance as `intent,lang,utterance` CSV (BOM, header line, formula-safe cells). */
export function exportUtterancesCsv(content: EditorContent, options: { readonly separator?: CsvSeparator } = {}): string {
  const rows: string[][] = [];
  for (const intent of content.intents) {
    for (const l of LANGUAGES) for (const u of intent.utterances[l] ?? []) rows.push([intent.id, l, u]);
  }
  return writeCsv(['intent', 'lang', 'utterance'], rows, options);
}

/**
 * Parses import files. YAML/JSON intent files follow `config/intents/<domain>.yaml`
 * (`domain`, `intents: { id: {...} }`, optional `entities`); `policy.yaml` replaces the policy;
 * `.csv` files add utterances to intents of the draft or of the same import. Intents are
 * validated as a save would (`validateIntentInput` over `languages`, the hub's languages).
 * Returns every problem found in every file; `parsed` only when there are none.
 */
export function parseImport(files: readonly ImportFile[], draftIds: ReadonlySet<string>, languages: readonly Language[] = LANGUAGES): { parsed?: ParsedImport; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const intents = new Map<string, EditorIntent>();
  const where = new Map<string, string>();
  let policy: PolicyFile | undefined;
  let entities: EditorEntity[] | undefined;
  const csvFiles: ImportFile[] = [];
  for (const file of files) {
    const lower = file.name.toLowerCase();
    if (lower.endsWith('.csv')) {
      csvFiles.push(file);
      continue;
    }
    if (!/\.(ya?ml|json)$/.test(lower)) {
      problems.push({ file: file.name, line: 0, field: '(file)', message: 'unsupported file type: use .yaml, .yml, .json or .csv' });
      continue;
    }
    const counter = new LineCounter();
    const doc = parseDocument(file.text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({ file: file.name, line: error.linePos?.[0].line ?? counter.linePos(error.pos[0]).line, field: '(syntax)', message: error.message.split('\n')[0] ?? 'syntax error' });
      }
      continue;
    }
    const data: unknown = doc.toJS();
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      problems.push({ file: file.name, line: 1, field: '(root)', message: 'the file must be a mapping' });
      continue;
    }
    const root = data as Record<string, unknown>;
    if (file.name.split('/').pop() === POLICY_FILE || (root.thresholds !== undefined && root.intents === undefined)) {
      const first = Value.Errors(PolicyFileSchema, root).First();
      if (first !== undefined) {
        const path = first.path.split('/').filter((p) => p.length > 0);
        problems.push({ file: file.name, line: lineOf(doc, counter, path), field: path.join('.') || '(root)', message: first.message });
      } else policy = root as PolicyFile;
      continue;
    }
    for (const key of Object.keys(root)) {
      if (!['domain', 'intents', 'entities'].includes(key)) problems.push({ file: file.name, line: keyLine(doc, counter, [], key), field: key, message: `unknown field "${key}"` });
    }
    const domain = root.domain;
    if (root.intents !== undefined && (typeof domain !== 'string' || domain === '')) {
      problems.push({ file: file.name, line: lineOf(doc, counter, ['domain']), field: 'domain', message: 'missing "domain:" (e.g. domain: tramites)' });
    }
    if (root.entities !== undefined) {
      if (!Array.isArray(root.entities)) problems.push({ file: file.name, line: lineOf(doc, counter, ['entities']), field: 'entities', message: 'must be a list' });
      else {
        root.entities.forEach((entity: unknown, index) => {
          const first = Value.Errors(EntitySchema, entity).First();
          if (first !== undefined) {
            const path = ['entities', index, ...first.path.split('/').filter((p) => p.length > 0)];
            problems.push({ file: file.name, line: lineOf(doc, counter, path), field: path.join('.'), message: first.message });
          }
        });
        entities = [...(entities ?? []), ...(root.entities as EditorEntity[])];
      }
    }
    if (root.intents === undefined) continue;
    if (!isMap(doc.get('intents', true))) {
      problems.push({ file: file.name, line: lineOf(doc, counter, ['intents']), field: 'intents', message: 'must be a mapping of intent id → intent' });
      continue;
    }
    for (const [id, entry] of Object.entries(root.intents as Record<string, unknown>)) {
      const base = ['intents', id];
      const { input, problems: fieldProblems } = validateIntentInput(typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? { ...entry, id, ...(typeof domain === 'string' ? { domain } : {}) } : entry, { languages });
      for (const problem of fieldProblems) {
        const path = problem.field === '(root)' || problem.field === 'id' ? [] : problem.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
        const line = problem.field === 'id' || problem.field === 'domain' ? keyLine(doc, counter, ['intents'], id) : lineOf(doc, counter, [...base, ...path]);
        problems.push({ file: file.name, line, field: `intents.${id}${problem.field === '(root)' ? '' : `.${problem.field}`}`, message: problem.message });
      }
      if (where.has(id)) {
        problems.push({ file: file.name, line: keyLine(doc, counter, ['intents'], id), field: `intents.${id}`, message: `duplicate intent id: already defined in ${where.get(id) ?? ''}` });
        continue;
      }
      where.set(id, file.name);
      if (input !== undefined) intents.set(id, intentFromInput(input));
    }
    if (isSeq(doc.get('intents', true))) problems.push({ file: file.name, line: lineOf(doc, counter, ['intents']), field: 'intents', message: 'must be a mapping, not a list' });
  }
  const known = new Set([...draftIds, ...intents.keys()]);
  for (const file of csvFiles) {
    const { rows, problems: csvProblems } = parseUtterancesCsv(file.name, file.text, known);
    problems.push(...csvProblems);
    for (const row of rows) {
      const intent = intents.get(row.intent);
      if (intent !== undefined) {
        const list = intent.utterances[row.language] ?? [];
        if (!list.includes(row.utterance)) intents.set(row.intent, { ...intent, utterances: { ...intent.utterances, [row.language]: [...list, row.utterance] } });
      } else {
        // An utterance for an intent only in the draft: carried as a partial intent, merged by the store.
        const partial = intents.get(`csv:${row.intent}`) ?? { id: row.intent, domain: '', enabled: true, handoffQueue: null, title: {}, utterances: {}, answers: {} };
        const list = partial.utterances[row.language] ?? [];
        intents.set(`csv:${row.intent}`, { ...partial, utterances: { ...partial.utterances, [row.language]: [...list, row.utterance] } });
      }
    }
  }
  if (problems.length > 0) return { problems };
  return { parsed: { intents: [...intents.values()], ...(policy === undefined ? {} : { policy }), ...(entities === undefined ? {} : { entities }) }, problems };
}

/** True for the partial intents a CSV import carries for ids only present in the draft. */
export function isCsvPartial(intent: EditorIntent): boolean {
  return intent.domain === '';
}

function intentToFileEntry(intent: EditorIntent): Record<string, unknown> {
  return {
    title: intent.title,
    ...(intent.enabled ? {} : { enabled: false }),
    ...(intent.handoffQueue === null ? {} : { handoffQueue: intent.handoffQueue }),
    utterances: intent.utterances,
    answers: intent.answers,
    ...(intent.fallback === undefined ? {} : { fallback: intent.fallback }),
  };
}

/**
 * Exports the content as the files of `config/intents/`: one `<domain>.yaml` per domain,
 * `policy.yaml`, and `entities.yaml` when there are entities. `json` gives `.json` files instead.
 */
export function exportContentFiles(content: EditorContent, format: 'yaml' | 'json' = 'yaml'): ImportFile[] {
  const byDomain = new Map<string, EditorIntent[]>();
  for (const intent of content.intents) byDomain.set(intent.domain, [...(byDomain.get(intent.domain) ?? []), intent]);
  const files: ImportFile[] = [];
  const write = (name: string, value: unknown, comment?: string) =>
    files.push({
      name: `${name}.${format}`,
      text: format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : `${comment === undefined ? '' : `# ${comment}\n`}${stringify(value, { lineWidth: 0 })}`,
    });
  for (const [domain, intents] of [...byDomain.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    write(domain, { domain, intents: Object.fromEntries(intents.map((i) => [i.id, intentToFileEntry(i)])) }, `Exportado por el editor de Ventanilla: dominio ${domain}.`);
  }
  write('policy', content.policy);
  if (content.entities.length > 0) write('entities', { entities: content.entities });
  return files;
}
