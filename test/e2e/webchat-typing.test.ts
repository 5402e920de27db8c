/**
 * The web chat's typing indicator in a real browser (Playwright driving Debian's Chromium):
 * "Ventanilla está escribiendo…" only while a bot turn is actually running (held open here by an
 * intents step that waits for the test), never while the citizen waits in the queue or an agent
 * holds the chat, gone as soon as the turn ends; and "Ana Pérez está escribiendo…" while the agent
 * types in the console, gone a few seconds after they stop. axe-core on the widget; screenshots at
 * 1366 × 900 and 390 × 844. Skipped with a visible message when /usr/bin/chromium is absent.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Hub } from '../../src/app.js';
import type { Middleware } from '../../src/core/pipeline.js';
import type { IntentsModule } from '../../src/intents/contract.js';
import { hasChromium, SCREENSHOTS_DIR, seriousAxeViolations, serveForBrowser, warnIfNoChromium } from '../helpers/browser.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { IN_HOURS, startHandoffHub } from '../helpers/handoff-hub.js';

warnIfNoChromium('webchat-typing');

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
const SHOTS = SCREENSHOTS_DIR;
const PASSWORD = 'contraseña-de-prueba';
const BOT_TYPING = 'Ventanilla está escribiendo…';

/** The keyword bot, whose turns on a message with "despacio" wait until the test opens the gate. */
function gatedIntents(): { intents: IntentsModule; hold(): void; release(): void } {
  const base = fakeIntents();
  let gate: Promise<void> | undefined;
  let open = (): void => undefined;
  const wait: Middleware = async (ctx, next) => {
    if (gate !== undefined && /despacio/.test(ctx.inbound.text ?? '')) await gate;
    await next();
  };
  return {
    intents: { ...base, understand: [wait, ...base.understand] },
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open();
      gate = undefined;
    },
  };
}

/** Records every state the typing line takes (a flash between two polls is not missed). */
async function recordTyping(page: Page): Promise<void> {
  await page.evaluate(() => {
    const node = document.querySelector<HTMLElement>('.vt-typing');
    if (node === null) throw new Error('no typing line');
    const seen: { hidden: boolean; text: string }[] = [];
    (window as unknown as { typingSeen: typeof seen }).typingSeen = seen;
    new MutationObserver(() => seen.push({ hidden: node.hidden, text: node.textContent ?? '' })).observe(node, { attributes: true, childList: true, characterData: true, subtree: true });
  });
}

async function typingShown(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { typingSeen: { hidden: boolean; text: string }[] }).typingSeen.filter((s) => !s.hidden).map((s) => s.text));
}

