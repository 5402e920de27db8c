/**
 * Shared set-up of the editor's integration, browser and benchmark runs: a hub built with
 * buildApp, the editor plugin, and a swappable live module that is the production one (the
 * intents module `fullModuleBuilder` builds, with the hub's data providers) trained from
 * config/intents; a recording channel (or the real channels a test passes) and a header-based
 * authorizer standing in for the handoff sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, createHubCore, type ChannelFactory, type Hub } from '../../src/app.js';
import { createFeedback } from '../../src/feedback/index.js';
import { HubError } from '../../src/core/errors.js';
import type { InboundMessage } from '../../src/core/message.js';
import { editorContentFromLoaded, toIntentsContent } from '../../src/editor/content-io.js';
import { createEditorPlugin, fullModuleBuilder, LiveIntents, type Authorize, type BuildModule, type EditorPluginOptions, type EditorRuntime } from '../../src/editor/index.js';
import { trainLanguage, type ModelExport } from '../../src/editor/model.js';
import { loadContent } from '../../src/intents/content/loader.js';
import { createDataProviders } from '../../src/intents/data/index.js';
import { editorModelsOnce } from './model-cache.js';
import { RecordingAdapter } from './recording-adapter.js';
import { testConfig } from './test-config.js';

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
/** The default content's models, trained once per test run (`model-cache.ts`; once per file outside the suite's config). */
async function defaultModels(): Promise<ModelExport> {
  cachedModels ??= (async () => {
    const content = toIntentsContent(editorContentFromLoaded(await loadContent(CONTENT_DIR)));
    return editorModelsOnce(content, async (language) => (await trainLanguage(content, language)).json);
  })();
  return cachedModels;
}

let cachedBuilder: Promise<BuildModule> | undefined;
/**
 * The hub's BuildModule (`src/hub.ts`): the production policy with the tax calendar and the demo
 * GTFS timetable, built once per test file (the demo feed is imported into a temporary folder).
 */
export function productionModuleBuilder(): Promise<BuildModule> {
  cachedBuilder ??= (async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ventanilla-editor-data-'));
    process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
    return fullModuleBuilder(await createDataProviders({ dataDir, configDir: fileURLToPath(new URL('../../config/', import.meta.url)) }));
  })();
  return cachedBuilder;
}

/** Builds what every hub of a test file shares (the default models, the data providers) ahead of the tests' own timeouts. */
export async function prepareEditorHubs(): Promise<void> {
  await Promise.all([productionModuleBuilder(), defaultModels()]);
}

export interface EditorHub {
  readonly hub: Hub;
  readonly editor: EditorRuntime;
  readonly channel: RecordingAdapter;
  readonly live: LiveIntents;
}

/**
 * Builds the hub with the editor; the live module starts as the default content's, built by the
 * production builder. `channels` replaces the recording web-chat channel (then `channel` records
 * nothing).
 */
export async function startEditorHub(
  options: Partial<EditorPluginOptions> = {},
  env: NodeJS.ProcessEnv = {},
  channels?: readonly ChannelFactory[],
  /** Record citizen 👍/👎 like the hub does (src/hub.ts), and serve these web pages. */
  extras: { readonly feedback?: boolean; readonly webRoot?: string } = {},
): Promise<EditorHub> {
  const content = editorContentFromLoaded(await loadContent(CONTENT_DIR));
  const buildModule = await productionModuleBuilder();
  const live = new LiveIntents(await buildModule(content, await defaultModels()));
  const channel = new RecordingAdapter('webchat');
  const factory = createEditorPlugin({ authorize: headerAuthorizer, syncIntervalMs: 0, trainSeedModel: false, contentDir: CONTENT_DIR, buildModule, ...options });
  let plugin: ReturnType<typeof factory> | undefined;
  const core = await createHubCore({ config: testConfig(env), logger: false, deliveryPolicy: { baseDelayMs: 5, maxDelayMs: 20 } });
  const feedback = extras.feedback === true ? createFeedback({ store: core.store, events: core.events }) : undefined;
  const hub = await buildApp({
    config: core.config,
    core,
    intents: live,
    channels: channels ?? [() => ({ adapter: channel })],
    plugins: [(h) => (plugin = factory(h))],
    ...(feedback === undefined ? {} : { firstSteps: [feedback.step], feedback: (key: string, ref: string, value: 'up' | 'down') => feedback.record(key, ref, value) }),
    ...(extras.webRoot === undefined ? {} : { webRoot: extras.webRoot }),
  });
  await hub.start();
  if (plugin === undefined) throw new Error('editor plugin not built');
  return { hub, editor: plugin.runtime(), channel, live };
}

/** An intent the seed content does not have, complete in the five languages (title, phrases, answers with a short text). */
export const BICI = {
  id: 'tramites.bicicleta_publica',
  title: { es: 'Bici pública', ca: 'Bici pública', gl: 'Bici pública', eu: 'Bizikleta publikoa', en: 'Public bike' },
  utterances: {
    es: ['¿cómo me doy de alta en la bici pública?', 'alta en bicimad', 'quiero usar la bicicleta pública', 'abono de la bici pública', 'cómo funciona la bici pública', 'registrarme en el servicio de bicicletas'],
    ca: ['com em dono d’alta a la bici pública?', 'vull fer servir la bicicleta pública', 'abonament de la bici pública'],
    gl: ['como me dou de alta na bici pública?', 'quero usar a bicicleta pública', 'abono da bici pública'],
    eu: ['nola eman izena bizikleta publikoan?', 'bizikleta publikoa erabili nahi dut', 'bizikleta publikoaren abonua'],
    en: ['how do I sign up for the public bike?', 'I want to use the public bike scheme', 'public bike pass'],
  },
  answers: {
    es: { text: 'Date de alta en la bici pública en la app BiciMAD o en bicimad.com con tu tarjeta.', short: 'Alta en la app BiciMAD o en bicimad.com.' },
    ca: { text: 'Dona’t d’alta a la bici pública a l’app BiciMAD.', short: 'Alta a l’app BiciMAD.' },
    gl: { text: 'Dáte de alta na bici pública na app BiciMAD.', short: 'Alta na app BiciMAD.' },
    eu: { text: 'Eman izena bizikleta publikoan BiciMAD aplikazioan.', short: 'Izena eman BiciMAD aplikazioan.' },
    en: { text: 'Sign up for the public bike in the BiciMAD app.', short: 'Sign up in the BiciMAD app.' },
  },
};

let counter = 0;
/** A citizen text message on the web chat. */
export function citizen(text: string, user = 'c1'): InboundMessage {
  counter += 1;
  return { id: `m-${Date.now()}-${counter}`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text };
}

export const EDITOR = { 'x-test-user': 'ana:editor' };
