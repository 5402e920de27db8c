/**
 * Editor content without the app: versions and their diff, rollback as a new version, the audit
 * log, all-or-nothing imports that locate every problem, CSV round trips and personal-data masking.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/store/index.js';
import { editorContentFromLoaded, exportContentFiles, exportUtterancesCsv, parseImport } from '../../../src/editor/content-io.js';
import { EditorStore } from '../../../src/editor/content-store.js';
import { diffContent } from '../../../src/editor/diff.js';
import { maskPersonalData } from '../../../src/privacy/index.js';
import type { EditorContent } from '../../../src/editor/types.js';
import { similarityKey } from '../../../src/editor/unrecognized.js';
import { loadContent } from '../../../src/intents/content/loader.js';
import { disposeStore, storeKinds } from '../../helpers/stores.js';
import { adversarialTexts } from '../../helpers/long-text.js';

let seedContent: EditorContent;
beforeAll(async () => {
  seedContent = editorContentFromLoaded(await loadContent(fileURLToPath(new URL('../../../config/intents/', import.meta.url))));
});

for (const kind of storeKinds) {
  describe.skipIf(!kind.enabled)(`editor store on ${kind.name}`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      if (store !== undefined) await disposeStore(store);
      store = undefined;
    });

    it('versions are numbered, diffed against the live one, rolled back as a new version, and audited', async () => {
      store = await kind.open();
      const editor = new EditorStore(store);
      expect(await editor.seed(seedContent)).toBe(true);
      expect(await editor.seed(seedContent)).toBe(false);
      const saludo = await editor.getDraftIntent('conversacion.saludo');
      if (saludo === undefined) throw new Error('seed lost conversacion.saludo');
      await editor.updateIntent({ ...saludo, utterances: { ...saludo.utterances, es: [...(saludo.utterances.es ?? []), 'buenas tardes tengan'] } }, 'ana');
      await editor.deleteIntent('tramites.queja', 'ana');
      const v2 = await editor.createVersion({ kind: 'publish', content: await editor.draftContent(), model: null, author: 'ana', message: 'primera' });
      expect(v2.number).toBe(2);
      expect(v2.diff.removed).toEqual(['tramites.queja']);
      expect(v2.diff.changed).toEqual([{ id: 'conversacion.saludo', fields: ['utterances.es'], utterancesDelta: 1 }]);
      expect(v2.diff.utterances.after).toBe(v2.diff.utterances.before + 1 - seedContent.intents.filter((i) => i.id === 'tramites.queja').reduce((n, i) => n + Object.values(i.utterances).reduce((m, l) => m + (l?.length ?? 0), 0), 0));

      const v1 = await editor.getVersion(1);
      if (v1 === undefined) throw new Error('no v1');
      const v3 = await editor.createVersion({ kind: 'rollback', content: v1.content, model: null, author: 'luis', message: 'Vuelta a la versión 1', sourceVersion: 1 });
      expect(v3).toMatchObject({ number: 3, kind: 'rollback', sourceVersion: 1, live: true });
      expect(v3.diff.added).toEqual(['tramites.queja']);
      expect((await editor.getVersion(2))?.content.intents.some((i) => i.id === 'tramites.queja')).toBe(false);
      expect(await editor.liveVersion()).toBe(3);
      expect((await editor.listVersions()).map((v) => [v.number, v.live])).toEqual([[3, true], [2, false], [1, false]]);

      const audit = await editor.listAudit();
      expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
        ['version.rollback', 'luis', 'v3'],
        ['version.publish', 'ana', 'v2'],
        ['intent.delete', 'ana', 'tramites.queja'],
        ['intent.update', 'ana', 'conversacion.saludo'],
        ['content.seed', 'system', null],
      ]);
      expect(audit[3]?.details).toEqual({ fields: ['utterances.es'] });
    });

    it('an import with problems changes nothing; a good one upserts and appends CSV utterances', async () => {
      store = await kind.open();
      const editor = new EditorStore(store);
      await editor.seed(seedContent);
      const ids = new Set((await editor.listDraft()).map((i) => i.id));
      const broken = [
        {
          name: 'bici.yaml',
          text: [
            'domain: tramites',
            'intents:',
            '  tramites.bici:',
            '    utterances:',
            '      es: [alta en la bici]',
            '      fr: [bonjour]',
            '    answers:',
            `      es: { text: "${'x'.repeat(4001)}" }`,
            '  Tramites.Mal:',
            '    utterances: { es: [hola] }',
          ].join('\n'),
        },
        { name: 'roto.yaml', text: 'domain: renta\nintents:\n  renta.x: [unclosed\n' },
        { name: 'frases.csv', text: 'intent,lang,utterance\nconversacion.saludo,es,muy buenas\nno.existe,es,hola\nconversacion.saludo,xx,hola\n' },
      ];
      const { parsed, problems } = parseImport(broken, ids);
      expect(parsed).toBeUndefined();
      const located = problems.map((p) => `${p.file}:${p.line}:${p.field}`);
      expect(located).toContain('bici.yaml:6:intents.tramites.bici.utterances.fr');
      expect(located).toContain('bici.yaml:8:intents.tramites.bici.answers.es.text');
      expect(located).toContain('bici.yaml:9:intents.Tramites.Mal.id');
      expect(problems.some((p) => p.file === 'roto.yaml' && p.field === '(syntax)' && p.line >= 3)).toBe(true);
      expect(located).toContain('frases.csv:3:intent');
      expect(located).toContain('frases.csv:4:lang');
      const before = await editor.draftRevision();
      expect(await editor.draftRevision()).toBe(before);

      const good = parseImport(
        [
          { name: 'bici.json', text: JSON.stringify({ domain: 'tramites', intents: { 'tramites.bici': { enabled: false, utterances: { es: ['alta en la bici'] }, answers: { es: { text: 'En la app.', channels: { x: 'App.' } } } } } }) },
          { name: 'frases.csv', text: 'conversacion.saludo,es,"muy buenas, ¿qué tal?"\ntramites.bici,es,bici pública\n' },
        ],
        ids,
      );
      expect(good.problems).toEqual([]);
      if (good.parsed === undefined) throw new Error('not parsed');
      expect(await editor.applyImport(good.parsed, 'ana')).toEqual({ created: 1, updated: 1 });
      expect((await editor.getDraftIntent('tramites.bici'))?.utterances.es).toEqual(['alta en la bici', 'bici pública']);
      expect((await editor.getDraftIntent('conversacion.saludo'))?.utterances.es).toContain('muy buenas, ¿qué tal?');
      const draft = await editor.draftContent();
      expect(exportUtterancesCsv(draft)).toContain('conversacion.saludo,es,"muy buenas, ¿qué tal?"');
      // Export → import round trip is lossless.
      const again = parseImport(exportContentFiles(draft, 'yaml'), new Set());
      expect(again.problems).toEqual([]);
      expect(diffContent(draft, { ...draft, intents: again.parsed?.intents ?? [] }).changed).toEqual([]);
    });
  });
}

describe('masking and similarity', () => {
  it('masks DNI, NIE, phone, e-mail and IBAN', () => {
    expect(maskPersonalData('mi dni 12345678Z y nie X1234567L, tel 612 345 678, +34 912345678')).toBe('mi dni [DNI] y nie [NIE], tel [TELÉFONO], [TELÉFONO]');
    expect(maskPersonalData('escribe a ana.perez@example.org, IBAN ES91 2100 0418 4502 0005 1332')).toBe('escribe a [EMAIL], IBAN [IBAN]');
    expect(maskPersonalData('¿cuándo pasa el 27?')).toBe('¿cuándo pasa el 27?');
  });

  it('masks a megabyte of adversarial text (no pattern may be quadratic)', { timeout: 20_000 }, () => {
    for (const text of adversarialTexts(1_000_000)) expect(maskPersonalData(text).length).toBeGreaterThan(0);
  });

  it('groups questions by their content words', () => {
    expect(similarityKey('¿Dónde aparco el patinete?')).toBe(similarityKey('donde aparco patinete'));
  });
});
