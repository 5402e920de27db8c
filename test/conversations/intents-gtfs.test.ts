/**
 * Timetable questions in a conversation, on the demo feed (config/gtfs/demo): the line and the
 * stop named in the question, a stop name sent alone, and Basque stop names with case endings.
 * FakeChat turns run on Sunday 10 May 2026, 10:00 in Madrid (weekend timetable: the L1 leaves
 * Estación Norte at 09:00 and 12:00, the tram runs every 20 minutes from Plaza de España).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataProviders } from '../../src/intents/data/index.js';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../helpers/intents.js';
import { sharedModelCache } from '../helpers/model-cache.js';

let intents: Intents;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gtfs-chat-'));
  const providers = await createDataProviders({ dataDir, configDir: resolve('config') });
  intents = await createIntents({ providers, ...sharedModelCache() });
}, 120_000);
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('timetable questions in a conversation (demo feed)', () => {
  it('"¿cuándo pasa el L1 por la Plaza Mayor?" lists the L1 at Plaza Mayor, not a greeting', async () => {
    for (const locale of [undefined, 'es-ES', 'en-US']) {
      const chat = new FakeChat(intents, locale);
      await chat.send('¿cuándo pasa el L1 por la Plaza Mayor?');
      expect(chat.last?.nlu?.intent, locale).toBe('transporte.horarios');
      expect(chat.text()).toContain('Próximas salidas desde Plaza Mayor:');
      expect(chat.text()).toMatch(/• L1 → Hospital Gómez Ulla: 12:14/);
    }
  });

  it('a line named at a stop several lines serve lists only that line', async () => {
    const chat = new FakeChat(intents);
    await chat.send('¿a qué hora pasa el L1 por Plaza de España?');
    expect(chat.text()).toContain('Próximas salidas desde Plaza de España:');
    expect(chat.text()).toContain('• L1 →');
    expect(chat.text()).not.toContain('• T →');

    await chat.send('próximas salidas desde Plaza de España');
    expect(chat.text()).toContain('• L1 →');
    expect(chat.text()).toContain('• T →');
  });

  it('"Estación Norte" alone gives that stop\'s next departures, not the accessibility answer', async () => {
    for (const text of ['Estación Norte', 'estacion norte', 'Plaza Mayor']) {
      const chat = new FakeChat(intents);
      await chat.send(text);
      expect(chat.text(), text).toMatch(/Próximas salidas desde (Estación Norte|Plaza Mayor):/);
      expect(chat.text(), text).not.toMatch(/accesib/i);
    }
  });

  it('a stop name with more words is still read by the FAQ model ("accesibilidad de Estación Norte")', async () => {
    const chat = new FakeChat(intents);
    await chat.send('¿es accesible en silla de ruedas la Estación Norte?');
    expect(chat.last?.nlu?.intent).toBe('transporte.accesibilidad');
  });

  it('Basque stop names with case endings are matched to the feed\'s stops', async () => {
    const chat = new FakeChat(intents, 'eu');
    await chat.send('Noiz pasatzen da L1a Plaza Mayorretik?');
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toContain('Hurrengo irteerak');
    expect(chat.text()).toContain('Plaza Mayor');
    expect(chat.text()).not.toContain('Plaza de España');

    await chat.send('Zein ordutan irteten da autobusa Estación Nortetik?');
    expect(chat.text()).toContain('Estación Norte');
    expect(chat.text()).not.toMatch(/Zein geltoki/);
  });
});
