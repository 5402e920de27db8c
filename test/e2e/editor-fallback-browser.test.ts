/**
 * Issue 17, the editor as a content editor uses it, in a real Chromium (playwright-core): the id
 * made from the title with its format explained in words (never "Please match the requested
 * format."); a Spanish-only intent with a domain, a queue and a per-language fallback, saved
 * ("Guardado en el borrador." next to the button, in view), published, and "Probar" on the
 * published version answering a Basque question in Spanish with the notice and a Catalan one by
 * a person, per channel; rollback asks first and keeps the draft; authors by name. axe: no
 * serious or critical violation; screenshots at 1366 × 900 and 390 × 844.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPANISH_ONLY_NOTICE } from '../../src/intents/answers.js';
import { dmInvitation } from '../../src/bots/x/privacy.js';
import { hasChromium, launchChromium, SCREENSHOTS_DIR, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { startEditorHub, type EditorHub } from '../helpers/editor-hub.js';

warnIfNoChromium('editor-fallback-browser');

const SHOTS = SCREENSHOTS_DIR;

describe.skipIf(!hasChromium)('editor: ids, partial languages, try-it per channel, rollback (browser)', () => {
  let browser: Browser;
  let running: EditorHub;
  let base: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    running = await startEditorHub();
    const now = new Date().toISOString();
    await (running.hub.store.kysely as unknown as Kysely<{ handoff_users: Record<string, unknown> }>)
      .insertInto('handoff_users')
      .values({ id: 'ana', username: 'ana', display_name: 'Ana Editora', password_hash: 'x', role: 'editor', presence: 'offline', capacity: 1, languages: '["es"]', queues: '[]', idle_since: now, created_at: now, updated_at: now })
      .execute();
    base = await running.hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.hub.app.close();
  });

  async function open(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, extraHTTPHeaders: { 'x-test-user': 'ana:editor' } });
    const page = await context.newPage();
    await page.goto(`${base}/editor`);
    await page.getByRole('link', { name: 'renta.plazos' }).waitFor();
    return page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    const path = join(SHOTS, name);
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  }

  it('makes the id from the title and explains its format in words; axe passes; fits 1366 × 900 and 390 × 844', async () => {
    for (const [width, height] of [
      [1366, 900],
      [390, 844],
    ] as const) {
      const page = await open(width, height);
      await page.getByRole('button', { name: 'Nueva intención' }).click();
      await page.getByLabel('Título', { exact: true }).fill('Bicicleta pública');
      await page.getByLabel('Dominio', { exact: true }).fill('tramites');
      const id = page.getByLabel('Identificador', { exact: true });
      await expect.poll(() => id.inputValue()).toBe('tramites.bicicleta_publica');
      expect(await page.locator('#f-id-hint').textContent()).toContain('dominio.nombre');

      // What the issue saw: "bicicleta pública" typed as the id.
      await id.fill('bicicleta pública');
      await expect.poll(() => page.locator('#f-id-error').textContent()).toContain('Falta el dominio');
      expect(await page.locator('#f-id-error').textContent()).toContain('Prueba con «tramites.bicicleta_publica»');
      const message = await id.evaluate((input: HTMLInputElement) => input.validationMessage);
      expect(message).toContain('dominio.nombre');
      expect(message).not.toContain('Please match');
      await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      await expect.poll(() => page.locator('#save-status').textContent()).toContain('No se ha guardado: Falta el dominio');
      expect(await id.getAttribute('aria-invalid')).toBe('true');

      expect(await seriousAxeViolations(page)).toEqual([]);
      await shot(page, `editor-new-intent-${width}x${height}.png`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.context().close();
    }
  }, 120_000);

  it('publishes a Spanish-only intent with fallbacks: a Basque question gets Spanish with the notice, a Catalan one a person; rollback asks and keeps the draft', async () => {
    const page = await open(1366, 900);
    await page.getByRole('button', { name: 'Nueva intención' }).click();
    await page.getByLabel('Título', { exact: true }).fill('Bicicleta pública');
    await page.getByLabel('Dominio', { exact: true }).fill('tramites');
    await page.getByLabel('Cola de atención').selectOption('tramites');
    await page.getByLabel('Frases de ejemplo (una por línea)').fill('¿cómo me doy de alta en BiciMAD?\nquiero usar BiciMAD\nabono anual de BiciMAD\nbicicleta pública BiciMAD');
    await page.getByLabel('Respuesta', { exact: true }).fill('Date de alta en BiciMAD desde la app o en bicimad.com.');
    // Spanish has no fallback to choose: it is the language the others fall back on.
    expect(await page.locator('#fallback-box').isHidden()).toBe(true);
    const choose = async (language: string, fallback: string) => {
      await page.getByLabel('Idioma', { exact: true }).selectOption(language);
      await page.getByLabel(/^Si no hay respuesta en/).selectOption({ label: fallback });
    };
    await choose('eu', 'Responder en español con un aviso visible');
    await choose('ca', 'Pasar a una persona');
    await choose('gl', 'Pasar a una persona');
    await choose('en', 'Responder en español con un aviso visible');
    await page.getByLabel('Idioma', { exact: true }).selectOption('es');
    await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
    const status = page.locator('#save-status');
    await expect.poll(() => status.textContent()).toContain('Guardado en el borrador');
    // Where the editor is looking: in the viewport, next to the button, announced (role=status).
    expect(await status.evaluate((node) => node.getBoundingClientRect().bottom <= window.innerHeight && node.getBoundingClientRect().top >= 0)).toBe(true);
    expect(await status.getAttribute('role')).toBe('status');
    expect(await page.locator('#intent-title').textContent()).toBe('Intención tramites.bicicleta_publica');

    await page.getByRole('button', { name: 'Versiones' }).click();
    await page.getByLabel('Mensaje de la publicación').fill('Bici pública, solo en español');
    await page.getByRole('button', { name: 'Publicar' }).click();
    await expect.poll(() => page.locator('#publish-status').textContent(), { timeout: 240_000, interval: 1000 }).toContain('Publicada la versión 2');
    await expect.poll(() => page.locator('#version-list').textContent()).toContain('Ana Editora');
    expect(await page.locator('#version-list').textContent()).not.toMatch(/\bana ·/);

    // "Probar" on the intent: the published column is what citizens get now.
    await page.goto(`${base}/editor#intent/tramites.bicicleta_publica`);
    await page.getByLabel('Idioma', { exact: true }).selectOption('eu');
    await page.getByLabel('Pregunta de prueba').fill('Nola eman dezaket izena BiciMAD zerbitzuan?');
    await page.getByRole('button', { name: 'Probar', exact: true }).click();
    const published = page.locator('#try-result .compare > div').nth(1);
    await expect.poll(() => published.textContent(), { timeout: 60_000 }).toContain('Publicado');
    for (const channel of ['Chat web', 'Telegram', 'WhatsApp']) {
      const section = published.getByRole('region', { name: `Publicado (versión 2): ${channel}` });
      expect(await section.textContent(), channel).toContain(SPANISH_ONLY_NOTICE.eu);
    }
    // In public on X, an answer that offers a person becomes the invitation to a DM, in the citizen's language.
    expect(await published.getByRole('region', { name: 'Publicado (versión 2): X (respuesta pública)' }).textContent()).toContain(dmInvitation('eu'));
    expect(await published.getByRole('region', { name: 'Publicado (versión 2): Chat web' }).textContent()).toContain('Date de alta en BiciMAD desde la app');
    expect(await published.textContent()).toContain('se responde en español, con un aviso visible');

    await page.getByLabel('Idioma', { exact: true }).selectOption('ca');
    await page.getByLabel('Pregunta de prueba').fill('Com em dono d’alta a BiciMAD?');
    await page.getByRole('button', { name: 'Probar', exact: true }).click();
    await expect.poll(() => published.locator('.warning').first().textContent(), { timeout: 60_000 }).toContain('se pasa a una persona de la cola «tramites»');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, 'editor-try-per-channel-1366x900.png');

    // A change in the draft, then a rollback: asked first; cancel does nothing; confirm keeps the draft.
    await page.getByLabel('Idioma', { exact: true }).selectOption('es');
    await page.getByLabel('Respuesta', { exact: true }).fill('Borrador: nueva respuesta sin publicar.');
    await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
    await expect.poll(() => status.textContent()).toContain('Guardado en el borrador');
    await page.getByRole('button', { name: 'Versiones' }).click();
    await page.getByRole('button', { name: 'Volver a la versión 1' }).click();
    const dialog = page.getByRole('dialog', { name: '¿Volver a la versión 1?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('El borrador tiene cambios sin publicar');
    expect(await dialog.getByLabel('Descartar también el borrador y sustituirlo por esa versión').isChecked()).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, 'editor-rollback-confirm-1366x900.png');
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('#version-list').textContent()).not.toContain('Versión 3');

    await page.getByRole('button', { name: 'Volver a la versión 1' }).click();
    await dialog.getByRole('button', { name: 'Volver a la versión 1' }).click();
    await expect.poll(() => page.locator('#version-list').textContent(), { timeout: 60_000 }).toContain('Versión 3 (en uso) — Vuelta a la versión 1');
    // The draft was kept: the unpublished answer is still there.
    await page.goto(`${base}/editor#intent/tramites.bicicleta_publica`);
    await expect.poll(() => page.getByLabel('Respuesta', { exact: true }).inputValue()).toBe('Borrador: nueva respuesta sin publicar.');

    // The phone layout of the intent form with its try-it result.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('Pregunta de prueba').fill('¿cómo me doy de alta en BiciMAD?');
    await page.getByRole('button', { name: 'Probar', exact: true }).click();
    await expect.poll(() => page.locator('#try-result').textContent(), { timeout: 60_000 }).toContain('Chat web');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, 'editor-try-per-channel-390x844.png');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  }, 600_000);
});
