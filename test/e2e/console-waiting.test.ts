/**
 * Who waits and why, in a real browser (Playwright driving Debian's Chromium): the agent's queued
 * list shows the citizen's name or a channel fallback, the language, the first words, the reason
 * and a wait that ticks; urgent chats come first and stand out before anyone takes them; a
 * supervisor is alerted (banner and `max-wait` event) when a chat passes its queue's maximum wait;
 * the console asks on login whether to become available again, remembering the last choice.
 * axe-core finds no serious or critical violation; screenshots at 1366 × 900 and 390 × 844 go to
 * the test artefacts directory. Skipped with a visible message when /usr/bin/chromium is absent.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../../src/app.js';
import { hasChromium, SCREENSHOTS_DIR, seriousAxeViolations, serveForBrowser, warnIfNoChromium } from '../helpers/browser.js';
import { IN_HOURS, startHandoffHub } from '../helpers/handoff-hub.js';

warnIfNoChromium('console-waiting');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
const SHOTS = SCREENSHOTS_DIR;
const PASSWORD = 'contraseña-de-prueba';

/** A hub clock that runs, from a Tuesday morning when every queue is open. */
function runningClock(): () => Date {
  const started = Date.now();
  return () => new Date(IN_HOURS.getTime() + (Date.now() - started));
}

/** A citizen writes on the web chat (the real API, as the widget does). */
async function citizenSays(hub: Hub, text: string, sessionId?: string): Promise<string> {
  const session = sessionId ?? ((await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string }).sessionId;
  const sent = await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId: session, clientMessageId: randomUUID(), text } });
  expect(sent.statusCode).toBe(202);
  return session;
}

