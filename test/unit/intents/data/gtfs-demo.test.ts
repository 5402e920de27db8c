import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Language, OutboundMessage } from '../../../../src/core/message.js';
import type { DataAnswerProvider } from '../../../../src/intents/data/contract.js';
import { createDataProviders, runGtfsImport } from '../../../../src/intents/data/index.js';
import { matchStop, editDistance } from '../../../../src/intents/data/gtfs/stop-match.js';
import { GtfsTimetable } from '../../../../src/intents/data/gtfs/timetable.js';

// The demo feed (config/gtfs/demo), fictional Villaventana:
//   L1 bus, explicit stop_times: Estación Norte +0, Plaza de España +8, Plaza Mayor +14, Hospital Gómez Ulla +25 min;
//     weekdays (LAB) from Estación Norte 06:30 07:00 07:30 08:00 08:30 09:30 11:00 14:00 18:00 21:00 23:45 24:40,
//     back from the hospital 07:00 08:00 09:00 13:00 19:00 22:30 (Plaza de España +17);
//     weekends (FES) 09:00 12:00 15:00 20:00, back 10:00 13:00 18:00.
//   T tram, frequencies.txt: Plaza de España → Avenida de Castilla +6 → Polígono Sur +15;
//     LAB every 10 min 06:00–10:00, every 15 min 10:00–22:00; FES every 20 min 08:00–22:00.
//   calendar_dates: Friday 2026-05-15 runs the weekend service (LAB removed, FES added).
const CONFIG_DIR = resolve('config');
let dataDir: string;
let transport: DataAnswerProvider;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gtfs-demo-'));
  const providers = await createDataProviders({ dataDir, configDir: CONFIG_DIR });
  transport = providers.find((provider) => provider.intents.includes('transporte.horarios')) as DataAnswerProvider;
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function ask(text: string, iso: string, language: Language = 'es'): Promise<OutboundMessage | undefined> {
  const answer = await transport.answer({ intent: 'transporte.horarios', text, language, now: new Date(iso) });
  expect(answer === undefined || answer.messages.length === 1).toBe(true);
  return answer?.messages[0];
}

async function askText(text: string, iso: string, language: Language = 'es'): Promise<string> {
  const message = await ask(text, iso, language);
  if (message?.kind !== 'text') throw new Error(`expected a text answer, got ${JSON.stringify(message)}`);
  return message.text;
}

