/**
 * The FAQ editor: versioned content, publish with an atomic model swap, the try-it console, the
 * unrecognised-question inbox, its API and page. See `createEditorPlugin`.
 */
export { createEditorPlugin, sessionAuthorizer, EDITOR_STATIC_DIR, type EditorPluginOptions, type EditorRuntime } from './plugin.js';
export { LiveIntents, tryTurn, type BuildModule, type TryOutcome } from './live-intents.js';
export { fullModuleBuilder } from './full-module.js';
export { EDITOR_ROLES, type Authorize, type EditorPrincipal } from './api.js';
export { runContentCli, type ContentCliDeps } from './cli.js';
export { EditorStore, type VersionInfo, type AuditEntry } from './content-store.js';
export { EditorService, QualityGateError, type PublishStatus } from './service.js';
export { ImportedEngine, trainLanguage, type ModelExport } from './model.js';
export { maskPersonalData } from '../privacy/index.js';
export type { EditorContent, EditorIntent, EditorEntity } from './types.js';
