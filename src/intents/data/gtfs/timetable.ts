/**
 * Read side of the GTFS database: the stop index and next departures at a place, computed from
 * stop_times or frequencies.txt and the service calendars, in the feed's time zone.
 *
 * GTFS times count from "noon minus 12 h" of the service day and may pass 24:00:00 (a trip of
 * Friday's service leaving at 25:10 leaves at 01:10 on Saturday), so departures are looked up on
 * yesterday's, today's and tomorrow's service days and turned into instants before comparing.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  addDays,
  compareDates,
  localDateOf,
  parseLocalDate,
  toGtfsDate,
  weekdayOf,
  zonedTimeToInstant,
  type LocalDate,
} from '../time.js';
import { displayName, nameTokens, normalizeText, type Place } from './stop-match.js';

/** One imported feed as the answers need it. */
export interface FeedInfo {
  readonly key: string;
  readonly timezone: string;
  readonly agencyName: string;
  readonly agencyUrl: string | undefined;
  /** First and last service dates (calendar.txt ranges and added calendar_dates). */
  readonly serviceStart: LocalDate | undefined;
  readonly serviceEnd: LocalDate | undefined;
}

export interface Departure {
  readonly at: Date;
  readonly feedKey: string;
  readonly timezone: string;
  readonly routeShortName: string;
  readonly routeType: number;
  readonly headsign: string;
  /** Set when computed from frequencies.txt: the headway then in force. */
  readonly headwaySecs?: number;
}

export type DeparturesResult =
  | { readonly status: 'ok'; readonly departures: readonly Departure[]; readonly feeds: readonly FeedInfo[] }
  /** `now` is outside the service dates of every feed serving the place. */
  | { readonly status: 'expired'; readonly feeds: readonly FeedInfo[] }
  | { readonly status: 'none'; readonly feeds: readonly FeedInfo[] };

export interface DeparturesOptions {
  /** How far ahead to look on the current service days (default 3 h). */
  readonly horizonSecs?: number;
  /** Cap on the departures returned (default 60). */
  readonly limit?: number;
  /** When nothing runs within the horizon, how many days ahead to look for the next service (default 7). */
  readonly lookAheadDays?: number;
}

const DAY_COLUMNS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

function feedKeyOf(id: string): string {
  const colon = id.indexOf(':');
  return colon === -1 ? '' : id.slice(0, colon);
}

interface StopRow {
  stop_id: string;
  stop_name: string | null;
  location_type: number | null;
  parent_station: string | null;
}

interface DepartureRow {
  dep: number;
  headsign: string | null;
  route_short_name: string | null;
  route_long_name: string | null;
  route_type: number;
}

interface FrequencyRow extends DepartureRow {
  start: number;
  end: number;
  headway: number;
  offset: number;
}

/**
 * The GTFS database opened read-only. It reopens itself when `gtfs import` swaps in a new file,
 * so a running hub answers from a new feed without a restart.
 */
export class GtfsTimetable {
  private db: Database.Database | undefined;
  private identity = '';
  private placeIndex: Place[] = [];
  private feedIndex = new Map<string, FeedInfo>();

  constructor(private readonly dbPath: string) {}

  /** True when a database file exists (even with no feed in it). */
  available(): boolean {
    return this.refresh();
  }

  places(): readonly Place[] {
    this.refresh();
    return this.placeIndex;
  }

  feeds(): ReadonlyMap<string, FeedInfo> {
    this.refresh();
    return this.feedIndex;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.identity = '';
  }

  private refresh(): boolean {
    let identity: string;
    try {
      const info = statSync(this.dbPath);
      identity = `${info.ino}:${info.mtimeMs}:${info.size}`;
    } catch {
      this.close();
      this.placeIndex = [];
      this.feedIndex = new Map();
      return false;
    }
    if (identity === this.identity && this.db !== undefined) return true;
    this.db?.close();
    this.db = new Database(this.dbPath, { readonly: true, fileMustExist: true });
    this.identity = identity;
    this.feedIndex = this.loadFeeds(this.db);
    this.placeIndex = this.loadPlaces(this.db);
    return true;
  }

