/**
 * The one argument parser of the `ventanilla` command, on `node:util` `parseArgs` in strict mode:
 * every command declares its options and positional arguments in a {@link CommandSpec}; an unknown
 * option, a missing value or a stray argument is a usage error (exit 2) that prints the command's
 * usage, and `--help` (or `-h`) prints it and exits 0. Commands parse before they open anything,
 * so a typo never touches the database.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The option table `parseArgs` takes: `{ name: { type: 'string' | 'boolean', … } }`. */
export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** What a command takes, and the lines its usage shows. */
export interface CommandSpec<O extends ParseArgsOptionsConfig = ParseArgsOptionsConfig> {
  /** The words after `ventanilla`, e.g. `users add`. */
  readonly name: string;
  /** The arguments as the usage line shows them, e.g. `--username U [--name N]`. */
  readonly synopsis: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly options: O;
  /** How many positional arguments it takes; none when absent. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** More lines for `--help` (what an option means, an example). */
  readonly details?: readonly string[];
}

type ParsedValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>['values'];

/** Parsed arguments, or what to print and the exit code when the command must not run. */
export type CommandArgs<O extends ParseArgsOptionsConfig> =
  | { readonly ok: true; readonly values: ParsedValues<O>; readonly positionals: readonly string[] }
  | CommandExit;

/** Help (exit 0) or a usage error (exit 2), with the text to print. */
export interface CommandExit {
  readonly ok: false;
  readonly exitCode: 0 | 2;
  readonly text: string;
}

/** `usage: ventanilla <name> <synopsis>`, the summary and the details, ending with a newline. */
export function usageOf(spec: CommandSpec): string {
  const lines = [`usage: ventanilla ${spec.name}${spec.synopsis === '' ? '' : ` ${spec.synopsis}`}`, '', `  ${spec.summary}`];
  if (spec.details !== undefined && spec.details.length > 0) lines.push('', ...spec.details.map((line) => (line === '' ? '' : `  ${line}`)));
  return `${lines.join('\n')}\n`;
}

/**
 * Where a command writes: results on `write`; usage errors and failures on `writeError` when the
 * caller keeps them apart (the `ventanilla` command: stderr), else on `write` too.
 */
export interface CommandOutput {
  write(text: string): unknown;
  writeError?(text: string): unknown;
}

/** Line printers for `output`: `out` for results and help, `err` for problems. */
export function linePrinters(output: CommandOutput): { readonly out: (line: string) => void; readonly err: (line: string) => void } {
  return {
    out: (line) => void output.write(`${line}\n`),
    err: (line) => void (output.writeError ?? output.write).call(output, `${line}\n`),
  };
}

/** Prints help on `out` (exit 0) or a usage error on `err` (exit 2); returns the exit code. */
export function printExit(result: CommandExit, out: (line: string) => void, err: (line: string) => void): number {
  (result.exitCode === 0 ? out : err)(result.text.replace(/\n$/, ''));
  return result.exitCode;
}

/** The usage error for `spec`: the problem on the first line, then the usage; exit 2. */
export function usageError(spec: CommandSpec, problem: string): CommandExit {
  return { ok: false, exitCode: 2, text: `ventanilla ${spec.name}: ${problem}\n\n${usageOf(spec)}` };
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Node's messages are written for programmers; these say what to change on the command line. */
function problemOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return `unknown option ${option ?? message}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']+)'/.exec(message)?.[1];
    return `unexpected argument ${argument === undefined ? message : `"${argument}"`}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? 'an option';
    return message.includes('does not take an argument') ? `${option} takes no value` : `${option} needs a value`;
  }
  throw error;
}

/**
 * Parses `args` (the words after the command name) against `spec`. Strict: unknown options,
 * options without their value, boolean options given a value and positional arguments out of
 * `spec.positionals` are usage errors. `--help`/`-h` anywhere before `--` asks for the usage.
 */
export function parseCommand<const O extends ParseArgsOptionsConfig>(spec: CommandSpec<O>, args: readonly string[]): CommandArgs<O> {
  if (wantsHelp(args)) return { ok: false, exitCode: 0, text: usageOf(spec) };
  let parsed: { values: ParsedValues<O>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, strict: true, allowPositionals: true });
  } catch (error) {
    return usageError(spec, problemOf(error));
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length > max) {
    return usageError(spec, max === 0 ? `unexpected argument "${parsed.positionals[0] ?? ''}"` : `too many arguments (at most ${max})`);
  }
  if (parsed.positionals.length < min) return usageError(spec, `missing argument${min === 1 ? '' : 's'}`);
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
}

/** A command group (`users`, `content`, …): its sub-commands by their last word. */
export interface CommandGroup<S extends CommandSpec = CommandSpec> {
  /** The first word, e.g. `users`. */
  readonly name: string;
  readonly commands: readonly S[];
}

/** One entry per command: `  <name> <synopsis>` and its summary indented below. */
export function listCommands(specs: readonly CommandSpec[]): string {
  return specs.map((spec) => `  ${spec.name}${spec.synopsis === '' ? '' : ` ${spec.synopsis}`}\n      ${spec.summary}`).join('\n');
}

/** The usage of every command in `group`. */
export function groupUsageOf(group: CommandGroup): string {
  return `usage: ventanilla ${group.name} <command> [options]\n\n${listCommands(group.commands)}\n\nventanilla ${group.name} <command> --help shows one command.\n`;
}

/**
 * Picks the sub-command `args[0]` names in `group` (`args` may start with the group's own name).
 * No sub-command, or an unknown one, is a usage error that lists the group; `--help` alone lists it
 * with exit 0.
 */
export function selectCommand<S extends CommandSpec>(
  group: CommandGroup<S>,
  args: readonly string[],
): { readonly ok: true; readonly spec: S; readonly rest: readonly string[] } | CommandExit {
  const list = args[0] === group.name ? args.slice(1) : args;
  const word = list[0];
  if (word === '--help' || word === '-h' || word === 'help') return { ok: false, exitCode: 0, text: groupUsageOf(group) };
  const spec = group.commands.find((candidate) => candidate.name === `${group.name} ${word ?? ''}`);
  if (spec === undefined) {
    const problem = word === undefined ? 'which command?' : `unknown command "${word}"`;
    return { ok: false, exitCode: 2, text: `ventanilla ${group.name}: ${problem}\n\n${groupUsageOf(group)}` };
  }
  return { ok: true, spec, rest: list.slice(1) };
}
