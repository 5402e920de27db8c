/**
 * GTFS import with the `gtfs` package into one SQLite database, `<dataDir>/gtfs.db`, that holds
 * every imported feed side by side. Each feed has a key (from its file name, or given) that
 * prefixes all its ids (`demo:ESPANA`), so two feeds never collide and every row says which feed
 * it came from.
 *
 * `importGtfs` rebuilds its tables on every call, so an import re-imports all known feeds from the
 * copies kept in `<dataDir>/gtfs-sources/` into a new file and swaps it in with a rename: a running
 * hub keeps reading the old database until the new one is complete, and never sees half a feed.
 */
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { importGtfs } from 'gtfs';
import { HubError } from '../../../core/errors.js';

export const GTFS_DB_FILE = 'gtfs.db';
const MANIFEST_FILE = 'gtfs-feeds.json';
const SOURCES_DIR = 'gtfs-sources';

/** One imported feed, as recorded in `<dataDir>/gtfs-feeds.json`. */
export interface GtfsFeedRecord {
  readonly key: string;
  /** Where the feed was imported from (for the operator; the copy in gtfs-sources is what is re-imported). */
  readonly importedFrom: string;
  /** The kept copy, relative to the data dir. */
  readonly source: string;
  readonly importedAt: string;
}

/** What one feed holds after an import. */
export interface GtfsFeedSummary {
  readonly key: string;
  readonly agencies: readonly string[];
  readonly timezone: string;
  readonly stops: number;
  readonly routes: number;
  readonly trips: number;
  readonly stopTimes: number;
  readonly frequencies: number;
  /** First and last service dates (YYYY-MM-DD) from calendar.txt and calendar_dates.txt. */
  readonly serviceStart: string | undefined;
  readonly serviceEnd: string | undefined;
}

export interface GtfsImportResult {
  readonly dbPath: string;
  readonly imported: GtfsFeedSummary;
  readonly feeds: readonly GtfsFeedSummary[];
  readonly durationMs: number;
  /** Warnings the `gtfs` package reported (bad rows it skipped, unknown files). */
  readonly warnings: readonly string[];
}

/** `crtm_metro_ligero_madrid_M10_20250220.zip` → `crtm_metro_ligero_madrid_m10`: a newer dump of the same feed replaces the older one. */
export function feedKeyFromPath(path: string): string {
  const name = basename(resolve(path)).replace(/\.zip$/i, '');
  const key = name
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/(_\d{6,8})+$/, '')
    .replace(/^_+|_+$/g, '');
  return key === '' ? 'feed' : key;
}

