/**
 * Report exports: CSV for spreadsheets (UTF-8 with BOM; `;` with decimal commas as Spanish
 * spreadsheets expect, or `,` with decimal points) and JSON. Text cells that a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, tab, CR) get a leading apostrophe.
 */
import { stringify } from 'csv-stringify/sync';
import type { SliceName } from './definitions.js';
import type { Indicators } from './indicators.js';
import type { Report } from './queries.js';

export type Separator = ';' | ',';

/** One flat record per indicator field (`handoffReasons.citizen`, `satisfactionDistribution.5`…). */
export function flattenIndicators(indicators: Indicators): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(indicators) as [string, unknown][]) {
    if (value !== null && typeof value === 'object') {
      for (const [sub, subValue] of Object.entries(value as Record<string, number>)) out[`${key}.${sub}`] = subValue;
    } else out[key] = value as number | null;
  }
  return out;
}

/** Neutralises a text cell a spreadsheet would evaluate (CSV formula injection). */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Rows of a report: one per group (`groups`) or per period (`series`). */
export function reportRows(report: Report, rows: 'groups' | 'series'): Record<string, string | number | null>[] {
  if (rows === 'series') return report.series.map((point) => ({ period: point.period, start: point.start, ...flattenIndicators(point.indicators) }));
  if (report.by.length === 0) return [{ from: report.from, to: report.to, ...flattenIndicators(report.total) }];
  return report.groups.map((group) => {
    const key: Record<string, string> = {};
    for (const name of report.by as readonly SliceName[]) key[name] = group.key[name] ?? '';
    return { from: report.from, to: report.to, ...key, ...flattenIndicators(group.indicators) };
  });
}

/** The CSV text (with BOM) of report rows. */
export function toCsv(records: readonly Record<string, string | number | null>[], separator: Separator = ';'): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const cell = (value: string | number | null | undefined): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'number') {
      const text = Number.isInteger(value) ? String(value) : String(Math.round(value * 10_000) / 10_000);
      return separator === ';' ? text.replace('.', ',') : text;
    }
    return safeCell(value);
  };
  return stringify(
    records.map((record) => columns.map((column) => cell(record[column]))),
    { bom: true, delimiter: separator, header: true, columns, record_delimiter: 'windows' },
  );
}
