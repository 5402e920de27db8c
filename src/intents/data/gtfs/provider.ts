/**
 * Data-backed answer for `transporte.horarios`: finds the stop named in the question and lists the
 * next departures from the imported GTFS feeds.
 */
import type { Language, OutboundMessage } from '../../../core/message.js';
import type { DataAnswer, DataAnswerInput, DataAnswerProvider } from '../contract.js';
import { compareDates, formatClockTime, formatDate, localDateOf } from '../time.js';
import { isBasqueEnding, matchStop, normalizeText, placeNamedAlone, type Place } from './stop-match.js';
import { GTFS_TEXTS } from './texts.js';
import type { Departure, FeedInfo, GtfsTimetable } from './timetable.js';

export const GTFS_INTENTS = ['transporte.horarios'] as const;

/** GTFS route_type families (basic and extended types). */
const MODE_TYPES = {
  tram: (type: number) => type === 0 || (type >= 900 && type < 1000),
  subway: (type: number) => type === 1 || (type >= 400 && type < 500),
  rail: (type: number) => type === 2 || (type >= 100 && type < 200),
  bus: (type: number) => type === 3 || (type >= 700 && type < 800) || (type >= 200 && type < 300),
} as const;

/** The transport mode the question asks for, if it names one ("metro ligero" is a tram, not a metro). */
export function modeOf(text: string): keyof typeof MODE_TYPES | undefined {
  const normalized = ` ${normalizeText(text)} `;
  if (/ (metro ligero|tranvia|tramvia|tram|trams|light rail|tranbia|tranvias)/.test(normalized)) return 'tram';
  if (/ (metro|metroa|subway|underground)\b/.test(normalized)) return 'subway';
  if (/ (tren|trenes|trens|train|trains|trena|cercanias|rodalies|renfe)\b/.test(normalized)) return 'rail';
  if (/ (bus|buses|autobus|autobuses|autobusos|autobusa|emt)\b/.test(normalized)) return 'bus';
  return undefined;
}

/**
 * The lines (route short names) of `departures` that the question names: "¿cuándo pasa el L1…?",
 * "the T", Basque "L1etik". Empty when it names none of them.
 */
export function linesNamed(text: string, departures: readonly Departure[]): Set<string> {
  const words = normalizeText(text).split(' ').filter((word) => word !== '');
  const named = new Set<string>();
  for (const departure of departures) {
    const name = normalizeText(departure.routeShortName).replace(/ /g, '');
    // The line as a word of its own, or with a Basque ending ("L1etik"); never inside another word,
    // and a one-letter line only alone ("tan" is Spanish, not the T with an ending).
    const ending = (word: string): boolean => name.length > 1 && word.startsWith(name) && isBasqueEnding(word.slice(name.length));
    if (name !== '' && words.some((word) => word === name || ending(word))) named.add(departure.routeShortName);
  }
  return named;
}

export interface GtfsProviderOptions {
  /** Departures listed per route and direction (default 3). */
  readonly perLine?: number;
  /** Route/direction lines listed (default 6). */
  readonly maxLines?: number;
}

interface Line {
  readonly route: string;
  readonly headsign: string;
  readonly departures: Departure[];
}

function groupByLine(departures: readonly Departure[], perLine: number, maxLines: number): Line[] {
  const lines = new Map<string, Line>();
  for (const departure of departures) {
    const key = `${departure.feedKey}|${departure.routeShortName}|${departure.headsign}`;
    let line = lines.get(key);
    if (line === undefined) {
      if (lines.size >= maxLines) continue;
      line = { route: departure.routeShortName, headsign: departure.headsign, departures: [] };
      lines.set(key, line);
    }
    if (line.departures.length < perLine) line.departures.push(departure);
  }
  return [...lines.values()];
}

