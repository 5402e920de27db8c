/**
 * The citizen's language in a real browser (Playwright driving Debian's Chromium):
 * - a Basque-speaking citizen (browser locale eu, or a Spanish browser and a conversation in
 *   Basque) sees the widget's own texts in Basque and `lang="eu"` on the bot's messages; axe passes;
 * - an agent answering that Basque chat picks a canned response, previews it in Basque (filled,
 *   marked lang="eu") and sends it marked as Basque; the citizen reads it.
 * Screenshots at 1366 × 900 and 390 × 844 go to VENTANILLA_SCREENSHOTS_DIR (default: the temp dir's
 * ventanilla-screenshots, as the other browser tests). Skipped visibly without /usr/bin/chromium.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../../src/app.js';
import type { IntentsModule } from '../../src/intents/contract.js';
import { hasChromium, launchChromium, SCREENSHOTS_DIR, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { IN_HOURS, startHandoffHub } from '../helpers/handoff-hub.js';

warnIfNoChromium('languages-browser');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
const SHOTS = SCREENSHOTS_DIR;
const BASQUE_GREETING = 'Kaixo! Zertan lagun zaitzaket?';

/** The Spanish keyword bot, plus Basque: "kaixo" is greeted and "pertsona" handed over, in Basque. */
function basqueIntents(): IntentsModule {
  const spanish = fakeIntents();
  return {
    ...spanish,
    understand: [
      async (ctx, next) => {
        const text = ctx.inbound.text ?? '';
        if (!/kaixo|pertsona/i.test(text)) return spanish.understand[0]?.(ctx, next);
        ctx.language = 'eu';
        ctx.patch.language = 'eu';
        if (/pertsona/i.test(text)) {
          ctx.nlu = { intent: 'conversacion.agente', score: 0.99, language: 'eu' };
          ctx.handoff = { reason: 'citizen', priority: 'normal' };
          return;
        }
        ctx.nlu = { intent: 'conversacion.saludo', score: 0.97, language: 'eu' };
        ctx.reply({ kind: 'text', text: BASQUE_GREETING });
      },
    ],
  };
}

async function shoot(page: Page, name: string, width: number, height: number): Promise<string> {
  await page.setViewportSize({ width, height });
  const path = join(SHOTS, `${name}-${width}x${height}.png`);
  await page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(5_000);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  return path;
}

