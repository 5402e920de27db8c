/**
 * Finding the stop a citizen names in a free-text question, despite accents, case and typos.
 *
 * The question loses the function words and transport words of the five languages; what remains
 * is matched token by token (with a small edit distance) against the significant words of each
 * place name. Places are parent stations, or stops without a parent; places with the same
 * normalised name are one place (a terminus listed as a stop and a station, interchanges of
 * several feeds), because the citizen cannot tell them apart either.
 */

/** A stop as the citizen knows it: a name, and the GTFS stop ids where vehicles board. */
export interface Place {
  /** Display name (as written in the feed, upper-case names made readable). */
  readonly name: string;
  readonly normalized: string;
  /** Significant name tokens (function words and generic words removed). */
  readonly tokens: readonly string[];
  /** Tokens of other names the place goes by (platforms named "SOL" in station "Puerta del Sol"). */
  readonly aliases?: readonly (readonly string[])[];
  /** Boarding stop ids (children of the station included), all prefixed with their feed key. */
  readonly stopIds: readonly string[];
  readonly feedKeys: readonly string[];
}

/** Lower-case, accents and punctuation removed, spaces collapsed. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[·'’`´]/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Function words of es, ca, gl, eu and en, plus question and transport vocabulary: the union is
// used whatever the detected language, since citizens mix languages and detection can be wrong.
const QUESTION_WORDS = `
  de del la el los las lo un una unos unas y e o u a al en por para con que qué cual cuales cuando cuanto
  como donde adonde hay es son me mi mis te tu se le les nos hoy manana ahora ya proximo proxima proximos proximas
  siguiente siguientes primer primero primera ultimo ultima pasa pasan sale salen llega llegan viene vienen
  hora horas horario horarios salida salidas llegada salir coger tomar quiero saber sabes puedes dime decir
  metro ligero tren trenes autobus autobuses bus buses tranvia tranvias cercanias linea lineas parada paradas estacion
  estaciones anden desde hasta hacia ir voy va favor porfa porfavor hola gracias
  els les per quan quin quina quins quines com on hi ha avui dema ara propers proper propera properes seguent
  sortida sortides surt surten passa passen arriba arriben vull saber autobusos tramvia parades estacio andana des fins cap anar
  saida saidas o os as da das do dos no na nos nas cando cal cales onde hai hoxe mana agora seguinte proximo sae saen chega
  chegan autobuses estacion paradas ata ate cara
  eta edo noiz zein zer non da dira gaur bihar orain hurrengo hurrengoa datorren pasatzen irteten iristen ordua
  ordutegia ordutegiak metroa trena trenak autobusa tranbia geltoki geltokia geltokian geltokitik geralekua
  geralekuan geltokira irteera irteerak an
  the at of to from in on for is are when what which where next first last does do train trains tram trams
  bus buses subway underground light rail station stop stops platform time times timetable schedule departure
  departures leave leaves arrive arrives come comes please hi hello thanks i me my can you tell get
`;
const STOP_WORDS = new Set(QUESTION_WORDS.split(/\s+/).filter((word) => word !== ''));

// Only these are dropped from stop names: words that name the kind of place, and function words.
const NAME_FUNCTION_WORDS = new Set(['de', 'del', 'la', 'el', 'los', 'las', 'y', 'i', 'e', 'da', 'do', 'das', 'dos', 'the', 'of', 'd', 'l', 'eta']);
const NAME_GENERIC_WORDS = new Set([
  'estacion', 'estacio', 'parada', 'apeadero', 'intercambiador', 'station', 'stop', 'geltokia', 'geltoki', 'anden', 'andana',
]);

/** Significant tokens of a stop name. Generic words are kept when nothing else is left. */
export function nameTokens(normalizedName: string): string[] {
  const words = normalizedName.split(' ').filter((word) => word !== '' && !NAME_FUNCTION_WORDS.has(word));
  const specific = words.filter((word) => !NAME_GENERIC_WORDS.has(word));
  return specific.length > 0 ? specific : words;
}

/** Tokens of a question that may be part of a stop name. */
export function questionTokens(text: string): string[] {
  return normalizeText(text)
    .split(' ')
    .filter((word) => word !== '' && !STOP_WORDS.has(word));
}

// Basque case endings glued to a stop name: "Plaza Mayorretik", "Estación Nortera", "Ullako".
// Longest first; the stem must keep three letters.
const BASQUE_SUFFIXES = ['arekin', 'rantz', 'raino', 'rekin', 'etik', 'aren', 'tik', 'ean', 'eko', 'era', 'ren', 'ekin', 'ari', 'ko', 'ra', 'an', 'ak', 'ri', 'n', 'a', 'k'];

/**
 * The stems a question word may have once a Basque case ending is removed ("mayorretik" →
 * "mayorr", "mayor"; "nortera" → "norte"), shortest last. Empty when no ending applies.
 */
export function basqueStems(token: string): string[] {
  const stems: string[] = [];
  for (const suffix of BASQUE_SUFFIXES) {
    if (!token.endsWith(suffix) || token.length - suffix.length < 3) continue;
    const stem = token.slice(0, -suffix.length);
    if (!stems.includes(stem)) stems.push(stem);
    // Words ending in r double it before an ending: "Mayor" → "Mayorrera".
    if (stem.endsWith('rr') && !stems.includes(stem.slice(0, -1))) stems.push(stem.slice(0, -1));
  }
  return stems;
}

/** True when `rest` is a Basque case ending ("a", "etik", "ra"…), as glued to a line name: "L1etik". */
export function isBasqueEnding(rest: string): boolean {
  return BASQUE_SUFFIXES.includes(rest);
}

