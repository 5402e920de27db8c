/**
 * Masks personal data in citizen text before the editor stores it: e-mail addresses, IBANs,
 * DNI/NIE numbers and phone numbers become `[EMAIL]`, `[IBAN]`, `[DNI]`, `[NIE]`, `[TELÉFONO]`.
 * Order matters: an IBAN contains digit runs a phone pattern would also match. Every step is
 * linear in the text's length (a long message must never stall the hub).
 */
import { createEmailReplacer } from '../core/email-scan.js';

const replaceEmails = createEmailReplacer({ local: '\\p{L}\\p{N}._%+-', domain: '\\p{L}\\p{N}.-', tld: '\\p{L}' });
// ISO 13616: two letters, two check digits, then 11–30 alphanumerics, often in groups of four.
const IBAN = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b/gi;
const NIE = /\b[XYZ][ -]?\d{7}[ -]?[A-Z]\b/gi;
const DNI = /\b\d{8}[ -]?[A-Z]\b/gi;
// Spanish numbers (9 digits starting 6/7/8/9, optional +34/0034) and other long digit runs in groups.
const PHONE = /(?:\+|00)?(?:\d[ .-]?){8,14}\d/g;

/** Returns the text with personal data replaced by placeholders. Never throws. */
export function maskPersonalData(text: string): string {
  return replaceEmails(text, () => '[EMAIL]')
    .replace(IBAN, (match) => (/\d{6}/.test(match.replace(/[ -]/g, '')) ? '[IBAN]' : match))
    .replace(NIE, '[NIE]')
    .replace(DNI, '[DNI]')
    .replace(PHONE, '[TELÉFONO]');
}
