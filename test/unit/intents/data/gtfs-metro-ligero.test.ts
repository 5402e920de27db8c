import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importGtfsFeed } from '../../../../src/intents/data/gtfs/import.js';
import { createGtfsProvider } from '../../../../src/intents/data/gtfs/provider.js';
import { GtfsTimetable } from '../../../../src/intents/data/gtfs/timetable.js';

// Third-party data (CRTM Metro Ligero, calendars 2025-02-20 → 2026-02-20): evaluation only, never copied.
const FEED = resolve('../shared/data/gtfs/crtm_metro_ligero_madrid_M10_20250220.zip');
const canRun = existsSync(FEED) && existsSync('/usr/bin/unzip');
if (!canRun) console.log(`[skip] Metro Ligero GTFS test: ${FEED} (or the unzip command) is absent`);

/** Reads one file of the zip as rows of objects (these CRTM files have no quoted fields). */
function readCsv(name: string): Record<string, string>[] {
  const text = execFileSync('unzip', ['-p', FEED, name], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8').replace(/^\uFEFF/, '');
  const [header = '', ...lines] = text.split(/\r?\n/).filter((line) => line !== '');
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? '']));
  });
}

/**
 * The expectation, computed straight from the feed's text files: departures at every stop named
 * COLONIA JARDIN (not entrances), of trips whose service runs on Wednesday 2025-03-12 per
 * calendar.txt and calendar_dates.txt, at or after 08:00:00, excluding a trip's last stop, grouped
 * by route short name and headsign, first three per group, as HH:MM.
 */
function expectedDepartures(): Map<string, string[]> {
  const date = '20250312';
  const stopIds = new Set(
    readCsv('stops.txt')
      .filter((stop) => stop['stop_name'] === 'COLONIA JARDIN' && stop['location_type'] !== '2')
      .map((stop) => stop['stop_id']),
  );
  const services = new Set(
    readCsv('calendar.txt')
      .filter((row) => row['wednesday'] === '1' && (row['start_date'] ?? '') <= date && (row['end_date'] ?? '') >= date)
      .map((row) => row['service_id']),
  );
  for (const row of readCsv('calendar_dates.txt').filter((row) => row['date'] === date)) {
    if (row['exception_type'] === '1') services.add(row['service_id']);
    else services.delete(row['service_id']);
  }
  const routes = new Map(readCsv('routes.txt').map((route) => [route['route_id'], route['route_short_name'] ?? '']));
  const trips = new Map(readCsv('trips.txt').map((trip) => [trip['trip_id'], trip]));
  const stopTimes = readCsv('stop_times.txt');
  const lastSequence = new Map<string, number>();
  for (const row of stopTimes) {
    const id = row['trip_id'] ?? '';
    lastSequence.set(id, Math.max(lastSequence.get(id) ?? -1, Number(row['stop_sequence'])));
  }
  const found: { time: string; group: string }[] = [];
  for (const row of stopTimes) {
    const trip = trips.get(row['trip_id']);
    const time = (row['departure_time'] ?? '').padStart(8, '0');
    if (trip === undefined || !services.has(trip['service_id']) || !stopIds.has(row['stop_id'])) continue;
    if (Number(row['stop_sequence']) === lastSequence.get(row['trip_id'] ?? '')) continue;
    if (time < '08:00:00') continue;
    found.push({ time: time.slice(0, 5), group: `${routes.get(trip['route_id'])}|${(trip['trip_headsign'] ?? '').toLowerCase()}` });
  }
  found.sort((a, b) => a.time.localeCompare(b.time));
  const groups = new Map<string, string[]>();
  for (const { time, group } of found) {
    const times = groups.get(group) ?? [];
    if (times.length < 3) times.push(time);
    groups.set(group, times);
  }
  return groups;
}

describe.skipIf(!canRun)('Metro Ligero (real CRTM feed)', () => {
  let dataDir: string;
  let timetable: GtfsTimetable;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gtfs-ml-'));
    const result = await importGtfsFeed({ dataDir, path: FEED });
    expect(result.imported.trips).toBe(3001);
    timetable = new GtfsTimetable(result.dbPath);
  }, 60_000);
  afterAll(async () => {
    timetable?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('"¿cuándo pasa el próximo metro ligero por Colonia Jardín?" on a weekday morning lists the feed\'s stop_times', async () => {
    const provider = createGtfsProvider(timetable);
    const answer = await provider.answer({
      intent: 'transporte.horarios',
      text: '¿cuándo pasa el próximo metro ligero por Colonia Jardín?',
      language: 'es',
      now: new Date('2025-03-12T08:00:00+01:00'),
    });
    const message = answer?.messages[0];
    expect(message?.kind).toBe('text');
    const text = message?.kind === 'text' ? message.text : '';
    const lines = text.split('\n');
    expect(lines[0]).toBe('Próximas salidas desde Colonia Jardin:');

    const expected = expectedDepartures();
    expect(expected.size).toBeGreaterThan(0);
    const listed = lines.filter((line) => line.startsWith('• '));
    expect(listed).toHaveLength(expected.size);
    for (const line of listed) {
      const parsed = /^• (\S+) → (.+): ([\d:, ]+)$/.exec(line);
      expect(parsed, line).not.toBeNull();
      const [, route, headsign, times] = parsed as unknown as [string, string, string, string];
      expect(times.split(', '), line).toEqual(expected.get(`${route}|${headsign.toLowerCase()}`));
    }
  });

  it('with typos and in English and Catalan', async () => {
    const provider = createGtfsProvider(timetable);
    const now = new Date('2025-03-12T08:00:00+01:00');
    const en = await provider.answer({ intent: 'transporte.horarios', text: 'next train at Colonia Jardin', language: 'en', now });
    expect(en?.messages[0]).toMatchObject({ kind: 'text', text: expect.stringContaining('Next departures from Colonia Jardin:') });
    const ca = await provider.answer({ intent: 'transporte.horarios', text: 'propers trens a colnia jardin', language: 'ca', now });
    expect(ca?.messages[0]).toMatchObject({ kind: 'text', text: expect.stringContaining('Properes sortides des de Colonia Jardin:') });
  });

  it('after the feed\'s last service date, says the timetable is out of date', async () => {
    const provider = createGtfsProvider(timetable);
    const answer = await provider.answer({
      intent: 'transporte.horarios',
      text: 'metro ligero Colonia Jardín',
      language: 'es',
      now: new Date('2026-05-10T10:00:00+02:00'),
    });
    expect(answer?.messages[0]).toMatchObject({ kind: 'text', text: expect.stringContaining('está desactualizado (era válido del 1 de enero de 2025 al 20 de febrero de 2026)') });
  });
});