/** Question tokens plus their Basque stems (a name token may match either). */
function withStems(tokens: readonly string[]): string[] {
  return [...tokens, ...tokens.flatMap((token) => basqueStems(token).filter((stem) => !tokens.includes(stem)))];
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), capped at `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const previous = rows[i - 1] as number[];
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = value;
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** Typos allowed for a word: none up to 3 letters, one up to 6, two from 7. */
function allowedTypos(word: string): number {
  if (word.length <= 3) return 0;
  return word.length <= 6 ? 1 : 2;
}

/** Distance of the best question token for `nameToken`, or undefined when none is close enough. */
function tokenMatch(nameToken: string, question: readonly string[]): number | undefined {
  let best: number | undefined;
  const max = allowedTypos(nameToken);
  for (const token of question) {
    // Typos are forgiven on words of three letters or more only ("ula" for "ulla", not "la").
    if (token !== nameToken && (max === 0 || token.length < 3)) continue;
    const distance = token === nameToken ? 0 : editDistance(token, nameToken, max);
    if (distance <= max && (best === undefined || distance < best)) best = distance;
    if (best === 0) break;
  }
  return best;
}

export type StopMatch =
  | { readonly kind: 'none' }
  | { readonly kind: 'one'; readonly place: Place }
  | { readonly kind: 'several'; readonly places: readonly Place[] };

/**
 * The place(s) a question names. A place whose every significant word appears (within typos) wins
 * over partial matches; among full matches the longest name wins ("Colonia Jardín" over "Jardín"),
 * then the one with fewer typos. With no full match, the places matching the most words of their
 * name are offered as choices (at most `maxChoices`).
 */
export function matchStop(text: string, places: readonly Place[], maxChoices = 6): StopMatch {
  const question = withStems(questionTokens(text));
  if (question.length === 0) return { kind: 'none' };
  interface Scored { place: Place; matched: number; typos: number; full: boolean; matchedLetters: number; size: number }
  const better = (a: Scored, b: Scored): boolean =>
    a.full !== b.full ? a.full : a.matched !== b.matched ? a.matched > b.matched : a.typos < b.typos;
  const scored: Scored[] = [];
  for (const place of places) {
    let best: Scored | undefined;
    for (const tokens of [place.tokens, ...(place.aliases ?? [])]) {
      let matched = 0;
      let typos = 0;
      let matchedLetters = 0;
      for (const token of tokens) {
        const distance = tokenMatch(token, question);
        if (distance !== undefined) {
          matched++;
          typos += distance;
          matchedLetters += token.length;
        }
      }
      const full = matched === tokens.length;
      // A partial match must rest on a real word, not on a short fragment; a full one may be short ("Sol").
      if (matched === 0 || (!full && matchedLetters < 4)) continue;
      const entry = { place, matched, typos, full, matchedLetters, size: tokens.length };
      if (best === undefined || better(entry, best)) best = entry;
    }
    if (best !== undefined) scored.push(best);
  }
  if (scored.length === 0) return { kind: 'none' };

  const full = scored.filter((entry) => entry.full);
  const pool = full.length > 0 ? full : scored;
  const mostWords = Math.max(...pool.map((entry) => entry.matched));
  let best = pool.filter((entry) => entry.matched === mostWords);
  const fewestTypos = Math.min(...best.map((entry) => entry.typos));
  best = best.filter((entry) => entry.typos === fewestTypos);
  if (full.length === 0) {
    // Partial matches: the share of the name matched decides ("hospital" → "Hospital Gómez Ulla"
    // rather than "Hospital Universitario Puerta de Hierro Majadahonda" when both exist).
    const share = (entry: Scored): number => entry.matched / entry.size;
    const bestShare = Math.max(...best.map(share));
    best = best.filter((entry) => share(entry) === bestShare);
  }
  best.sort((a, b) => a.place.name.localeCompare(b.place.name, 'es'));
  if (best.length === 1) return { kind: 'one', place: (best[0] as Scored).place };
  return { kind: 'several', places: best.slice(0, maxChoices).map((entry) => entry.place) };
}

/**
 * The place a message consists of and nothing else ("Estación Norte", "plaza mayorretik"): every
 * significant word of the message belongs to the place's name and every word of the name is there
 * (within typos). Undefined when the message says anything more ("accesibilidad en Estación Norte").
 */
export function placeNamedAlone(text: string, places: readonly Place[]): Place | undefined {
  const words = questionTokens(text);
  if (words.length === 0) return undefined;
  const match = matchStop(text, places, 1);
  if (match.kind !== 'one') return undefined;
  const { place } = match;
  for (const tokens of [place.tokens, ...(place.aliases ?? [])]) {
    const named = tokens.every((token) => tokenMatch(token, withStems(words)) !== undefined);
    const nothingElse = words.every((word) => tokens.some((token) => tokenMatch(token, [word, ...basqueStems(word)]) !== undefined));
    if (named && nothingElse) return place;
  }
  return undefined;
}

const LOWER_IN_NAMES = new Set(['de', 'del', 'la', 'las', 'el', 'los', 'y', 'e', 'i', 'da', 'do', 'das', 'dos']);

/** Upper-case feed names ("COLONIA JARDIN") written as names ("Colonia Jardin"); others unchanged. */
export function displayName(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed !== trimmed.toUpperCase() || !/\p{L}/u.test(trimmed)) return trimmed;
  return trimmed
    .toLowerCase()
    .split(/(\s+|-|\/)/)
    .map((word, index) =>
      index > 0 && LOWER_IN_NAMES.has(word) ? word : word.replace(/^\p{L}/u, (letter) => letter.toUpperCase()),
    )
    .join('');
}
