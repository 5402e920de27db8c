/**
 * `npx ventanilla content import|export`: the editor's import/export from the command line.
 *
 *   content export <dir> [--format yaml|json|csv]   writes the draft as config files (or utterances.csv)
 *   content import <file…> [--replace] [--as USER]  imports into the draft (all or nothing)
 *
 * Imports write to the draft only: publish from the editor (or the API) to make them live.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { KyselyStore } from '../core/store/index.js';
import { loadContent } from '../intents/content/loader.js';
import { editorContentFromLoaded, exportContentFiles, exportUtterancesCsv, parseImport } from './content-io.js';
import { EditorStore } from './content-store.js';

export interface ContentCliDeps {
  /** An open store (the CLI migrates it). */
  readonly store: KyselyStore;
  /** Folder of the default content, to seed a store that was never started (default config/intents). */
  readonly contentDir: string;
}

export interface CliOutput {
  write(text: string): unknown;
}

const USAGE = 'usage: ventanilla content export <dir> [--format yaml|json|csv]\n       ventanilla content import <file...> [--replace] [--as USER]\n';

/** Runs `content …`; returns the exit code (0 ok, 1 problems, 2 usage). */
export async function runContentCli(args: readonly string[], out: CliOutput, deps: ContentCliDeps): Promise<number> {
  const [command, ...rest] = args;
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (arg === '--replace') flags.set('replace', 'true');
    else if (arg === '--format' || arg === '--as') flags.set(arg.slice(2), rest[++i] ?? '');
    else positional.push(arg);
  }
  if ((command !== 'import' && command !== 'export') || positional.length === 0) {
    out.write(USAGE);
    return 2;
  }
  await deps.store.migrate();
  const editorStore = new EditorStore(deps.store);
  if (!(await editorStore.isSeeded())) await editorStore.seed(editorContentFromLoaded(await loadContent(deps.contentDir)));

  if (command === 'export') {
    const format = flags.get('format') ?? 'yaml';
    if (format !== 'yaml' && format !== 'json' && format !== 'csv') {
      out.write(`unknown --format "${format}": use yaml, json or csv\n`);
      return 2;
    }
    const dir = positional[0] ?? '.';
    const content = await editorStore.draftContent();
    const files = format === 'csv' ? [{ name: 'utterances.csv', text: exportUtterancesCsv(content) }] : exportContentFiles(content, format);
    await mkdir(dir, { recursive: true });
    for (const file of files) await writeFile(join(dir, file.name), file.text, 'utf8');
    out.write(`exported ${content.intents.length} intents to ${files.map((f) => join(dir, f.name)).join(', ')}\n`);
    return 0;
  }

  const files = [];
  for (const path of positional) {
    try {
      files.push({ name: basename(path), text: await readFile(path, 'utf8') });
    } catch (error) {
      out.write(`${path}: cannot read (${error instanceof Error ? error.message : String(error)})\n`);
      return 1;
    }
  }
  const draftIds = new Set((await editorStore.listDraft()).map((i) => i.id));
  const { parsed, problems } = parseImport(files, draftIds);
  if (parsed === undefined) {
    for (const p of problems) out.write(`${p.file}:${p.line}: ${p.field}: ${p.message}\n`);
    out.write(`import refused: ${problems.length} problem(s); nothing was changed\n`);
    return 1;
  }
  const result = await editorStore.applyImport(parsed, flags.get('as') ?? 'cli', { replace: flags.get('replace') === 'true', files: files.map((f) => f.name) });
  out.write(`imported into the draft: ${result.created} created, ${result.updated} updated (publish in the editor to make it live)\n`);
  return 0;
}