describe('next departures on the demo feed', () => {
  it('imports the demo feed on first start-up', () => {
    const timetable = new GtfsTimetable(join(dataDir, 'gtfs.db'));
    expect(timetable.places().map((place) => place.name).sort()).toEqual([
      'Avenida de Castilla', 'Estación Norte', 'Hospital Gómez Ulla', 'Plaza Mayor', 'Plaza de España', 'Polígono Sur',
    ]);
    timetable.close();
  });

  it('weekday morning: explicit stop_times per route and direction, with headsigns', async () => {
    const text = await askText('¿Cuándo pasa el próximo autobús por Plaza de España?', '2026-05-13T08:00:00+02:00');
    expect(text).toContain('Próximas salidas desde Plaza de España:');
    expect(text).toContain('• L1 → Hospital Gómez Ulla: 08:08, 08:38, 09:38');
    expect(text).toContain('• L1 → Estación Norte: 08:17, 09:17');
    // The tram ends at Plaza de España in one direction: arrivals are not departures.
    expect(text).not.toContain('T → Plaza de España');
  });

  it('frequencies.txt: headway-based departures (tram every 10 min on weekdays, 15 after 10:00)', async () => {
    expect(await askText('next tram at Plaza de España', '2026-05-13T07:55:00+02:00', 'en')).toContain('• T → Polígono Sur: 08:00, 08:10, 08:20 (every 10 min)');
    // At Avenida de Castilla the tram passes 6 min after leaving Plaza de España; at 09:55 the 10-min window ends.
    expect(await askText('tranvía Avenida de Castilla', '2026-05-13T09:55:00+02:00')).toContain('• T → Polígono Sur: 09:56, 10:06, 10:21');
  });

  it('calendar_dates exception: Friday 15 May 2026 runs the weekend timetable', async () => {
    const text = await askText('Plaza de España', '2026-05-15T08:00:00+02:00');
    expect(text).toContain('• L1 → Hospital Gómez Ulla: 09:08');
    expect(text).not.toContain('08:08');
    expect(text).toContain('• T → Polígono Sur: 08:00, 08:20, 08:40 (cada 20 min)');
    // The Friday before, an ordinary weekday.
    expect(await askText('autobús Plaza de España', '2026-05-08T08:00:00+02:00')).toContain('• L1 → Hospital Gómez Ulla: 08:08, 08:38, 09:38');
  });

  it('times past 24:00:00 belong to the previous service day', async () => {
    // Thursday 00:30: Wednesday's 24:40 trip leaves Estación Norte at 00:40 and Plaza de España at 00:48.
    expect(await askText('bus en estación norte', '2026-05-14T00:30:00+02:00')).toContain('• L1 → Hospital Gómez Ulla: 00:40');
    expect(await askText('bus en plaza de españa', '2026-05-14T00:45:00+02:00')).toContain('• L1 → Hospital Gómez Ulla: 00:48');
    // Saturday 00:30 after the exception Friday: Friday ran the weekend service, which has no late trip.
    expect(await askText('bus en estación norte', '2026-05-16T00:30:00+02:00')).toContain('Próximas salidas desde Estación Norte:\n• L1 → Hospital Gómez Ulla: 09:00, 12:00');
    // Sunday 20:30: nothing more on the weekend service today; Monday's first trips.
    expect(await askText('bus en estación norte', '2026-05-17T20:30:00+02:00')).toContain('Hoy ya no hay más salidas desde Estación Norte. Las próximas, el 18 de mayo:\n• L1 → Hospital Gómez Ulla: 06:30, 07:00, 07:30');
  });

  it('nothing more today: the next day\'s first departures, said so', async () => {
    const text = await askText('hospital gómez ulla', '2026-05-13T23:00:00+02:00', 'ca');
    expect(text).toContain("Avui ja no hi ha més sortides des de Hospital Gómez Ulla. Les properes, el 14 de maig:");
    expect(text).toContain('• L1 → Estación Norte: 07:00, 08:00, 09:00');
  });

  it('matches stops despite accents, case and typos, preferring the parent station', async () => {
    expect(await askText('PROXIMO BUS PLAZA ESPANA', '2026-05-13T08:00:00+02:00')).toContain('desde Plaza de España:');
    expect(await askText('cuando pasa el bus por el hospital gomes ula', '2026-05-13T08:00:00+02:00')).toContain('desde Hospital Gómez Ulla:');
    expect(await askText('Hurrengo autobusa Estazion Norte geltokitik', '2026-05-13T08:00:00+02:00', 'eu')).toContain('Hurrengo irteerak (Estación Norte):');
    // Both platforms of the station are used: each direction of L1 stops at a different one.
    expect(await askText('propers busos a poligono sur', '2026-05-13T08:00:00+02:00', 'ca')).toContain('• T → Plaza de España');
    expect(editDistance('colnia', 'colonia', 2)).toBe(1);
    expect(editDistance('jradin', 'jardin', 2)).toBe(1);
  });

  it('several different stops → a choices message whose payloads name each stop', async () => {
    const message = await ask('¿a qué hora pasa el autobús por la plaza?', '2026-05-13T08:00:00+02:00');
    expect(message).toEqual({
      kind: 'choices',
      text: '¿Qué parada quieres decir?',
      choices: [
        { title: 'Plaza de España', payload: 'Próximas salidas desde Plaza de España' },
        { title: 'Plaza Mayor', payload: 'Próximas salidas desde Plaza Mayor' },
      ],
    });
    // Sending a payload back answers for that stop.
    expect(await askText('Próximas salidas desde Plaza Mayor', '2026-05-13T08:00:00+02:00')).toContain('desde Plaza Mayor:');
  });

  it('no stop named → undefined (the written answer is used)', async () => {
    expect(await ask('¿cuándo pasa el autobús?', '2026-05-13T08:00:00+02:00')).toBeUndefined();
    expect(await ask('horarios del metro de Barcelona', '2026-05-13T08:00:00+02:00')).toBeUndefined();
  });

  it('expired (or not yet valid) feed → says the timetable is out of date, never invents times', async () => {
    const expired = await askText('bus plaza mayor', '2028-03-01T08:00:00+01:00');
    expect(expired).toContain('El horario que tengo para Plaza Mayor está desactualizado');
    expect(expired).toContain('31 de diciembre de 2027');
    expect(expired).not.toMatch(/\d\d:\d\d/);
    expect(await askText('bus plaza mayor', '2028-03-01T08:00:00+01:00', 'en')).toContain('is out of date');
    expect(await askText('bus plaza mayor', '2025-12-01T08:00:00+01:00', 'gl')).toContain('aínda non está en vigor');
  });

  it('answers in Galician and Basque', async () => {
    expect(await askText('cando pasa o bus pola Praza de España', '2026-05-13T08:00:00+02:00', 'gl')).toContain('Próximas saídas desde Plaza de España:');
    expect(await askText('tranbia Plaza Mayor', '2026-05-13T08:00:00+02:00', 'eu')).toContain('• L1 → Hospital Gómez Ulla: 08:14, 08:44, 09:44');
  });
});

