/**
 * `ventanilla reports rebuild|export`: recompute the roll-ups, or write a report as CSV/JSON
 * (to `--out FILE` or stdout). Arguments are checked before the store is opened.
 */
import { writeFile } from 'node:fs/promises';
import { parseCommand, printExit, selectCommand, usageError, linePrinters, type CommandOutput } from '../cli/args.js';
import { REPORTS, REPORTS_EXPORT, REPORTS_REBUILD } from '../cli/commands.js';
import { isHubError } from '../core/errors.js';
import type { Store } from '../core/store/index.js';
import { rebuildDayTier } from './days.js';
import { loadReportsConfig, type ReportsConfig } from './definitions.js';
import { reportRows, toCsv } from './export.js';
import { PERIODS, runReport, type ReportQuery } from './queries.js';
import { rebuildRollups } from './rebuild.js';
import { toReportQuery } from './routes.js';
import { reportsDb } from './schema.js';

export interface ReportsCliDeps {
  readonly store: Store;
  readonly config: ReportsConfig;
}

async function configured(): Promise<ReportsCliDeps> {
  const [{ loadConfig }, { createStore }] = await Promise.all([import('../config.js'), import('../core/store/index.js')]);
  const hubConfig = loadConfig();
  return { config: loadReportsConfig(hubConfig.configDir), store: await createStore(hubConfig.databaseUrl) };
}

const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T | undefined =>
  value === undefined ? fallback : (allowed as readonly string[]).includes(value) ? (value as T) : undefined;

/** Runs `reports <command>`; returns the exit code (0 done, 1 failed, 2 usage error). */
export async function runReportsCli(args: readonly string[], output: CommandOutput, deps?: ReportsCliDeps): Promise<number> {
  const { out, err } = linePrinters(output);
  const selected = selectCommand(REPORTS, args);
  if (!selected.ok) return printExit(selected, out, err);
  if (selected.spec === REPORTS_REBUILD) {
    const parsed = parseCommand(REPORTS_REBUILD, selected.rest);
    if (!parsed.ok) return printExit(parsed, out, err);
    const opened = deps ?? (await configured());
    try {
      await opened.store.migrate();
      const started = Date.now();
      if (parsed.values.days === true) {
        const days = await rebuildDayTier(reportsDb(opened.store), opened.store.dialect, opened.config.timezone);
        out(`daily and hour-slice tiers rebuilt from the hourly roll-ups: ${days} day rows (${opened.config.timezone}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return 0;
      }
      const result = await rebuildRollups(opened.store, opened.config);
      out(`roll-ups rebuilt from ${result.events} stored events (${result.rows} increments) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    } finally {
      if (deps === undefined) await opened.store.close();
    }
  }
  const parsed = parseCommand(REPORTS_EXPORT, selected.rest);
  if (!parsed.ok) return printExit(parsed, out, err);
  const { from, to } = parsed.values;
  if (from === undefined || to === undefined) return printExit(usageError(REPORTS_EXPORT, 'say the range: --from DATE --to DATE'), out, err);
  const format = oneOf(parsed.values.format, ['csv', 'json'] as const, 'csv');
  const separator = oneOf(parsed.values.separator, ['semicolon', 'comma'] as const, 'semicolon');
  const rows = oneOf(parsed.values.rows, ['groups', 'series'] as const, 'groups');
  const period = oneOf(parsed.values.period, PERIODS, 'day');
  if (format === undefined) return printExit(usageError(REPORTS_EXPORT, '--format must be csv or json'), out, err);
  if (separator === undefined) return printExit(usageError(REPORTS_EXPORT, '--separator must be semicolon or comma'), out, err);
  if (rows === undefined) return printExit(usageError(REPORTS_EXPORT, '--rows must be groups or series'), out, err);
  if (period === undefined) return printExit(usageError(REPORTS_EXPORT, `--period must be one of ${PERIODS.join(', ')}`), out, err);
  const opened = deps ?? (await configured());
  try {
    let query: ReportQuery;
    try {
      query = toReportQuery({ from, to, period, ...(parsed.values.by === undefined ? {} : { by: parsed.values.by }) }, opened.config.timezone);
      if (query.from.getTime() >= query.to.getTime()) throw new Error(`--from must be before --to`);
    } catch (error) {
      return printExit(usageError(REPORTS_EXPORT, isHubError(error) || error instanceof Error ? error.message : String(error)), out, err);
    }
    await opened.store.migrate();
    let report;
    try {
      report = await runReport(reportsDb(opened.store), opened.config, query);
    } catch (error) {
      if (isHubError(error) && error.statusCode === 400) return printExit(usageError(REPORTS_EXPORT, error.message), out, err);
      throw error;
    }
    const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : toCsv(reportRows(report, rows), separator === 'comma' ? ',' : ';');
    if (parsed.values.out !== undefined) {
      await writeFile(parsed.values.out, text);
      out(`report written to ${parsed.values.out}`);
    } else output.write(text);
    return 0;
  } finally {
    if (deps === undefined) await opened.store.close();
  }
}
