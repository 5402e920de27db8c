/**
 * CSV in and out (src/csv.ts): what a spreadsheet user sees when they open an export, and what an
 * import makes of a file a spreadsheet saved.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, readCsv, writeCsv } from '../../src/csv.js';

function records(text: string): readonly (readonly string[])[] {
  const parsed = readCsv(text);
  if ('error' in parsed) throw new Error(parsed.error.message);
  return parsed.records.map((record) => record.cells);
}

describe('CSV', () => {
  it('exports start with a byte-order mark and a header, and quote separators, quotes and newlines', () => {
    const text = writeCsv(['intent', 'lang', 'utterance'], [['a', 'es', 'hola, "tú"\nadiós']]);
    expect(text.startsWith(`${CSV_BOM}intent,lang,utterance\n`)).toBe(true);
    expect(text).toContain('a,es,"hola, ""tú""\nadiós"');
  });

  it('a cell a spreadsheet would run as a formula is written with a leading quote', () => {
    const text = writeCsv(['utterance'], [['=HYPERLINK("http://x")'], ['+34 600'], ['-1'], ['@SUM(A1)'], ['hola = adiós']]);
    expect(text).toContain(`'=HYPERLINK`);
    expect(text).toContain(`'+34 600`);
    expect(text).toContain(`'-1`);
    expect(text).toContain(`'@SUM(A1)`);
    expect(text).toContain('\nhola = adiós\n');
  });

  it('reads a file saved with ";" and a BOM, as a Spanish-locale spreadsheet writes it', () => {
    expect(records(`${CSV_BOM}intent;lang;utterance\nsaludo;es;"hola; buenas, qué tal"\n`)).toEqual([
      ['intent', 'lang', 'utterance'],
      ['saludo', 'es', 'hola; buenas, qué tal'],
    ]);
  });

  it('says on which line an unclosed quote opens', () => {
    expect(readCsv('a,b,c\nd,"e,f\n')).toEqual({ error: { line: 2, message: expect.stringContaining('Quote Not Closed') } });
  });

  it('any rows survive export and import unchanged, with either separator', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'ñ', ',', ';', '"', '\n', ' ', '=', '+', '-', '@', "'", 'x'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 5 }), fc.constantFrom(',' as const, ';' as const), (rows, separator) => {
        const text = writeCsv(['k', 'v'], rows, { separator });
        expect(readCsv(text, { separator })).toEqual({ records: expect.any(Array) });
        // Blank rows are skipped on import, as a spreadsheet's empty lines.
        const expected = rows.filter(([k, v]) => k !== '' || v !== '');
        expect(records(text).slice(1).filter((row) => row.some((c) => c !== ''))).toEqual(expected);
      }),
    );
  });
});