describe.skipIf(!hasChromium)("the citizen's language in a browser", { timeout: 120_000 }, () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;
  let hubUsers: () => NonNullable<ReturnType<Awaited<ReturnType<typeof startHandoffHub>>['wiring']['module']>>['users'];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const started = await startHandoffHub(IN_HOURS, { webRoot, intents: basqueIntents() });
    hub = started.hub;
    hubUsers = () => {
      const module = started.wiring.module();
      if (module === undefined) throw new Error('the handoff module is not built');
      return module.users;
    };
    await started.wiring.module()?.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', displayName: 'Ana Pérez', queues: ['tramites'], languages: ['es', 'eu'] });
    base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
  });

  it('a browser in Basque: Basque widget texts, lang="eu" on the bot\'s answer, axe passes', async () => {
    const page = await (await browser.newContext({ locale: 'eu-ES', viewport: { width: 1366, height: 900 } })).newPage();
    await page.goto(`${base}/`);
    const input = page.getByLabel('Idatzi zure mezua');
    await input.waitFor();
    await expect(page.getByRole('button', { name: 'Bidali' }).count()).resolves.toBe(1);
    await expect(input.getAttribute('placeholder')).resolves.toBe('Idatzi zure kontsulta…');
    await expect(page.locator('.vt-root').getAttribute('lang')).resolves.toBe('eu');
    await page.getByRole('log', { name: 'Elkarrizketa' }).getByText(/Ventanillaren laguntzaile birtuala naiz/).waitFor();

    await input.fill('kaixo');
    await input.press('Enter');
    const answer = page.locator('.vt-msg--bot[lang="eu"]', { hasText: BASQUE_GREETING });
    await answer.waitFor();
    // After a reload the answer comes from history: still marked as Basque.
    await page.reload();
    await page.locator('.vt-msg--bot[lang="eu"]', { hasText: BASQUE_GREETING }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'webchat-eu', 1366, 900);
    await shoot(page, 'webchat-eu', 390, 844);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('a Spanish browser whose conversation turns Basque: the widget follows the conversation', async () => {
    const page = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await page.goto(`${base}/`);
    const spanishInput = page.getByLabel('Escribe tu mensaje');
    await spanishInput.fill('kaixo');
    await spanishInput.press('Enter');
    await page.locator('.vt-msg--bot[lang="eu"]', { hasText: BASQUE_GREETING }).waitFor();
    await page.getByLabel('Idatzi zure mezua').waitFor();
    await expect(page.locator('.vt-root').getAttribute('lang')).resolves.toBe('eu');
    await page.close();
  });

  it('an agent previews a canned response in Basque for a Basque chat, then sends it', async () => {
    const citizen = await (await browser.newContext({ locale: 'eu-ES' })).newPage();
    await citizen.goto(`${base}/`);
    await citizen.getByLabel('Idatzi zure mezua').fill('pertsona batekin hitz egin nahi dut');
    await citizen.getByLabel('Idatzi zure mezua').press('Enter');
    await citizen.getByRole('log').getByText(/Ilaran 1\. postuan zaude/).waitFor();

    const agent = await (await browser.newContext({ locale: 'es-ES', viewport: { width: 1366, height: 900 } })).newPage();
    await agent.goto(`${base}/agent`);
    await agent.getByLabel('Usuario').fill('ana');
    await agent.getByLabel('Contraseña').fill('contraseña-de-prueba');
    await agent.getByRole('button', { name: 'Entrar' }).click();
    await agent.getByText('Ana Pérez (agent)').waitFor();
    const item = agent.getByRole('navigation', { name: 'Conversaciones' }).getByRole('button', { name: /Trámites/ }).first();
    await item.waitFor();
    await item.click();
    await agent.locator('#detail-meta').getByText(/idioma euskera/).waitFor();
    await agent.getByRole('button', { name: 'Atender esta conversación' }).click();
    await agent.getByLabel(/Mensaje para la persona/).waitFor();

    await agent.getByLabel('Respuestas predefinidas').selectOption({ label: 'Saludo' });
    const preview = agent.getByRole('group', { name: /Vista previa: Saludo/ });
    await preview.waitFor();
    const previewText = preview.locator('#canned-preview-text');
    const text = await previewText.textContent();
    // A web chat citizen has no name: the neutral Basque greeting, no hole, the agent as stored.
    expect(text).toBe('Kaixo, Ana Pérez naiz, Trámites taldekoa. Zertan lagun zaitzaket?');
    await expect(previewText.getAttribute('lang')).resolves.toBe('eu');
    await preview.getByText('En euskera, el idioma de la conversación.').waitFor();
    // Previewed, not yet in the message box: nothing goes out until the agent says so.
    await expect(agent.getByLabel(/Mensaje para la persona/).inputValue()).resolves.toBe('');
    expect(await seriousAxeViolations(agent)).toEqual([]);
    await shoot(agent, 'console-canned-eu', 1366, 900);
    await shoot(agent, 'console-canned-eu', 390, 844);

    await preview.getByRole('button', { name: 'Insertar en el mensaje' }).click();
    await expect(agent.getByLabel(/Mensaje para la persona/).inputValue()).resolves.toBe(text);
    // Sent as inserted: marked with the canned response's language, the citizen's (not left to detection).
    const posted = agent.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/messages'));
    await agent.getByRole('button', { name: 'Enviar', exact: true }).click();
    expect((await posted).postDataJSON()).toEqual({ text, language: 'eu' });
    await citizen.getByRole('log').getByText(text ?? '').waitFor();
    expect(await seriousAxeViolations(citizen)).toEqual([]);
  });

  it('a supervisor adds a Basque canned response in the console editor; a bad id is explained', async () => {
    await hubUsers().create({ username: 'sara', role: 'supervisor', password: 'contraseña-de-prueba', displayName: 'Sara Gil', queues: ['tramites'] });
    const page = await (await browser.newContext({ locale: 'es-ES', viewport: { width: 1366, height: 900 } })).newPage();
    await page.goto(`${base}/agent`);
    await page.getByLabel('Usuario').fill('sara');
    await page.getByLabel('Contraseña').fill('contraseña-de-prueba');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByText('Sara Gil (supervisor)').waitFor();
    await page.getByRole('button', { name: 'Editar respuestas predefinidas' }).click();
    const dialog = page.getByRole('dialog', { name: 'Editar respuestas predefinidas' });
    await dialog.getByRole('cell', { name: 'Kaixo {nombre}, {agente} naiz, {cola} taldekoa. Zertan lagun zaitzaket?' }).first().waitFor();

    await dialog.getByLabel('Cola', { exact: true }).selectOption({ label: 'Trámites' });
    await dialog.getByLabel('Identificador').fill('Padrón');
    await dialog.getByLabel('Idioma').selectOption({ label: 'euskera' });
    await dialog.getByLabel('Título (lo ven los agentes)').fill('Padrón');
    await dialog.getByLabel('Texto').fill('{nombre}, erroldatzeko ziurtagiria egoitza elektronikoan eska dezakezu.');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await dialog.getByRole('alert').getByText(/solo puede tener minúsculas, números y guiones/).waitFor();
    await dialog.getByLabel('Identificador').fill('padron');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    await dialog.getByRole('status').getByText('Respuesta guardada.').waitFor();
    await dialog.getByRole('cell', { name: '{nombre}, erroldatzeko ziurtagiria egoitza elektronikoan eska dezakezu.' }).waitFor();
    await expect(dialog.locator('td[lang="eu"]', { hasText: 'erroldatzeko' }).count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'console-canned-editor', 1366, 900);
    await shoot(page, 'console-canned-editor', 390, 844);
    await dialog.getByRole('button', { name: 'Cerrar' }).click();
    await page.close();
  });
});
