/**
 * The editor's {@link BuildModule}: the hub's production intents module (the engine's decision
 * policy with the data-backed answers: tax calendar, GTFS), built from editor content and its
 * already-trained models exactly as `createIntents` builds it at start-up. Publish, rollback,
 * other instances' sync and "Probar" all answer through it, so a publish swaps in what a fresh
 * start would run, without training on the request path.
 */
import type { DataAnswerProvider } from '../intents/data/contract.js';
import { createIntentsModule } from '../intents/module.js';
import { toIntentsContent } from './content-io.js';
import type { BuildModule } from './live-intents.js';
import { ImportedEngine } from './model.js';

/** A {@link BuildModule} that keeps the data providers of the running hub. */
export function fullModuleBuilder(providers: readonly DataAnswerProvider[]): BuildModule {
  return async (editorContent, models) => createIntentsModule(toIntentsContent(editorContent), await ImportedEngine.fromExport(models), { providers });
}
