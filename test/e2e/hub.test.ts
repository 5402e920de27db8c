/**
 * The hub as a newcomer runs it (the real composition root: NLU in five languages, data-backed
 * answers, handoff, editor, web chat), through HTTP: answers, a restart that keeps the history,
 * and the scripted terminal chat.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createHub } from '../../src/hub.js';
import { SUITE_ENV } from '../helpers/test-config.js';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-hub-'));
const env = { ...SUITE_ENV, VENTANILLA_DATA_DIR: dir, VENTANILLA_NOW: '2026-05-10T10:00:00+02:00', LOG_LEVEL: 'silent' };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<Hub> {
  const hub = await createHub(loadConfig(env), { env, logger: false, http: true });
  await hub.start();
  return hub;
}

async function ask(hub: Hub, sessionId: string, text: string): Promise<string[]> {
  const before = (await history(hub, sessionId)).length;
  const posted = await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text } });
  expect(posted.statusCode).toBe(202);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const items = await history(hub, sessionId);
    const replies = items.slice(before).filter((item) => item.author !== 'citizen');
    if (replies.length > 0 && (await hub.store.listOutbox('pending', 1)).length === 0) return replies.map((item) => item.text);
    if (Date.now() > deadline) throw new Error(`no reply to "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function history(hub: Hub, sessionId: string): Promise<{ author: string; text: string }[]> {
  const response = await hub.app.inject({ url: `/webchat/api/history?sessionId=${sessionId}` });
  return (response.json() as { items: { author: string; text: string }[] }).items;
}

describe('the hub on the embedded store', () => {
  it('answers greetings and the campaign question, and keeps the conversation across a restart', async () => {
    let hub = await start();
    const page = await hub.app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ventanilla');
    const { sessionId } = (await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json() as { sessionId: string };

    expect((await ask(hub, sessionId, 'hola')).join(' ')).toMatch(/Hola/);
    expect((await ask(hub, sessionId, '¿hasta cuándo puedo presentar la renta?')).join(' ')).toMatch(/abierta hasta el 30 de junio/);
    expect((await ask(hub, sessionId, 'Kaixo, noiz arte aurkez dezaket errenta?')).join(' ')).toMatch(/ekain/);
    await hub.app.close();

    hub = await start();
    const items = await history(hub, sessionId);
    expect(items.filter((item) => item.author === 'citizen').map((item) => item.text)).toEqual([
      'hola',
      '¿hasta cuándo puedo presentar la renta?',
      'Kaixo, noiz arte aurkez dezaket errenta?',
    ]);
    expect(items.filter((item) => item.author !== 'citizen').length).toBeGreaterThanOrEqual(3);
    await hub.app.close();
  });

  it('`ventanilla chat` answers piped lines, one block each, and exits 0', () => {
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'ventanilla.js');
    const result = spawnSync(process.execPath, [bin, 'chat'], {
      input: 'hola\n¿cuándo empieza la campaña de la renta?\n',
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const blocks = result.stdout.trim().split(/\n\s*\n/);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^bot> .*Hola/);
    // On 10 May the campaign is running: the answer says until when.
    expect(blocks[1]).toMatch(/^bot> La campaña de la Renta 2025 está abierta hasta el 30 de junio/);
  });
});
