import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import { INTENT_IDS } from '../../../src/intents/content/catalogue.js';
import { loadContent } from '../../../src/intents/content/loader.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'intents-content-'));
  await cp(DEFAULT_CONTENT_DIR, dir, { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function edit(file: string, change: (source: string) => string): Promise<void> {
  const path = join(dir, file);
  const before = await readFile(path, 'utf8');
  const after = change(before);
  // An edit that matches nothing would make the test pass for the wrong reason (content changed).
  if (after === before) throw new Error(`the test's edit of ${file} matched nothing: update it to the current content`);
  await writeFile(path, after);
}

async function loadError(): Promise<Error> {
  try {
    await loadContent(dir);
  } catch (error) {
    expect(isHubError(error, 'HUB_ERR_CONTENT')).toBe(true);
    return error as Error;
  }
  throw new Error('expected loadContent to throw');
}

describe('intent content loader', () => {
  it('loads the default content with exactly the catalogue ids, in five languages', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    expect([...content.intents.keys()].sort()).toEqual([...INTENT_IDS].sort());
    for (const intent of content.intents.values()) {
      for (const language of ['es', 'ca', 'gl', 'eu', 'en'] as const) {
        expect(intent.answers[language]?.short?.length).toBeLessThanOrEqual(200);
        expect(intent.utterances[language].length).toBeGreaterThanOrEqual(language === 'es' ? 15 : 10);
      }
    }
  });

  it('the 016 answer says the call leaves no trace on the phone bill', async () => {
    const content = await loadContent(DEFAULT_CONTENT_DIR);
    expect(content.intents.get('emergencia.016')?.answers.es?.text).toMatch(/no deja rastro en la factura/);
  });

  it('a YAML error names the file and the line', async () => {
    await edit('renta.yaml', (source) => source.replace('domain: renta', 'domain: renta\n  bad: [unclosed'));
    const error = await loadError();
    expect(error.message).toMatch(/renta\.yaml/);
    expect(error.message).toMatch(/YAML error/);
    expect(error.message).toMatch(/Fix:/);
  });

  it('a missing language names the file, the intent and the language', async () => {
    await edit('transporte.yaml', (source) => source.replace(/\n {6}eu:\n {8}text: "Villaventanan Transportes[^\n]*\n {8}short: [^\n]*/, ''));
    const error = await loadError();
    expect(error.message).toMatch(/transporte\.yaml/);
    expect(error.message).toMatch(/transporte\.horarios/);
    expect(error.message).toMatch(/"eu" is missing/);
  });

  it('an unknown intent id is refused with the list of valid ids', async () => {
    await edit('tramites.yaml', (source) => source.replace('  tramites.queja:', '  tramites.quejas:'));
    const error = await loadError();
    expect(error.message).toMatch(/tramites\.yaml: unknown intent id "tramites\.quejas"/);
    expect(error.message).toMatch(/tramites\.queja/);
  });

  it('an intent defined twice (in two files) is refused', async () => {
    const renta = await readFile(join(dir, 'renta.yaml'), 'utf8');
    const block = renta.slice(renta.indexOf('  renta.pago:'));
    await writeFile(join(dir, 'zz-extra.yaml'), `domain: renta\nintents:\n${block}`);
    const error = await loadError();
    expect(error.message).toMatch(/zz-extra\.yaml: intent "renta\.pago" is already defined in renta\.yaml/);
  });

  it.each([
    ['an empty list', 'gl: []'],
    ['a key without items', 'gl:'],
  ])('an empty utterance list (%s) is refused', async (_label, replacement) => {
    await edit('emergencia.yaml', (source) =>
      source.replace(/( {2}emergencia\.024:[\s\S]*?utterances:[\s\S]*?\n {6})gl:\n( {8}- [^\n]*\n)+/, `$1${replacement}\n`),
    );
    const error = await loadError();
    expect(error.message).toMatch(/emergencia\.yaml: intent "emergencia\.024" has no utterances in "gl"/);
  });

  it('a catalogue intent missing from every file is reported', async () => {
    await edit('renta.yaml', (source) => source.slice(0, source.indexOf('  renta.pago:')));
    const error = await loadError();
    expect(error.message).toMatch(/renta\.pago not found/);
  });
});
