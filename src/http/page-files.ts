/**
 * Serves a page's static files (HTML, CSS, plain JS: no build step) under a strict
 * Content-Security-Policy: same-origin scripts, styles and requests only, no framing.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { cookieValue, uiCatalogue, UI_LANGUAGE_COOKIE } from './ui-texts.js';

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

/** The staff pages' shared script that reads their run-time texts (see `ui-texts.ts`). */
export const UI_TEXTS_SCRIPT = fileURLToPath(new URL('static/ui-texts.js', import.meta.url));

/** One served file: its absolute path and content type. */
export interface PageFile {
  readonly path: string;
  readonly type: string;
}

/**
 * Registers a GET route per file; each file is read once, on its first request. An HTML page with
 * `data-i18n` marks is served in the staff member's language (see `ui-texts.ts`).
 */
export function servePageFiles(app: FastifyInstance, files: Readonly<Record<string, PageFile>>, csp: string = PAGE_CSP): void {
  const cache = new Map<string, Buffer>();
  for (const [route, { path, type }] of Object.entries(files)) {
    app.get(route, { schema: { hide: true } }, async (request, reply) => {
      let body = cache.get(path);
      if (body === undefined) {
        body = await readFile(path);
        cache.set(path, body);
      }
      if (type.startsWith('text/html') && body.includes('data-i18n')) {
        const ui = uiCatalogue();
        const query = (request.query as Record<string, unknown> | undefined)?.lang;
        const language = ui.choose({ query: typeof query === 'string' ? query : undefined, cookie: cookieValue(request.headers.cookie, UI_LANGUAGE_COOKIE), acceptLanguage: request.headers['accept-language'] });
        const key = `${path}\u0000${language}`;
        let page = cache.get(key);
        if (page === undefined) {
          page = Buffer.from(ui.render(body.toString('utf8'), language), 'utf8');
          cache.set(key, page);
        }
        body = page;
        reply.header('content-language', language).header('vary', 'Accept-Language, Cookie');
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
