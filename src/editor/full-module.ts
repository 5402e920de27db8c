/**
 * Builds the hub's full intents module (the intent engine's decision policy with the data-backed
 * answers: tax calendar, GTFS) from published editor content and its already-trained models, so a
 * publish swaps in exactly what a fresh start would run, without training on the request path.
 */
import type { IntentResult, IntentsModule } from '../intents/contract.js';
import type { DataAnswerProvider } from '../intents/data/contract.js';
import { createPolicy } from '../intents/policy.js';
import { toIntentsContent } from './content-io.js';
import type { BuildModule } from './live-intents.js';
import { classifierFor, ImportedEngine } from './model.js';

/** A {@link BuildModule} that keeps the data providers of the running hub. */
export function fullModuleBuilder(providers: readonly DataAnswerProvider[]): BuildModule {
  return async (editorContent, models): Promise<IntentsModule> => {
    const content = toIntentsContent(editorContent);
    const classifier = await classifierFor(content, await ImportedEngine.fromExport(models));
    const { safety, understand } = createPolicy({ classifier, content, providers });
    return {
      safety,
      understand,
      async classify(text, options): Promise<IntentResult> {
        return (await classifier.analyze(text, options)).result;
      },
      ready: () => true,
    };
  };
}
