/**
 * Telegram channel configuration, read from the environment once at start-up.
 */
import { HubError } from '../../core/errors.js';

export type TelegramMode = 'webhook' | 'polling';

export interface TelegramConfig {
  readonly botToken: string;
  /** `webhook`: Telegram POSTs to `/webhooks/telegram`; `polling`: we long-poll `getUpdates`. */
  readonly mode: TelegramMode;
  /** Required in webhook mode: the `secret_token` given to `setWebhook`, checked on every POST. */
  readonly webhookSecret?: string;
  /** Bot API root (tests point it at a loopback fake). No trailing path segment is assumed. */
  readonly apiRoot: string;
  /** Long-polling `timeout` sent to `getUpdates`, in seconds. */
  readonly pollTimeoutSeconds: number;
  /** Pause after an empty `getUpdates` answer (servers that do not hold the request), in ms. */
  readonly pollIdleDelayMs: number;
  /** Abort a Bot API call after this long; the outbox then retries it. */
  readonly requestTimeoutMs: number;
}

const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

function configError(message: string): HubError {
  return new HubError('HUB_ERR_CONFIG', message);
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw configError(`${name}="${raw}" is not a whole number ≥ 0; set ${name} to e.g. ${fallback} or unset it.`);
  }
  return value;
}

/**
 * Reads the Telegram settings. Returns `undefined` when `TELEGRAM_BOT_TOKEN` is unset (channel off).
 * `TELEGRAM_MODE` defaults to `webhook` when `TELEGRAM_WEBHOOK_SECRET` is set, else `polling`.
 * @throws HubError `HUB_ERR_CONFIG` naming the variable and the fix when a value is invalid.
 */
export function loadTelegramConfig(env: NodeJS.ProcessEnv): TelegramConfig | undefined {
  const botToken = env.TELEGRAM_BOT_TOKEN?.trim();
  if (botToken === undefined || botToken === '') return undefined;
  if (/[\s/]/.test(botToken)) {
    throw configError('TELEGRAM_BOT_TOKEN contains spaces or "/"; paste the token exactly as @BotFather gave it (e.g. 123456:ABC-DEF…).');
  }

  const secret = env.TELEGRAM_WEBHOOK_SECRET === '' ? undefined : env.TELEGRAM_WEBHOOK_SECRET;
  const rawMode = env.TELEGRAM_MODE === undefined || env.TELEGRAM_MODE === '' ? undefined : env.TELEGRAM_MODE;
  if (rawMode !== undefined && rawMode !== 'webhook' && rawMode !== 'polling') {
    throw configError(`TELEGRAM_MODE="${rawMode}" is not valid; set TELEGRAM_MODE to "webhook" (public URL) or "polling" (no public URL).`);
  }
  const mode: TelegramMode = rawMode ?? (secret === undefined ? 'polling' : 'webhook');

  if (secret !== undefined && !SECRET_PATTERN.test(secret)) {
    throw configError('TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, "_" or "-" (Telegram rejects others); generate one with `openssl rand -hex 32`.');
  }
  if (mode === 'webhook' && secret === undefined) {
    throw configError('TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_SECRET (1-256 chars of A-Za-z0-9_-), e.g. `openssl rand -hex 32`; or set TELEGRAM_MODE=polling.');
  }

  const apiRoot = env.TELEGRAM_API_ROOT === undefined || env.TELEGRAM_API_ROOT === '' ? 'https://api.telegram.org' : env.TELEGRAM_API_ROOT;
  let parsed: URL;
  try {
    parsed = new URL(apiRoot);
  } catch {
    throw configError(`TELEGRAM_API_ROOT="${apiRoot}" is not a URL; set it to https://api.telegram.org (the default) or your Bot API server.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw configError(`TELEGRAM_API_ROOT must be an http(s) URL, got "${apiRoot}".`);
  }

  const config: TelegramConfig = {
    botToken,
    mode,
    apiRoot: apiRoot.replace(/\/+$/, ''),
    pollTimeoutSeconds: positiveInteger(env, 'TELEGRAM_POLL_TIMEOUT_SECONDS', 25),
    pollIdleDelayMs: positiveInteger(env, 'TELEGRAM_POLL_IDLE_MS', 200),
    requestTimeoutMs: positiveInteger(env, 'TELEGRAM_REQUEST_TIMEOUT_MS', 10_000),
    ...(secret === undefined ? {} : { webhookSecret: secret }),
  };
  return config;
}
