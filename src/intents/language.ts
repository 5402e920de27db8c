/**
 * Language choice for a turn: a channel/profile hint first, then the language remembered for the
 * conversation, then detection. nlp.js's trigram guesser has no Basque model and is unreliable on
 * short Iberian texts, so detection combines distinctive function words, the vocabulary of each
 * language's training corpus, Basque morphology and (for longer texts) the trigram guesser.
 */
import { Language as TrigramGuesser, type LanguageGuess } from '@nlpjs/language';
import { LANGUAGES, isLanguage, type Language } from '../core/message.js';
import { collapseFinalDoubles, wordsOf } from './normalize.js';

/** Distinctive words (normalised: lower case, no accents). A word may sit in one list only. */
const MARKERS: Readonly<Record<Language, readonly string[]>> = {
  es: ['y', 'los', 'las', 'cuando', 'donde', 'quiero', 'tengo', 'puedo', 'gracias', 'buenos', 'buenas', 'hay', 'estoy', 'muy', 'tambien', 'hacer', 'hasta', 'cuanto', 'cual', 'ya', 'yo', 'ahora', 'usted', 'esto', 'eso', 'adios', 'hoy', 'manana', 'pasa', 'puede', 'tiene', 'quien', 'vale', 'ayuda', 'mucho', 'muchas', 'sin', 'ese', 'esa', 'quisiera', 'podria', 'hacienda', 'dinero', 'calle', 'llamar', 'siguiente', 'ningun', 'alguien', 'mujer', 'hijo', 'hija', 'ellos', 'nosotros', 'vosotros', 'solo'],
  ca: ['els', 'les', 'amb', 'quan', 'vull', 'tinc', 'puc', 'pots', 'gracies', 'moltes', 'bon', 'bona', 'estic', 'molt', 'tambe', 'fer', 'fins', 'quant', 'quin', 'quina', 'ja', 'jo', 'ara', 'aixo', 'adeu', 'meva', 'teva', 'per', 'perque', 'dels', 'sense', 'avui', 'dema', 'nit', 'em', 'et', 'ens', 'aquest', 'aquesta', 'algu', 'res', 'doncs', 'voldria', 'plau', 'ho', 'soc', 'ets', 'vaig', 'hisenda', 'diners', 'carrer', 'trucar', 'seguent', 'cap', 'dona', 'nosaltres', 'necessito', 'demanar', 'com', 'feina', 'vosaltres', 'mateix', 'puc'],
  gl: ['e', 'os', 'cando', 'onde', 'quero', 'teno', 'podo', 'grazas', 'moitas', 'bos', 'boas', 'hai', 'estou', 'moito', 'tamen', 'facer', 'ata', 'canto', 'xa', 'agora', 'isto', 'iso', 'adeus', 'mina', 'non', 'unha', 'dun', 'dunha', 'co', 'coa', 'cun', 'cunha', 'na', 'pola', 'polo', 'ao', 'sen', 'hoxe', 'noite', 'ola', 'vostede', 'tenen', 'facenda', 'cartos', 'rua', 'concello', 'seguinte', 'quen', 'alguen', 'ningun', 'muller', 'fillo', 'eles', 'podes', 'axuda', 'mais', 'vou', 'deixar', 'chamar', 'traballo', 'che', 'lle', 'das'],
  eu: ['eta', 'naiz', 'duzu', 'dugu', 'dago', 'daude', 'nola', 'zer', 'noiz', 'zein', 'zenbat', 'kaixo', 'eskerrik', 'asko', 'agur', 'egun', 'arratsalde', 'gabon', 'bai', 'ez', 'ezin', 'nahi', 'behar', 'bat', 'batekin', 'hau', 'hori', 'hemen', 'orain', 'gaur', 'bihar', 'atzo', 'mesedez', 'nire', 'zure', 'gure', 'zu', 'baina', 'ere', 'oso', 'ondo', 'badago', 'izan', 'egin', 'lagundu', 'laguntza', 'zergatik', 'nork', 'nora', 'ba', 'du', 'zait', 'zaizu', 'dit', 'didazu', 'jarri', 'eman', 'atera', 'aupa', 'milesker', 'esker', 'mila', 'zara', 'daukat', 'dituzu', 'ditut', 'edo', 'beste', 'gehiago', 'gutxi', 'zerbait', 'inor', 'inoiz', 'hitzordua', 'errenta', 'ogasuna', 'ogasunak', 'diru', 'dirua', 'kalea', 'deitu', 'hurrengo', 'ordutegia', 'geltokia', 'txartela', 'epea', 'pertsona', 'hitz', 'gero', 'nau', 'naute', 'nuen', 'zuen', 'dut', 'ikusi', 'dira'],
  en: ['the', 'is', 'are', 'im', 'my', 'you', 'your', 'what', 'when', 'where', 'how', 'can', 'does', 'to', 'from', 'with', 'want', 'need', 'have', 'get', 'please', 'thanks', 'thank', 'hello', 'good', 'morning', 'next', 'time', 'there', 'it', 'this', 'that', 'and', 'of', 'for', 'at', 'be', 'will', 'would', 'should', 'not', 'dont', 'cant', 'bye', 'help', 'tax', 'train', 'ticket', 'which', 'who', 'why', 'am', 'an', 'in', 'go', 'some', 'any', 'tell', 'book', 'about', 'much', 'many', 'lost', 'late', 'way', 'street', 'city', 'tomorrow', 'today', 'tonight', 'know', 'talk', 'speak', 'person', 'human', 'll', 've', 'm', 't'],
};

