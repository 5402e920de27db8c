/**
 * The `ventanilla` command: start the hub, chat in the terminal, operate the outbox, and the
 * commands each module adds (nlu, gtfs, telegram, users, content). Every command's options are in
 * `cli/commands.ts`; each command parses its arguments (`cli/args.ts`) before it opens anything.
 */
import { parseCommand, printExit, selectCommand, usageError, type CommandOutput } from './cli/args.js';
import { mainUsage, NLU, OUTBOX, OUTBOX_LIST, OUTBOX_RETRY, START } from './cli/commands.js';
import { describeFailure, operatorError } from './cli/failure.js';
import type { OutboxStatus, Store } from './core/store/index.js';

type Out = (line: string) => void;

/**
 * The configured store, loaded on demand: help and usage errors answer without loading the
 * configuration or the database drivers.
 */
async function openConfiguredStore(): Promise<Store> {
  const [{ loadConfig }, { createStore }] = await Promise.all([import('./config.js'), import('./core/store/index.js')]);
  return await createStore(loadConfig().databaseUrl);
}

async function configuredDataDir(): Promise<string | undefined> {
  try {
    return (await import('./config.js')).loadConfig().dataDir;
  } catch {
    // The configuration itself may be what failed; the error says so.
    return undefined;
  }
}

const OUTBOX_STATUSES: readonly OutboxStatus[] = ['dead', 'held', 'pending', 'sending', 'sent'];

function isOutboxStatus(value: string): value is OutboxStatus {
  return (OUTBOX_STATUSES as readonly string[]).includes(value);
}

async function outbox(args: readonly string[], out: Out, err: Out): Promise<number> {
  const selected = selectCommand(OUTBOX, args);
  if (!selected.ok) return printExit(selected, out, err);
  if (selected.spec === OUTBOX_LIST) {
    const parsed = parseCommand(OUTBOX_LIST, selected.rest);
    if (!parsed.ok) return printExit(parsed, out, err);
    const status = parsed.values.status ?? 'dead';
    if (!isOutboxStatus(status)) return printExit(usageError(OUTBOX_LIST, `--status must be one of ${OUTBOX_STATUSES.join(', ')}`), out, err);
    const limit = Number(parsed.values.limit ?? '100');
    if (!Number.isInteger(limit) || limit < 1) return printExit(usageError(OUTBOX_LIST, '--limit must be a whole number from 1'), out, err);
    const store = await openConfiguredStore();
    try {
      await store.migrate();
      const items = await store.listOutbox(status, limit);
      if (items.length === 0) out(`no ${status} replies`);
      for (const item of items) {
        // What the platform reported after accepting it (a read receipt, a bounce) follows, when any.
        out(`${item.id}\t${item.channel}\t${item.recipient.conversationKey}\tattempts=${item.attempts}\t${item.createdAt.toISOString()}\t${item.lastError ?? ''}${item.deliveryStatus === null ? '' : `\tplatform: ${item.deliveryStatus}`}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  }
  const parsed = parseCommand(OUTBOX_RETRY, selected.rest);
  if (!parsed.ok) return printExit(parsed, out, err);
  const all = parsed.values.all === true;
  if (all === (parsed.positionals.length > 0)) return printExit(usageError(OUTBOX_RETRY, 'say which replies to retry: --all, or their ids'), out, err);
  const store = await openConfiguredStore();
  try {
    await store.migrate();
    const moved = await store.retryDeadOutbox(all ? undefined : parsed.positionals);
    out(`${moved} replies moved back to the queue; a running hub sends them within a second`);
    return 0;
  } finally {
    await store.close();
  }
}

/** Asks one question on the terminal (stderr, so stdout keeps only results) and resolves the answer. */
async function terminalPrompt(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** The output the modules' commands get: results on stdout (`out`), problems on stderr (`err`). */
function moduleOutput(out: Out, err: Out): CommandOutput {
  return {
    write: (text: string) => {
      for (const line of text.replace(/\n$/, '').split('\n')) out(line);
    },
    writeError: (text: string) => {
      for (const line of text.replace(/\n$/, '').split('\n')) err(line);
    },
  };
}

/**
 * Runs one CLI command; returns the process exit code: 0 done, 1 failed, 2 usage error (nothing
 * opened), 78 configuration error. Results go to `out`; usage errors and failures to `err`.
 */
export async function main(
  argv: readonly string[],
  out: Out = (line) => process.stdout.write(`${line}\n`),
  err: Out = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case undefined:
        err(mainUsage().replace(/\n$/, ''));
        return 2;
      case '--help':
      case '-h':
      case 'help':
        out(mainUsage().replace(/\n$/, ''));
        return 0;
      case 'start': {
        const parsed = parseCommand(START, args);
        if (!parsed.ok) return printExit(parsed, out, err);
        const { startServer, exitOnStartFailure } = await import('./server.js');
        await startServer().catch(exitOnStartFailure);
        return await new Promise<number>(() => undefined);
      }
      case 'chat': {
        const { runChat } = await import('./cli/chat.js');
        return await runChat(args, process.env, { out, err });
      }
      case 'outbox':
        return await outbox(args, out, err);
      case 'nlu': {
        // `nlu try|eval` parse strictly (src/cli/args.ts) before they load content or open anything.
        const selected = selectCommand(NLU, args);
        if (!selected.ok) return printExit(selected, out, err);
        const { runNluTry, runNluEval } = await import('./intents/cli.js');
        return selected.spec.name === 'nlu try' ? await runNluTry([...selected.rest], out, err) : await runNluEval([...selected.rest], out, err);
      }
      case 'gtfs': {
        const { runGtfsImport } = await import('./intents/data/index.js');
        return await runGtfsImport(args, out, { err });
      }
      case 'telegram': {
        const { runTelegramCli } = await import('./bots/telegram/index.js');
        return await runTelegramCli(args, process.env, moduleOutput(out, err));
      }
      case 'content': {
        const { runContentCli } = await import('./editor/index.js');
        return await runContentCli(args, moduleOutput(out, err));
      }
      case 'users': {
        const { runUsersCli } = await import('./accounts/index.js');
        // Questions (the queues and languages of a new agent) only when a person is at the terminal.
        return await runUsersCli(args, process.stdin, moduleOutput(out, err), undefined, process.stdin.isTTY ? terminalPrompt : undefined);
      }
      case 'privacy':
      case 'audit': {
        const { runPrivacyCli } = await import('./privacy/cli.js');
        return await runPrivacyCli([command, ...args], moduleOutput(out, err));
      }
      case 'reports': {
        const { runReportsCli } = await import('./reports/cli.js');
        return await runReportsCli(args, moduleOutput(out, err));
      }
      default:
        err(`ventanilla: unknown command "${command}"\n\n${mainUsage().replace(/\n$/, '')}`);
        return 2;
    }
  } catch (error) {
    const dataDir = await configuredDataDir();
    const { text, exitCode } = describeFailure(operatorError(error, dataDir === undefined ? {} : { dataDir }));
    err(`ventanilla ${command}: ${text}`);
    return exitCode;
  }
}
