/**
 * `ventanilla telegram …` sub-commands: register or remove the webhook with its secret token.
 */
import { Telegraf } from 'telegraf';
import { isHubError } from '../../core/errors.js';
import { loadTelegramConfig } from './config.js';
import { telegramSendError } from './channel.js';

/** Where the CLI writes human-readable lines. */
export interface CliOutput {
  write(chunk: string): unknown;
}

const USAGE = [
  'usage: ventanilla telegram set-webhook --url <public https url>',
  '       ventanilla telegram delete-webhook',
  '',
  'set-webhook registers <url> (or <url>/webhooks/telegram when <url> has no path) with',
  'TELEGRAM_WEBHOOK_SECRET as secret_token, so Telegram signs every update it sends.',
].join('\n');

function flag(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index !== -1) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** Resolves the webhook URL: a bare origin gets the hub's route path appended. */
export function telegramWebhookUrl(publicUrl: string): URL {
  const url = new URL(publicUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/webhooks/telegram';
  return url;
}

/**
 * Runs `telegram <command>`; `args` may start with `telegram`. Returns the process exit code
 * (0 ok, 1 API or config failure, 2 usage error) and never throws.
 */
export async function runTelegramCli(args: readonly string[], env: NodeJS.ProcessEnv, out: CliOutput): Promise<number> {
  const rest = args[0] === 'telegram' ? args.slice(1) : args;
  const command = rest[0];
  if (command !== 'set-webhook' && command !== 'delete-webhook') {
    out.write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  try {
    const config = loadTelegramConfig(env);
    if (config === undefined) {
      out.write('TELEGRAM_BOT_TOKEN is not set; set it to the token @BotFather gave you.\n');
      return 1;
    }
    const telegram = new Telegraf(config.botToken, { telegram: { apiRoot: config.apiRoot } }).telegram;
    if (command === 'delete-webhook') {
      await telegram.callApi('deleteWebhook', { drop_pending_updates: false });
      out.write('Telegram webhook removed; use TELEGRAM_MODE=polling or set it again.\n');
      return 0;
    }
    const raw = flag(rest, '--url');
    if (raw === undefined || raw === '') {
      out.write(`--url is required\n${USAGE}\n`);
      return 2;
    }
    let url: URL;
    try {
      url = telegramWebhookUrl(raw);
    } catch {
      out.write(`--url "${raw}" is not a URL; pass the public https address of this hub.\n`);
      return 2;
    }
    if (config.webhookSecret === undefined) {
      out.write('TELEGRAM_WEBHOOK_SECRET is not set; generate one (`openssl rand -hex 32`), set it here and on the server, then retry.\n');
      return 1;
    }
    if (url.protocol !== 'https:') {
      out.write('warning: Telegram only delivers webhooks to https URLs.\n');
    }
    await telegram.callApi('setWebhook', {
      url: url.toString(),
      secret_token: config.webhookSecret,
      allowed_updates: ['message', 'edited_message', 'callback_query'],
    });
    out.write(`Telegram webhook set to ${url.toString()} (secret token configured).\n`);
    return 0;
  } catch (error) {
    const message = isHubError(error) ? error.message : telegramSendError(error, command === 'set-webhook' ? 'setWebhook' : 'deleteWebhook').message;
    out.write(`${message}\n`);
    return 1;
  }
}