/** Basque morphology: common suffixes of longer words and the tx/tz/tzk clusters. */
const BASQUE_SUFFIX = /(?:tzen|tzeko|tzea|tzera|rekin|arekin|etan|etako|rako|ekin|aren|tuko|ztu|tzeak|agatik|ngo|ko|rik|tik|ari)$/;
const BASQUE_CLUSTER = /(?:^|[aeiou])(?:tx|tz|ts)[aeiou]|^k[aeiou]|rr[aeiou]k|zk/;

/**
 * How much a language hint weighs: `explicit` (the citizen or the operator chose it: `nlu try
 * --lang`, an eval line's `lang`) or `profile` (a platform or browser locale, a weak guess).
 */
export type HintStrength = 'explicit' | 'profile';

/**
 * Short conventional phrases (greetings, thanks, farewells) and the languages they belong to,
 * most common first. A message made only of these is clear evidence even though it is short.
 */
const CONVENTIONAL_PHRASES: Readonly<Record<string, readonly Language[]>> = {
  hola: ['es', 'ca'],
  'buenos dias': ['es'], 'buenas tardes': ['es'], 'buenas noches': ['es'], buenas: ['es'], buenos: ['es'],
  gracias: ['es'], 'muchas gracias': ['es'], adios: ['es'], 'hasta luego': ['es'], 'que tal': ['es', 'ca'],
  'bon dia': ['ca'], 'bona tarda': ['ca'], 'bona nit': ['ca'], bones: ['ca'], adeu: ['ca'], gracies: ['ca'],
  'moltes gracies': ['ca'], merci: ['ca'], 'fins aviat': ['ca'], 'fins ara': ['ca'], 'fins despres': ['ca'], 'bon vespre': ['ca'],
  'bos dias': ['gl'], 'bo dia': ['gl'], 'boas tardes': ['gl'], 'boas noites': ['gl'], boas: ['gl'], ola: ['gl'],
  grazas: ['gl'], 'moitas grazas': ['gl'], adeus: ['gl'], 'ata logo': ['gl'], 'ata mais': ['gl'],
  kaixo: ['eu'], 'egun on': ['eu'], 'arratsalde on': ['eu'], 'gau on': ['eu'], gabon: ['eu'], 'eskerrik asko': ['eu'],
  milesker: ['eu'], 'mila esker': ['eu'], agur: ['eu'], aupa: ['eu'], 'gero arte': ['eu'], 'ondo izan': ['eu'],
  hello: ['en'], hi: ['en'], hey: ['en'], thanks: ['en'], 'thank you': ['en'], 'thanks a lot': ['en'], 'good morning': ['en'],
  'good afternoon': ['en'], 'good evening': ['en'], bye: ['en'], goodbye: ['en'], 'see you': ['en'], cheers: ['en'],
};
/** Words that often sit next to a greeting ("hi there", "hola a todos"); never evidence alone. */
const CONVENTIONAL_FILLERS: Readonly<Record<string, readonly Language[]>> = {
  there: ['en'], all: ['en'], everyone: ['en'], guys: ['en'], a: ['es', 'ca', 'gl'], todos: ['es', 'gl'], tothom: ['ca'], denoi: ['eu'],
};
const CONVENTIONAL: ReadonlyMap<string, readonly Language[]> = new Map(Object.entries(CONVENTIONAL_PHRASES));
const FILLERS: ReadonlyMap<string, readonly Language[]> = new Map(Object.entries(CONVENTIONAL_FILLERS));

export interface LanguageDetection {
  readonly language: Language;
  /** Margin between the best and the second language, relative to the best (0–1). */
  readonly confidence: number;
  /** Enough evidence to switch away from a hint or a remembered language. */
  readonly strong: boolean;
}

export interface LanguageChoice {
  readonly language: Language;
  readonly source: 'hint' | 'conversation' | 'detected' | 'default';
  readonly detection: LanguageDetection | undefined;
}

/** The language the hub falls back to. */
export const DEFAULT_LANGUAGE: Language = 'es';