describe.skipIf(!hasChromium)('typing indicator in the web chat', () => {
  let hub: Hub;
  let base: string;
  let browser: Browser;
  const gate = gatedIntents();

  beforeAll(async () => {
    const started = await startHandoffHub(IN_HOURS, { webRoot, intents: gate.intents });
    hub = started.hub;
    await started.wiring.module()?.users.create({ username: 'ana', role: 'agent', password: PASSWORD, displayName: 'Ana Pérez', queues: ['tramites'] });
    ({ base, browser } = await serveForBrowser(hub.app));
  }, 60_000);

  afterAll(async () => {
    gate.release();
    await browser?.close();
    await hub?.app.close();
  });

  /** Resolves once every stored citizen message has had its turn. */
  async function turnsDone(): Promise<void> {
    await expect.poll(async () => (await hub.store.listPendingInbound(10)).length, { timeout: 15_000 }).toBe(0);
  }

  it('shows the bot typing only during a bot turn, never while queued or with an agent; shows the agent typing', async () => {
    const citizen = await (await browser.newContext({ locale: 'es-ES', viewport: { width: 1366, height: 900 }, bypassCSP: true })).newPage();
    await citizen.goto(`${base}/`);
    const input = citizen.getByLabel('Escribe tu mensaje');
    const typing = citizen.locator('.vt-typing');
    await typing.waitFor({ state: 'attached' });
    await recordTyping(citizen);

    // A bot turn held open: the indicator is up for as long as it runs, and no longer.
    gate.hold();
    await input.fill('hola, despacio');
    await input.press('Enter');
    await citizen.getByText(BOT_TYPING).waitFor();
    await citizen.waitForTimeout(1500);
    await expect(typing.isVisible()).resolves.toBe(true);
    gate.release();
    await citizen.getByRole('log').getByText('¡Hola! ¿En qué puedo ayudarte? (hola, despacio)').waitFor();
    await typing.waitFor({ state: 'hidden', timeout: 2000 });

    // Passed to a person: while queued, the citizen's messages start no bot turn and no indicator.
    await input.fill('quiero hablar con una persona');
    await input.press('Enter');
    await citizen.getByRole('log').getByText(/Estás en la posición 1 de la cola/).waitFor();
    await turnsDone();
    await recordTyping(citizen);
    await input.fill('sigo esperando, ¿queda mucho?');
    await input.press('Enter');
    await citizen.getByRole('log').getByText('sigo esperando, ¿queda mucho?').waitFor();
    await turnsDone();
    await citizen.waitForTimeout(500);
    expect(await typingShown(citizen)).toEqual([]);
    await expect(typing.isHidden()).resolves.toBe(true);

    // The agent takes the chat and types: the citizen sees who is typing.
    const agent = await (await browser.newContext({ locale: 'es-ES' })).newPage();
    await agent.goto(`${base}/agent`);
    await agent.getByLabel('Usuario').fill('ana');
    await agent.getByLabel('Contraseña').fill(PASSWORD);
    await agent.getByRole('button', { name: 'Entrar' }).click();
    await agent.getByRole('alertdialog', { name: 'Estás desconectado/a' }).getByRole('button', { name: 'Seguir desconectado/a' }).click();
    await agent.locator('#queued-list button').first().click();
    await agent.getByRole('button', { name: 'Atender esta conversación' }).click();
    const reply = agent.getByLabel(/Mensaje para la persona/);
    await reply.waitFor();

    // With the agent holding it, a citizen message is no bot turn either.
    await recordTyping(citizen);
    await input.fill('hola otra vez');
    await input.press('Enter');
    await turnsDone();
    await citizen.waitForTimeout(500);
    expect(await typingShown(citizen)).toEqual([]);

    await reply.pressSequentially('Buenos días, soy Ana', { delay: 40 });
    await citizen.getByText('Ana Pérez está escribiendo…').waitFor({ timeout: 10_000 });
    expect(await typingShown(citizen)).not.toContain(BOT_TYPING);
    expect(await seriousAxeViolations(citizen)).toEqual([]);
    const wide = join(SHOTS, 'webchat-agent-typing-1366x900.png');
    await citizen.screenshot({ path: wide, fullPage: true });
    expect(statSync(wide).size).toBeGreaterThan(10_000);
    await citizen.setViewportSize({ width: 390, height: 844 });
    await reply.pressSequentially(', ¿en qué te ayudo?', { delay: 40 });
    await citizen.getByText('Ana Pérez está escribiendo…').waitFor();
    expect(await seriousAxeViolations(citizen)).toEqual([]);
    const narrow = join(SHOTS, 'webchat-agent-typing-390x844.png');
    await citizen.screenshot({ path: narrow, fullPage: true });
    expect(statSync(narrow).size).toBeGreaterThan(10_000);
    expect(await citizen.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The agent stops typing: it clears by itself a few seconds later.
    await typing.waitFor({ state: 'hidden', timeout: 12_000 });
    // And when the agent sends, the message arrives and nothing is left "typing".
    await reply.press('Control+Enter');
    await citizen.getByRole('log').getByText('Buenos días, soy Ana, ¿en qué te ayudo?').waitFor();
    await expect(typing.isHidden()).resolves.toBe(true);
  }, 180_000);
});
