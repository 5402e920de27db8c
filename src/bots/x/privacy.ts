/**
 * Personal data in public text. X mentions are public: we never echo personal data there, and a
 * citizen who posts theirs gets a warning instead of an answer.
 */
import { detectPersonalData as detect, maskPersonalData as mask, PERSONAL_DATA_KINDS, type PersonalDataKind } from '../../privacy/index.js';

export type { PersonalDataKind } from '../../privacy/index.js';

const MASK = '***';
// The hub's own replies name public places ("Plaza Mayor 1"); only a citizen's text is checked for addresses.
const REPLY_KINDS = PERSONAL_DATA_KINDS.filter((kind) => kind !== 'address');

/** The kinds of personal data found in a citizen's `text` (empty when none); see `src/privacy`. */
export function detectPersonalData(text: string): PersonalDataKind[] {
  return detect(text);
}

/** Replaces every DNI/NIE, phone, e-mail, IBAN and card number in `text` with `***`. */
export function maskPersonalData(text: string): string {
  return mask(text, { kinds: REPLY_KINDS, placeholder: () => MASK });
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
