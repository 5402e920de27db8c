/**
 * The twitter-api-v2 client for the official account, optionally redirected to another API origin.
 * twitter-api-v2 has no base-URL option: a request plugin rewrites each URL before it is signed,
 * and an `http.Agent` lets its `https.request` call reach an `http:` origin (tests on loopback).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApiRequestError, ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { channelHttpError, channelNetworkError, isHubError, type HubError } from '../../core/errors.js';
import type { XConfig } from './config.js';

const X_ORIGINS = ['https://api.x.com', 'https://api.twitter.com', 'https://upload.x.com', 'https://upload.twitter.com'];

/** Rewrites an X API URL onto `apiBaseUrl` (keeping `/2/...`). */
export function rewriteXUrl(url: string, apiBaseUrl: string): string {
  for (const origin of X_ORIGINS) {
    if (url.startsWith(`${origin}/`)) return `${apiBaseUrl}${url.slice(origin.length)}`;
  }
  return url;
}

/** Creates the OAuth 1.0a user-context client; every request gets `config.requestTimeoutMs`. */
export function createXClient(config: XConfig): TwitterApi {
  const redirect = config.apiBaseUrl !== 'https://api.x.com';
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      if (redirect) params.url = rewriteXUrl(params.url, config.apiBaseUrl);
      params.timeout = config.requestTimeoutMs;
    },
  };
  const httpAgent = new URL(config.apiBaseUrl).protocol === 'http:' ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true });
  return new TwitterApi(
    { appKey: config.appKey, appSecret: config.appSecret, accessToken: config.accessToken, accessSecret: config.accessSecret },
    { plugins: [plugin], httpAgent },
  );
}

/** Maps a twitter-api-v2 failure to the outbox policy, waiting until the rate-limit reset on 429. */
export function xApiError(error: unknown, operation: string, now: () => number = Date.now): HubError {
  if (isHubError(error)) return error;
  if (error instanceof ApiResponseError) {
    const reset = error.rateLimit?.reset;
    const retryAfterMs = error.code === 429 ? (reset === undefined ? 60_000 : Math.max(1000, reset * 1000 - now())) : undefined;
    const detail = error.data.detail ?? error.data.title ?? error.message;
    return channelHttpError('x', error.code, `${operation}: ${String(detail)}`, retryAfterMs);
  }
  if (error instanceof ApiRequestError) return channelNetworkError('x', operation, requestCause(error) ?? error);
  return channelNetworkError('x', operation, error);
}

/**
 * The network error behind an ApiRequestError. twitter-api-v2 1.x stores it as `error` while its
 * `requestError` getter reads `requestError`, so the getter is undefined: read both.
 */
function requestCause(error: ApiRequestError): unknown {
  const options = (error as unknown as { readonly _options?: { readonly error?: unknown; readonly requestError?: unknown } })._options;
  return (error.requestError as unknown) ?? options?.requestError ?? options?.error;
}
