/**
 * The editor page in a real Chromium (playwright-core): edit an answer, see the channel preview
 * and count, try it against draft and published, publish and see the new version; axe-core finds
 * no serious or critical violation on /editor. Skipped with a visible message without Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { startEditorHub, type EditorHub } from '../helpers/editor-hub.js';

warnIfNoChromium('editor-browser');

describe.skipIf(!hasChromium)('editor in a browser', () => {
  let browser: Browser;
  let running: EditorHub;
  let base: string;

  beforeAll(async () => {
    running = await startEditorHub();
    base = await running.hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
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

    const violations = (await seriousAxeViolations(page)).map((v) => v.id);
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
    await expect.poll(() => page.locator('#save-status').textContent()).toContain('Guardado en el borrador');

    await page.getByLabel('Pregunta de prueba').fill('¿a qué hora abren las oficinas?');
    await page.getByRole('button', { name: 'Probar', exact: true }).click();
    await expect.poll(() => page.locator('#try-result').textContent(), { timeout: 20_000 }).toContain('Nuevo horario de verano');
    await expect.poll(() => page.locator('#try-result').textContent()).toContain('Publicado');

    await page.getByRole('button', { name: 'Versiones' }).click();
    await page.getByLabel('Mensaje de la publicación').fill('Horario de verano');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await expect.poll(() => page.locator('#publish-status').textContent(), { timeout: 30_000 }).toContain('Publicada la versión 2');
    await expect.poll(() => page.locator('#version-list').textContent()).toContain('Versión 2 (en uso) — Horario de verano');

    const after = (await seriousAxeViolations(page)).map((v) => v.id);
    expect(after).toEqual([]);
    await context.close();
  }, 90_000);
});
