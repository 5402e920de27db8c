/**
 * The one webhook path every channel's HTTP intake goes through. A channel describes its inbound
 * side as `{ handshake?, verify, decode }` (pure functions in its `inbound.ts`) and how to store
 * what it decoded; {@link webhookPlugin} turns that into an encapsulated fastify plugin with the
 * raw body kept for signatures, verification, decoding, store-before-acknowledge and one error
 * handler that answers 400/401/403/413/500 with one body shape.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelLogger } from '../core/channel-port.js';
import { isHubError } from '../core/errors.js';
import { isStoreUnreachable, STORE_RETRY_AFTER_S } from '../core/storage-errors.js';

/** What a GET handshake answers: a string is sent as text/plain, an object as JSON. */
export interface HandshakeReply {
  readonly status: number;
  readonly body: string | Readonly<Record<string, unknown>>;
}

/** A channel's inbound side, as its `inbound.ts` exports it. */
export interface WebhookInbound<Decoded> {
  /**
   * Answers the platform's subscription check on `GET /` (WhatsApp's `hub.challenge`, X's CRC).
   * Throws a HubError (`HUB_ERR_BAD_PAYLOAD`…) for a request that is not one.
   */
  readonly handshake?: (query: Readonly<Record<string, unknown>>) => HandshakeReply;
  /**
   * Checks that the platform sent the request; throws `HUB_ERR_WEBHOOK_AUTH` (401) otherwise.
   * Compares secrets with {@link secretsEqual}.
   */
  readonly verify: (raw: Buffer, headers: IncomingHttpHeaders) => void | Promise<void>;
  /**
   * `headers`: `verify` reads headers only and runs before the body is read, so an unsigned
   * request costs nothing (Telegram's secret token). `body` (default): after, on the raw bytes.
   */
  readonly verifyOn?: 'headers' | 'body';
  /** Reads the verified raw body; throws `HUB_ERR_BAD_PAYLOAD` (400) when it is malformed. */
  readonly decode: (raw: Buffer) => Decoded;
}

export interface WebhookOptions<Decoded> extends WebhookInbound<Decoded> {
  /** For logs. */
  readonly channel: string;
  readonly logger: ChannelLogger;
  /** Stores what was decoded; the platform gets its 200 only once this resolved. */
  readonly store: (decoded: Decoded) => Promise<void>;
  /** Largest body accepted (413 beyond); 1 MiB by default. */
  readonly bodyLimit?: number;
}

/** The body of every webhook error answer (the same shape as the app's own errors). */
export interface WebhookErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Compares a secret (or a signature) in constant time: the one comparison every channel uses.
 * False for a missing or repeated header; a length mismatch costs the same time as a comparison.
 */
export function secretsEqual(expected: string | Buffer, received: string | readonly string[] | undefined): boolean {
  if (typeof received !== 'string') return false;
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  const given = Buffer.from(received, 'utf8');
  if (given.length !== want.length) {
    // timingSafeEqual needs equal lengths; comparing against itself keeps the time flat.
    timingSafeEqual(want, want);
    return false;
  }
  return timingSafeEqual(given, want);
}

/**
 * Answers a webhook request with an error in the one body shape. Channels whose intake a platform
 * SDK runs (Bot Framework's `CloudAdapter`) use it for their own refusals.
 */
export function sendWebhookError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ statusCode: status, error: code, message } satisfies WebhookErrorBody);
}

/** One header's value (the first when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Builds the encapsulated fastify plugin for one channel's webhook: `GET /` (when there is a
 * handshake) and `POST /`. Other routes of the app keep fastify's JSON parser.
 */
export function webhookPlugin<Decoded>(options: WebhookOptions<Decoded>): (app: FastifyInstance) => Promise<void> {
  const { channel, logger: log } = options;
  return async (app) => {
    // The signature covers the exact bytes the platform sent: keep them instead of parsed JSON.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT }, (_request, body, done) => {
      done(null, body);
    });
    app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply));

    const handshake = options.handshake;
    if (handshake !== undefined) {
      app.get('/', async (request, reply) => {
        const answer = handshake((request.query ?? {}) as Readonly<Record<string, unknown>>);
        if (answer.status >= 400) log.warn({ channel, status: answer.status, ip: request.ip }, `${channel} webhook handshake refused`);
        if (typeof answer.body === 'string') return reply.code(answer.status).type('text/plain').send(answer.body);
        return reply.code(answer.status).send(answer.body);
      });
    }

    if (options.verifyOn === 'headers') {
      // Checked before the body is read: an unsigned request costs nothing and stores nothing.
      app.addHook('onRequest', async (request) => {
        if (request.method === 'POST') await options.verify(EMPTY, request.headers);
      });
    }

    app.post('/', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : EMPTY;
      if (options.verifyOn !== 'headers') await options.verify(raw, request.headers);
      await options.store(options.decode(raw));
      return reply.code(200).send({ ok: true });
    });
  };

  function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const status = isHubError(error) ? error.statusCode : error.statusCode ?? 500;
    if (status < 500) {
      const code = isHubError(error) ? error.code : error.code ?? 'HUB_ERR_BAD_REQUEST';
      log.warn({ channel, code, status, ip: request.ip, reason: error.message }, `${channel} webhook refused`);
      return sendWebhookError(reply, status, code, error.message);
    }
    // Not stored: a 503 with Retry-After makes the platform send the same request again later
    // (Telegram, Meta, X and Bot Framework all retry a non-2xx), and a load balancer reads it as
    // this instance being unavailable rather than broken.
    log.error({ channel, err: error.message, unreachable: isStoreUnreachable(error) }, `${channel} webhook request not stored`);
    const code = isHubError(error) ? error.code : 'HUB_ERR_STORE';
    reply.header('retry-after', String(STORE_RETRY_AFTER_S));
    return sendWebhookError(reply, 503, code, 'not stored; the platform should retry');
  }
}