  private loadFeeds(db: Database.Database): Map<string, FeedInfo> {
    const feeds = new Map<string, FeedInfo>();
    const agencies = db.prepare('SELECT agency_id, agency_name, agency_url, agency_timezone FROM agency').all() as {
      agency_id: string | null;
      agency_name: string;
      agency_url: string | null;
      agency_timezone: string;
    }[];
    const ranges = db
      .prepare(
        `SELECT k, min(d) AS first, max(d) AS last FROM (
           SELECT substr(service_id, 1, instr(service_id, ':') - 1) AS k, start_date AS d FROM calendar
           UNION ALL SELECT substr(service_id, 1, instr(service_id, ':') - 1), end_date FROM calendar
           UNION ALL SELECT substr(service_id, 1, instr(service_id, ':') - 1), date FROM calendar_dates WHERE exception_type = 1)
         GROUP BY k`,
      )
      .all() as { k: string; first: number; last: number }[];
    for (const range of ranges) {
      const agency = agencies.find((row) => row.agency_id !== null && feedKeyOf(row.agency_id) === range.k) ?? agencies[0];
      feeds.set(range.k, {
        key: range.k,
        timezone: agency?.agency_timezone ?? 'UTC',
        agencyName: agency?.agency_name ?? range.k,
        agencyUrl: agency?.agency_url ?? undefined,
        serviceStart: parseLocalDate(range.first),
        serviceEnd: parseLocalDate(range.last),
      });
    }
    return feeds;
  }

  private loadPlaces(db: Database.Database): Place[] {
    const served = new Set(
      (db.prepare('SELECT DISTINCT stop_id FROM stop_times').all() as { stop_id: string }[]).map((row) => row.stop_id),
    );
    const rows = db
      .prepare('SELECT stop_id, stop_name, location_type, parent_station FROM stops WHERE location_type IS NULL OR location_type IN (0, 1)')
      .all() as StopRow[];
    const byId = new Map(rows.map((row) => [row.stop_id, row]));
    // Group boarding stops under their parent station when the parent exists.
    const groups = new Map<string, { names: string[]; stopIds: string[]; aliases: Set<string> }>();
    for (const row of rows) {
      const parent = row.parent_station !== null && byId.has(row.parent_station) ? row.parent_station : undefined;
      const anchor = parent ?? row.stop_id;
      const anchorRow = byId.get(anchor) ?? row;
      let group = groups.get(anchor);
      if (group === undefined) {
        group = { names: [], stopIds: [], aliases: new Set() };
        groups.set(anchor, group);
      }
      if (anchorRow.stop_name) group.names.push(anchorRow.stop_name);
      if (row.stop_name) group.aliases.add(normalizeText(row.stop_name));
      if (served.has(row.stop_id)) group.stopIds.push(row.stop_id);
    }
    // Then merge groups that carry the same name: the citizen cannot tell them apart either.
    const byName = new Map<string, { names: string[]; stopIds: string[]; aliases: Set<string> }>();
    for (const group of groups.values()) {
      const name = group.names[0];
      if (name === undefined || group.stopIds.length === 0) continue;
      const normalized = normalizeText(name);
      const merged = byName.get(normalized) ?? { names: [], stopIds: [], aliases: new Set<string>() };
      merged.names.push(name);
      merged.stopIds.push(...group.stopIds);
      for (const alias of group.aliases) merged.aliases.add(alias);
      byName.set(normalized, merged);
    }
    const places: Place[] = [];
    for (const [normalized, merged] of byName) {
      // Prefer a name written with accents and mixed case over an upper-case one.
      const best = [...merged.names].sort((a, b) => score(b) - score(a))[0] as string;
      places.push({
        name: displayName(best),
        normalized,
        tokens: nameTokens(normalized),
        aliases: [...merged.aliases].filter((alias) => alias !== normalized).map(nameTokens),
        stopIds: [...new Set(merged.stopIds)],
        feedKeys: [...new Set(merged.stopIds.map(feedKeyOf))],
      });
    }
    return places;
  }

