/**
 * "Probar" runs the production module exactly as a citizen's turn would, the runner's
 * never-silent fallback included: an intent recognised without an answer shows the fallback and
 * says so, instead of an empty answer at 1.00.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SILENT_TURN_FALLBACK } from '../../../src/core/turn-fallbacks.js';
import { editorContentFromLoaded, toIntentsContent } from '../../../src/editor/content-io.js';
import { fullModuleBuilder } from '../../../src/editor/full-module.js';
import { tryTurn } from '../../../src/editor/live-intents.js';
import { trainLanguage } from '../../../src/editor/model.js';
import type { EditorContent, EditorIntent } from '../../../src/editor/types.js';
import type { IntentsModule } from '../../../src/intents/contract.js';
import { loadContent } from '../../../src/intents/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';

const BICI: EditorIntent = {
  id: 'tramites.bici_publica',
  domain: 'tramites',
  enabled: true,
  handoffQueue: null,
  title: {},
  utterances: { es: ['alta en la bici pública', 'quiero usar la bici pública', 'abono de la bici pública'] },
  answers: { es: { text: 'Date de alta en la app BiciMAD.' } },
};

let seed: EditorContent;
beforeAll(async () => {
  seed = editorContentFromLoaded(await loadContent(DEFAULT_CONTENT_DIR));
});

async function spanishModule(bici: EditorIntent): Promise<IntentsModule> {
  const content: EditorContent = { ...seed, intents: [...seed.intents.filter((intent) => intent.id === 'None' || intent.id === 'conversacion.saludo'), bici] };
  return fullModuleBuilder([])(content, { es: (await trainLanguage(toIntentsContent(content), 'es')).json });
}

describe('try-it', () => {
  it('shows the answer of an intent made in the editor', async () => {
    const outcome = await tryTurn(await spanishModule(BICI), 'quiero usar la bici pública', { language: 'es' });
    expect(outcome).toMatchObject({ intent: BICI.id, answers: ['Date de alta en la app BiciMAD.'], handoff: false, fallback: false });
  });

  it('shows the fallback, flagged, for an intent recognised without an answer (content saved before the rule)', async () => {
    const outcome = await tryTurn(await spanishModule({ ...BICI, answers: {} }), 'quiero usar la bici pública', { language: 'es' });
    expect(outcome).toMatchObject({ intent: BICI.id, answers: [SILENT_TURN_FALLBACK.es], fallback: true });
  });
});
