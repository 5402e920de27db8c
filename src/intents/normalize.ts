/**
 * Text normalisation shared by training, classification, the safety net and language detection,
 * so that all of them see the same string.
 */
import type { Language } from '../core/message.js';

/** Longest text the NLU looks at; longer messages are truncated (the safety net reads it all). */
export const NLU_MAX_CHARS = 500;

/**
 * Lower-cases, strips accents (ñ → n, ç → c), turns `cl@ve` into `clave`, collapses a letter
 * repeated three or more times ("holaaaa" → "hola"), removes HTML tags and collapses whitespace.
 * Never throws; returns '' for text without letters or digits.
 */
export function normalizeText(text: string): string {
  return (
    text
      // HTML pasted from a web form must not become tokens such as "div" or "br".
      .replace(/<[^>]{0,200}>/g, ' ')
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/cl@ve/g, 'clave')
      .replace(/(\p{L})\1{2,}/gu, '$1')
      // Apostrophes join Catalan/English clitics ("m'han", "don't"); keep the words apart for the tokenizer.
      .replace(/[’`´]/g, "'")
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * "holaa", "graciass" → "hola", "gracias": a doubled final letter is nearly always a typo or
 * emphasis. Only for the NLU and language detection (training and classification alike); the
 * safety rules read {@link normalizeText} output.
 */
export function collapseFinalDoubles(normalized: string): string {
  return normalized.replace(/(\p{L})\1(?=[^\p{L}]|$)/gu, '$1');
}

/** Normalised text (final doubles collapsed) cut to {@link NLU_MAX_CHARS} at a word boundary. */
export function normalizeForNlu(text: string): string {
  return nluTextOf(normalizeText(text));
}

/** `normalizeForNlu` for text already passed through `normalizeText` (saves a second pass). */
export function nluTextOf(normalizedText: string): string {
  const normalized = collapseFinalDoubles(normalizedText);
  if (normalized.length <= NLU_MAX_CHARS) return normalized;
  const cut = normalized.slice(0, NLU_MAX_CHARS);
  const space = cut.lastIndexOf(' ');
  return space > NLU_MAX_CHARS / 2 ? cut.slice(0, space) : cut;
}

/** Words of a normalised text (letters and digits only). */
export function wordsOf(normalized: string): string[] {
  return normalized.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
}

/** True when the text has at least one letter or digit (emoji-only and punctuation-only are not). */
export function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * SMS and colloquial spellings of each language, as whole words of normalised text (accents already
 * stripped). Only unambiguous shorthands: "pa" is "para" in Spanish but bread in Catalan, so each
 * language has its own table; Basque keeps its "k" (it is its spelling, not a shorthand).
 */
const SHORTHANDS: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  es: {
    q: 'que', k: 'que', ke: 'que', qe: 'que', xq: 'porque', xk: 'porque', pq: 'porque', pk: 'porque', porq: 'porque', porke: 'porque',
    x: 'por', xa: 'para', pa: 'para', pra: 'para', tb: 'tambien', tmb: 'tambien', tbn: 'tambien', tambn: 'tambien', d: 'de', dl: 'del',
    dnd: 'donde', dnde: 'donde', cdo: 'cuando', cnd: 'cuando', qdo: 'cuando', kdo: 'cuando', kndo: 'cuando', cuant: 'cuanto',
    xfa: 'por favor', xfavor: 'por favor', porfa: 'por favor', porfis: 'por favor', pf: 'por favor', plis: 'por favor', porfavor: 'por favor',
    msj: 'mensaje', toy: 'estoy', toi: 'estoy', stoy: 'estoy', tng: 'tengo', tngo: 'tengo', tngs: 'tienes', ns: 'no se', nse: 'no se',
    bn: 'bien', mñn: 'manana', mnn: 'manana', salu2: 'saludos', grax: 'gracias', grcs: 'gracias', grs: 'gracias', grasias: 'gracias',
    ola: 'hola', wenas: 'buenas', wenos: 'buenos', weno: 'bueno', tas: 'estas', sta: 'esta', nd: 'nada', tdo: 'todo', tds: 'todos',
    xo: 'pero', dsd: 'desde', hta: 'hasta', ayto: 'ayuntamiento', aytmo: 'ayuntamiento', info: 'informacion', tlf: 'telefono', tfno: 'telefono',
    cm: 'como', kmo: 'como', cmo: 'como', ntp: 'no te preocupes', sq: 'es que',
  },
  ca: {
    q: 'que', k: 'que', ke: 'que', xq: 'perque', xk: 'perque', pq: 'perque', pk: 'perque', perq: 'perque', perk: 'perque',
    x: 'per', tb: 'tambe', tmb: 'tambe', d: 'de', dsp: 'despres', bn: 'be', msg: 'missatge', pf: 'si us plau', xfa: 'si us plau',
    sisplau: 'si us plau', siusplau: 'si us plau', grcs: 'gracies', grax: 'gracies', mrc: 'merci', hla: 'hola', ola: 'hola', info: 'informacio',
    tlf: 'telefon', ajunt: 'ajuntament', qn: 'quan', qan: 'quan', kan: 'quan', kin: 'quin', kina: 'quina', ns: 'no ho se',
  },
  gl: {
    q: 'que', k: 'que', ke: 'que', xq: 'porque', xk: 'porque', pq: 'porque', pk: 'porque', porq: 'porque', porke: 'porque',
    x: 'por', tb: 'tamen', tmb: 'tamen', d: 'de', pf: 'por favor', xfa: 'por favor', porfa: 'por favor', grz: 'grazas', grcs: 'grazas',
    bn: 'ben', cdo: 'cando', kando: 'cando', cnd: 'cando', info: 'informacion', tlf: 'telefono', ns: 'non sei',
  },
  eu: {
    zmz: 'zer moduz', msdz: 'mesedez', mesedz: 'mesedez', eskerrikasko: 'eskerrik asko', ekerrik: 'eskerrik',
    milesker: 'mila esker', info: 'informazioa', tlf: 'telefonoa',
  },
  en: {
    u: 'you', ur: 'your', r: 'are', pls: 'please', plz: 'please', pleas: 'please', thx: 'thanks', thnx: 'thanks', tnx: 'thanks', ty: 'thank you',
    wanna: 'want to', gonna: 'going to', gotta: 'have to', cuz: 'because', coz: 'because', bc: 'because', bcs: 'because', bcoz: 'because',
    '2moro': 'tomorrow', tmrw: 'tomorrow', tmr: 'tomorrow', b4: 'before', wat: 'what', wht: 'what', hw: 'how', whr: 'where', wen: 'when',
    appt: 'appointment', govt: 'government', idk: 'i do not know', msg: 'message', info: 'information',
  },
};

/** Words that really are written with k before e/i in Spanish, Catalan or Galician (never respelt). */
const REAL_K_WORDS = /^(kilo|kiosk|kiosc|kimono|kebab|ket|kit|kiwi|kinesi|kerosen|kev|kenia|keni|kibutz|kindle|kite)/;

/**
 * SMS and colloquial spelling of `language` written out, on text already passed through
 * {@link normalizeText}: shorthands ("q", "xq", "tb", "pls") become their words and, outside
 * Basque and English, "k" for "qu" or "c" is respelt ("kiero" → "quiero", "kuando" → "cuando").
 * Accents, capitals and repeated letters are handled by {@link normalizeText} already; dropped and
 * swapped letters by the spelling corrector (`spelling.ts`), which needs the corpus vocabulary.
 */
export function expandColloquial(normalized: string, language: Language): string {
  const table = SHORTHANDS[language];
  const respellK = language === 'es' || language === 'ca' || language === 'gl';
  return normalized.replace(/[\p{L}\p{N}_]+/gu, (word) => {
    const expansion = table[word];
    if (expansion !== undefined) return expansion;
    if (!respellK || !word.includes('k') || REAL_K_WORDS.test(word)) return word;
    return word.replace(/k(?=[ei])/g, 'qu').replace(/k(?=[aou])/g, 'c');
  });
}

/**
 * What a model learns from one utterance of `language`: normalised like a message
 * ({@link normalizeForNlu}) and with its SMS shorthands written out ({@link expandColloquial}),
 * exactly as the classifier prepares a message, so that an utterance written "xq" in the corpus
 * and a message written "porque" meet on the same words.
 */
export function nluTrainingText(text: string, language: Language): string {
  return expandColloquial(normalizeForNlu(text), language);
}
