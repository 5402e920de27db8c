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
import { DEFAULT_UI_CATALOGUE_DIR, loadUiCatalogue } from '../../../src/http/ui-texts.js';

const PAGES = ['../../../src/handoff/console/static/index.html', '../../../src/editor/static/index.html'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
const spanish = parse(readFileSync(join(DEFAULT_UI_CATALOGUE_DIR, 'es.yaml'), 'utf8')) as Record<string, Record<string, string>>;
const lookup = (key: string): string | undefined => {
  const [section = '', name = ''] = key.split('.');
  return spanish[section]?.[name];
};

function dropEnglish(texts: Record<string, Record<string, string>>): string {
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
    const english = { console: { ...spanish.console, loginTitle: 'Sign in', username: 'Username', conversationsNav: 'Conversations' } as Record<string, string> };
    delete english.console.password;
    const ui = loadUiCatalogue(dropEnglish(english));
    expect(ui.languages).toEqual(['es', 'en']);
    // The editor section is missing entirely and the password key too: one warning per key.
    expect(ui.warnings.filter((w) => w.key === 'console.password').map((w) => w.language)).toEqual(['en']);
    expect(ui.warnings.some((w) => w.key === 'editor.title' && /en\.yaml: "editor\.title" is missing/.test(w.message))).toBe(true);
    const html = readFileSync(PAGES[0] ?? '', 'utf8');
    const rendered = ui.render(html, 'en');
    expect(rendered).toContain('<html lang="en">');
    expect(rendered).toContain('<h1 id="login-title" data-i18n="console.loginTitle">Sign in</h1>');
    expect(rendered).toContain('<label for="password" data-i18n="console.password">Contraseña</label>');
    expect(rendered).toContain('aria-label="Conversations"');
    expect(ui.render(html, 'es')).toBe(html);
  });

  it('chooses ?lang=, then the cookie, then Accept-Language among the catalogues there are, else Spanish', () => {
    const ui = loadUiCatalogue(dropEnglish({ console: { ...spanish.console } as Record<string, string> }));
    expect(ui.choose({})).toBe('es');
    expect(ui.choose({ acceptLanguage: 'en-GB,en;q=0.9,es;q=0.8' })).toBe('en');
    expect(ui.choose({ acceptLanguage: 'eu-ES,eu;q=0.9,es;q=0.5,en;q=0.4' })).toBe('es');
    expect(ui.choose({ acceptLanguage: 'fr-FR' })).toBe('es');
    expect(ui.choose({ cookie: 'es', acceptLanguage: 'en' })).toBe('es');
    expect(ui.choose({ query: 'en', cookie: 'es' })).toBe('en');
    expect(loadUiCatalogue().choose({ acceptLanguage: 'en' })).toBe('es');
  });
});
