/**
 * Staff pages in the staff member's language: every marked text of the console and editor pages
 * is in the Spanish catalogue (with the page's own Spanish words), a dropped catalogue file adds a
 * language, a key it lacks warns once and stays Spanish, and the request picks the language.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_UI_CATALOGUE_DIR, createUiCatalogue, loadUiCatalogue } from '../../../src/http/ui-texts.js';

const PAGES = ['../../../src/handoff/console/static/index.html', '../../../src/editor/static/index.html'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
const spanish = parse(readFileSync(join(DEFAULT_UI_CATALOGUE_DIR, 'es.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
const lookup = (key: string): string | undefined => {
  const [section = '', name = ''] = key.split('.');
  const text = spanish[section]?.[name];
  return typeof text === 'string' ? text : undefined;
};

function dropEnglish(texts: Record<string, Record<string, unknown>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-ui-i18n-'));
  writeFileSync(join(dir, 'en.yaml'), JSON.stringify(texts));
  return dir;
}

describe('staff page texts', () => {
  it('every marked text of the console and editor is in es.yaml, with the words the page shows', () => {
    let marks = 0;
    for (const page of PAGES) {
      const html = readFileSync(page, 'utf8');
      for (const match of html.matchAll(/data-i18n="([^"]+)"[^>]*>([^<]*)</g)) {
        marks += 1;
        expect(lookup(match[1] ?? ''), match[1]).toBe(match[2]);
      }
      for (const match of html.matchAll(/\s([a-z-]+)="([^"]*)"[^>]*data-i18n-attr="([a-z-]+):([^"]+)"/g)) {
        if (match[1] === match[3]) expect(lookup(match[4] ?? ''), match[4]).toBe(match[2]);
      }
    }
    expect(marks).toBeGreaterThan(40);
  });

  it('a dropped English file translates the page and its lang; a missing key warns once and stays Spanish', () => {
    const english = { console: { ...spanish.console, loginTitle: 'Sign in', username: 'Username', conversationsNav: 'Conversations' } as Record<string, unknown> };
    delete english.console.password;
    const ui = loadUiCatalogue(dropEnglish(english));
    expect(ui.languages).toEqual(['es', 'ca', 'en', 'eu', 'gl']);
    // The editor section is missing entirely and the password key too: one warning per key.
    expect(ui.warnings.filter((w) => w.key === 'console.password').map((w) => w.language)).toEqual(['en']);
    expect(ui.warnings.some((w) => w.key === 'editor.title' && /en\.yaml: "editor\.title" is missing/.test(w.message))).toBe(true);
    const html = readFileSync(PAGES[0] ?? '', 'utf8');
    const rendered = ui.render(html, 'en');
    expect(rendered).toContain('<html lang="en">');
    expect(rendered).toContain('<h1 id="login-title" data-i18n="console.loginTitle">Sign in</h1>');
    expect(rendered).toContain('<label for="password" data-i18n="console.password">Contraseña</label>');
    expect(rendered).toContain('aria-label="Conversations"');
    // Spanish: the page as written, plus its scripts' texts.
    expect(ui.render(html, 'es').replace(/(id="ui-texts" data-i18n-script="[^"]*">)[^<]*</, '$1<')).toBe(html);
  });

  it('chooses ?lang=, then the cookie, then Accept-Language among the catalogues there are, else Spanish', () => {
    const ui = loadUiCatalogue();
    expect(ui.choose({})).toBe('es');
    expect(ui.choose({ acceptLanguage: 'en-GB,en;q=0.9,es;q=0.8' })).toBe('en');
    expect(ui.choose({ acceptLanguage: 'eu-ES,eu;q=0.9,es;q=0.5,en;q=0.4' })).toBe('eu');
    expect(ui.choose({ acceptLanguage: 'fr-FR,ca;q=0.5' })).toBe('ca');
    expect(ui.choose({ acceptLanguage: 'fr-FR' })).toBe('es');
    expect(ui.choose({ cookie: 'es', acceptLanguage: 'en' })).toBe('es');
    expect(ui.choose({ query: 'gl', cookie: 'es' })).toBe('gl');
  });
});

/** Every key under `prefix` of a parsed catalogue, with its text. */
function flat(source: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (typeof value === 'object' && value !== null) for (const [k, v] of flat(value, key)) out.set(k, v);
    else out.set(key, String(value));
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1] ?? '').sort();

