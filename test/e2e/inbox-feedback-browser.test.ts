/**
 * Issue 17, point 7 in a real Chromium: a citizen rates a bot answer 👎 in the web chat (an
 * accessible toggle button), and an editor then finds that question in the unrecognised inbox
 * with its reason, "1 vez", the answer given and no target intent preselected. axe-core finds no
 * serious or critical violation on either page; screenshots at 1366 × 900 and 390 × 844 go to the
 * artefacts folder the other browser tests use (VENTANILLA_SCREENSHOTS_DIR).
 */
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { hasChromium, launchChromium, SCREENSHOTS_DIR, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { prepareEditorHubs, startEditorHub, type EditorHub } from '../helpers/editor-hub.js';

warnIfNoChromium('inbox-feedback-browser');
const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
const SHOTS = SCREENSHOTS_DIR;

describe.skipIf(!hasChromium)('👎 in the web chat reaches the editor inbox', () => {
  let browser: Browser;
  let running: EditorHub;
  let base: string;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    await prepareEditorHubs();
    running = await startEditorHub({}, {}, [(services) => createWebchatChannel(services)], { feedback: true, webRoot });
    base = await running.hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.hub.app.close();
  });

  async function shoot(page: Page, name: string, width: number): Promise<void> {
    const path = join(SHOTS, name);
    await page.screenshot({ path, fullPage: true });
    expect(statSync(path).size).toBeGreaterThan(5_000);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }

  it('the citizen presses 👎 under the answer; the editor sees the question, why, and must choose the intent', async () => {
    const citizen = await browser.newPage({ locale: 'es-ES', viewport: { width: 1366, height: 900 } });
    await citizen.goto(`${base}/`);
    const input = citizen.getByLabel('Escribe tu mensaje');
    await input.fill('hola, buenos días');
    await input.press('Enter');
    const answer = citizen.locator('.vt-msg--bot').filter({ has: citizen.getByRole('group', { name: '¿Te ha servido esta respuesta?' }) });
    await answer.waitFor({ timeout: 30_000 });
    const down = answer.getByRole('button', { name: 'No me ha servido' });
    const up = answer.getByRole('button', { name: 'Sí, me ha servido' });
    expect(await down.getAttribute('aria-pressed')).toBe('false');
    await down.click();
    await expect.poll(() => citizen.locator('.vt-status').textContent()).toBe('Gracias por tu valoración.');
    expect(await down.getAttribute('aria-pressed')).toBe('true');
    expect(await up.getAttribute('aria-pressed')).toBe('false');
    // A second click on the pressed button changes nothing (and records nothing).
    await down.click();
    expect(await seriousAxeViolations(citizen)).toEqual([]);
    await shoot(citizen, 'inbox-feedback-webchat-1366x900.png', 1366);
    await citizen.setViewportSize({ width: 390, height: 844 });
    await shoot(citizen, 'inbox-feedback-webchat-390x844.png', 390);
    // The pressed state survives a reload (history gives the same answer its rating buttons).
    await citizen.reload();
    await expect.poll(() => citizen.getByRole('button', { name: 'No me ha servido' }).getAttribute('aria-pressed'), { timeout: 15_000 }).toBe('true');

    const context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: { 'x-test-user': 'ana:editor' }, viewport: { width: 1366, height: 900 } });
    const editor = await context.newPage();
    await editor.goto(`${base}/editor#inbox`);
    const card = editor.getByRole('listitem').filter({ has: editor.getByRole('heading', { name: 'hola, buenos días' }) });
    await card.waitFor({ timeout: 15_000 });
    const text = await card.textContent();
    expect(text).toContain('El ciudadano marcó la respuesta como no útil (👎): 1 vez');
    expect(text).toContain('1 vez · español');
    expect(text).not.toContain('1 veces');
    expect(text).toMatch(/La respuesta dada fue la de conversacion\.saludo con confianza de hasta [01],\d\d\./);
    const select = card.getByLabel('Añadir como frase de la intención');
    expect(await select.inputValue()).toBe('');
    expect(await select.locator('option:checked').textContent()).toBe('— Elige una intención —');
    expect(await select.locator('option[value="None"]').count()).toBe(0);
    // Assigning without choosing says so and changes nothing.
    await card.getByRole('button', { name: 'Añadir a la intención' }).click();
    await expect.poll(() => editor.locator('#flash').textContent()).toBe('Elige la intención a la que añadir estas preguntas.');
    expect(await select.getAttribute('aria-invalid')).toBe('true');
    expect((await running.editor.inbox.groups()).map((group) => group.text)).toContain('hola, buenos días');

    expect(await seriousAxeViolations(editor)).toEqual([]);
    await shoot(editor, 'inbox-feedback-editor-1366x900.png', 1366);
    await editor.setViewportSize({ width: 390, height: 844 });
    await shoot(editor, 'inbox-feedback-editor-390x844.png', 390);
    expect(await seriousAxeViolations(editor)).toEqual([]);
    await context.close();
  }, 150_000);
});