  private activeServices(db: Database.Database, feedKey: string, date: LocalDate): string[] {
    const day = DAY_COLUMNS[weekdayOf(date)] as string;
    const params = { len: feedKey.length + 1, prefix: `${feedKey}:`, date: toGtfsDate(date) };
    const rows = db
      .prepare(
        `SELECT service_id FROM calendar
           WHERE substr(service_id, 1, @len) = @prefix AND start_date <= @date AND end_date >= @date AND ${day} = 1
         UNION
         SELECT service_id FROM calendar_dates WHERE substr(service_id, 1, @len) = @prefix AND date = @date AND exception_type = 1
         EXCEPT
         SELECT service_id FROM calendar_dates WHERE substr(service_id, 1, @len) = @prefix AND date = @date AND exception_type = 2`,
      )
      .all(params) as { service_id: string }[];
    return rows.map((row) => row.service_id);
  }

  private departuresOnServiceDay(
    db: Database.Database,
    feed: FeedInfo,
    stopIds: readonly string[],
    serviceDate: LocalDate,
    fromInstant: number,
    toInstant: number,
    limit: number,
  ): Departure[] {
    const services = this.activeServices(db, feed.key, serviceDate);
    if (services.length === 0) return [];
    // Service-day origin: noon minus twelve hours, which differs from midnight on DST change days.
    const origin = zonedTimeToInstant(serviceDate, 12 * 3600, feed.timezone).getTime() - 12 * 3600 * 1000;
    const from = Math.floor((fromInstant - origin) / 1000);
    const to = Math.floor((Math.min(toInstant, origin + 8 * 86400 * 1000) - origin) / 1000);
    const stopMarks = stopIds.map(() => '?').join(', ');
    const serviceMarks = services.map(() => '?').join(', ');
    const headsign = `COALESCE(NULLIF(t.trip_headsign, ''), NULLIF(st.stop_headsign, ''),
        (SELECT s.stop_name FROM stop_times last JOIN stops s ON s.stop_id = last.stop_id
          WHERE last.trip_id = st.trip_id ORDER BY last.stop_sequence DESC LIMIT 1))`;
    // A trip's last stop is an arrival, not a departure; pickup_type 1 means nobody boards there.
    const boards = `(st.pickup_type IS NULL OR st.pickup_type <> 1)
        AND EXISTS (SELECT 1 FROM stop_times nxt WHERE nxt.trip_id = st.trip_id AND nxt.stop_sequence > st.stop_sequence)`;
    const timed = db
      .prepare(
        `SELECT st.departure_timestamp AS dep, ${headsign} AS headsign, r.route_short_name, r.route_long_name, r.route_type
           FROM stop_times st JOIN trips t ON t.trip_id = st.trip_id JOIN routes r ON r.route_id = t.route_id
          WHERE st.stop_id IN (${stopMarks}) AND t.service_id IN (${serviceMarks})
            AND st.departure_timestamp >= ? AND st.departure_timestamp <= ?
            AND NOT EXISTS (SELECT 1 FROM frequencies f WHERE f.trip_id = st.trip_id)
            AND ${boards}
          ORDER BY st.departure_timestamp LIMIT ?`,
      )
      .all(...stopIds, ...services, from, to, limit) as DepartureRow[];
    const frequencies = db
      .prepare(
        `SELECT f.start_timestamp AS start, f.end_timestamp AS end, f.headway_secs AS headway,
                st.departure_timestamp - (SELECT min(first.departure_timestamp) FROM stop_times first WHERE first.trip_id = st.trip_id) AS offset,
                0 AS dep, ${headsign} AS headsign, r.route_short_name, r.route_long_name, r.route_type
           FROM frequencies f JOIN trips t ON t.trip_id = f.trip_id JOIN routes r ON r.route_id = t.route_id
           JOIN stop_times st ON st.trip_id = f.trip_id
          WHERE st.stop_id IN (${stopMarks}) AND t.service_id IN (${serviceMarks}) AND f.headway_secs > 0 AND ${boards}`,
      )
      .all(...stopIds, ...services) as FrequencyRow[];

    const route = (row: DepartureRow): string => row.route_short_name || row.route_long_name || '';
    const result: Departure[] = timed.map((row) => ({
      at: new Date(origin + row.dep * 1000),
      feedKey: feed.key,
      timezone: feed.timezone,
      routeShortName: route(row),
      routeType: row.route_type,
      headsign: displayName(row.headsign ?? ''),
    }));
    for (const row of frequencies) {
      // Trips start every `headway` seconds in [start, end); the stop is `offset` seconds into the trip.
      const firstK = Math.max(0, Math.ceil((from - row.offset - row.start) / row.headway));
      for (let k = firstK, count = 0; count < limit; k++, count++) {
        const tripStart = row.start + k * row.headway;
        const dep = tripStart + row.offset;
        if (tripStart >= row.end || dep > to) break;
        result.push({
          at: new Date(origin + dep * 1000),
          feedKey: feed.key,
          timezone: feed.timezone,
          routeShortName: route(row),
          routeType: row.route_type,
          headsign: displayName(row.headsign ?? ''),
          headwaySecs: row.headway,
        });
      }
    }
    return result;
  }

