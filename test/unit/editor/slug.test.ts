/**
 * The editor page's intent ids (src/editor/static/slug.js, the very file the page loads): made
 * from the title, and explained in Spanish when wrong — never the browser's bare "Please match
 * the requested format.". The pattern is the content schema's.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INTENT_ID_PATTERN, INTENT_ID_RE } from '../../../src/intents/content/schema.js';

interface Slug {
  slugify(text: string): string;
  domainSlug(text: string): string;
  intentId(domain: string, title: string): string;
  idProblem(id: string, pattern: string): string;
}

const context: { ventanillaSlug?: Slug } = {};
runInNewContext(readFileSync(new URL('../../../src/editor/static/slug.js', import.meta.url), 'utf8'), context);
const slug = context.ventanillaSlug as Slug;

describe('intent id from the title', () => {
  it('drops accents, ñ and punctuation, joins words with _', () => {
    expect(slug.slugify('Bicicleta pública')).toBe('bicicleta_publica');
    expect(slug.intentId('tramites', 'Bicicleta pública')).toBe('tramites.bicicleta_publica');
    expect(slug.slugify('¿Año de la señal?')).toBe('ano_de_la_senal');
    expect(slug.slugify('Col·legi electoral')).toBe('collegi_electoral');
    expect(slug.slugify('Ordutegia: 2026 / 2027')).toBe('ordutegia_2026_2027');
    expect(slug.intentId('', 'Bicicleta pública')).toBe('');
    expect(slug.intentId('Trámites', '')).toBe('');
    expect(slug.domainSlug('2 Trámites')).toBe('tramites');
  });

  it('always makes an id the server accepts, whatever the title (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.string({ maxLength: 60 }), (title, domain) => {
        const id = slug.intentId(domain, title);
        expect(id === '' || INTENT_ID_RE.test(id), id).toBe(true);
        if (id !== '') expect(slug.idProblem(id, INTENT_ID_PATTERN)).toBe('');
      }),
      { numRuns: 500 },
    );
  });
});

describe('the format explained in words', () => {
  it('says what is wrong and suggests the fixed id', () => {
    const problem = (id: string) => slug.idProblem(id, INTENT_ID_PATTERN);
    expect(problem('tramites.bicicleta_publica')).toBe('');
    expect(problem('bicicleta pública')).toBe('Falta el dominio: el identificador es dominio.nombre (p. ej. tramites.bicicleta_publica). Prueba con «tramites.bicicleta_publica».');
    expect(problem('tramites.bicicleta pública')).toContain('Sin espacios: usa _ entre palabras');
    expect(problem('tramites.bicicleta pública')).toContain('«tramites.bicicleta_publica»');
    expect(problem('Tramites.Bici')).toContain('Solo minúsculas');
    expect(problem('tramites.bicicleta_pública')).toContain('sin tildes ni ñ');
    expect(problem('')).toContain('dominio.nombre');
    expect(problem('tramites.')).toContain('Falta el nombre');
    for (const bad of ['bicicleta pública', 'a.b.c', '1tramites.x', 'tramites.' + 'x'.repeat(61)]) {
      expect(problem(bad), bad).not.toBe('');
      expect(problem(bad)).not.toContain('Please match');
    }
  });
});
