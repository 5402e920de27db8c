/**
 * Serves the agent console (`/agent`): three static files, plain JS and CSS with no build step,
 * under a strict Content-Security-Policy (no inline script, same-origin only).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/** Where the console's static files live. */
export const CONSOLE_STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

// '/' under the prefix answers both `/agent` and `/agent/` (fastify's prefixTrailingSlash: 'both').
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The console page plugin (register with `{ prefix: '/agent' }`). */
export function createConsoleRoutes(staticDir = CONSOLE_STATIC_DIR): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const cache = new Map<string, Buffer>();
    for (const [path, { file, type }] of Object.entries(FILES)) {
      app.get(path, { schema: { hide: true } }, async (_request, reply) => {
        let body = cache.get(file);
        if (body === undefined) {
          body = await readFile(join(staticDir, file));
          cache.set(file, body);
        }
        return reply
          .header('content-type', type)
          .header('content-security-policy', CSP)
          .header('x-content-type-options', 'nosniff')
          .header('referrer-policy', 'no-referrer')
          .header('cache-control', 'no-cache')
          .send(body);
      });
    }
  };
}
