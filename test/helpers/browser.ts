/**
 * Browser tests drive Debian's Chromium through playwright-core (never a downloaded browser).
 * Where /usr/bin/chromium is missing they are skipped with a visible message.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.VENTANILLA_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/** Where browser tests save their screenshots: the test run's artefacts. */
export const SCREENSHOTS_DIR = process.env.VENTANILLA_SCREENSHOTS_DIR ?? join(tmpdir(), 'ventanilla-screenshots');

/** Says once, visibly, why a browser suite is skipped. */
export function warnIfNoChromium(suite: string): void {
  if (!hasChromium) console.warn(`[${suite}] skipped: ${CHROMIUM_PATH} not found (apt-get install chromium; .ci/run installs it)`);
}

/**
 * Launches headless Chromium with the flags a closed network needs. Its browsers ask for Spanish
 * (`Accept-Language: es-ES`, `navigator.language`) unless a context sets `locale`: the staff pages
 * ship English and the co-official languages and follow the browser, and Chromium's own default
 * would be en-US.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--accept-lang=es-ES,es'],
  });
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Runs axe-core on the page; returns the serious and critical violations (what the tests require to be none). */
export async function seriousAxeViolations(page: Page): Promise<{ id: string; impact: string | null; nodes: number }[]> {
  // Evaluated through the DevTools protocol: not an inline script, so the page's CSP stays on.
  await page.evaluate(readFileSync(axePath, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** What a browser suite's `beforeAll` does: serves `app` on loopback, opens Chromium, makes the screenshots folder. */
export async function serveForBrowser(app: FastifyInstance): Promise<{ base: string; browser: Browser }> {
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return { base, browser };
}