function outOfDateMessage(place: Place, feeds: readonly FeedInfo[], now: Date, language: Language): OutboundMessage {
  const texts = GTFS_TEXTS[language];
  const feed = feeds[0];
  if (feed?.serviceStart === undefined || feed.serviceEnd === undefined) {
    return { kind: 'text', text: texts.none(place.name) };
  }
  const start = formatDate(feed.serviceStart, language);
  const end = formatDate(feed.serviceEnd, language);
  const today = localDateOf(now, feed.timezone);
  const text =
    compareDates(today, feed.serviceStart) < 0
      ? texts.notYetValid(place.name, start, end, feed.agencyUrl)
      : texts.outOfDate(place.name, start, end, feed.agencyUrl);
  return { kind: 'text', text, short: text };
}

/**
 * Creates the timetable provider. `answer` returns `undefined` (fall back to the written answer)
 * when no feed is imported or the question names no known stop.
 */
export function createGtfsProvider(timetable: GtfsTimetable, options: GtfsProviderOptions = {}): DataAnswerProvider {
  const perLine = options.perLine ?? 3;
  const maxLines = options.maxLines ?? 6;
  return {
    intents: GTFS_INTENTS,
    claims(text: string): string | undefined {
      const places = timetable.places();
      return places.length > 0 && placeNamedAlone(text, places) !== undefined ? 'transporte.horarios' : undefined;
    },
    async answer(input: DataAnswerInput): Promise<DataAnswer | undefined> {
      if (!(GTFS_INTENTS as readonly string[]).includes(input.intent)) return undefined;
      const places = timetable.places();
      if (places.length === 0) return undefined;
      const match = matchStop(input.text, places);
      const texts = GTFS_TEXTS[input.language];
      if (match.kind === 'none') return undefined;
      if (match.kind === 'several') {
        return {
          messages: [
            {
              kind: 'choices',
              text: texts.whichStop,
              choices: match.places.map((place) => ({ title: place.name, payload: texts.choicePayload(place.name) })),
            },
          ],
        };
      }
      const place = match.place;
      const result = timetable.nextDepartures(place, input.now);
      if (result.status === 'expired') return { messages: [outOfDateMessage(place, result.feeds, input.now, input.language)] };
      if (result.status === 'none') return { messages: [{ kind: 'text', text: texts.none(place.name) }] };

      // "Metro ligero" at an interchange: keep the mode asked for, unless that leaves nothing.
      const mode = modeOf(input.text);
      const wanted = mode === undefined ? [] : result.departures.filter((departure) => MODE_TYPES[mode](departure.routeType));
      const byMode = wanted.length > 0 ? wanted : result.departures;
      // "¿Cuándo pasa el L1 por…?": only that line, unless it does not stop there.
      const named = linesNamed(input.text, byMode);
      const departures = named.size > 0 ? byMode.filter((departure) => named.has(departure.routeShortName)) : byMode;
      const first = departures[0] as Departure;
      const lines = groupByLine(departures, perLine, maxLines);
      const sameDay = compareDates(localDateOf(first.at, first.timezone), localDateOf(input.now, first.timezone)) === 0;
      const header = sameDay
        ? texts.header(place.name)
        : texts.laterHeader(place.name, formatDate(localDateOf(first.at, first.timezone), input.language, false));
      const body = lines.map((line) => {
        const times = line.departures.map((departure) => formatClockTime(departure.at, departure.timezone)).join(', ');
        const headway = line.departures[0]?.headwaySecs;
        const every = headway === undefined ? '' : texts.every(Math.round(headway / 60));
        return `• ${line.route} → ${line.headsign}: ${times}${every}`;
      });
      const short = `${place.name}: ${lines
        .slice(0, 3)
        .map((line) => `${line.route} ${formatClockTime((line.departures[0] as Departure).at, first.timezone)}`)
        .join(', ')}`;
      return { messages: [{ kind: 'text', text: [header, ...body, texts.footer].join('\n'), short }] };
    },
  };
}
