/**
 * X (Twitter) channel configuration, read from the environment once at start-up.
 */
import { HubError } from '../../core/errors.js';

export type XMode = 'polling' | 'webhook';

export interface XConfig {
  /** OAuth 1.0a consumer key / secret (the secret also signs webhooks and the CRC answer). */
  readonly appKey: string;
  readonly appSecret: string;
  /** OAuth 1.0a user access token / secret of the official account. */
  readonly accessToken: string;
  readonly accessSecret: string;
  /** Numeric user id of the official account (its own echoes are ignored). */
  readonly accountId: string;
  readonly mode: XMode;
  /** API origin; twitter-api-v2 requests are rewritten to it (tests point it at loopback). */
  readonly apiBaseUrl: string;
  /** Polling interval between rounds, in ms (rate-limit headers may push a round later). */
  readonly pollIntervalMs: number;
  /** Abort an API call after this long; the outbox then retries it. */
  readonly requestTimeoutMs: number;
}

function configError(message: string): HubError {
  return new HubError('HUB_ERR_CONFIG', message);
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw configError(`${name}="${raw}" is not a whole number ≥ 0; set it to e.g. ${fallback} or unset it.`);
  return value;
}

/**
 * Reads the X settings. Returns `undefined` when `X_APP_KEY` is unset (channel off).
 * `X_MODE` defaults to `polling`; `X_API_BASE_URL` to `https://api.x.com`.
 * @throws HubError `HUB_ERR_CONFIG` naming the variable and the fix when a value is missing or invalid.
 */
export function loadXConfig(env: NodeJS.ProcessEnv): XConfig | undefined {
  const appKey = env.X_APP_KEY?.trim();
  if (appKey === undefined || appKey === '') return undefined;
  const required = (name: string, hint: string): string => {
    const value = env[name]?.trim();
    if (value === undefined || value === '') throw configError(`X_APP_KEY is set but ${name} is missing; set ${name} (${hint}) or unset X_APP_KEY to turn the X channel off.`);
    return value;
  };
  const appSecret = required('X_APP_SECRET', 'the API key secret from the X developer portal');
  const accessToken = required('X_ACCESS_TOKEN', "the official account's OAuth 1.0a access token");
  const accessSecret = required('X_ACCESS_SECRET', "the official account's OAuth 1.0a access token secret");
  const accountId = required('X_ACCOUNT_ID', 'the numeric user id of the official account');
  if (!/^\d{1,20}$/.test(accountId)) throw configError(`X_ACCOUNT_ID="${accountId}" must be the numeric user id (not the @handle); look it up in the developer portal.`);

  const rawMode = env.X_MODE === undefined || env.X_MODE === '' ? 'polling' : env.X_MODE;
  if (rawMode !== 'polling' && rawMode !== 'webhook') {
    throw configError(`X_MODE="${rawMode}" is not valid; set X_MODE to "polling" (no public URL) or "webhook" (Account Activity API).`);
  }

  const apiBaseUrl = env.X_API_BASE_URL === undefined || env.X_API_BASE_URL === '' ? 'https://api.x.com' : env.X_API_BASE_URL;
  let parsed: URL;
  try {
    parsed = new URL(apiBaseUrl);
  } catch {
    throw configError(`X_API_BASE_URL="${apiBaseUrl}" is not a URL; unset it to use https://api.x.com.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw configError(`X_API_BASE_URL must be an http(s) URL, got "${apiBaseUrl}".`);

  return {
    appKey,
    appSecret,
    accessToken,
    accessSecret,
    accountId,
    mode: rawMode,
    apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
    pollIntervalMs: nonNegativeInteger(env, 'X_POLL_INTERVAL_MS', 60_000),
    requestTimeoutMs: nonNegativeInteger(env, 'X_REQUEST_TIMEOUT_MS', 10_000),
  };
}
