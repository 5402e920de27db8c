/**
 * The editor page in a real Chromium (playwright-core): edit an answer, see the channel preview
 * and count, try it against draft and published, publish and see the new version; axe-core finds
 * no serious or critical violation on /editor. Skipped with a visible message without Chromium.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEditorHub, type EditorHub } from '../integration/editor-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[editor-browser] skipped: ${CHROMIUM} not found`);
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe.skipIf(!hasChromium)('editor in a browser', () => {
  let browser: Browser;
  let running: EditorHub;
  let base: string;

  beforeAll(async () => {
    running = await startEditorHub();
    base = await running.hub.app.listen({ host: '127.0.0.1', port: 0 });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.hub.app.close();
  });

  it('edits an answer, previews it, tries it, publishes and shows the new version; axe passes', async () => {
    // The header stands in for the handoff session cookie (the authorizer is injected in tests).
    const context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { 'x-test-user': 'ana:editor' } });
    const page = await context.newPage();
    await page.goto(`${base}/editor`);
    await page.getByRole('link', { name: 'renta.plazos' }).waitFor();

    await page.addScriptTag({ path: axePath });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(violations).toEqual([]);

    await page.getByRole('link', { name: 'tramites.horario_atencion' }).click();
    const answer = page.getByLabel('Respuesta', { exact: true });
    await answer.waitFor();
    await answer.fill('Nuevo horario de verano: de 8:00 a 15:00 en todas las oficinas.');
    await page.getByLabel('Canal', { exact: true }).selectOption('x');
    await expect.poll(() => page.locator('#preview').textContent()).toContain('');
    await page.getByLabel('Canal', { exact: true }).selectOption('webchat');
    await expect.poll(() => page.locator('#preview').textContent()).toContain('Nuevo horario de verano');
    await expect.poll(() => page.locator('#preview-count').textContent()).toContain('/ 4000 caracteres');
    await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
    await expect.poll(() => page.locator('#try-result').textContent()).toContain('Guardado');

    await page.getByLabel('Pregunta de prueba').fill('¿a qué hora abren las oficinas?');
    await page.getByRole('button', { name: 'Probar', exact: true }).click();
    await expect.poll(() => page.locator('#try-result').textContent(), { timeout: 20_000 }).toContain('Nuevo horario de verano');
    await expect.poll(() => page.locator('#try-result').textContent()).toContain('Publicado');

    await page.getByRole('button', { name: 'Versiones' }).click();
    await page.getByLabel('Mensaje de la publicación').fill('Horario de verano');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await expect.poll(() => page.locator('#publish-status').textContent(), { timeout: 30_000 }).toContain('Publicada la versión 2');
    await expect.poll(() => page.locator('#version-list').textContent()).toContain('Versión 2 (en uso) — Horario de verano');

    await page.addScriptTag({ path: axePath });
    const after = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(after).toEqual([]);
    await context.close();
  }, 90_000);
});
