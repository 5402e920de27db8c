/**
 * Check-digit rules of Spanish and European identifiers. A candidate whose check digit is wrong
 * is not personal data (a reference number, an amount, a typo of a public code) and stays as it is.
 */
import { isValidIBAN } from 'ibantools';

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** The check letter of a DNI number (0–99,999,999). */
export function dniLetter(number: number): string {
  return DNI_LETTERS.charAt(number % 23);
}

/** True for eight digits and their check letter (separators `.`, ` `, `-` ignored, any case). */
export function isValidDni(text: string): boolean {
  const compact = text.replace(/[ .-]/g, '').toUpperCase();
  if (!/^\d{8}[A-Z]$/.test(compact)) return false;
  return dniLetter(Number(compact.slice(0, 8))) === compact.charAt(8);
}

/** True for an NIE: X, Y or Z (read as 0, 1, 2), seven digits and the DNI check letter. */
export function isValidNie(text: string): boolean {
  const compact = text.replace(/[ .-]/g, '').toUpperCase();
  if (!/^[XYZ]\d{7}[A-Z]$/.test(compact)) return false;
  const number = Number(`${'XYZ'.indexOf(compact.charAt(0))}${compact.slice(1, 8)}`);
  return dniLetter(number) === compact.charAt(8);
}

/** True for an IBAN with the right length for its country and a valid mod-97 checksum (ibantools). */
export function isValidIban(text: string): boolean {
  return isValidIBAN(text.replace(/[ -]/g, '').toUpperCase());
}

/** True for 13–19 digits with a card network's first digit (2–6) and a right Luhn checksum. */
export function isValidCard(text: string): boolean {
  // No regular expression here: the scan asks about every digit group of a long digit run.
  let length = 0;
  let sum = 0;
  let first = 0;
  for (let index = text.length - 1; index >= 0; index -= 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) continue;
    let digit = code - 48;
    if (length % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    length += 1;
    first = code - 48;
  }
  return length >= 13 && length <= 19 && first >= 2 && first <= 6 && sum % 10 === 0;
}

/** The digits of `text`, without a regular expression (called for every group of a digit run). */
function digitsOf(text: string): string {
  let digits = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (char >= '0' && char <= '9') digits += char;
  }
  return digits;
}

/** A Spanish subscriber number: nine digits starting 6–9, not a service line (80x/90x). */
function isSpanishPersonal(national: string): boolean {
  const first = national.charAt(0);
  return national.length === 9 && first >= '6' && !((first === '8' || first === '9') && national.charAt(1) === '0');
}

/**
 * True when `text` is a personal phone number. `international` says whether it was written with
 * `+` or `00` (given without the `00`): then the digits start with a country code and 8–15 digits
 * count (Spanish ones must still be personal, not a service line); without, only a Spanish number
 * (optionally after `34`).
 */
export function isPersonalPhone(text: string, international: boolean): boolean {
  const digits = digitsOf(text);
  if (international) {
    if (digits.startsWith('34')) return isSpanishPersonal(digits.slice(2));
    return digits.length >= 8 && digits.length <= 15 && !digits.startsWith('0');
  }
  if (digits.length === 11 && digits.startsWith('34')) return isSpanishPersonal(digits.slice(2));
  return isSpanishPersonal(digits);
}
