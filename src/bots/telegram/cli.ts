/**
 * `ventanilla telegram …` sub-commands: register or remove the webhook with its secret token.
 */
import { Telegraf } from 'telegraf';
import { linePrinters, parseCommand, printExit, selectCommand, usageError, type CommandOutput } from '../../cli/args.js';
import { TELEGRAM, TELEGRAM_DELETE_WEBHOOK, TELEGRAM_SET_WEBHOOK } from '../../cli/commands.js';
import { isHubError } from '../../core/errors.js';
import { loadTelegramConfig } from './config.js';
import { telegramSendError } from './outbound.js';

/** Where the CLI writes human-readable lines (problems on `writeError` when given). */
export type CliOutput = CommandOutput;

/** Resolves the webhook URL: a bare origin gets the hub's route path appended. */
export function telegramWebhookUrl(publicUrl: string): URL {
  const url = new URL(publicUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/webhooks/telegram';
  return url;
}

/**
 * Runs `telegram set-webhook|delete-webhook` (options in `src/cli/commands.ts`); `args` may start
 * with `telegram`. Returns the process exit code (0 ok, 1 API or config failure, 2 usage error)
 * and never throws. `set-webhook` registers the URL (or `<url>/webhooks/telegram` for a bare
 * origin) with TELEGRAM_WEBHOOK_SECRET as secret_token, so Telegram signs every update it sends.
 */
export async function runTelegramCli(args: readonly string[], env: NodeJS.ProcessEnv, out: CliOutput): Promise<number> {
  const { out: print, err: printError } = linePrinters(out);
  const selected = selectCommand(TELEGRAM, args);
  if (!selected.ok) return printExit(selected, print, printError);
  const setWebhook = selected.spec === TELEGRAM_SET_WEBHOOK;
  let url: URL | undefined;
  if (!setWebhook) {
    const parsed = parseCommand(TELEGRAM_DELETE_WEBHOOK, selected.rest);
    if (!parsed.ok) return printExit(parsed, print, printError);
  } else {
    const parsed = parseCommand(TELEGRAM_SET_WEBHOOK, selected.rest);
    if (!parsed.ok) return printExit(parsed, print, printError);
    const raw = parsed.values.url;
    if (raw === undefined || raw === '') return printExit(usageError(TELEGRAM_SET_WEBHOOK, '--url is required'), print, printError);
    try {
      url = telegramWebhookUrl(raw);
    } catch {
      return printExit(usageError(TELEGRAM_SET_WEBHOOK, `--url "${raw}" is not a URL; pass the public https address of this hub`), print, printError);
    }
  }
  try {
    const config = loadTelegramConfig(env);
    if (config === undefined) {
      printError('TELEGRAM_BOT_TOKEN is not set; set it to the token @BotFather gave you.');
      return 1;
    }
    const telegram = new Telegraf(config.botToken, { telegram: { apiRoot: config.apiRoot } }).telegram;
    if (url === undefined) {
      await telegram.callApi('deleteWebhook', { drop_pending_updates: false });
      out.write('Telegram webhook removed; use TELEGRAM_MODE=polling or set it again.\n');
      return 0;
    }
    if (config.webhookSecret === undefined) {
      printError('TELEGRAM_WEBHOOK_SECRET is not set; generate one (`openssl rand -hex 32`), set it here and on the server, then retry.');
      return 1;
    }
    if (url.protocol !== 'https:') {
      printError('warning: Telegram only delivers webhooks to https URLs.');
    }
    await telegram.callApi('setWebhook', {
      url: url.toString(),
      secret_token: config.webhookSecret,
      allowed_updates: ['message', 'edited_message', 'callback_query'],
    });
    out.write(`Telegram webhook set to ${url.toString()} (secret token configured).\n`);
    return 0;
  } catch (error) {
    const message = isHubError(error) ? error.message : telegramSendError(error, setWebhook ? 'setWebhook' : 'deleteWebhook').message;
    printError(message);
    return 1;
  }
}
