/**
 * Text normalisation shared by training, classification, the safety net and language detection,
 * so that all of them see the same string.
 */

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
