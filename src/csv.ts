/**
 * CSV in and out of the hub (utterance imports and exports, reports), on csv-parse and
 * csv-stringify: RFC 4180 quoting, a UTF-8 byte-order mark on export so spreadsheets read accents,
 * `,` or `;` as separator (a spreadsheet in a Spanish locale saves `;`), and no formula injection:
 * a cell that a spreadsheet would run as a formula is written with a leading `'`.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export type CsvSeparator = ',' | ';';

/** The byte-order mark exports start with. */
export const CSV_BOM = '\uFEFF';

/** Quotes already added (or typed) in front of a formula start: one more is added on export, one removed on import. */
const QUOTED_FORMULA = /^'*[=+\-@\t\r]/;

/**
 * `value` made safe to open in a spreadsheet: a formula-looking cell gets a leading `'` (and so
 * does one that already starts with quotes before a formula character, so imports can undo it).
 */
export function safeCell(value: string): string {
  return QUOTED_FORMULA.test(value) ? `'${value}` : value;
}

/** The inverse of {@link safeCell} on import, so an export re-imports unchanged. */
export function unsafeCell(value: string): string {
  return value.startsWith("'") && QUOTED_FORMULA.test(value.slice(1)) ? value.slice(1) : value;
}

/** Writes rows as CSV with a BOM and a header line; every cell passes {@link safeCell}. */
export function writeCsv(header: readonly string[], rows: Iterable<readonly string[]>, options: { readonly separator?: CsvSeparator } = {}): string {
  const records = [[...header], ...[...rows].map((row) => row.map(safeCell))];
  return CSV_BOM + stringify(records, { delimiter: options.separator ?? ',', record_delimiter: '\n' });
}

/** One record and the line of the file it ends on. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * The separator of `text`: `;` when its first line has more `;` than `,` (a header such as
 * `intent;lang;utterance`), else `,`.
 */
export function detectSeparator(text: string): CsvSeparator {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const count = (ch: string): number => first.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/**
 * Reads CSV: BOM stripped, separator detected ({@link detectSeparator}) unless given, rows of any
 * length kept (the caller says which are wrong), blank lines skipped, cells passed through
 * {@link unsafeCell}. A file that is not CSV (an unclosed quote) is `{ error }` with its line.
 */
export function readCsv(text: string, options: { readonly separator?: CsvSeparator } = {}): { readonly records: CsvRecord[] } | { readonly error: { readonly line: number; readonly message: string } } {
  try {
    const parsed = parse(text, {
      bom: true,
      delimiter: options.separator ?? detectSeparator(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return { records: parsed.map(({ record, info }) => ({ line: info.lines, cells: record.map(unsafeCell) })) };
  } catch (error) {
    if (error instanceof CsvError) return { error: { line: typeof error.lines === 'number' ? error.lines : 0, message: error.message } };
    throw error;
  }
}
