/**
 * The agent console in English, added by dropping a catalogue file: with an `en.yaml` holding only
 * the shipped English console texts in a temporary config folder (`i18n/console/`), Chromium
 * asking for English gets the console's labels and buttons in English and `lang="en"`, and so are
 * the texts the console's scripts write after loading (empty lists, status); axe passes; the
 * editor's keys warn once each and stay Spanish; a browser asking for Spanish still gets Spanish.
 * Skipped with a visible message when /usr/bin/chromium is absent.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Hub } from '../../src/app.js';
import { DEFAULT_UI_CATALOGUE_DIR, useUiCatalogue } from '../../src/http/ui-texts.js';
import { hasChromium, launchChromium, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { IN_HOURS, startHandoffHub } from '../helpers/handoff-hub.js';

warnIfNoChromium('console-language-browser');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));

/** Every key of a parsed catalogue section, dotted. */
function keys(source: unknown, prefix: string): string[] {
  return Object.entries(source as Record<string, unknown>).flatMap(([name, value]) => (typeof value === 'object' && value !== null ? keys(value, `${prefix}.${name}`) : [`${prefix}.${name}`]));
}

describe.skipIf(!hasChromium)('the agent console in a dropped-in language', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;
  const warnings: string[] = [];

  beforeAll(async () => {
    // The English file covers the console only: the editor's keys warn (once each) and stay Spanish.
    const configDir = mkdtempSync(join(tmpdir(), 'ventanilla-console-en-'));
    mkdirSync(join(configDir, 'i18n', 'console'), { recursive: true });
    const shipped = parse(readFileSync(join(DEFAULT_UI_CATALOGUE_DIR, 'en.yaml'), 'utf8')) as { console: unknown };
    writeFileSync(join(configDir, 'i18n', 'console', 'en.yaml'), JSON.stringify({ console: shipped.console }));
    useUiCatalogue(join(configDir, 'i18n', 'console'), (warning) => warnings.push(`${warning.language}:${warning.key}`));
    const started = await startHandoffHub(() => IN_HOURS, { webRoot });
    hub = started.hub;
    await started.wiring.module()?.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', displayName: 'Ana Pérez', queues: ['tramites'] });
    base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
    useUiCatalogue(undefined, () => undefined);
  });

  it('an English browser sees the console in English with lang="en", can sign in, and axe passes', { timeout: 120_000 }, async () => {
    const spanishKeys = keys((parse(readFileSync(join(DEFAULT_UI_CATALOGUE_DIR, 'es.yaml'), 'utf8')) as { editor: unknown }).editor, 'editor');
    expect(warnings.sort()).toEqual(spanishKeys.map((key) => `en:${key}`).sort());

    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${base}/agent`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.title()).resolves.toBe('Agent console · Ventanilla');
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('Username').fill('ana');
    await page.getByLabel('Password').fill('contraseña-de-prueba');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Ana Pérez (agent)').waitFor();
    await expect(page.getByRole('button', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('heading', { name: /^Waiting/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Status').locator('option:checked').textContent()).resolves.toMatch(/Available|Away|Offline/);
    // Written by console.js at run time, from the same catalogue.
    await page.locator('#queued-list').getByText('Nobody is waiting.').waitFor();
    await page.locator('#mine-list').getByText('You are not attending any conversation.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('a Spanish browser still gets the Spanish console', { timeout: 60_000 }, async () => {
    const page = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await page.goto(`${base}/agent`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('es');
    await expect(page.getByRole('heading', { name: 'Iniciar sesión' }).isVisible()).resolves.toBe(true);
  });
});
