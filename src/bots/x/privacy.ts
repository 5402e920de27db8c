/**
 * Personal data in public text. X mentions are public: we never echo personal data there, and a
 * citizen who posts theirs gets a warning instead of an answer.
 */
import { createEmailReplacer, type TextReplacer } from '../../core/email-scan.js';

export type PersonalDataKind = 'dni' | 'nie' | 'phone' | 'email' | 'iban';

/** `text.replace(pattern, replace)` for a global pattern. */
function regexReplacer(pattern: RegExp): TextReplacer {
  return (text, replace) => text.replace(pattern, replace);
}

// Broad on purpose: a false positive costs a masked digit run, a miss exposes a citizen. Each
// replacer is linear in the text's length (the e-mail one is a scanner, not a single RegExp).
const PATTERNS: readonly (readonly [PersonalDataKind, TextReplacer])[] = [
  ['email', createEmailReplacer({ local: 'A-Za-z0-9._%+-', domain: 'A-Za-z0-9.-', tld: 'A-Za-z' })],
  ['iban', regexReplacer(/\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){3,7}(?:[ -]?[A-Z0-9]{1,4})?\b/gi)],
  ['nie', regexReplacer(/\b[XYZ][ -]?\d{7}[ -]?[A-Z]\b/gi)],
  ['dni', regexReplacer(/\b\d{8}[ -]?[A-Z]\b/gi)],
  ['phone', regexReplacer(/(?:\+|\b00)?\b\d(?:[ .-]?\d){8,12}\b/g)],
];

const MASK = '***';

/** A digit run counts as a phone when it has ≥ 9 digits, looks Spanish (6-9…) and is not a service line (80x/90x). */
function isPersonalPhone(match: string): boolean {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 9) return false;
  const national = digits.length > 9 ? digits.slice(-9) : digits;
  // Spanish mobiles and landlines start with 6-9; 80x/90x are public service lines.
  return /^[6-9]/.test(national) && !/^[89]0/.test(national);
}

function maskMatch(kind: PersonalDataKind, match: string): string {
  return kind === 'phone' && !isPersonalPhone(match) ? match : MASK;
}

/** The kinds of personal data found in `text` (empty when none). */
export function detectPersonalData(text: string): PersonalDataKind[] {
  const found: PersonalDataKind[] = [];
  let rest = text;
  for (const [kind, replace] of PATTERNS) {
    const replaced = replace(rest, (match) => maskMatch(kind, match));
    if (replaced !== rest) found.push(kind);
    rest = replaced;
  }
  return found;
}

/** Replaces every DNI/NIE, phone, e-mail and IBAN in `text` with `***`. */
export function maskPersonalData(text: string): string {
  let rest = text;
  for (const [kind, replace] of PATTERNS) {
    rest = replace(rest, (match) => maskMatch(kind, match));
  }
  return rest;
}

/** The public answer to a mention that contains personal data. */
export const PRIVACY_WARNING = 'Por tu seguridad, no compartas datos personales en público; escríbenos por mensaje directo.';

/** The public answer when the reply would need personal data or a person. */
export const DM_INVITATION = 'Para ayudarte con tu caso necesitamos algunos datos: escríbenos por mensaje directo y seguimos allí.';

// Replies that ask for the citizen's data or hand over to a person belong in a DM, not in public.
const NEEDS_PRIVATE = /\b(?:una persona|un agente|una agente|agente|gestora?|persona del equipo|tu (?:dni|nie|n[úu]mero|tel[ée]fono|m[óo]vil|correo|e-?mail|direcci[óo]n|expediente|referencia|iban|cuenta)|datos personales|identif[ií]cate|d[ée]janos tus datos)\b/i;

/** True when a public reply would ask for personal data or pass the citizen to a person. */
export function needsPrivateChannel(text: string): boolean {
  return NEEDS_PRIVATE.test(text);
}

/** Fits text into one public post: whole sentences when possible, else words, with an ellipsis. */
export function fitPublicText(text: string, maxLength: number): string {
  const trimmed = text.trim();
  if ([...trimmed].length <= maxLength) return trimmed;
  const budget = maxLength - 1;
  const head = [...trimmed].slice(0, budget).join('');
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('? '), head.lastIndexOf('! '));
  if (sentenceEnd > budget / 2) return head.slice(0, sentenceEnd + 1);
  const space = head.lastIndexOf(' ');
  return `${(space > budget / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}
