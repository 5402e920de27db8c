/**
 * Shared set-up of the editor's integration, browser and benchmark runs: a hub built with
 * buildApp, the editor plugin, a swappable live module trained from config/intents, a recording
 * channel and a header-based authorizer standing in for the handoff sessions.
 */
import { fileURLToPath } from 'node:url';
import { buildApp, type Hub } from '../../src/app.js';
import { HubError } from '../../src/core/errors.js';
import { LANGUAGES, type InboundMessage } from '../../src/core/message.js';
import { editorContentFromLoaded, toIntentsContent } from '../../src/editor/content-io.js';
import { createContentIntents, createEditorPlugin, LiveIntents, type Authorize, type EditorPluginOptions, type EditorRuntime } from '../../src/editor/index.js';
import { trainLanguage, type ModelExport } from '../../src/editor/model.js';
import { loadContent } from '../../src/intents/content/loader.js';
import { RecordingAdapter } from '../helpers/recording-adapter.js';
import { testConfig } from '../helpers/test-config.js';

export const CONTENT_DIR = fileURLToPath(new URL('../../config/intents/', import.meta.url));

/** `x-test-user: name:role` → that principal; the roles check is the real one. */
export const headerAuthorizer: Authorize = async (request, roles) => {
  const header = request.headers['x-test-user'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) throw new HubError('HUB_ERR_UNAUTHENTICATED', 'no session');
  const [userId = '', role = ''] = value.split(':');
  if (!roles.includes(role)) throw new HubError('HUB_ERR_FORBIDDEN', `needs ${roles.join(', ')}`);
  return { userId, role };
};

let cachedModels: Promise<ModelExport> | undefined;
/** The default content's models, trained once per test file. */
async function defaultModels(): Promise<ModelExport> {
  cachedModels ??= (async () => {
    const content = toIntentsContent(editorContentFromLoaded(await loadContent(CONTENT_DIR)));
    const models: Record<string, string> = {};
    for (const language of LANGUAGES) models[language] = (await trainLanguage(content, language)).json;
    return models;
  })();
  return cachedModels;
}

export interface EditorHub {
  readonly hub: Hub;
  readonly editor: EditorRuntime;
  readonly channel: RecordingAdapter;
  readonly live: LiveIntents;
}

/** Builds the hub with the editor; the live module starts as the default content's. */
export async function startEditorHub(options: Partial<EditorPluginOptions> = {}, env: NodeJS.ProcessEnv = {}): Promise<EditorHub> {
  const content = editorContentFromLoaded(await loadContent(CONTENT_DIR));
  const live = new LiveIntents(await createContentIntents(content, await defaultModels()));
  const channel = new RecordingAdapter('webchat');
  const factory = createEditorPlugin({ authorize: headerAuthorizer, syncIntervalMs: 0, trainSeedModel: false, contentDir: CONTENT_DIR, ...options });
  let plugin: ReturnType<typeof factory> | undefined;
  const hub = await buildApp({
    config: testConfig(env),
    intents: live,
    logger: false,
    channels: [() => ({ adapter: channel })],
    plugins: [(h) => (plugin = factory(h))],
    deliveryPolicy: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  await hub.start();
  if (plugin === undefined) throw new Error('editor plugin not built');
  return { hub, editor: plugin.runtime(), channel, live };
}

let counter = 0;
/** A citizen text message on the web chat. */
export function citizen(text: string, user = 'c1'): InboundMessage {
  counter += 1;
  return { id: `m-${Date.now()}-${counter}`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text };
}

export const EDITOR = { 'x-test-user': 'ana:editor' };
