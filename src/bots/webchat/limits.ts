/**
 * Limits of the web chat API, which anyone on the internet can call without credentials: per
 * client (IP address as fastify sees it), per session, on new sessions per client and on open
 * event streams per session. Counting uses @fastify/rate-limit; its store is pluggable, so several
 * instances can share counts (a Redis-backed store, for example) instead of each keeping its own.
 */
import { createHash } from 'node:crypto';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../../core/errors.js';
import type { WebchatLimits } from './config.js';

export { WEBCHAT_LIMIT_DEFAULTS, type WebchatLimits } from './config.js';

/** How long a client refused a stream is told to wait. */
export const STREAM_RETRY_AFTER_MS = 30_000;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function tooMany(what: string, retryAfterMs: number): HubError {
  return new HubError('HUB_ERR_RATE_LIMITED', `too many ${what}: try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, { retryAfterMs });
}

/** A session id never goes into a (possibly shared) counter store as such: it is the citizen's credential. */
function sessionKey(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('base64url').slice(0, 22);
}

/** The counters of one web chat plugin; `take*` set `Retry-After` and throw `HUB_ERR_RATE_LIMITED` (429). */
export interface WebchatLimiter {
  /** Counts a message of the session named in the (validated) body's `sessionId`. */
  takeMessage(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts a new session of the request's client. */
  takeNewSession(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

function bodySessionId(request: FastifyRequest): string {
  const body = request.body as { readonly sessionId?: unknown } | undefined;
  return typeof body?.sessionId === 'string' ? body.sessionId : '';
}

/**
 * Registers the per-client limit on every route of the (encapsulated) web chat plugin `app` and
 * returns the per-session and new-session counters its routes call.
 */
export async function registerWebchatLimits(app: FastifyInstance, limits: WebchatLimits, store?: FastifyRateLimitStoreCtor): Promise<WebchatLimiter> {
  await app.register(rateLimit, {
    global: true,
    max: limits.requestsPerClientPerMinute,
    timeWindow: MINUTE,
    keyGenerator: (request) => `client:${request.ip}`,
    ...(store === undefined ? {} : { store }),
    errorResponseBuilder: (_request, context) => tooMany('requests from this address', context.ttl),
  });
  const messages = app.createRateLimit({
    max: limits.messagesPerSessionPerMinute,
    timeWindow: MINUTE,
    keyGenerator: (request) => `session:${sessionKey(bodySessionId(request))}`,
  });
  const sessions = app.createRateLimit({ max: limits.sessionsPerClientPerHour, timeWindow: HOUR, keyGenerator: (request) => `sessions:${request.ip}` });

  async function take(check: ReturnType<FastifyInstance['createRateLimit']>, request: FastifyRequest, reply: FastifyReply, what: string): Promise<void> {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    const error = tooMany(what, result.ttl);
    reply.header('retry-after', String(result.ttlInSeconds));
    throw error;
  }
  return {
    takeMessage: (request, reply) => take(messages, request, reply, 'messages in this conversation'),
    takeNewSession: (request, reply) => take(sessions, request, reply, 'new conversations from this address'),
  };
}