const TRIGRAM_CODES: Readonly<Record<string, Language>> = { es: 'es', ca: 'ca', gl: 'gl', en: 'en' };

/** Turns a locale hint (`es-ES`, `ca-ES-valencia`, `EU`, `en_GB`) into a hub language, if any. */
export function languageFromHint(hint: string | null | undefined): Language | undefined {
  if (hint === null || hint === undefined) return undefined;
  const primary = hint.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (isLanguage(primary)) return primary;
  // Valencian is Catalan; Basque and Galician sometimes arrive under their ISO 639-2 codes.
  const aliases: Readonly<Record<string, Language>> = { va: 'ca', val: 'ca', cat: 'ca', spa: 'es', glg: 'gl', eus: 'eu', baq: 'eu', eng: 'en' };
  return aliases[primary];
}

/**
 * Detects the language of normalised text. Built once per content version: the vocabulary of
 * each language's training utterances adds evidence on top of the hand-written markers.
 */
/**
 * The trigram guesser's best two of es/ca/gl/en. nlp.js throws on text whose main script none of
 * them uses (Cyrillic, Han, Arabic…): that text simply gets no trigram evidence.
 */
function trigramGuesses(trigram: TrigramGuesser, normalized: string): LanguageGuess[] {
  try {
    return trigram.guess(normalized, ['es', 'ca', 'gl', 'en'], 2);
  } catch {
    return [];
  }
}

export class LanguageDetector {
  private readonly markers = new Map<string, Language>();
  private readonly vocabulary = new Map<string, Language[]>();
  private readonly trigram = new TrigramGuesser();

  constructor(corpus: Readonly<Record<Language, readonly string[]>>) {
    this.addMarkers();
    for (const language of LANGUAGES) this.addCorpus(language, corpus[language]);
  }

