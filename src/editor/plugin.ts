/**
 * The editor as a hub plugin: `createEditorPlugin(options)` returns the factory the composition root adds to
 * `buildApp({ plugins })`. It migrates its tables, seeds the content from `config/intents/` on
 * the first start, makes the live version answer, serves the API and the page, files
 * unrecognised questions, and follows other instances' publishes.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';
import type { Hub, HubPlugin } from '../plugin.js';
import { HubError } from '../core/errors.js';
import { RESYNC_EVENT, type HubEventMap } from '../core/events.js';
import type { Language } from '../core/message.js';
import { loadContent } from '../intents/content/loader.js';
import { loadHandoffConfig } from '../handoff/config.js';
import { registerEditorRoutes, type Authorize, type EditorQueue } from './api.js';
import { editorContentFromLoaded } from './content-io.js';
import { EditorStore } from './content-store.js';
import { fullModuleBuilder } from './full-module.js';
import { LiveIntents, type BuildModule } from './live-intents.js';
import { EditorService } from './service.js';
import { Trainer } from './trainer.js';
import { UnrecognizedInbox } from './unrecognized.js';

export interface EditorPluginOptions {
  /** Who may call the editor API; see {@link sessionAuthorizer}. Without it every call is 401. */
  readonly authorize?: Authorize;
  /** The swappable live module; defaults to `hub.intents` when that is a {@link LiveIntents}. */
  readonly live?: LiveIntents;
  /**
   * Builds the intents module from content + trained models: the production policy of
   * `full-module.ts`. The hub passes one with its data providers; the default has none.
   */
  readonly buildModule?: BuildModule;
  /** Where the default content lives (default `<configDir>/intents`). */
  readonly contentDir?: string;
  /** Dev set of the accuracy gate (JSONL); when missing the accuracy check is skipped. */
  readonly devSetPath?: string;
  /** Largest accepted accuracy drop (default 0.02). */
  readonly maxAccuracyDrop?: number;
  /**
   * The unrecognised inbox also lists answers given less than this above the answer threshold
   * (default 0.1; env `VENTANILLA_INBOX_CONFIDENCE_MARGIN` in the hub).
   */
  readonly inboxConfidenceMargin?: number;
  /** Languages every enabled intent must cover (default all five). */
  readonly languages?: readonly Language[];
  /** How often to look for versions published by other instances (default 5000 ms; 0 = never). */
  readonly syncIntervalMs?: number;
  /** Train and store the seeded version's model in the background at start (default true). */
  readonly trainSeedModel?: boolean;
  /**
   * The hub's model cache folder (`storage.modelCacheDir`): the seeded version's models are kept in
   * its `editor-seed/` folder, so a new database seeded with the same content does not train again.
   */
  readonly modelCacheDir?: string;
  /**
   * The handoff queues the page offers for an intent (id and name). Default: read from
   * `<configDir>/queues.yaml`; none when the hub has no such file.
   */
  readonly queues?: readonly EditorQueue[];
}

/** The running editor (exposed for tests and the CLI). */
export interface EditorRuntime {
  readonly store: EditorStore;
  readonly service: EditorService;
  readonly inbox: UnrecognizedInbox;
  readonly live: LiveIntents;
  readonly trainer: Trainer;
}

/** The session guard shape of the handoff module's `SessionAuth` (structural, no import). */
export interface SessionGuardLike {
  guard(roles: readonly never[]): (request: FastifyRequest, reply: never) => Promise<void>;
  require(request: FastifyRequest): { readonly user: { readonly id: string; readonly role: string } };
}

/**
 * Adapts the handoff module's `SessionAuth` (cookie session + role + CSRF header on unsafe
 * methods) to the editor's {@link Authorize}: `sessionAuthorizer(auth)`.
 */
export function sessionAuthorizer(auth: SessionGuardLike): Authorize {
  const guards = new Map<string, (request: FastifyRequest, reply: never) => Promise<void>>();
  return async (request, roles) => {
    const key = roles.join(',');
    let guard = guards.get(key);
    if (guard === undefined) {
      guard = auth.guard(roles as readonly never[]);
      guards.set(key, guard);
    }
    await guard(request, undefined as never);
    const { user } = auth.require(request);
    return { userId: user.id, role: user.role };
  };
}

const denyAll: Authorize = async () => {
  throw new HubError('HUB_ERR_UNAUTHENTICATED', 'the editor API has no authorizer configured: pass `authorize` to createEditorPlugin');
};