describe('shipped staff-page catalogues and the texts the pages write at run time', () => {
  it('en, ca, gl and eu have exactly the keys of es (no warning) and the same {placeholders} per text', () => {
    const ui = loadUiCatalogue();
    expect(ui.languages).toEqual(['es', 'ca', 'en', 'eu', 'gl']);
    expect(ui.warnings).toEqual([]);
    const reference = flat(spanish);
    for (const language of ['en', 'ca', 'gl', 'eu']) {
      const own = flat(parse(readFileSync(join(DEFAULT_UI_CATALOGUE_DIR, `${language}.yaml`), 'utf8')));
      expect([...own.keys()].sort(), language).toEqual([...reference.keys()].sort());
      for (const [key, text] of reference) expect(placeholders(own.get(key) ?? ''), `${language}: ${key}`).toEqual(placeholders(text));
    }
  });

  it('every literal key the console and editor scripts ask for is in es.yaml', () => {
    const reference = flat(spanish);
    const scripts: [string, string[]][] = [
      ['console.script', ['console.js', 'waiting.js', 'presence-prompt.js', 'offers.js', 'canned.js'].map((file) => `../../../src/handoff/console/static/${file}`)],
      ['editor.script', ['editor.js', 'inbox.js'].map((file) => `../../../src/editor/static/${file}`)],
    ];
    let asked = 0;
    for (const [prefix, files] of scripts) {
      for (const file of files) {
        const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');
        for (const match of source.matchAll(/\b(?:t|T\.t|T\.n|T\.has|texts\.t)\(\s*'([a-zA-Z0-9.-]+)'\s*[,)]/g)) {
          const key = match[1] ?? '';
          asked += 1;
          const found = reference.has(`${prefix}.${key}`) || reference.has(`${prefix}.${key}.other`);
          expect(found, `${file}: ${key}`).toBe(true);
        }
      }
    }
    const slug = readFileSync(fileURLToPath(new URL('../../../src/editor/static/slug.js', import.meta.url)), 'utf8');
    for (const match of slug.matchAll(/say\('([a-zA-Z]+)'/g)) expect(reference.has(`editor.script.slug.${match[1] ?? ''}`), `slug.js: ${match[1]}`).toBe(true);
    expect(asked).toBeGreaterThan(150);
  });

  it('fills the page\'s data block with its scripts\' texts, in Spanish too, as JSON no text can break out of', () => {
    const ui = createUiCatalogue({
      es: { console: { title: 'Consola', script: { sent: 'Mensaje enviado.', evil: '</script><script>alert(1)</script>' } }, language: { eu: 'euskera' } },
      en: { console: { title: 'Console', script: { sent: 'Message sent.' } }, language: { eu: 'Basque' } },
    });
    const html = '<html lang="es"><head><script type="application/json" id="ui-texts" data-i18n-script="console.script language"></script></head><body><h1 data-i18n="console.title">Consola</h1></body></html>';
    const block = (rendered: string): unknown => JSON.parse(/id="ui-texts"[^>]*>([^<]*)<\/script>/.exec(rendered)?.[1] ?? 'null');
    const english = ui.render(html, 'en');
    expect(block(english)).toEqual({ sent: 'Message sent.', evil: '</script><script>alert(1)</script>', eu: 'Basque' });
    expect(english.match(/<\/script>/g)).toHaveLength(1);
    expect(block(ui.render(html, 'es'))).toMatchObject({ sent: 'Mensaje enviado.', eu: 'euskera' });
  });
});
