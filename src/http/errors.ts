/**
 * The one place where errors become HTTP replies. Every error reply of the hub has the body
 * {@link ErrorBody}: `statusCode`, a code of the catalogue in `core/errors.ts` as `error`, a
 * `message` that says what to do, and the few extra fields a {@link HubError} carries for the
 * client (`reason`, `problems`, `reasons`).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHubError, type HubError, type HubErrorCode } from '../core/errors.js';
import { isStoreUnreachable, STORE_RETRY_AFTER_S } from '../core/storage-errors.js';

/** The body of every error reply. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: HubErrorCode;
  readonly message: string;
  readonly [extra: string]: unknown;
}

/** The body of a {@link HubError}'s reply (plus `details.reason` when it is a string). */
export function errorBody(error: HubError): ErrorBody {
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
  return {
    ...error.reply,
    ...(reason === undefined ? {} : { reason }),
    statusCode: error.statusCode,
    error: error.code,
    message: error.message,
  };
}

/** Replies with a {@link HubError}: its status, `Retry-After` when it has `retryAfterMs`, and {@link errorBody}. */
export function sendError(reply: FastifyReply, error: HubError): FastifyReply {
  if (error.retryAfterMs !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  return reply.status(error.statusCode).send(errorBody(error));
}

/** The catalogue code of a 4xx the framework raised (body too large, bad JSON, unsupported type…). */
function frameworkCode(status: number): HubErrorCode {
  switch (status) {
    case 401:
      return 'HUB_ERR_UNAUTHENTICATED';
    case 403:
      return 'HUB_ERR_FORBIDDEN';
    case 404:
      return 'HUB_ERR_NOT_FOUND';
    case 409:
      return 'HUB_ERR_CONFLICT';
    case 413:
      return 'HUB_ERR_TOO_LARGE';
    case 429:
      return 'HUB_ERR_RATE_LIMITED';
    default:
      return 'HUB_ERR_BAD_REQUEST';
  }
}

/**
 * The app's error and not-found handlers. Encapsulated plugins inherit them, so a route throws a
 * {@link HubError} (or lets a schema reject the request) and never builds an error body itself.
 * 5xx are logged with their cause; the reply says only "internal error" unless the error is a
 * HubError whose message was written for the client.
 */
export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HubError, request: FastifyRequest, reply: FastifyReply) => {
    if ((error.statusCode ?? 500) >= 500 && isStoreUnreachable(error)) {
      // The database is down or restarting: nothing was done, and the same request will work
      // shortly (the pool reconnects by itself), which is what 503 and Retry-After say.
      request.log.error({ err: error, url: request.routeOptions.url }, 'database unreachable');
      reply.header('retry-after', String(STORE_RETRY_AFTER_S));
      return reply.status(503).send({ statusCode: 503, error: 'HUB_ERR_STORE', message: 'the database is unreachable; try again in a few seconds' } satisfies ErrorBody);
    }
    if (isHubError(error)) {
      if (error.statusCode >= 500) request.log.error({ err: error, code: error.code, url: request.routeOptions.url }, error.message);
      return sendError(reply, error);
    }
    if (error.validation !== undefined) {
      return reply.status(400).send({ statusCode: 400, error: 'HUB_ERR_BAD_PAYLOAD', message: `invalid request: ${error.message}` } satisfies ErrorBody);
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error, url: request.routeOptions.url }, 'request failed');
      return reply.status(status).send({ statusCode: status, error: 'HUB_ERR_INTERNAL', message: 'internal error' } satisfies ErrorBody);
    }
    // The framework's own 4xx (invalid JSON → 400, body too large → 413…) keep their status.
    return reply.status(status).send({ statusCode: status, error: frameworkCode(status), message: error.message } satisfies ErrorBody);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({ statusCode: 404, error: 'HUB_ERR_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } satisfies ErrorBody);
  });
}

/** {@link ErrorBody} as a response schema, for the OpenAPI document and the reply serializer. */
export const ErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'HUB_ERR_* code of the catalogue' }),
    message: Type.String(),
    reason: Type.Optional(Type.String()),
    problems: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String(), file: Type.Optional(Type.String()), line: Type.Optional(Type.Number()) }))),
    reasons: Type.Optional(Type.Array(Type.String())),
  },
  { description: 'Error reply' },
);
