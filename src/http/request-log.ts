/**
 * One log line per request, written when the reply is sent: method, URL (web chat session ids
 * redacted), status and duration. Fastify's own pair of lines ("incoming request", "request
 * completed") is switched off in `app.ts`. What a load balancer, a browser or a monitor asks for
 * again and again — health checks, metrics scrapes, static assets, the long-lived event streams
 * whose only traffic is heartbeats — is logged at debug, unless it failed: at info an operator reads
 * what people and channels did.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { redactWebchatSecrets } from '../bots/webchat/index.js';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const ASSET = /\.(?:js|mjs|css|map|png|jpe?g|gif|svg|webp|ico|woff2?|ttf|txt|webmanifest)$/i;

/** Whether a request is routine noise (logged at debug when it succeeded). */
export function isRoutineRequest(path: string, contentType: string | undefined): boolean {
  if (PROBES.has(path)) return true;
  if (path.startsWith('/static/') || path.startsWith('/docs/static/') || ASSET.test(path)) return true;
  // An event stream: one request that lives for minutes and carries only events and heartbeats.
  return contentType?.startsWith('text/event-stream') === true;
}

/** Logs each finished request on one line (see the module comment). */
export function registerRequestLog(app: FastifyInstance): void {
  const logged = new WeakSet<FastifyRequest>();
  const log = (request: FastifyRequest, status: number, ms: number, contentType: unknown): void => {
    if (logged.has(request)) return;
    logged.add(request);
    const url = redactWebchatSecrets(request.url);
    const path = url.split('?')[0] ?? url;
    const routine = status < 400 && isRoutineRequest(path, typeof contentType === 'string' ? contentType : undefined);
    const line = { method: request.method, url, status, ms: Math.round(ms), ip: request.ip };
    const message = `${request.method} ${url} ${status} ${Math.round(ms)} ms`;
    if (routine) request.log.debug(line, message);
    else request.log.info(line, message);
  };
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    log(request, reply.statusCode, reply.elapsedTime, reply.getHeader('content-type'));
  });
  // Event streams take the socket over (reply.hijack) and never reach onResponse: their line is
  // written when the connection closes. For other replies onResponse has written it by then.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    reply.raw.once('close', () => {
      setImmediate(() => log(request, reply.raw.statusCode, reply.elapsedTime, reply.raw.getHeader('content-type')));
    });
  });
}
