/**
 * The one place that finds personal data in text: e-mail addresses, IBANs (mod-97), payment cards
 * (Luhn), NIE and DNI numbers (check letter), phone numbers (Spanish and international) and street
 * addresses of the "calle … nº" kind. Candidates are found by patterns whose every repetition is
 * bounded (each start position costs a bounded amount of work, so a pass is linear in the text's
 * length) and e-mails by the linear scanner of `core/email-scan`; then each candidate is checked
 * (check letter, checksum, numbering plan) and only a valid one counts.
 */
import { countrySpecs } from 'ibantools';
import { createEmailReplacer } from '../core/email-scan.js';
import { isPersonalPhone, isValidCard, isValidDni, isValidIban, isValidNie } from './checks.js';

/** The kinds of personal data the module knows. */
export type PersonalDataKind = 'email' | 'iban' | 'card' | 'nie' | 'dni' | 'phone' | 'address';

/** Every kind, in the order the passes run (an IBAN holds digit runs a phone would also match). */
export const PERSONAL_DATA_KINDS: readonly PersonalDataKind[] = ['email', 'iban', 'card', 'nie', 'dni', 'phone', 'address'];

/** The placeholders the editor, the inbox, logs and exports write in place of personal data. */
export const PERSONAL_DATA_LABELS: Readonly<Record<PersonalDataKind, string>> = {
  email: '[EMAIL]',
  iban: '[IBAN]',
  card: '[TARJETA]',
  nie: '[NIE]',
  dni: '[DNI]',
  phone: '[TELÉFONO]',
  address: '[DIRECCIÓN]',
};

/** Options of {@link maskPersonalData} and {@link detectPersonalData}. */
export interface PersonalDataOptions {
  /** The kinds to look for; all of them by default. */
  readonly kinds?: readonly PersonalDataKind[];
  /** What replaces a match of a kind; {@link PERSONAL_DATA_LABELS} by default. */
  readonly placeholder?: (kind: PersonalDataKind) => string;
}

type Replacer = (text: string, replace: (kind: PersonalDataKind, match: string) => string) => string;

const replaceEmails = createEmailReplacer({ local: '\\p{L}\\p{N}._%+-', domain: '\\p{L}\\p{N}.-', tld: '\\p{L}' });

/** A separator inside an identifier written in groups. */
function isSeparator(char: string): boolean {
  return char === ' ' || char === '-' || char === '.';
}

/**
 * The longest prefix of `match` that ends where a group ends (before a separator or at the end),
 * holds a plausible number of letters and digits for its start (`size`) and passes `valid`; a greedy candidate
 * may have swallowed a following word or number. `size` keeps the (costlier) check to a few calls.
 */
function longestValidPrefix(match: string, size: (count: number, match: string) => boolean, valid: (candidate: string) => boolean): number {
  let count = 0;
  for (let index = 0; index < match.length; index += 1) if (!isSeparator(match.charAt(index))) count += 1;
  // Walk back from the end: `count` is the number of letters and digits before `end`.
  for (let end = match.length; end > 0; end -= 1) {
    const last = match.charAt(end - 1);
    if (isSeparator(last)) continue;
    if ((end === match.length || isSeparator(match.charAt(end))) && size(count, match) && valid(match.slice(0, end))) return end;
    count -= 1;
  }
  return 0;
}

/**
 * A pattern pass whose candidates are checked, scanning the text once from left to right. A
 * greedy candidate may hold a valid identifier followed by more groups (another identifier, a
 * year): its longest valid prefix is masked and the scan goes on right after it. A candidate with
 * no valid prefix may hide one that starts at a later group (an invalid group, then an IBAN): the
 * scan goes on from its second group. Candidates are bounded in length, so each character is
 * looked at a bounded number of times.
 */
function checkedPass(kind: PersonalDataKind, pattern: RegExp, size: (count: number, match: string) => boolean, valid: (candidate: string) => boolean): Replacer {
  // One scanner per pass, reset on each call: `replace` never re-enters the pass, and a fresh
  // RegExp per call would cost more than masking a short message.
  const scanner = new RegExp(pattern.source, pattern.flags);
  return (text, replace) => {
    scanner.lastIndex = 0;
    let output = '';
    let copied = 0;
    for (let found = scanner.exec(text); found !== null; found = scanner.exec(text)) {
      const match = found[0];
      const end = longestValidPrefix(match, size, valid);
      if (end > 0) {
        output += text.slice(copied, found.index) + replace(kind, match.slice(0, end));
        copied = found.index + end;
        scanner.lastIndex = copied;
      } else {
        const separator = match.search(/[ .-]/);
        scanner.lastIndex = found.index + (separator < 0 ? match.length : separator + 1);
      }
    }
    return output + text.slice(copied);
  };
}

/** The length of an IBAN of the country its first two letters name (0 for no such country). */
function ibanLength(match: string): number {
  return countrySpecs[match.slice(0, 2).toUpperCase()]?.chars ?? 0;
}

