/**
 * Message catalogues: the shipped files are complete in all five languages; a text missing in one
 * language is warned about once (naming file and key) and falls back to Spanish, never to an empty
 * message; a broken Spanish catalogue stops start-up naming the key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalogue, createCatalogue, DEFAULT_CATALOGUE_DIR, loadCatalogue, useCatalogue, type CatalogueWarning } from '../../../src/core/i18n.js';
import { LANGUAGES } from '../../../src/core/message.js';

const shipped = (language: string): unknown => parse(readFileSync(join(DEFAULT_CATALOGUE_DIR, `${language}.yaml`), 'utf8'));

describe('message catalogues', () => {
  it('the shipped catalogues have every text in every language, translated (no warnings)', () => {
    const catalogue = loadCatalogue();
    expect(catalogue.warnings).toEqual([]);
    const spanish = catalogue.section('es', 'widget');
    for (const language of LANGUAGES.filter((l) => l !== 'es')) {
      const texts = catalogue.section(language, 'widget');
      expect(Object.keys(texts).sort()).toEqual(Object.keys(spanish).sort());
      // Translated, not copied: the welcome and the input label differ from Spanish.
      expect(texts.welcome).not.toBe(spanish.welcome);
      expect(texts.inputLabel).not.toBe(spanish.inputLabel);
      expect(catalogue.text(language, 'x.privacyWarning')).not.toBe(catalogue.text('es', 'x.privacyWarning'));
    }
  });

  it('a text missing in Basque warns once, naming file and key, and falls back to Spanish', () => {
    const eu = shipped('eu') as { x: Record<string, unknown> };
    delete eu.x.dmInvitation;
    eu.x.privacyWarning = '   ';
    const catalogue = createCatalogue({ es: shipped('es'), ca: shipped('ca'), gl: shipped('gl'), eu, en: shipped('en') });
    expect(catalogue.warnings.map((w) => [w.language, w.key])).toEqual([
      ['eu', 'x.privacyWarning'],
      ['eu', 'x.dmInvitation'],
    ]);
    expect(catalogue.warnings[1]?.message).toMatch(/config\/i18n\/eu\.yaml: "x\.dmInvitation" is missing; the Spanish text is used/);
    expect(catalogue.text('eu', 'x.dmInvitation')).toBe(catalogue.text('es', 'x.dmInvitation'));
    expect(catalogue.text('eu', 'x.privacyWarning')).toBe(catalogue.text('es', 'x.privacyWarning'));
    // Reading the text again does not warn again: warnings are counted at load only.
    catalogue.text('eu', 'x.dmInvitation');
    expect(catalogue.warnings).toHaveLength(2);
  });

  it('a language without any file gets Spanish for everything, with a warning per key', () => {
    const catalogue = createCatalogue({ es: shipped('es') });
    expect(catalogue.text('gl', 'whatsapp.listButton')).toBe('Ver opciones');
    expect(catalogue.warnings.filter((w) => w.language === 'gl').length).toBeGreaterThan(10);
  });

  it('a translation with a placeholder the hub does not fill falls back to Spanish', () => {
    const en = shipped('en') as { widget: Record<string, unknown> };
    en.widget.tooLong = 'Too long (at most {maximum}).';
    const catalogue = createCatalogue({ es: shipped('es'), en });
    expect(catalogue.warnings.find((w) => w.language === 'en' && w.key === 'widget.tooLong')?.message).toMatch(/\{maximum\}/);
    expect(catalogue.text('en', 'widget.tooLong', { max: 10000 })).toBe('El mensaje es demasiado largo (máximo 10.000 caracteres).');
  });

  it('fills numbers with Intl in the text language', () => {
    const catalogue = loadCatalogue();
    expect(catalogue.text('en', 'widget.tooLong', { max: 10000 })).toContain('10,000');
    expect(catalogue.text('es', 'widget.tooLong', { max: 10000 })).toContain('10.000');
  });

  it('refuses a Spanish catalogue that is missing or has an empty text, naming the key', () => {
    expect(() => createCatalogue({})).toThrow(/es\.yaml is missing/);
    const es = shipped('es') as { widget: Record<string, unknown> };
    es.widget.send = '';
    expect(() => createCatalogue({ es })).toThrow(/"widget\.send" must be a non-empty text/);
  });

  it('loads a folder with a partial language file (the start-up path)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-i18n-'));
    writeFileSync(join(dir, 'es.yaml'), readFileSync(join(DEFAULT_CATALOGUE_DIR, 'es.yaml')));
    writeFileSync(join(dir, 'eu.yaml'), 'whatsapp:\n  listButton: Ikusi aukerak\n');
    const catalogue = loadCatalogue(dir);
    expect(catalogue.text('eu', 'whatsapp.listButton')).toBe('Ikusi aukerak');
    expect(catalogue.text('eu', 'widget.send')).toBe('Enviar');
    expect(catalogue.warnings.some((w) => w.language === 'eu' && w.key === 'widget.send')).toBe(true);
  });

  it('start-up (useCatalogue) reports each warning once and makes that catalogue the hub\'s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-i18n-'));
    writeFileSync(join(dir, 'es.yaml'), readFileSync(join(DEFAULT_CATALOGUE_DIR, 'es.yaml')));
    for (const language of ['ca', 'gl', 'en']) writeFileSync(join(dir, `${language}.yaml`), readFileSync(join(DEFAULT_CATALOGUE_DIR, `${language}.yaml`)));
    const eu = readFileSync(join(DEFAULT_CATALOGUE_DIR, 'eu.yaml'), 'utf8').replace(/^ {2}listButton: .*$/m, '  listButton: ""');
    writeFileSync(join(dir, 'eu.yaml'), eu);
    const warnings: CatalogueWarning[] = [];
    try {
      useCatalogue(dir, (warning) => warnings.push(warning));
      expect(warnings.map((w) => `${w.language}:${w.key}`)).toEqual(['eu:whatsapp.listButton']);
      expect(catalogue().text('eu', 'whatsapp.listButton')).toBe('Ver opciones');
      catalogue().text('eu', 'whatsapp.listButton');
      expect(warnings).toHaveLength(1);
    } finally {
      useCatalogue(DEFAULT_CATALOGUE_DIR, () => undefined);
    }
    expect(catalogue().text('eu', 'whatsapp.listButton')).toBe('Ikusi aukerak');
  });
});
