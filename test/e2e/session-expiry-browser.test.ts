/**
 * An agent who leaves the console idle past `auth.idleMinutes` (30) comes back to it: the next
 * thing they do is refused, and the console says «Sesión caducada» above its login form instead of
 * failing silently. Chromium (Playwright) against the hub with a settable clock; skipped with a
 * visible message when /usr/bin/chromium is absent.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { hasChromium, launchChromium, warnIfNoChromium } from '../helpers/browser.js';
import { IN_HOURS, startHandoffHub } from '../helpers/handoff-hub.js';

warnIfNoChromium('session-expiry-browser');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));

describe.skipIf(!hasChromium)('an idle console session in a browser', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;
  let now = IN_HOURS.getTime();

  beforeAll(async () => {
    const started = await startHandoffHub(() => new Date(now), { webRoot });
    hub = started.hub;
    await started.wiring.module()?.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', displayName: 'Ana Pérez', queues: ['tramites'] });
    base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
  });

  it('shows «Sesión caducada» and the login form after 31 idle minutes', { timeout: 180_000 }, async () => {
    const page = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await page.goto(`${base}/agent`);
    await page.getByLabel('Usuario').fill('ana');
    await page.getByLabel('Contraseña').fill('contraseña-de-prueba');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('Ana Pérez (agent)').waitFor();

    now += 31 * 60_000;
    // The agent acts; a background request of the console (feed, wait ticks) may find the
    // session expired first, and then the form is already back: either way the same message.
    await page.locator('#presence').selectOption('away', { timeout: 5_000 }).catch(() => undefined);
    const error = page.locator('#login-error');
    // Requests in flight at that moment may be refused too; the one that says why is what stays.
    await error.getByText('Sesión caducada: más de 30 minutos sin actividad. Vuelve a iniciar sesión.', { exact: true }).waitFor();
    expect(await page.getByLabel('Usuario').isVisible()).toBe(true);
    expect(await page.getByText('Ana Pérez (agent)').isVisible()).toBe(false);
  });
});
