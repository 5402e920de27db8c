/**
 * Serves the supervisor dashboard (`/reports`): static HTML, CSS and JS with no build step, and
 * Chart.js from the hub's own node_modules (no CDN), under a strict Content-Security-Policy.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { servePageFiles } from '../http/page-files.js';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'page');
// The package's exports hide dist/ files; its main entry lives in dist/, next to the UMD bundle.
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: join(PAGE_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/reports.js': { path: join(PAGE_DIR, 'reports.js'), type: 'text/javascript; charset=utf-8' },
  '/reports.css': { path: join(PAGE_DIR, 'reports.css'), type: 'text/css; charset=utf-8' },
  '/chart.umd.min.js': { path: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

/** The dashboard's page routes (register with `{ prefix: '/reports' }`). */
export async function reportsPage(app: FastifyInstance): Promise<void> {
  // Chart.js sizes its canvas through element.style (CSSOM), which the page CSP's style-src does not restrict.
  servePageFiles(app, FILES);
}
