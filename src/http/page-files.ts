/**
 * Serves a page's static files (HTML, CSS, plain JS: no build step) under a strict
 * Content-Security-Policy: same-origin scripts, styles and requests only, no framing.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

/** The policy every staff page is served with (no inline script, same origin only). */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One served file: its absolute path and content type. */
export interface PageFile {
  readonly path: string;
  readonly type: string;
}

/** Registers a GET route per file; each file is read once, on its first request. */
export function servePageFiles(app: FastifyInstance, files: Readonly<Record<string, PageFile>>, csp: string = PAGE_CSP): void {
  const cache = new Map<string, Buffer>();
  for (const [route, { path, type }] of Object.entries(files)) {
    app.get(route, { schema: { hide: true } }, async (_request, reply) => {
      let body = cache.get(path);
      if (body === undefined) {
        body = await readFile(path);
        cache.set(path, body);
      }
      return reply
        .header('content-type', type)
        .header('content-security-policy', csp)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-cache')
        .send(body);
    });
  }
}
