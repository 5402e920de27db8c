/**
 * Personal data in public text. X mentions are public: we never echo personal data there, and a
 * citizen who posts theirs gets a warning instead of an answer.
 */
import { catalogue, type Catalogue } from '../../core/i18n.js';
import { LANGUAGES, type Language } from '../../core/message.js';
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

/** The public answer to a mention that contains personal data, in `language` (catalogue key `x.privacyWarning`). */
export function privacyWarning(language: Language = 'es'): string {
  return catalogue().text(language, 'x.privacyWarning');
}

/** The public answer when the reply would need personal data or a person (catalogue key `x.dmInvitation`). */
export function dmInvitation(language: Language = 'es'): string {
  return catalogue().text(language, 'x.dmInvitation');
}

/** The Spanish privacy warning (kept for callers that predate the catalogues). */
export const PRIVACY_WARNING = privacyWarning('es');

/** The Spanish DM invitation (kept for callers that predate the catalogues). */
export const DM_INVITATION = dmInvitation('es');

/** Lowercase, no accents, words separated by single spaces and padded: what the phrases match on. */
function words(text: string): string {
  const plain = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${plain} `;
}

/**
 * True when a public reply would ask for personal data or pass the citizen to a person: any
 * phrase of `x.needsPrivate` in any of the five languages, as whole words (a reply's language is
 * not always known, and a Catalan answer must not slip out because the check spoke only Spanish).
 */
export function needsPrivateChannel(text: string): boolean {
  const haystack = words(text);
  return privatePhrases(catalogue()).some((phrase) => haystack.includes(phrase));
}

// The phrases of all five languages, normalised once per catalogue (every public reply is checked).
const phraseCache = new WeakMap<Catalogue, readonly string[]>();
function privatePhrases(texts: Catalogue): readonly string[] {
  let phrases = phraseCache.get(texts);
  if (phrases === undefined) {
    phrases = [...new Set(LANGUAGES.flatMap((language) => texts.list(language, 'x.needsPrivate').map(words)))];
    phraseCache.set(texts, phrases);
  }
  return phrases;
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
