/**
 * GTFS benchmark: import time of the two real CRTM feeds and next-departure latency (p50/p99) of
 * the `transporte.horarios` answer (stop matching + departures) on them. Prints its figures.
 * Skips with a message when ../shared/data/gtfs is absent.  Run: npx tsx bench/gtfs.ts
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importGtfsFeed } from '../src/intents/data/gtfs/import.js';
import { createGtfsProvider } from '../src/intents/data/gtfs/provider.js';
import { GtfsTimetable } from '../src/intents/data/gtfs/timetable.js';

const FEEDS = [
  { file: resolve('../shared/data/gtfs/crtm_metro_ligero_madrid_M10_20250220.zip'), now: '2025-03-12T08:00:00+01:00', questions: ['¿cuándo pasa el próximo metro ligero por Colonia Jardín?', 'next tram at Pinar de Chamartin', 'metro ligero Puerta de Boadilla'] },
  { file: resolve('../shared/data/gtfs/crtm_metro_madrid_M4_20250527.zip'), now: '2025-06-11T08:00:00+02:00', questions: ['¿cuándo pasa el próximo metro por Sol?', 'metro Plaza de Castilla', 'next metro at Nuevos Ministerios'] },
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const missing = FEEDS.filter((feed) => !existsSync(feed.file));
  if (missing.length > 0) {
    console.log(`[skip] GTFS bench: ${missing.map((feed) => feed.file).join(', ')} absent`);
    return;
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-gtfs-'));
  try {
    for (const feed of FEEDS) {
      const result = await importGtfsFeed({ dataDir: await mkdtemp(join(dataDir, 'one-')), path: feed.file });
      const f = result.imported;
      console.log(`import ${f.key}: ${(result.durationMs / 1000).toFixed(2)} s (${f.stops} stops, ${f.trips} trips, ${f.stopTimes} stop_times, ${f.frequencies} frequencies)`);
    }
    const both = join(dataDir, 'both');
    for (const feed of FEEDS) await importGtfsFeed({ dataDir: both, path: feed.file });
    const timetable = new GtfsTimetable(join(both, 'gtfs.db'));
    const provider = createGtfsProvider(timetable);
    timetable.places();
    for (const feed of FEEDS) {
      const now = new Date(feed.now);
      const timings: number[] = [];
      let answered = 0;
      const rounds = 200;
      for (let i = 0; i < rounds; i++) {
        const text = feed.questions[i % feed.questions.length] as string;
        const started = performance.now();
        const answer = await provider.answer({ intent: 'transporte.horarios', text, language: 'es', now });
        timings.push(performance.now() - started);
        if (answer !== undefined) answered++;
      }
      timings.sort((a, b) => a - b);
      console.log(
        `next departures (${feed.file.split('/').pop()}, both feeds loaded): p50 ${percentile(timings, 50).toFixed(2)} ms, p99 ${percentile(timings, 99).toFixed(2)} ms over ${rounds} questions (${answered} answered)`,
      );
    }
    const sample = await provider.answer({ intent: 'transporte.horarios', text: FEEDS[1]?.questions[0] ?? '', language: 'es', now: new Date(FEEDS[1]?.now ?? '') });
    console.log(`sample answer:\n${sample?.messages[0]?.kind === 'text' ? sample.messages[0].text : JSON.stringify(sample)}`);
    timetable.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
