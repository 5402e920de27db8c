/**
 * The `ventanilla` command: start the hub, chat in the terminal, operate the outbox, and the
 * commands each module adds (nlu, gtfs, telegram, users, content).
 */
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { isHubError } from './core/errors.js';
import { createStore } from './core/store/index.js';

const USAGE = `Usage: ventanilla <command>

  start                         start the hub (same as npm start)
  chat [--lang xx] [--db PATH]  talk to the bot in this terminal (reads piped stdin too)
  outbox list [--status dead|pending|sending|sent] [--limit N]
  outbox retry [--all | ID...]  move dead-lettered replies back to the queue
  nlu try "texto" [--lang xx]   classify one message: intent, score, language, answer
  nlu eval --file F.jsonl [--json]
  gtfs import <zip|dir>         import a GTFS feed for timetable answers
  telegram set-webhook --url U  register the Telegram webhook with its secret
  users add --username U --role R --password-stdin [--queues a,b] [--languages es,ca]
  content export <dir> [--format yaml|json|csv]
  content import <files...> [--replace]
`;

type Out = (line: string) => void;

async function outbox(args: readonly string[], out: Out): Promise<number> {
  const [action, ...rest] = args;
  const config = loadConfig();
  const store = await createStore(config.databaseUrl);
  try {
    await store.migrate();
    if (action === 'list') {
      const statusIndex = rest.indexOf('--status');
      const status = statusIndex === -1 ? 'dead' : rest[statusIndex + 1];
      if (status !== 'dead' && status !== 'pending' && status !== 'sending' && status !== 'sent') {
        out('--status must be one of dead, pending, sending, sent');
        return 2;
      }
      const limitIndex = rest.indexOf('--limit');
      const limit = limitIndex === -1 ? 100 : Number(rest[limitIndex + 1]);
      const items = await store.listOutbox(status, Number.isFinite(limit) ? limit : 100);
      if (items.length === 0) out(`no ${status} replies`);
      for (const item of items) {
        out(`${item.id}\t${item.channel}\t${item.recipient.conversationKey}\tattempts=${item.attempts}\t${item.createdAt.toISOString()}\t${item.lastError ?? ''}`);
      }
      return 0;
    }
    if (action === 'retry') {
      const ids = rest.filter((arg) => arg !== '--all');
      if (ids.length === 0 && !rest.includes('--all')) {
        out('say which replies to retry: ventanilla outbox retry --all | ID...');
        return 2;
      }
      const moved = await store.retryDeadOutbox(ids.length === 0 ? undefined : ids);
      out(`${moved} replies moved back to the queue; a running hub sends them within a second`);
      return 0;
    }
    out(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}

/** Runs one CLI command; returns the process exit code. */
export async function main(argv: readonly string[], out: Out = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'start': {
        const { startServer } = await import('./server.js');
        await startServer();
        return await new Promise<number>(() => undefined);
      }
      case 'chat': {
        const { runChat } = await import('./cli/chat.js');
        return await runChat(args);
      }
      case 'outbox':
        return await outbox(args, out);
      case 'nlu': {
        const { runNluTry, runNluEval } = await import('./intents/cli.js');
        if (args[0] === 'try') return await runNluTry(args.slice(1), out);
        if (args[0] === 'eval') return await runNluEval(args.slice(1), out);
        out(USAGE);
        return 2;
      }
      case 'gtfs': {
        if (args[0] !== 'import') break;
        const { runGtfsImport } = await import('./intents/data/index.js');
        return await runGtfsImport(args.slice(1), out, { dataDir: loadConfig().dataDir });
      }
      case 'telegram': {
        const { runTelegramCli } = await import('./bots/telegram/index.js');
        return await runTelegramCli(args, process.env, process.stdout);
      }
      case 'content': {
        const { runContentCli } = await import('./editor/index.js');
        const config = loadConfig();
        const store = await createStore(config.databaseUrl);
        try {
          await store.migrate();
          return await runContentCli(args, process.stdout, { store, contentDir: join(config.configDir, 'intents') });
        } finally {
          await store.close();
        }
      }
      case 'users': {
        const { runUsersCli } = await import('./handoff/index.js');
        return await runUsersCli(args, process.stdin, out);
      }
      default:
        break;
    }
    out(USAGE);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  } catch (error) {
    out(`ventanilla ${command ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
    return isHubError(error, 'HUB_ERR_CONFIG') ? 78 : 1;
  }
}