/** The queues of `<configDir>/queues.yaml`; none (logged) when it is missing or invalid (the handoff module reports why). */
function queuesOf(hub: Hub): EditorQueue[] {
  try {
    return loadHandoffConfig(hub.config.configDir, {}).queues.map((queue) => ({ id: queue.id, name: queue.name }));
  } catch (error) {
    hub.logger.warn({ err: error }, 'editor: no handoff queues to offer (config/queues.yaml not loaded)');
    return [];
  }
}

/** Static files of the editor page. */
export const EDITOR_STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** Creates the editor plugin factory for `buildApp({ plugins: [createEditorPlugin(options)] })`. */
export function createEditorPlugin(options: EditorPluginOptions = {}): (hub: Hub) => HubPlugin & { readonly runtime: () => EditorRuntime } {
  return (hub) => {
    let runtime: EditorRuntime | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onPublished: ((event: HubEventMap['custom'][0]) => void) | undefined;
    const get = (): EditorRuntime => {
      if (runtime === undefined) throw new HubError('HUB_ERR_CONFIG', 'the editor plugin is not registered yet');
      return runtime;
    };
    return {
      name: 'editor',
      runtime: get,
      async register(app) {
        const live = options.live ?? (hub.intents instanceof LiveIntents ? hub.intents : undefined);
        if (live === undefined) {
          throw new HubError('HUB_ERR_CONFIG', 'the editor needs a swappable intents module: build the app with `intents: new LiveIntents(await createIntents(...))` or pass `live` to createEditorPlugin');
        }
        await hub.store.migrate();
        const store = new EditorStore(hub.store);
        if (!(await store.isSeeded())) {
          const loaded = await loadContent(options.contentDir ?? join(hub.config.configDir, 'intents'));
          await store.seed(editorContentFromLoaded(loaded));
        }
        const trainer = new Trainer();
        const service = new EditorService({
          editorStore: store,
          trainer,
          live,
          buildModule: options.buildModule ?? fullModuleBuilder([]),
          events: hub.events,
          logger: hub.logger,
          ...(options.languages === undefined ? {} : { languages: options.languages }),
          ...(options.devSetPath === undefined ? {} : { devSetPath: options.devSetPath }),
          ...(options.maxAccuracyDrop === undefined ? {} : { maxAccuracyDrop: options.maxAccuracyDrop }),
          ...(options.modelCacheDir === undefined ? {} : { seedModelCacheDir: join(options.modelCacheDir, 'editor-seed') }),
        });
        let lowScore = 0.6;
        const inbox = new UnrecognizedInbox({
          store: hub.store,
          editorStore: store,
          events: hub.events,
          lowScore: () => lowScore,
          ...(options.inboxConfidenceMargin === undefined ? {} : { confidenceMargin: () => options.inboxConfidenceMargin ?? 0 }),
          onError: (error) => hub.logger.warn({ err: error }, 'editor: could not file an unrecognised question'),
        });
        lowScore = (await store.draftContent()).policy.thresholds.answer;
        // A restarted instance answers with the live version's stored model, not config/.
        await service.syncLive();
        runtime = { store, service, inbox, live, trainer };
        // Another instance published (relayed by the event bridge): load it now, not at the next poll.
        let syncing: Promise<void> | undefined;
        let again = false;
        const sync = (): void => {
          if (syncing !== undefined) {
            again = true;
            return;
          }
          syncing = service
            .syncLive()
            .catch((error: unknown) => hub.logger.warn({ err: error }, 'editor: could not load the live version'))
            .finally(() => {
              syncing = undefined;
              if (again) {
                again = false;
                sync();
              }
            });
        };
        onPublished = (event) => {
          if (event.relayed === true && (event.type === 'editor.published' || event.type === RESYNC_EVENT)) sync();
        };
        hub.events.on('custom', onPublished);
        const queues = options.queues ?? queuesOf(hub);
        await registerEditorRoutes(app, { service, editorStore: store, inbox, authorize: options.authorize ?? denyAll, staticDir: EDITOR_STATIC_DIR, queues });
        // Started on registration so that tests driving turns without hub.start() file questions too.
        inbox.start();
      },
      async start() {
        const { service } = get();
        if (options.trainSeedModel !== false) {
          void service.trainSeedModel().catch((error: unknown) => hub.logger.warn({ err: error }, 'editor: could not train the seeded version'));
        }
        const interval = options.syncIntervalMs ?? 5000;
        if (interval > 0) {
          timer = setInterval(() => {
            void service.syncLive().catch((error: unknown) => hub.logger.warn({ err: error }, 'editor: could not load the live version'));
          }, interval);
          timer.unref();
        }
      },
      async stop() {
        if (timer !== undefined) clearInterval(timer);
        if (onPublished !== undefined) hub.events.off('custom', onPublished);
        if (runtime === undefined) return;
        await runtime.inbox.stop();
        await runtime.trainer.close();
      },
    };
  };
}