  /**
   * Next departures at `place` from `now`, soonest first: those within the horizon on the current
   * service days; when none, the first ones of the next service day within `lookAheadDays`.
   * Feeds whose service dates do not include today's local date are not used; when that leaves
   * none, the result is `expired` (the answer must say the timetable is out of date).
   */
  nextDepartures(place: Place, now: Date, options: DeparturesOptions = {}): DeparturesResult {
    if (!this.refresh() || this.db === undefined) return { status: 'none', feeds: [] };
    const db = this.db;
    const horizon = (options.horizonSecs ?? 3 * 3600) * 1000;
    const limit = options.limit ?? 60;
    const lookAhead = options.lookAheadDays ?? 7;
    const allFeeds = place.feedKeys.map((key) => this.feedIndex.get(key)).filter((feed): feed is FeedInfo => feed !== undefined);
    const current = allFeeds.filter((feed) => {
      const today = localDateOf(now, feed.timezone);
      return (
        feed.serviceStart !== undefined &&
        feed.serviceEnd !== undefined &&
        compareDates(today, feed.serviceStart) >= 0 &&
        compareDates(today, feed.serviceEnd) <= 0
      );
    });
    if (current.length === 0) return { status: 'expired', feeds: allFeeds };

    const nowMs = now.getTime();
    const collect = (offsets: readonly number[], toMs: number): Departure[] => {
      const found: Departure[] = [];
      for (const feed of current) {
        const stopIds = place.stopIds.filter((id) => feedKeyOf(id) === feed.key);
        const today = localDateOf(now, feed.timezone);
        for (const offset of offsets) {
          found.push(...this.departuresOnServiceDay(db, feed, stopIds, addDays(today, offset), nowMs, toMs, limit));
        }
      }
      return found.filter((departure) => departure.at.getTime() >= nowMs).sort((a, b) => a.at.getTime() - b.at.getTime());
    };
    let departures = collect([-1, 0, 1], nowMs + horizon);
    if (departures.length === 0) {
      // Later today (after the horizon) first, then the following days.
      for (let day = 0; day <= lookAhead && departures.length === 0; day++) {
        departures = collect([day], Number.POSITIVE_INFINITY);
        // Keep the first service day's first departures only.
        const first = departures[0];
        if (first !== undefined) departures = departures.filter((d) => d.at.getTime() - first.at.getTime() <= horizon);
      }
    }
    if (departures.length === 0) return { status: 'none', feeds: current };
    return { status: 'ok', departures: departures.slice(0, limit), feeds: current };
  }
}

function score(name: string): number {
  let value = 0;
  if (name !== name.toUpperCase()) value += 2;
  if (/[^\u0020-\u007e]/.test(name)) value += 1;
  return value;
}
