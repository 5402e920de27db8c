import { describeNetworkError } from './network-error.js';

/**
 * The one error catalogue of the hub. Every error a caller may act on is a {@link HubError}
 * with a stable `code`; its message says what happened and what to do next.
 */

export const HUB_ERRORS = {
  HUB_ERR_CONFIG: { statusCode: 500, retryable: false },
  HUB_ERR_WEBHOOK_AUTH: { statusCode: 401, retryable: false },
  HUB_ERR_BAD_PAYLOAD: { statusCode: 400, retryable: false },
  /** A request the HTTP layer refused before any route saw it (unsupported media type, bad header…): its own 4xx. */
  HUB_ERR_BAD_REQUEST: { statusCode: 400, retryable: false },
  /** A request body over `server.bodyLimitBytes`. */
  HUB_ERR_TOO_LARGE: { statusCode: 413, retryable: false },
  HUB_ERR_NOT_FOUND: { statusCode: 404, retryable: false },
  HUB_ERR_CONFLICT: { statusCode: 409, retryable: false },
  /** The editor's publish was refused by the quality gate: `reasons` says which checks failed. */
  HUB_ERR_QUALITY_GATE: { statusCode: 409, retryable: false },
  /** Too many requests from one client or session: `retryAfterMs` says when to try again (429 + Retry-After). */
  HUB_ERR_RATE_LIMITED: { statusCode: 429, retryable: true },
  HUB_ERR_FORBIDDEN: { statusCode: 403, retryable: false },
  HUB_ERR_UNAUTHENTICATED: { statusCode: 401, retryable: false },
  /** A channel API answered 429 or 5xx, or timed out: the outbox retries. */
  HUB_ERR_CHANNEL_RETRYABLE: { statusCode: 502, retryable: true },
  /** A channel API refused for good (400, 403 blocked bot, unknown chat): no retry. */
  HUB_ERR_CHANNEL_PERMANENT: { statusCode: 502, retryable: false },
  HUB_ERR_CHANNEL_UNAVAILABLE: { statusCode: 500, retryable: false },
  HUB_ERR_CONTENT: { statusCode: 500, retryable: false },
  HUB_ERR_NEXT_CALLED_TWICE: { statusCode: 500, retryable: false },
  HUB_ERR_STORE: { statusCode: 500, retryable: true },
  /** Anything unexpected: the reply says only "internal error", the log has the cause. */
  HUB_ERR_INTERNAL: { statusCode: 500, retryable: false },
} as const;

export type HubErrorCode = keyof typeof HUB_ERRORS;

export interface HubErrorOptions {
  readonly cause?: unknown;
  /** For retryable channel errors: how long the platform asked us to wait. */
  readonly retryAfterMs?: number;
  /** Extra context for logs (never message text or personal data). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Fields an HTTP reply carries besides `statusCode`, `error` and `message` (the editor's field
   * `problems`, the quality gate's `reasons`). Never personal data.
   */
  readonly reply?: Readonly<Record<string, unknown>>;
}

export class HubError extends Error {
  readonly code: HubErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly reply?: Readonly<Record<string, unknown>>;

  constructor(code: HubErrorCode, message: string, options: HubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HubError';
    this.code = code;
    this.statusCode = HUB_ERRORS[code].statusCode;
    this.retryable = HUB_ERRORS[code].retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.details !== undefined) this.details = options.details;
    if (options.reply !== undefined) this.reply = options.reply;
  }
}

export function isHubError(error: unknown, code?: HubErrorCode): error is HubError {
  return error instanceof HubError && (code === undefined || error.code === code);
}

/**
 * Classifies an HTTP status from a channel API into the outbox's retry policy:
 * 429 and 5xx are retryable (honouring `retryAfterMs`), everything else is permanent.
 */
export function channelHttpError(channel: string, status: number, detail: string, retryAfterMs?: number): HubError {
  const retryable = status === 429 || status >= 500 || status === 0;
  return new HubError(
    retryable ? 'HUB_ERR_CHANNEL_RETRYABLE' : 'HUB_ERR_CHANNEL_PERMANENT',
    `${channel} API answered ${status === 0 ? 'nothing (network error or timeout)' : status}: ${detail}`,
    retryAfterMs === undefined ? { details: { status } } : { details: { status }, retryAfterMs },
  );
}

/**
 * `details.reason` of a send the platform refused because its reply window is closed (WhatsApp's
 * 24-hour customer-service window): the outbox holds the reply, or dead-letters it when the
 * channel cannot invite the citizen back, instead of retrying.
 */
export const REPLY_WINDOW_CLOSED = 'reply-window-closed';

/**
 * A request to a channel API that got no HTTP answer, with the cause in plain words (connection
 * refused, timeout, DNS, TLS, bad port, reset) read from the error's `cause` chain. Retryable,
 * except a port fetch refuses to use (a configuration error that no retry fixes).
 * `details.transport` holds the kind, `cause` the original error.
 */
export function channelNetworkError(channel: string, operation: string, error: unknown): HubError {
  const network = describeNetworkError(error);
  const words = network?.text ?? `the request failed: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`;
  return new HubError(network?.kind === 'bad-port' ? 'HUB_ERR_CHANNEL_PERMANENT' : 'HUB_ERR_CHANNEL_RETRYABLE', `${channel} API not reached (${operation}): ${words}`, {
    cause: error,
    details: { status: 0, transport: network?.kind ?? 'network', ...(network?.code === undefined ? {} : { networkCode: network.code }) },
  });
}
