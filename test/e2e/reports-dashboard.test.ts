/**
 * The supervisor dashboard in a real browser (Playwright driving Debian's Chromium): login, the
 * wallboard and a Chart.js chart with its table alternative, a live update when a citizen's
 * conversation is queued, axe-core (no serious or critical violations) and screenshots at
 * 1366 × 900 and 390 × 844 without horizontal scrolling. Skipped visibly without Chromium.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../../src/app.js';
import { hasChromium, SCREENSHOTS_DIR, seriousAxeViolations, serveForBrowser, warnIfNoChromium } from '../helpers/browser.js';
import { startReportsHub } from '../helpers/reports-hub.js';
import { editorDb } from '../../src/editor/schema.js';

warnIfNoChromium('reports-dashboard');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
const SHOTS = SCREENSHOTS_DIR;

describe.skipIf(!hasChromium)('supervisor dashboard in a browser', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const started = await startReportsHub({ webRoot });
    hub = started.hub;
    await started.handoff().users.create({ username: 'sara', role: 'supervisor', password: 'contraseña-de-prueba', displayName: 'Sara Gil', queues: ['tramites'] });
    // The editor's inbox holds today's unrecognised messages: two clusters, one example with a DNI.
    const at = new Date().toISOString();
    const row = (id: string, key: string, text: string, language: string) => ({
      id, group_key: key, text, language, intent: 'None', score: 0.2, reason: 'none', conversation_id: 'c-x', entry_id: id, status: 'open', assigned_intent: null, resolved_by: null, created_at: at, resolved_at: null,
    });
    await editorDb(hub.store)
      .insertInto('editor_unrecognized')
      .values([
        row('u1', 'bono social agua', 'bono social agua 12345678Z', 'es'),
        row('u2', 'bono social agua', 'bono social del agua', 'ca'),
        row('u3', 'bono social agua', 'el bono social de agua', 'es'),
        row('u4', 'huerto urbano', 'huertos urbanos', 'es'),
      ])
      .execute();
    ({ base, browser } = await serveForBrowser(hub.app));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
  });

  async function open(width: number, height: number): Promise<Page> {
    // bypassCSP only so axe-core can be injected; the page itself runs under its strict CSP otherwise.
    const page = await (await browser.newContext({ locale: 'es-ES', viewport: { width, height }, bypassCSP: true })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Failed responses, except the session probe before login (401) and the browser's favicon request.
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400 && !(url.pathname === '/api/auth/session' && response.status() === 401) && url.pathname !== '/favicon.ico') {
        errors.push(`${response.status()} ${url.pathname}`);
      }
    });
    await page.goto(`${base}/reports`);
    await page.getByLabel('Usuario').fill('sara');
    await page.getByLabel('Contraseña').fill('contraseña-de-prueba');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('Sara Gil (supervisor)').waitFor();
    await page.locator('#wall-kpis[data-waiting]').waitFor();
    expect(errors).toEqual([]);
    return page;
  }

  it('shows the wallboard and a chart, updates live when a conversation is queued, passes axe', async () => {
    const page = await open(1366, 900);
    await page.getByRole('table', { name: 'Colas en este momento' }).getByRole('row', { name: /Trámites/ }).waitFor();
    expect(await page.locator('#wall-kpis').getAttribute('data-waiting')).toBe('0');
    // Chart.js drew the series chart; its data is also a table.
    await page.waitForFunction(() => {
      const chart = (window as unknown as { Chart?: { getChart(canvas: Element | null): unknown } }).Chart;
      return chart?.getChart(document.getElementById('series-chart')) !== undefined;
    });
    expect(await page.getByRole('img', { name: 'Conversaciones y derivaciones por periodo' }).count()).toBe(1);
    await page.getByText('Tabla de datos: conversaciones y derivaciones').click();
    await page.getByRole('table', { name: 'Evolución por periodo' }).waitFor();

    // A citizen asks for a person on the web chat: the wallboard shows it without a reload.
    const { sessionId } = (await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };
    const sent = await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text: 'quiero hablar con una persona' } });
    expect(sent.statusCode).toBe(202);
    await page.locator('#wall-kpis[data-waiting="1"]').waitFor({ timeout: 15_000 });
    await page.getByRole('table', { name: 'Colas en este momento' }).getByRole('row', { name: /Trámites 1/ }).waitFor();

    // The period report, refreshed, counts it too.
    await page.getByRole('button', { name: 'Ver informe' }).click();
    await page.getByRole('table', { name: 'Indicadores por desglose', includeHidden: true }).getByRole('row', { name: /tramites/, includeHidden: true }).waitFor({ state: 'attached' });
    expect(await page.getByRole('link', { name: 'CSV (;)' }).getAttribute('href')).toMatch(/^\/api\/reports\/export\?.*format=csv&separator=semicolon/);

    // The top unrecognised clusters, largest first, as a table; the DNI is masked.
    const clusters = page.getByRole('table', { name: 'Grupos de mensajes no reconocidos' });
    await clusters.getByRole('row').nth(2).waitFor();
    const rows = await clusters.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.children, (cell) => (cell.textContent ?? '').replace(/\s+/g, ' '))));
    expect(rows).toEqual([
      ['bono social agua [DNI]', '3', '75 %', 'catalán, castellano'],
      ['huertos urbanos', '1', '25 %', 'castellano'],
    ]);
    await page.getByText('4 mensajes no reconocidos en el periodo').waitFor();
    expect(await page.locator('body').innerText()).not.toContain('12345678Z');

    expect(await seriousAxeViolations(page)).toEqual([]);
    const wide = join(SHOTS, 'reports-1366x900.png');
    await page.screenshot({ path: wide, fullPage: true });
    expect(statSync(wide).size).toBeGreaterThan(10_000);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
  }, 120_000);

  it('fits a 390 × 844 phone without horizontal scrolling, and passes axe', async () => {
    const page = await open(390, 844);
    await page.getByText('En espera ahora').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const narrow = join(SHOTS, 'reports-390x844.png');
    await page.screenshot({ path: narrow, fullPage: true });
    expect(statSync(narrow).size).toBeGreaterThan(10_000);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 120_000);
});
