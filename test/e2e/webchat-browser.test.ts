/**
 * The web chat in a real browser: the page at `/`, "hola" answered, history after a reload, and
 * axe-core finding no serious or critical accessibility violation. Needs /usr/bin/chromium;
 * skipped with a visible message when it is absent.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { hasChromium, launchChromium, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { testConfig } from '../helpers/test-config.js';

warnIfNoChromium('webchat-browser');
const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));

describe.skipIf(!hasChromium)('web chat in a browser', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    hub = await buildApp({ config: testConfig(), intents: fakeIntents(), logger: false, channels: [(s) => createWebchatChannel(s)], webRoot });
    await hub.start();
    base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
  });

  it('answers "hola", keeps the conversation after a reload, and passes axe', async () => {
    const page = await browser.newPage({ locale: 'es-ES' });
    await page.goto(`${base}/`);
    const input = page.getByLabel('Escribe tu mensaje');
    await input.fill('hola');
    await input.press('Enter');
    const log = page.getByRole('log');
    await log.getByText('¡Hola! ¿En qué puedo ayudarte? (hola)').waitFor();

    await page.reload();
    await page.getByRole('log').getByText('¡Hola! ¿En qué puedo ayudarte? (hola)').waitFor();
    await expect(page.getByRole('log').getByText('¡Hola! ¿En qué puedo ayudarte? (hola)').count()).resolves.toBe(1);
    await expect(page.getByRole('log').getByText('hola', { exact: true }).count()).resolves.toBe(1);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('embeds as a floating widget operable from the keyboard', async () => {
    // A Spanish browser: the widget speaks the browser's language (see languages-browser.test.ts).
    const page = await browser.newPage({ locale: 'es-ES' });
    // A foreign page on another origin would be the real case; same-origin keeps this test offline.
    await page.route(`${base}/host.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html lang="es"><head><title>Ayuntamiento</title></head><body><main><h1>Ayuntamiento</h1></main><script src="${base}/static/widget.js" data-hub="${base}"></script></body></html>`,
      }),
    );
    await page.goto(`${base}/host.html`);
    const launcher = page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' });
    await launcher.waitFor();
    // Its label says "close" once the panel is open, so follow it by what it controls.
    const toggle = page.locator('button[aria-controls]');
    await launcher.focus();
    await page.keyboard.press('Enter');
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.keyboard.type('hola');
    await page.keyboard.press('Enter');
    await page.getByRole('log').getByText('¡Hola! ¿En qué puedo ayudarte? (hola)').waitFor();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.close();
  });
});
