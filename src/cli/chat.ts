/**
 * `ventanilla chat`: talk to the bot in the terminal. Interactive on a TTY; with piped stdin it
 * prints one reply block per input line and exits 0 at the end of input, so it can be scripted.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { createTerminalChannel } from '../bots/terminal/index.js';
import { loadConfig } from '../config.js';
import { parseCommand, printExit } from './args.js';
import { CHAT } from './commands.js';
import { createHub } from '../hub.js';

/** Where `chat` prints help (stdout) and usage errors (stderr). */
export interface ChatIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const STD_IO: ChatIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs `chat` until the end of stdin; returns the exit code (0 done, 2 usage error). */
export async function runChat(args: readonly string[], env: NodeJS.ProcessEnv = process.env, io: ChatIo = STD_IO): Promise<number> {
  const parsed = parseCommand(CHAT, args);
  if (!parsed.ok) return printExit(parsed, io.out, io.err);
  const { values } = parsed;
  const config = loadConfig({ ...env, VENTANILLA_DATABASE_URL: values.db ?? ':memory:' });
  const interactive = process.stdin.isTTY === true;
  const blocks: string[] = [];
  const write = (block: string): void => {
    blocks.push(block);
  };
  // Logs go to stderr so stdout carries only the conversation.
  const logger = pino({ level: env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const hub = await createHub(config, { env, logger, channels: [() => createTerminalChannel(write)] });
  await hub.start({ delivery: false });
  const user = values.user ?? `local-${randomUUID().slice(0, 8)}`;
  const out = (text: string): void => {
    process.stdout.write(text);
  };
  if (interactive) out('Ventanilla — escribe tu pregunta (Ctrl+D para salir).\n');
  const rl = createInterface({ input: process.stdin, terminal: interactive, ...(interactive ? { output: process.stdout } : {}) });
  if (interactive) {
    rl.setPrompt('tú> ');
    rl.prompt();
  }
  let line = 0;
  for await (const input of rl) {
    line += 1;
    const text = input.trim();
    if (text !== '') {
      await hub.runner.acceptAndWait({
        id: `${user}-${line}-${randomUUID()}`,
        conversationKey: `terminal:${user}`,
        from: { channel: 'terminal', id: user, ...(values.lang === undefined ? {} : { locale: values.lang }) },
        receivedAt: new Date(),
        kind: 'text',
        text,
      });
      while ((await hub.worker.deliverOnce()) > 0) {
        // deliver every reply of this turn before printing the block
      }
      out(`${blocks.map((block) => `bot> ${block.replace(/\n/g, '\n     ')}`).join('\n')}\n${interactive ? '' : '\n'}`);
      blocks.length = 0;
    }
    if (interactive) rl.prompt();
  }
  await hub.app.close();
  return 0;
}
