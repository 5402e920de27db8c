/**
 * Stop names with Basque case endings, a stop name sent alone, and the line a question names.
 */
import { describe, expect, it } from 'vitest';
import type { Departure } from '../../../../src/intents/data/gtfs/timetable.js';
import { linesNamed } from '../../../../src/intents/data/gtfs/provider.js';
import { basqueStems, matchStop, nameTokens, normalizeText, placeNamedAlone, type Place } from '../../../../src/intents/data/gtfs/stop-match.js';

const place = (name: string): Place => {
  const normalized = normalizeText(name);
  return { name, normalized, tokens: nameTokens(normalized), stopIds: [`demo:${normalized}`], feedKeys: ['demo'] };
};
const PLACES = ['Estación Norte', 'Plaza de España', 'Plaza Mayor', 'Hospital Gómez Ulla', 'Avenida de Castilla', 'Polígono Sur'].map(place);
const nameOf = (text: string): string | undefined => {
  const match = matchStop(text, PLACES);
  return match.kind === 'one' ? match.place.name : match.kind;
};

describe('Basque case endings on stop names', () => {
  it('stems the endings, undoubling the r of words ending in r', () => {
    expect(basqueStems('mayorretik')).toContain('mayor');
    expect(basqueStems('nortera')).toContain('norte');
    expect(basqueStems('ullako')).toContain('ulla');
    expect(basqueStems('surreko')).toContain('sur');
    expect(basqueStems('sol')).toEqual([]);
  });

  it('matches the feed\'s stops whatever the ending (ablative, allative, genitive, inessive)', () => {
    expect(nameOf('noiz pasatzen da L1a Plaza Mayorretik?')).toBe('Plaza Mayor');
    expect(nameOf('Plaza Mayorrera joan nahi dut')).toBe('Plaza Mayor');
    expect(nameOf('hurrengo autobusa Estación Nortetik')).toBe('Estación Norte');
    expect(nameOf('Hospital Gómez Ullara noiz iristen da?')).toBe('Hospital Gómez Ulla');
    expect(nameOf('Polígono Surreko geltokian')).toBe('Polígono Sur');
    expect(nameOf('Castillako etorbidean')).toBe('Avenida de Castilla');
  });
});

describe('placeNamedAlone', () => {
  it('is the place when the message is only its name (any case, accents, Basque ending)', () => {
    expect(placeNamedAlone('Estación Norte', PLACES)?.name).toBe('Estación Norte');
    expect(placeNamedAlone('estacion norte', PLACES)?.name).toBe('Estación Norte');
    expect(placeNamedAlone('PLAZA MAYOR', PLACES)?.name).toBe('Plaza Mayor');
    expect(placeNamedAlone('Plaza Mayorretik', PLACES)?.name).toBe('Plaza Mayor');
  });

  it('is undefined when the message says more, names only part of a name, or no stop', () => {
    expect(placeNamedAlone('accesibilidad en Estación Norte', PLACES)).toBeUndefined();
    expect(placeNamedAlone('hospital', PLACES)).toBeUndefined();
    expect(placeNamedAlone('plaza', PLACES)).toBeUndefined();
    expect(placeNamedAlone('hola', PLACES)).toBeUndefined();
    expect(placeNamedAlone('', PLACES)).toBeUndefined();
  });
});

describe('linesNamed', () => {
  const departure = (routeShortName: string): Departure => ({ routeShortName }) as unknown as Departure;
  const departures = [departure('L1'), departure('T'), departure('27')];

  it('finds the lines the question names, Basque endings included', () => {
    expect([...linesNamed('¿cuándo pasa el L1 por la Plaza Mayor?', departures)]).toEqual(['L1']);
    expect([...linesNamed('noiz pasatzen da L1a?', departures)]).toEqual(['L1']);
    expect([...linesNamed('when is the next T?', departures)]).toEqual(['T']);
    expect([...linesNamed('a qué hora pasa el 27', departures)]).toEqual(['27']);
  });

  it('finds none when no line is named (a letter inside a word is not a line)', () => {
    expect(linesNamed('próximas salidas desde Plaza de España', departures).size).toBe(0);
    expect(linesNamed('the tram', departures).size).toBe(0);
    expect(linesNamed('¿por qué es tan caro?', departures).size).toBe(0);
  });
});