  /**
   * Builds the same detector, yielding to the event loop between languages: a publish builds one
   * on the request thread, and turns must keep flowing meanwhile.
   */
  static async build(corpus: Readonly<Record<Language, readonly string[]>>): Promise<LanguageDetector> {
    const detector = new LanguageDetector({ es: [], ca: [], gl: [], eu: [], en: [] });
    for (const language of LANGUAGES) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      detector.addCorpus(language, corpus[language]);
    }
    return detector;
  }

  private addMarkers(): void {
    for (const language of LANGUAGES) {
      for (const marker of MARKERS[language]) {
        const word = collapseFinalDoubles(marker);
        if (!this.markers.has(word)) this.markers.set(word, language);
      }
    }
  }

  private addCorpus(language: Language, utterances: readonly string[]): void {
    for (const utterance of utterances) {
      for (const word of wordsOf(utterance)) {
        const languages = this.vocabulary.get(word) ?? [];
        if (!languages.includes(language)) languages.push(language);
        this.vocabulary.set(word, languages);
      }
    }
  }

  /** Scores each language; `undefined` when the text carries no evidence at all ("ok", "👍"). */
  detect(normalized: string, useTrigrams = true): LanguageDetection | undefined {
    const words = wordsOf(normalized);
    const scores: Record<Language, number> = { es: 0, ca: 0, gl: 0, eu: 0, en: 0 };
    for (const word of words) {
      const marker = this.markers.get(word);
      if (marker) scores[marker] += 2;
      const languages = this.vocabulary.get(word);
      if (languages && languages.length <= 2) {
        for (const language of languages) scores[language] += 1 / languages.length;
      }
      if (word.length >= 5 && BASQUE_SUFFIX.test(word)) scores.eu += 0.75;
      if (BASQUE_CLUSTER.test(word)) scores.eu += 0.5;
    }
    const lexical = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
    const lexicalMargin = scores[lexical[0] ?? DEFAULT_LANGUAGE] - scores[lexical[1] ?? DEFAULT_LANGUAGE];
    // The trigram guesser is the slow part of a turn: only ask it when the words are not decisive.
    if (useTrigrams && normalized.length >= 20 && lexicalMargin < 4) {
      // The trigram guesser helps on longer texts; on short ones it is close to random.
      const guesses = trigramGuesses(this.trigram, normalized);
      const best = guesses[0];
      const second = guesses[1];
      const language = best ? TRIGRAM_CODES[best.alpha2] : undefined;
      if (best && language && (second === undefined || best.score - second.score > 0.02)) scores[language] += 1.5;
    }
    const ranked = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
    const first = ranked[0] ?? DEFAULT_LANGUAGE;
    const runnerUp = ranked[1] ?? DEFAULT_LANGUAGE;
    const top = scores[first];
    if (top <= 0) return undefined;
    const confidence = (top - scores[runnerUp]) / top;
    const strong = words.length >= 3 && top >= 3 && top - scores[runnerUp] >= 2;
    return { language: first, confidence, strong };
  }

  /**
   * The languages a short conventional message (a greeting, thanks, a farewell) belongs to, when
   * the whole message is made of such phrases: "hola, buenos días" → ['es'], "hola" → ['es', 'ca'],
   * "kaixo" → ['eu']. `undefined` when any word is not one of them ("hola, quiero cita", "ok").
   */
  conventional(normalized: string): readonly Language[] | undefined {
    const words = wordsOf(normalized);
    if (words.length === 0 || words.length > 6) return undefined;
    let candidates: Language[] | undefined;
    let phrases = 0;
    let index = 0;
    while (index < words.length) {
      let matched: readonly Language[] | undefined;
      let length = 0;
      // Longest phrase first: "bon dia" before "bon".
      for (let size = Math.min(3, words.length - index); size >= 1 && matched === undefined; size -= 1) {
        matched = CONVENTIONAL.get(words.slice(index, index + size).join(' '));
        if (matched !== undefined) length = size;
      }
      if (matched !== undefined) phrases += 1;
      else if (index > 0) {
        matched = FILLERS.get(words[index] ?? '');
        length = 1;
      }
      const languages = matched;
      if (languages === undefined) return undefined;
      const narrowed: Language[] = candidates === undefined ? [...languages] : candidates.filter((language) => languages.includes(language));
      // "hola, bon dia" narrows es/ca to ca; "hello, hola" has no common language: no clear evidence.
      if (narrowed.length === 0) return undefined;
      candidates = narrowed;
      index += length;
    }
    return phrases > 0 ? candidates : undefined;
  }

  /**
   * Chooses the turn's language.
   *
   * - An **explicit** hint (`nlu try --lang`, an eval line's `lang`) wins unless the text is
   *   strongly in another language.
   * - A **profile** hint (the participant's `locale`: browser `navigator.language`, Telegram
   *   `language_code`) is weak: it only decides when the text carries no clear evidence. A short
   *   conventional message decides ("hola" → es with an `en-US` locale, but stays ca with a `ca`
   *   locale, since "hola" is Catalan too), and so does a distinctive word of one language that
   *   the hinted language does not share ("quiero cita" → es).
   * - A remembered conversation language resists short and ambiguous messages ("ok", "sí",
   *   "gracias" in a Catalan conversation) and yields only to strong evidence. When it equals the
   *   profile hint it may be nothing but that hint echoed by an earlier turn, so it is then as weak
   *   as the hint.
   */
  choose(normalized: string, hint?: string | null, remembered?: Language | null, strength: HintStrength = 'profile'): LanguageChoice {
    const hinted = languageFromHint(hint);
    // An explicit choice (`--lang`, a labelled evaluation line) is taken as given: no detection.
    if (hinted && strength === 'explicit') return { language: hinted, source: 'hint', detection: undefined };
    // With a hint or a remembered language, detection only decides a switch: words suffice.
    const detection = this.detect(normalized, hinted === undefined && !remembered);
    const switchTo = detection?.strong ? detection.language : undefined;
    if (hinted && strength === 'explicit') {
      if (switchTo && switchTo !== hinted) return { language: switchTo, source: 'detected', detection };
      return { language: hinted, source: 'hint', detection };
    }
    if (remembered && remembered !== hinted) {
      if (switchTo && switchTo !== remembered) return { language: switchTo, source: 'detected', detection };
      return { language: remembered, source: 'conversation', detection };
    }
    if (hinted) {
      const clear = this.clearEvidence(normalized, detection, hinted);
      if (clear !== undefined && clear !== hinted) return { language: clear, source: 'detected', detection };
      return remembered ? { language: remembered, source: 'conversation', detection } : { language: hinted, source: 'hint', detection };
    }
    if (detection) return { language: detection.language, source: 'detected', detection };
    return { language: DEFAULT_LANGUAGE, source: 'default', detection };
  }

  /** The language the text clearly is, judged against a weak hint; `undefined` when unclear. */
  private clearEvidence(normalized: string, detection: LanguageDetection | undefined, hinted: Language): Language | undefined {
    const conventional = this.conventional(normalized);
    if (conventional !== undefined) {
      // An ambiguous greeting keeps a hint it is compatible with ("hola" + ca); otherwise the first
      // listed language of the phrase, the most common one ("hola" → es).
      return conventional.includes(hinted) ? hinted : conventional[0];
    }
    if (detection === undefined) return undefined;
    if (detection.strong) return detection.language;
    // At least one distinctive marker word (2 points), no evidence at all for the hinted language.
    const words = wordsOf(normalized);
    const hintedScore = words.reduce((sum, word) => sum + (this.markers.get(word) === hinted ? 1 : 0), 0);
    const markerScore = words.reduce((sum, word) => sum + (this.markers.get(word) === detection.language ? 1 : 0), 0);
    if (markerScore >= 1 && hintedScore === 0 && detection.confidence >= 0.5) return detection.language;
    return undefined;
  }
}