/** Whether a phone candidate's digit count and first digit can make a phone number at all. */
function plausiblePhone(count: number, match: string): boolean {
  if (match.startsWith('+')) return count >= 8 && count <= 15;
  if (match.startsWith('00')) return count >= 10 && count <= 17;
  const first = match.charAt(0);
  return (count === 9 && first >= '6') || (count === 11 && first === '3');
}

/** A phone candidate is international when written with `+` or `00` before the country code. */
function isPhone(candidate: string): boolean {
  if (candidate.startsWith('+')) return isPersonalPhone(candidate, true);
  if (candidate.startsWith('00')) return isPersonalPhone(candidate.slice(2), true);
  return isPersonalPhone(candidate, false);
}

// Letters and digits around a candidate make it part of a longer token (a reference, a hash).
const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';

// ISO 13616: two letters, two check digits, 11–30 alphanumerics, often in groups of four.
const IBAN = new RegExp(`${BEFORE}[A-Z]{2}\\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?${AFTER}`, 'giu');
// Cards are written in groups of four (or 4-6-5 for American Express), or with no spaces at all.
const CARD = new RegExp(`${BEFORE}(?:\\d{4}(?:[ -]?\\d{4}){2,3}(?:[ -]?\\d{1,3})?|\\d{4}[ -]\\d{6}[ -]\\d{5})${AFTER}`, 'gu');
const NIE = new RegExp(`${BEFORE}[XYZ][ -]?\\d{7}[ -]?[A-Z]${AFTER}`, 'giu');
const DNI = new RegExp(`${BEFORE}\\d{2}\\.?\\d{3}\\.?\\d{3}[ -]?[A-Z]${AFTER}`, 'giu');
// Up to 15 digits (E.164) after `+` or `00`, in groups; `+`/`00` marks an international number.
const PHONE = new RegExp(`${BEFORE}\\+?\\d(?:[ .-]?\\d){7,16}${AFTER}`, 'gu');
// "calle Mayor 5", "C/ de la Paz, nº 12", "avda. Galicia 3-2º": a street word, up to six words of
// bounded length, and a house number. A street without a number is a public place, not an address.
const STREET = '(?:calle|c/|avenida|avda\\.?|av\\.|plaza|pza\\.?|paseo|camino|carretera|ronda|traves[íi]a|carrer|r[úu]a|glorieta)';
const ADDRESS = new RegExp(
  `${BEFORE}${STREET}[ \\t]+(?:[\\p{L}'’.-]{1,40},?[ \\t]+){0,6}(?:(?:n[º°.ºo]?|n\\.º|n[úu]m(?:ero|\\.)?)[ \\t]*)?\\d{1,4}(?:[ \\t]*[,-]?[ \\t]*\\d{1,2}[º°]?[ \\t]?[A-Z]?)?${AFTER}`,
  'giu',
);

const PASSES: Readonly<Record<PersonalDataKind, Replacer>> = {
  email: (text, replace) => replaceEmails(text, (match) => replace('email', match)),
  iban: checkedPass('iban', IBAN, (count, match) => count === ibanLength(match), isValidIban),
  card: checkedPass('card', CARD, (count, match) => count >= 13 && count <= 19 && match >= '2' && match < '7', isValidCard),
  nie: checkedPass('nie', NIE, (count) => count === 9, isValidNie),
  dni: checkedPass('dni', DNI, (count) => count === 9, isValidDni),
  // Without `+`/`00`, 9 digits or 11 with 34 first; with them, a country code and 8–15 digits.
  phone: checkedPass('phone', PHONE, plausiblePhone, isPhone),
  address: (text, replace) => text.replace(ADDRESS, (match: string) => replace('address', match)),
};

function run(text: string, options: PersonalDataOptions, onMatch: (kind: PersonalDataKind) => string): string {
  const kinds = options.kinds ?? PERSONAL_DATA_KINDS;
  let rest = text;
  for (const kind of PERSONAL_DATA_KINDS) {
    if (kinds.includes(kind)) rest = PASSES[kind](rest, onMatch);
  }
  return rest;
}

/**
 * Returns `text` with every piece of personal data replaced by its placeholder. Linear in the
 * text's length, never throws, idempotent (masking a masked text changes nothing).
 */
export function maskPersonalData(text: string, options: PersonalDataOptions = {}): string {
  const placeholder = options.placeholder ?? ((kind: PersonalDataKind) => PERSONAL_DATA_LABELS[kind]);
  return run(text, options, placeholder);
}

/** The kinds of personal data found in `text`, each once, in pass order (empty when none). */
export function detectPersonalData(text: string, options: PersonalDataOptions = {}): PersonalDataKind[] {
  const found = new Set<PersonalDataKind>();
  run(text, options, (kind) => {
    found.add(kind);
    return PERSONAL_DATA_LABELS[kind];
  });
  return PERSONAL_DATA_KINDS.filter((kind) => found.has(kind));
}

/** True when `text` holds any personal data. */
export function hasPersonalData(text: string, options: PersonalDataOptions = {}): boolean {
  return detectPersonalData(text, options).length > 0;
}
