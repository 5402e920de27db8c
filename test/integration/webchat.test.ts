/**
 * The web chat through the real app: store, turn runner, outbox delivery and the SSE stream.
 * A citizen message posted over HTTP comes back as exactly one reply on the stream, and stays in
 * the history a reloaded page reads.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { fakeIntents } from '../helpers/fake-intents.js';
import { testConfig } from '../helpers/test-config.js';

const webRoot = fileURLToPath(new URL('../../src/web/', import.meta.url));
let hub: Hub | undefined;

afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function startHub(): Promise<{ hub: Hub; base: string }> {
  hub = await buildApp({
    config: testConfig(),
    intents: fakeIntents(),
    logger: false,
    channels: [(services) => createWebchatChannel(services)],
    webRoot,
  });
  await hub.start();
  const base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
  return { hub, base };
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string }, predicate: (text: string) => boolean): Promise<void> {
  const decoder = new TextDecoder();
  while (!predicate(seen.text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended; got: ${seen.text}`);
    seen.text += decoder.decode(value, { stream: true });
  }
}

describe('web chat through the app', () => {
  it('answers "hola" on the event stream once, keeps it in history, and closes the stream on shutdown', async () => {
    const { hub: running, base } = await startHub();
    const { sessionId } = (await (await fetch(`${base}/webchat/api/sessions`, { method: 'POST' })).json()) as { sessionId: string };
    const stream = await fetch(`${base}/webchat/api/events?sessionId=${sessionId}`);
    if (stream.body === null) throw new Error('no stream body');
    const reader = stream.body.getReader();
    const seen = { text: '' };
    await readUntil(reader, seen, (t) => t.includes(': connected'));

    const posted = await fetch(`${base}/webchat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, clientMessageId: randomUUID(), text: 'hola', locale: 'es-ES' }),
    });
    expect(posted.status).toBe(202);
    // A second message after the first reply proves the first was not streamed twice in between.
    await readUntil(reader, seen, (t) => t.includes('(hola)'));
    await fetch(`${base}/webchat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, clientMessageId: randomUUID(), text: 'adiós' }),
    });
    await readUntil(reader, seen, (t) => t.includes('No te he entendido: adi'));
    expect(seen.text.split('¡Hola! ¿En qué puedo ayudarte? (hola)')).toHaveLength(2);

    const history = (await (await fetch(`${base}/webchat/api/history?sessionId=${sessionId}`)).json()) as { items: { id: string; author: string; text: string }[] };
    expect(history.items.map((i) => [i.author, i.text])).toEqual([
      ['citizen', 'hola'],
      ['bot', '¡Hola! ¿En qué puedo ayudarte? (hola)'],
      ['citizen', 'adiós'],
      ['bot', 'No te he entendido: adiós'],
    ]);
    // The live reply and the history entry share an id, so a reloading page never shows it twice.
    const streamedIds = [...seen.text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]);
    expect(streamedIds).toContain(history.items[1]?.id);

    await running.app.close();
    hub = undefined;
    const { done } = await readUntilEnd(reader);
    expect(done).toBe(true);
  });

  it('serves the page at / and the widget under /static/', async () => {
    const { base } = await startHub();
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('src="/static/widget.js"');
    const widget = await fetch(`${base}/static/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await fetch(`${base}/static/webchat.css`)).status).toBe(200);
  });
});

async function readUntilEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<{ done: boolean }> {
  for (;;) {
    const { done } = await reader.read();
    if (done) return { done };
  }
}
