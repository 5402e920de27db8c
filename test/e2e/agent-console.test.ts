/**
 * The agent console in a real browser (Playwright driving Debian's Chromium) next to a citizen on
 * the web chat: login, the escalation showing up live, claim, the reply reaching the citizen,
 * citizen HTML shown as text, close, satisfaction question, and axe-core on /agent and the web
 * chat. Skipped with a visible message when /usr/bin/chromium is absent.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Hub } from '../../src/app.js';
import { hasChromium, launchChromium, seriousAxeViolations, warnIfNoChromium } from '../helpers/browser.js';
import { IN_HOURS, startHandoffHub } from '../helpers/handoff-hub.js';

warnIfNoChromium('agent-console');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
const XSS = '<img src=x onerror=alert(1)>';

const axeSeriousOrCritical = seriousAxeViolations;

describe.skipIf(!hasChromium)('agent console in a browser', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const started = await startHandoffHub(IN_HOURS, { webRoot });
    hub = started.hub;
    const wiring = started.wiring;
    await wiring.module()?.users.create({ username: 'ana', role: 'agent', password: 'contraseña-de-prueba', displayName: 'Ana Pérez', queues: ['tramites'] });
    base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.app.close();
  });

  it('logs in, sees the escalation live, claims, replies, shows citizen HTML as text, closes with a survey', async () => {
    // bypassCSP: the page must be safe by rendering text as text, not only because CSP blocks inline
    // handlers (and axe-core is injected as an inline script).
    const agent = await (await browser.newContext({ locale: 'es-ES', bypassCSP: true })).newPage();
    const dialogs: string[] = [];
    agent.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await agent.goto(`${base}/agent`);
    await agent.getByLabel('Usuario').fill('ana');
    await agent.getByLabel('Contraseña').fill('contraseña-de-prueba');
    await agent.getByRole('button', { name: 'Entrar' }).click();
    await agent.getByText('Ana Pérez (agent)').waitFor();
    await agent.getByText('Nadie espera.').waitFor();
    expect(await axeSeriousOrCritical(agent)).toEqual([]);

    const citizen = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await citizen.goto(`${base}/`);
    const input = citizen.getByLabel('Escribe tu mensaje');
    await input.fill('quiero hablar con una persona');
    await input.press('Enter');
    await citizen.getByRole('log').getByText(/Estás en la posición 1 de la cola/).waitFor();

    // Live: the queued conversation appears without reloading.
    const item = agent.getByRole('navigation', { name: 'Conversaciones' }).getByRole('button', { name: /Trámites/ });
    await item.waitFor();
    await item.click();
    await agent.getByRole('log').getByText('quiero hablar con una persona').waitFor();
    await agent.getByText(/intención conversacion\.agente \(99\s%\) · idioma español/).waitFor();
    await agent.getByRole('button', { name: 'Atender esta conversación' }).click();
    await agent.getByLabel(/Mensaje para la persona/).waitFor();

    // A canned response with variables, then the agent's own words.
    await agent.getByLabel('Respuestas predefinidas').selectOption({ label: 'Saludo' });
    await agent.getByRole('button', { name: 'Insertar en el mensaje' }).click();
    await expect(agent.getByLabel(/Mensaje para la persona/).inputValue()).resolves.toMatch(/soy Ana Pérez, del equipo de Trámites/);
    await agent.getByLabel(/Mensaje para la persona/).fill('Hola, soy Ana. ¿Qué necesitas?');
    await agent.getByLabel(/Mensaje para la persona/).press('Control+Enter');
    await citizen.getByRole('log').getByText('Hola, soy Ana. ¿Qué necesitas?').waitFor();

    // Citizen text is text: shown literally, nothing runs.
    await input.fill(XSS);
    await input.press('Enter');
    await agent.getByRole('log').getByText(XSS, { exact: true }).waitFor();
    await expect(agent.locator('#transcript img').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);

    // Internal note stays internal.
    await agent.getByLabel('Nota (no la ve la persona)').fill('Pide el volante de empadronamiento');
    await agent.getByRole('button', { name: 'Añadir nota' }).click();
    await agent.getByRole('log').getByText('Pide el volante de empadronamiento').waitFor();

    await agent.getByRole('button', { name: 'Cerrar conversación' }).click();
    await citizen.getByRole('log').getByText(/¿Cómo valorarías la atención recibida\?/).waitFor();
    await expect(citizen.getByRole('log').getByText('Pide el volante de empadronamiento').count()).resolves.toBe(0);
    expect(await axeSeriousOrCritical(citizen)).toEqual([]);
    await citizen.getByRole('button', { name: '5. 5' }).click();
    await citizen.getByRole('log').getByText(/Gracias por tu valoración/).waitFor();
    await input.fill('hola');
    await input.press('Enter');
    await citizen.getByRole('log').getByText('¡Hola! ¿En qué puedo ayudarte? (hola)').waitFor();

    expect(await axeSeriousOrCritical(agent)).toEqual([]);
    expect(dialogs).toEqual([]);
  }, 120_000);

  it('shows an undelivered reply with the reason in plain words and «Reintentar», which sends it again', async () => {
    const agent = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await agent.goto(`${base}/agent`);
    await agent.getByLabel('Usuario').fill('ana');
    await agent.getByLabel('Contraseña').fill('contraseña-de-prueba');
    await agent.getByRole('button', { name: 'Entrar' }).click();
    await agent.getByText('Ana Pérez (agent)').waitFor();
    const citizen = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await citizen.goto(`${base}/`);
    await citizen.getByLabel('Escribe tu mensaje').fill('quiero hablar con una persona, por favor');
    await citizen.getByLabel('Escribe tu mensaje').press('Enter');
    // The list also shows the conversation closed by the previous test: pick the queued one.
    const item = agent.getByRole('navigation', { name: 'Conversaciones' }).getByRole('button', { name: /Trámites · webchat · posición/ }).first();
    await item.waitFor();
    await item.click();
    await agent.getByRole('button', { name: 'Atender esta conversación' }).click();
    await agent.getByLabel(/Mensaje para la persona/).fill('Te mando el enlace del trámite.');
    await agent.getByLabel(/Mensaje para la persona/).press('Control+Enter');
    await citizen.getByRole('log').getByText('Te mando el enlace del trámite.').waitFor();
    await agent.getByRole('log').getByText('Enviado').last().waitFor();

    // The platform refused it for good: recorded and announced as the delivery worker does (the
    // web chat itself never refuses), and the console updates live.
    const sent = (await hub.store.listOutbox('sent', 100)).find((entry) => entry.message.kind === 'text' && entry.message.text === 'Te mando el enlace del trámite.');
    if (sent === undefined) throw new Error('the reply was not recorded as sent');
    const detail = 'webchat API answered 403: Forbidden: bot was blocked by the user';
    const failure = { kind: 'http' as const, status: 403, detail };
    await hub.store.markOutboxDead(sent.id, detail, failure);
    hub.events.emit('delivery', { item: sent, outcome: 'dead', failure });
    await agent.getByRole('log').getByText(/No entregado/).waitFor();
    await agent.getByRole('log').getByText(/el chat web rechazó el mensaje \(error 403\)\./).waitFor();
    await agent.getByRole('navigation', { name: 'Conversaciones' }).getByText('1 mensaje sin entregar').waitFor();
    expect(await axeSeriousOrCritical(agent)).toEqual([]);

    const resent = new Promise<void>((resolve) => {
      hub.events.on('delivery', ({ item, outcome }) => {
        if (item.id === sent.id && outcome === 'sent') resolve();
      });
    });
    await agent.getByRole('button', { name: 'Reintentar el envío de este mensaje' }).click();
    await agent.getByRole('status').getByText('Se reintenta el envío.').waitFor();
    // Sent again (a new attempt, recorded as sent); the web chat matches replies by outbox id, so the
    // citizen's page shows the message once, not twice.
    await resent;
    expect((await hub.store.getOutbox(sent.id))?.status).toBe('sent');
    await expect.poll(() => citizen.getByRole('log').getByText('Te mando el enlace del trámite.').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => agent.getByRole('log').getByText(/No entregado/).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => agent.getByRole('button', { name: 'Reintentar el envío de este mensaje' }).count()).toBe(0);
    // Two browsers and a hub on a shared two-core machine: more than the default 30 s.
  }, 120_000);

  it('is usable from the keyboard alone', async () => {
    const page = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await page.goto(`${base}/agent`);
    // The page puts the focus in the username field itself.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('username');
    // The skip link is the only stop before it.
    await page.keyboard.press('Shift+Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Ir al contenido');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ana');
    await page.keyboard.press('Tab');
    await page.keyboard.type('contraseña-de-prueba');
    await page.keyboard.press('Enter');
    await page.getByText('Ana Pérez (agent)').waitFor();
    // Presence from the keyboard: focus the select and move with the arrows.
    await page.getByLabel('Estado').focus();
    await page.keyboard.press('ArrowUp');
    await page.getByRole('status').getByText(/^Estado: /).waitFor();
  });
});