async function readManifest(dataDir: string): Promise<GtfsFeedRecord[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dataDir, MANIFEST_FILE), 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (item): item is GtfsFeedRecord =>
        typeof item === 'object' && item !== null && typeof (item as GtfsFeedRecord).key === 'string' && typeof (item as GtfsFeedRecord).source === 'string',
    );
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Summaries of every feed in an imported database (reads the id prefixes). */
export function summariseFeeds(db: Database.Database, keys: readonly string[]): GtfsFeedSummary[] {
  const count = (table: string, column: string, key: string): number =>
    (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE substr(${column}, 1, ?) = ?`).get(key.length + 1, `${key}:`) as { n: number }).n;
  return keys.map((key) => {
    const prefix = `${key}:`;
    const agencies = db
      .prepare('SELECT agency_name, agency_timezone FROM agency WHERE substr(agency_id, 1, ?) = ? OR agency_id IS NULL')
      .all(prefix.length, prefix) as { agency_name: string; agency_timezone: string }[];
    const range = db
      .prepare(
        `SELECT min(d) AS first, max(d) AS last FROM (
           SELECT start_date AS d FROM calendar WHERE substr(service_id, 1, @len) = @prefix
           UNION ALL SELECT end_date FROM calendar WHERE substr(service_id, 1, @len) = @prefix
           UNION ALL SELECT date FROM calendar_dates WHERE substr(service_id, 1, @len) = @prefix AND exception_type = 1)`,
      )
        .get({ len: prefix.length, prefix }) as { first: number | string | null; last: number | string | null };
    const iso = (value: number | string | null): string | undefined => {
      if (value === null) return undefined;
      const digits = String(value);
      return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
    };
    return {
      key,
      agencies: agencies.map((agency) => agency.agency_name),
      timezone: agencies[0]?.agency_timezone ?? 'UTC',
      stops: count('stops', 'stop_id', key),
      routes: count('routes', 'route_id', key),
      trips: count('trips', 'trip_id', key),
      stopTimes: count('stop_times', 'trip_id', key),
      frequencies: count('frequencies', 'trip_id', key),
      serviceStart: iso(range.first),
      serviceEnd: iso(range.last),
    };
  });
}

/**
 * Imports a GTFS feed (a `.zip` or a directory of `.txt` files) into `<dataDir>/gtfs.db`, keeping
 * the feeds imported before. Re-importing a feed with the same key replaces it.
 *
 * @throws HubError `HUB_ERR_CONFIG` when the path is not a feed, `HUB_ERR_CONTENT` when the
 *   `gtfs` package rejects it (the message names the feed and the package's reason).
 */
export async function importGtfsFeed(options: {
  readonly dataDir: string;
  readonly path: string;
  readonly key?: string;
  readonly now?: Date;
}): Promise<GtfsImportResult> {
  const started = performance.now();
  const sourcePath = resolve(options.path);
  let isZip: boolean;
  try {
    const info = await stat(sourcePath);
    isZip = info.isFile();
    if (isZip && !/\.zip$/i.test(sourcePath)) throw new Error('not a .zip file');
    if (!isZip && !(await exists(join(sourcePath, 'stops.txt')))) throw new Error('the directory has no stops.txt');
  } catch (error) {
    throw new HubError(
      'HUB_ERR_CONFIG',
      `${options.path} is not a GTFS feed (${(error as Error).message}): give a .zip or a directory with agency.txt, stops.txt, routes.txt, trips.txt, stop_times.txt`,
      { cause: error },
    );
  }
  const key = options.key ?? feedKeyFromPath(sourcePath);
  if (!/^[a-z0-9_]+$/.test(key)) throw new HubError('HUB_ERR_CONFIG', `GTFS feed key "${key}" must be lower-case letters, digits and "_"`);

  const dataDir = resolve(options.dataDir);
  await mkdir(join(dataDir, SOURCES_DIR), { recursive: true });
  const keptRelative = join(SOURCES_DIR, isZip ? `${key}.zip` : key);
  const kept = join(dataDir, keptRelative);
  if (kept !== sourcePath) {
    await rm(kept, { recursive: true, force: true });
    await cp(sourcePath, kept, { recursive: true });
  }

  const previous = await readManifest(dataDir);
  const feeds: GtfsFeedRecord[] = [];
  for (const record of previous) {
    if (record.key !== key && (await exists(join(dataDir, record.source)))) feeds.push(record);
  }
  feeds.push({ key, importedFrom: sourcePath, source: keptRelative, importedAt: (options.now ?? new Date()).toISOString() });

  const dbPath = join(dataDir, GTFS_DB_FILE);
  const tempPath = `${dbPath}.importing-${process.pid}-${Date.now()}`;
  const warnings: string[] = [];
  const db = new Database(tempPath);
  let summaries: GtfsFeedSummary[];
  try {
    await importGtfs({
      db,
      sqlitePath: tempPath,
      verbose: false,
      logFunction: (text: string) => warnings.push(text),
      // Shapes are the bulk of most feeds and no answer draws a map.
      agencies: feeds.map((feed) => ({ path: join(dataDir, feed.source), prefix: `${feed.key}:`, exclude: ['shapes'] })),
    });
    summaries = summariseFeeds(db, feeds.map((feed) => feed.key));
    db.close();
  } catch (error) {
    db.close();
    await rm(tempPath, { force: true });
    throw new HubError('HUB_ERR_CONTENT', `GTFS import of ${options.path} failed: ${(error as Error).message}`, { cause: error });
  }
  await rename(tempPath, dbPath);
  const manifestTemp = join(dataDir, `${MANIFEST_FILE}.tmp-${process.pid}`);
  await writeFile(manifestTemp, `${JSON.stringify(feeds, null, 2)}\n`);
  await rename(manifestTemp, join(dataDir, MANIFEST_FILE));

  const imported = summaries.find((summary) => summary.key === key) as GtfsFeedSummary;
  return { dbPath, imported, feeds: summaries, durationMs: performance.now() - started, warnings };
}
