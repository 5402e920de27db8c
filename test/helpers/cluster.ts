/**
 * Several hub instances in one process on one PostgreSQL schema, each with its own store (pools),
 * its own HubEvents and the cross-instance event relay: the web chat, the handoff console (feed
 * poll set to a minute, so only the relay can make it fast) and the editor (training Spanish only,
 * no periodic sync, so only the relay can make a publish appear). Plus a small SSE client.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp, type Hub } from '../../src/app.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { createStore, dropPostgresSchema } from '../../src/core/store/index.js';
import { createEditorPlugin, fullModuleBuilder, LiveIntents, type EditorRuntime } from '../../src/editor/index.js';
import { attachEventRelay, type EventRelay } from '../../src/event-relay.js';
import { createHandoffWiring, type HandoffWiring } from '../../src/handoff/hub-plugin.js';
import { loadHandoffConfig } from '../../src/handoff/index.js';
import { fileURLToPath } from 'node:url';
import { headerAuthorizer } from './editor-hub.js';
import { fakeIntents } from './fake-intents.js';
import { testConfig } from './test-config.js';

// Inlined rather than imported from other test helpers: this file stays put when those move.
const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));
const CONTENT_DIR = fileURLToPath(new URL('../../config/intents/', import.meta.url));
/** Tuesday 10 March 2026, 10:00 in Madrid: every queue is open. */
const IN_HOURS = new Date('2026-03-10T10:00:00+01:00');
export interface Instance {
  readonly name: string;
  readonly hub: Hub;
  readonly wiring: HandoffWiring;
  readonly editor: EditorRuntime;
  readonly relay: EventRelay;
  readonly base: string;
}

export interface Cluster {
  readonly instances: readonly Instance[];
  readonly schema: string;
  close(): Promise<void>;
}

/**
 * Starts `count` instances on a new schema of `url` (delivery workers off unless `delivery`). The
 * listener's first reconnect waits `minBackoffMs` (500 ms: a dropped listener misses what is
 * committed meanwhile, so catching up is what delivers it).
 */
export async function startCluster(url: string, count: number, options: { readonly delivery?: boolean; readonly minBackoffMs?: number } = {}): Promise<Cluster> {
  const schema = `ev_${randomBytes(6).toString('hex')}`;
  const started = Date.now();
  // Office hours, moving with real time: the handoff queues are open.
  const clock = (): Date => new Date(IN_HOURS.getTime() + (Date.now() - started));
  const instances: Instance[] = [];
  // One at a time: the first registration seeds the editor content and applies migrations.
  for (let index = 0; index < count; index += 1) {
    const store = await createStore(url, { schema, poolSize: 4 });
    const wiring = createHandoffWiring({ config: loadHandoffConfig(CONFIG_DIR, {}), clock, feedPollMs: 60_000 });
    const editorFactory = createEditorPlugin({
      authorize: headerAuthorizer,
      syncIntervalMs: 0,
      trainSeedModel: false,
      contentDir: CONTENT_DIR,
      languages: ['es'],
      buildModule: fullModuleBuilder([]),
    });
    let editorPlugin: ReturnType<typeof editorFactory> | undefined;
    const hub = await buildApp({
      config: testConfig(),
      store,
      ownsStore: true,
      intents: new LiveIntents(fakeIntents()),
      logger: false,
      clock,
      handoff: wiring.port,
      plugins: [wiring.plugin, (h) => (editorPlugin = editorFactory(h))],
      channels: [(services) => createWebchatChannel(services)],
    });
    const relay = await attachEventRelay(hub, url, { schema, minBackoffMs: options.minBackoffMs ?? 500 });
    if (relay === undefined || editorPlugin === undefined) throw new Error('relay or editor missing');
    await hub.start({ delivery: options.delivery === true });
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = hub.app.server.address() as AddressInfo;
    instances.push({ name: String.fromCharCode(65 + index), hub, wiring, editor: editorPlugin.runtime(), relay, base: `http://127.0.0.1:${port}` });
  }
  return {
    instances,
    schema,
    async close() {
      for (const instance of instances) await instance.hub.app.close();
      await dropPostgresSchema(url, schema);
    },
  };
}

export interface SseEvent {
  readonly event: string;
  readonly data: unknown;
  /** performance.now() when it arrived. */
  readonly at: number;
}

export interface SseClient {
  readonly events: SseEvent[];
  /** Resolves the first event matching `predicate` (already received or to come); rejects after `timeoutMs`. */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs: number, what: string): Promise<SseEvent>;
  close(): void;
}

/** Opens an event stream and records every event. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`SSE ${url}: ${response.status}`);
  const events: SseEvent[] = [];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as unknown, at: performance.now() });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async waitFor(predicate, timeoutMs, what) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found !== undefined) return found;
        if (performance.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms (got ${JSON.stringify(events.map((e) => e.data))})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () => controller.abort(),
  };
}
