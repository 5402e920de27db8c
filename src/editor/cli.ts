/**
 * `npx ventanilla content export|import`: the editor's import/export from the command line (options
 * in `src/cli/commands.ts`). Export writes the draft as config files (or utterances.csv); import
 * reads files into the draft, all or nothing. Imports write to the draft only: publish from the editor (or the API) to make them live.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { linePrinters, parseCommand, printExit, selectCommand, usageError, type CommandOutput } from '../cli/args.js';
import { CONTENT, CONTENT_EXPORT, CONTENT_IMPORT } from '../cli/commands.js';
import type { Store } from '../core/store/index.js';
import { loadContent } from '../intents/content/loader.js';
import type { CsvSeparator } from '../csv.js';
import { editorContentFromLoaded, exportContentFiles, exportUtterancesCsv, parseImport } from './content-io.js';
import { EditorStore } from './content-store.js';

export interface ContentCliDeps {
  /** An open store (the CLI migrates it; the caller closes it). */
  readonly store: Store;
  /** Folder of the default content, to seed a store that was never started (default config/intents). */
  readonly contentDir: string;
}

/** Where the CLI writes (problems on `writeError` when given). */
export type CliOutput = CommandOutput;

/** A checked `content` command line. */
type ContentRequest =
  | { readonly command: 'export'; readonly dir: string; readonly format: 'yaml' | 'json' | 'csv'; readonly separator: CsvSeparator }
  | { readonly command: 'import'; readonly paths: readonly string[]; readonly replace: boolean; readonly as: string };

/**
 * Runs `content …` (`args` may start with `content`); returns the exit code (0 ok, 1 problems,
 * 2 usage). The arguments are checked before the store is opened. Without `deps`, the hub's
 * configured store and content folder are used.
 */
export async function runContentCli(args: readonly string[], out: CliOutput, deps?: ContentCliDeps): Promise<number> {
  const { out: print, err: printError } = linePrinters(out);
  const selected = selectCommand(CONTENT, args);
  if (!selected.ok) return printExit(selected, print, printError);
  let request: ContentRequest;
  if (selected.spec === CONTENT_EXPORT) {
    const parsed = parseCommand(CONTENT_EXPORT, selected.rest);
    if (!parsed.ok) return printExit(parsed, print, printError);
    const format = parsed.values.format ?? 'yaml';
    if (format !== 'yaml' && format !== 'json' && format !== 'csv') return printExit(usageError(CONTENT_EXPORT, `unknown --format "${format}": use yaml, json or csv`), print, printError);
    const separator = parsed.values.separator ?? ',';
    if (separator !== ',' && separator !== ';') return printExit(usageError(CONTENT_EXPORT, `--separator must be "," or ";"`), print, printError);
    request = { command: 'export', dir: parsed.positionals[0] as string, format, separator };
  } else {
    const parsed = parseCommand(CONTENT_IMPORT, selected.rest);
    if (!parsed.ok) return printExit(parsed, print, printError);
    request = { command: 'import', paths: parsed.positionals, replace: parsed.values.replace === true, as: parsed.values.as ?? 'cli' };
  }
  if (deps !== undefined) return await runContent(request, out, deps);
  const [{ loadConfig }, { createStore }] = await Promise.all([import('../config.js'), import('../core/store/index.js')]);
  const config = loadConfig();
  const store = await createStore(config.databaseUrl);
  try {
    return await runContent(request, out, { store, contentDir: join(config.configDir, 'intents') });
  } finally {
    await store.close();
  }
}

async function runContent(
  request: ContentRequest,
  out: CliOutput,
  deps: ContentCliDeps,
): Promise<number> {
  await deps.store.migrate();
  const editorStore = new EditorStore(deps.store);
  if (!(await editorStore.isSeeded())) await editorStore.seed(editorContentFromLoaded(await loadContent(deps.contentDir)));

  if (request.command === 'export') {
    const { dir, format, separator } = request;
    const content = await editorStore.draftContent();
    const files = format === 'csv' ? [{ name: 'utterances.csv', text: exportUtterancesCsv(content, { separator }) }] : exportContentFiles(content, format);
    await mkdir(dir, { recursive: true });
    for (const file of files) await writeFile(join(dir, file.name), file.text, 'utf8');
    out.write(`exported ${content.intents.length} intents to ${files.map((f) => join(dir, f.name)).join(', ')}\n`);
    return 0;
  }

  const files = [];
  for (const path of request.paths) {
    try {
      files.push({ name: basename(path), text: await readFile(path, 'utf8') });
    } catch (error) {
      linePrinters(out).err(`${path}: cannot read (${error instanceof Error ? error.message : String(error)})`);
      return 1;
    }
  }
  const draftIds = new Set((await editorStore.listDraft()).map((i) => i.id));
  const { parsed, problems } = parseImport(files, draftIds);
  if (parsed === undefined) {
    const { err } = linePrinters(out);
    for (const p of problems) err(`${p.file}:${p.line}: ${p.field}: ${p.message}`);
    err(`import refused: ${problems.length} problem(s); nothing was changed`);
    return 1;
  }
  const result = await editorStore.applyImport(parsed, request.as, { replace: request.replace, files: files.map((f) => f.name) });
  out.write(`imported into the draft: ${result.created} created, ${result.updated} updated (publish in the editor to make it live)\n`);
  return 0;
}