describe('ventanilla gtfs import', () => {
  it('prints what was imported and keeps earlier feeds (agencies keyed by feed)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gtfs-cli-'));
    try {
      const lines: string[] = [];
      expect(await runGtfsImport(['import', join(CONFIG_DIR, 'gtfs', 'demo')], (line) => lines.push(line), { dataDir: dir })).toBe(0);
      expect(lines.join('\n')).toMatch(/Imported GTFS feed "demo"[\s\S]*agencies: +Transportes Urbanos de Villaventana \(Europe\/Madrid\)[\s\S]*stops: +9[\s\S]*routes: +2[\s\S]*trips: +29 \(112 stop times, 6 frequencies\)[\s\S]*service dates: 2026-01-01 → 2027-12-31[\s\S]*time taken:/);
      // A second feed under another key: both stay queryable.
      const copy = join(dir, 'other-town');
      await mkdir(copy);
      await cp(join(CONFIG_DIR, 'gtfs', 'demo'), copy, { recursive: true });
      lines.length = 0;
      expect(await runGtfsImport(['import', copy, '--key', 'othertown'], (line) => lines.push(line), { dataDir: dir })).toBe(0);
      expect(lines.join('\n')).toContain('also in the database: demo (2026-01-01 → 2027-12-31)');
      const timetable = new GtfsTimetable(join(dir, 'gtfs.db'));
      expect([...timetable.feeds().keys()].sort()).toEqual(['demo', 'othertown']);
      timetable.close();

      lines.length = 0;
      await writeFile(join(dir, 'not-a-feed.zip'), 'nope');
      expect(await runGtfsImport(['import', join(dir, 'missing')], (line) => lines.push(line), { dataDir: dir })).toBe(1);
      expect(lines[0]).toMatch(/HUB_ERR_CONFIG: .*missing is not a GTFS feed/);
      expect(await runGtfsImport(['import'], (line) => lines.push(line), { dataDir: dir })).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('matchStop', () => {
  it('returns none for a question with only function words', () => {
    expect(matchStop('¿cuándo pasa el próximo?', [])).toEqual({ kind: 'none' });
  });
});
