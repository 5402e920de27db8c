/**
 * Data-backed answers: the tax calendar (`config/renta/calendar.yaml`) and GTFS timetables
 * (`<dataDir>/gtfs.db`, filled by `ventanilla gtfs import`). The app builds the providers once at
 * start-up with {@link createDataProviders}; the CLI runs {@link runGtfsImport}.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommand, printExit, selectCommand } from '../../cli/args.js';
import { GTFS, GTFS_IMPORT } from '../../cli/commands.js';
import type { Clock } from '../../core/clock.js';
import { isHubError } from '../../core/errors.js';
import { storageError } from '../../core/storage-errors.js';
import type { DataAnswerProvider } from './contract.js';
import { GTFS_DB_FILE, importGtfsFeed, type GtfsFeedSummary } from './gtfs/import.js';
import { createGtfsProvider } from './gtfs/provider.js';
import { GtfsTimetable } from './gtfs/timetable.js';
import { loadRentaCalendar } from './renta/calendar.js';
import { createRentaProvider } from './renta/provider.js';

export type { DataAnswer, DataAnswerInput, DataAnswerProvider } from './contract.js';
export { importGtfsFeed, type GtfsImportResult, type GtfsFeedSummary } from './gtfs/import.js';
export { GtfsTimetable } from './gtfs/timetable.js';

export interface DataProvidersOptions {
  /** Where the hub keeps its data; the GTFS database is `<dataDir>/gtfs.db`. */
  readonly dataDir: string;
  /** The config directory: reads `renta/calendar.yaml` and, for the demo, `gtfs/demo/`. */
  readonly configDir: string;
  /** Used to stamp the demo import; answers use the turn's `now`. */
  readonly clock?: Clock;
  /** Overrides `<dataDir>/gtfs.db` (tests, a shared read-only database). */
  readonly gtfsDbPath?: string;
  /** Start-up log (default: none). */
  readonly log?: (line: string) => void;
}

/**
 * Builds the data-backed answer providers: the tax calendar (renta.plazos, renta.pago,
 * renta.cita) and the timetables (transporte.horarios).
 *
 * On first start (no GTFS database yet) it imports the demo feed `<configDir>/gtfs/demo/` when
 * present, so the default demo answers timetable questions. The timetable provider follows later
 * imports without a restart.
 *
 * @throws HubError `HUB_ERR_CONFIG` when the tax calendar is missing or invalid (names the file).
 */
export async function createDataProviders(options: DataProvidersOptions): Promise<readonly DataAnswerProvider[]> {
  const log = options.log ?? (() => undefined);
  const calendar = await loadRentaCalendar(join(options.configDir, 'renta', 'calendar.yaml'));
  const dbPath = options.gtfsDbPath ?? join(options.dataDir, GTFS_DB_FILE);
  const demo = join(options.configDir, 'gtfs', 'demo');
  if (options.gtfsDbPath === undefined && !existsSync(dbPath) && existsSync(join(demo, 'stops.txt'))) {
    const result = await importGtfsFeed({
      dataDir: options.dataDir,
      path: demo,
      key: 'demo',
      ...(options.clock === undefined ? {} : { now: options.clock() }),
    });
    log(`gtfs: no feed imported yet, imported the demo feed (${describe(result.imported)}) in ${Math.round(result.durationMs)} ms`);
  }
  const timetable = new GtfsTimetable(dbPath);
  return [createRentaProvider(calendar), createGtfsProvider(timetable)];
}

function describe(feed: GtfsFeedSummary): string {
  return `${feed.agencies.join(', ') || feed.key}: ${feed.stops} stops, ${feed.routes} routes, ${feed.trips} trips`;
}

/**
 * `ventanilla gtfs import <zip|dir> [--key name]`: imports a feed into `<dataDir>/gtfs.db` next to
 * the feeds already there (same key = replaced) and prints what was imported. `args` may start with
 * `gtfs` and `import`. Without `options.dataDir`, the configured data directory is used; problems
 * go to `options.err` (default `out`). Returns the exit code (0 ok, 1 failed import, 2 usage error).
 */
export async function runGtfsImport(
  args: readonly string[],
  out: (line: string) => void,
  options: { readonly dataDir?: string; readonly err?: (line: string) => void } = {},
): Promise<number> {
  const err = options.err ?? out;
  const selected = selectCommand(GTFS, args[0] === 'import' ? ['gtfs', ...args] : args);
  if (!selected.ok) return printExit(selected, out, err);
  const parsed = parseCommand(GTFS_IMPORT, selected.rest);
  if (!parsed.ok) return printExit(parsed, out, err);
  const key = parsed.values.key;
  const path = parsed.positionals[0] as string;
  const dataDir = options.dataDir ?? (await import('../../config.js')).loadConfig().dataDir;
  try {
    const result = await importGtfsFeed({ dataDir, path, ...(key === undefined ? {} : { key }) });
    const feed = result.imported;
    out(`Imported GTFS feed "${feed.key}" into ${result.dbPath}`);
    out(`  agencies:      ${feed.agencies.join(', ')} (${feed.timezone})`);
    out(`  stops:         ${feed.stops}`);
    out(`  routes:        ${feed.routes}`);
    out(`  trips:         ${feed.trips} (${feed.stopTimes} stop times, ${feed.frequencies} frequencies)`);
    out(`  service dates: ${feed.serviceStart ?? '?'} → ${feed.serviceEnd ?? '?'}`);
    out(`  time taken:    ${(result.durationMs / 1000).toFixed(1)} s`);
    const others = result.feeds.filter((other) => other.key !== feed.key);
    if (others.length > 0) out(`  also in the database: ${others.map((other) => `${other.key} (${other.serviceStart ?? '?'} → ${other.serviceEnd ?? '?'})`).join(', ')}`);
    for (const warning of result.warnings) out(`  warning: ${warning}`);
    return 0;
  } catch (caught) {
    const error = storageError(caught, { directory: dataDir }) ?? caught;
    err(isHubError(error) ? `${error.code}: ${error.message}` : `GTFS import failed: ${(error as Error).message}`);
    return 1;
  }
}