async function login(browser: Browser, base: string, username: string, width = 1366, height = 900): Promise<Page> {
  // bypassCSP only so axe-core can be injected; the page runs under its strict CSP otherwise.
  const page = await (await browser.newContext({ locale: 'es-ES', viewport: { width, height }, bypassCSP: true })).newPage();
  await page.goto(`${base}/agent`);
  await page.getByLabel('Usuario').fill(username);
  await page.getByLabel('Contraseña').fill(PASSWORD);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.locator('#who').filter({ hasText: /\(/ }).waitFor();
  return page;
}

describe.skipIf(!hasChromium)('who waits and why, in the agent console', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    // A short maximum wait in Urgencias and a fast timer, so the alert comes within the test.
    const started = await startHandoffHub(runningClock(), {
      webRoot,
      config: (c) => ({ ...c, tickSeconds: 1, queues: c.queues.map((q) => (q.id === 'urgencias' ? { ...q, maxWaitMinutes: 0.1 } : q)) }),
    });
    hub = started.hub;
    const users = started.wiring.module()?.users;
    await users?.create({ username: 'ana', role: 'agent', password: PASSWORD, displayName: 'Ana Pérez', queues: ['tramites', 'urgencias'] });
    await users?.create({ username: 'sara', role: 'supervisor', password: PASSWORD, displayName: 'Sara Gil', queues: [] });
    ({ base, browser } = await serveForBrowser(hub.app));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
  });

  it('lists language, first words, reason and a ticking wait, urgent first and highlighted; asks about presence on login', async () => {
    await citizenSays(hub, 'Hola, necesito el volante de empadronamiento para el colegio; quiero hablar con una persona');
    const agent = await login(browser, base, 'ana');
    // The console never starts silently disconnected: it asks, and says what staying offline means.
    const prompt = agent.getByRole('alertdialog', { name: 'Estás desconectado/a' });
    await prompt.waitFor();
    await expect(prompt.textContent()).resolves.toMatch(/No te llegan conversaciones\. ¿Quieres volver a estar disponible\?/);
    expect(await seriousAxeViolations(agent)).toEqual([]);
    await prompt.getByRole('button', { name: 'Seguir desconectado/a' }).click();
    await agent.getByText('No recibes conversaciones.', { exact: true }).waitFor();

    const queued = agent.locator('#queued-list button');
    await queued.first().waitFor();
    const first = queued.first();
    await expect(first.locator('.name').textContent()).resolves.toBe('Ciudadano/a del chat web');
    await expect(first.locator('.why').textContent()).resolves.toBe('español · pidió una persona');
    await expect(first.locator('.words').textContent()).resolves.toBe('«Hola, necesito el volante de empadronamiento para el colegio; quiero hablar con…»');
    expect(await agent.getByText('Sin nombre').count()).toBe(0);
    // The wait ticks by itself, without a reload or an event.
    const before = await first.locator('.wait').textContent();
    expect(before).toMatch(/^espera \d+ s$/);
    await expect.poll(() => first.locator('.wait').textContent(), { timeout: 5000 }).not.toBe(before);

    // An urgent chat arrives later and goes first, marked, while still in the queue.
    await citizenSays(hub, 'me quiero morir');
    await expect.poll(() => queued.count(), { timeout: 15_000 }).toBe(2);
    await expect.poll(() => queued.first().locator('.why').textContent()).toBe('español · emergencia');
    await expect(queued.first().getAttribute('class')).resolves.toMatch(/\burgent\b/);
    await expect(queued.first().textContent()).resolves.toMatch(/Urgente/);
    expect((await queued.nth(1).getAttribute('class')) ?? '').not.toMatch(/\burgent\b/);
    const urgentBorder = await queued.first().evaluate((el) => getComputedStyle(el).borderLeftWidth);
    expect(urgentBorder).toBe('6px');

    expect(await seriousAxeViolations(agent)).toEqual([]);
    const wide = join(SHOTS, 'console-queue-1366x900.png');
    await agent.screenshot({ path: wide, fullPage: true });
    expect(statSync(wide).size).toBeGreaterThan(10_000);

    // Choosing "Disponible" is remembered: after logging out and in again the console offers it back.
    await agent.getByLabel('Estado').selectOption('away');
    await agent.getByRole('status').getByText('Estado: Ausente').waitFor();
    await agent.getByRole('button', { name: 'Cerrar sesión' }).click();
    await agent.getByLabel('Usuario').fill('ana');
    await agent.getByLabel('Contraseña').fill(PASSWORD);
    await agent.getByRole('button', { name: 'Entrar' }).click();
    const again = agent.getByRole('alertdialog', { name: 'Estás desconectado/a' });
    await again.getByText(/La última vez elegiste «Ausente»\./).waitFor();
    await again.getByRole('button', { name: 'Volver a «Ausente»' }).click();
    await expect.poll(() => agent.getByLabel('Estado').inputValue()).toBe('away');
    await expect(agent.getByText('No recibes conversaciones.').isHidden()).resolves.toBe(true);
  }, 180_000);

  it('alerts a supervisor with a banner and a max-wait event when a chat passes its queue\'s maximum wait', async () => {
    const supervisor = await login(browser, base, 'sara', 390, 844);
    await supervisor.getByRole('alertdialog', { name: 'Estás desconectado/a' }).getByRole('button', { name: 'Seguir desconectado/a' }).click();
    // Every queue, with its waiting count.
    await supervisor.getByText(/^En espera por cola: Tributos 0 · Transporte 0 · Trámites \d+ · Urgencias \d+$/).waitFor();
    // Urgencias allows 6 s here: the urgent chat of the first test is over it by now, or soon.
    const banner = supervisor.getByRole('alert', { name: 'Esperas que superan el máximo' });
    await banner.getByText(/conversaci(ón|ones) supera/).waitFor({ timeout: 20_000 });
    await expect(banner.textContent()).resolves.toMatch(/Ciudadano\/a del chat web · Urgencias \(máximo 6 s\): «me quiero morir»/);
    await expect(supervisor.locator('#queued-list button.over-wait').count()).resolves.toBeGreaterThan(0);

    // A new urgent chat: the hub's timer flags it and the `max-wait` event reaches the console.
    const events: string[] = [];
    await supervisor.exposeFunction('recordMaxWait', (data: string) => events.push(data));
    await supervisor.evaluate(() => {
      const source = new EventSource('/api/agent/events');
      source.addEventListener('max-wait', (message) => (window as unknown as { recordMaxWait(d: string): void }).recordMaxWait(message.data));
    });
    await citizenSays(hub, 'me quiero morir, ayuda');
    await expect.poll(() => events.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(JSON.parse(events[0] ?? '{}')).toMatchObject({ queueId: 'urgencias', maxWaitMinutes: 0.1 });
    await supervisor.getByRole('status').getByText('Una conversación supera la espera máxima de su cola.').waitFor({ timeout: 10_000 });
    await banner.getByText(/2 conversaciones superan la espera máxima de su cola/).waitFor({ timeout: 10_000 });

    expect(await seriousAxeViolations(supervisor)).toEqual([]);
    const narrow = join(SHOTS, 'console-supervisor-390x844.png');
    await supervisor.screenshot({ path: narrow, fullPage: true });
    expect(statSync(narrow).size).toBeGreaterThan(10_000);
    expect(await supervisor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 180_000);
});
