/**
 * Serves the agent console (`/agent`): the page, console.js and its parts, and the CSS; plain JS
 * and CSS with no build step, under a strict Content-Security-Policy (no inline script, same-origin only).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { servePageFiles, UI_TEXTS_SCRIPT } from '../../http/page-files.js';

/** Where the console's static files live. */
export const CONSOLE_STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

// '/' under the prefix answers both `/agent` and `/agent/` (fastify's prefixTrailingSlash: 'both').
const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  // The console's parts, one concern each; console.js calls their hooks.
  '/waiting.js': { file: 'waiting.js', type: 'text/javascript; charset=utf-8' },
  '/presence-prompt.js': { file: 'presence-prompt.js', type: 'text/javascript; charset=utf-8' },
  '/agent-typing.js': { file: 'agent-typing.js', type: 'text/javascript; charset=utf-8' },
  '/canned.js': { file: 'canned.js', type: 'text/javascript; charset=utf-8' },
  '/offers.js': { file: 'offers.js', type: 'text/javascript; charset=utf-8' },
  '/offers.css': { file: 'offers.css', type: 'text/css; charset=utf-8' },
};

/** The console page plugin (register with `{ prefix: '/agent' }`). */
export function createConsoleRoutes(staticDir = CONSOLE_STATIC_DIR): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    servePageFiles(app, {
      ...Object.fromEntries(Object.entries(FILES).map(([route, { file, type }]) => [route, { path: join(staticDir, file), type }])),
      // Shared with the editor: reads the run-time texts the page was served with.
      '/ui-texts.js': { path: UI_TEXTS_SCRIPT, type: 'text/javascript; charset=utf-8' },
    });
  };
}
