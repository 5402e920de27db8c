/**
 * Invariants of the personal-data module, on generated input: every valid DNI, NIE, IBAN and card
 * inside arbitrary prose is masked; masking is idempotent; nothing makes it throw.
 */
import { composeIBAN, isValidIBAN } from 'ibantools';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dniLetter, detectPersonalData, maskPersonalData } from '../../../src/privacy/index.js';

const digits = (length: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((ds) => ds.join(''));
const separator = fc.constantFrom('', ' ', '-');

const dni = fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), separator, fc.boolean()).map(([number, sep, lower]) => {
  const letter = dniLetter(number);
  return `${String(number).padStart(8, '0')}${sep}${lower ? letter.toLowerCase() : letter}`;
});
const nie = fc.tuple(fc.constantFrom('X', 'Y', 'Z'), digits(7), separator).map(([prefix, body, sep]) => `${prefix}${sep}${body}${sep}${dniLetter(Number(`${'XYZ'.indexOf(prefix)}${body}`))}`);
// Countries whose BBAN is all digits with no national check, so any digits compose a valid IBAN.
const iban = fc
  .tuple(fc.constantFrom(['DE', 18] as const, ['AT', 16] as const, ['BE', 12] as const, ['NL', 0] as const), fc.boolean())
  .chain(([[country, length], grouped]) =>
    (country === 'NL' ? fc.tuple(fc.constantFrom('ABNA', 'INGB', 'RABO'), digits(10)).map(([bank, account]) => bank + account) : digits(length)).map((bban) => {
      const compact = composeIBAN({ countryCode: country, bban }) ?? '';
      return grouped ? (compact.match(/.{1,4}/g) ?? []).join(' ') : compact;
    }),
  )
  .filter((value) => isValidIBAN(value.replace(/ /g, '')));
const card = digits(14).map((tail) => {
  // The Luhn check digit for the 15 digits, making a 16-digit card number.
  const body = `4${tail}`;
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    let digit = Number(body.charAt(body.length - 1 - index));
    if (index % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}).filter((value) => value.length === 16);
const phone = fc.tuple(fc.constantFrom('6', '7', '91', '93', '98'), digits(8), fc.constantFrom('', '+34 ', '0034 ')).map(([start, rest, prefix]) => `${prefix}${(start + rest).slice(0, 9)}`);

// Prose around the data: words without digits, so no identifier can be made out of its neighbours.
const prose = fc.array(fc.constantFrom('mi', 'número', 'es', 'y', 'el', 'de', 'la', 'cuenta', 'llamadme', 'gracias', '.', ',', '¿', '?', 'hola', 'DNI', 'teléfono'), { maxLength: 6 }).map((words) => words.join(' '));
const personal = fc.oneof(dni, nie, iban, card, phone);

describe('personal data properties', () => {
  it('masks every valid generated DNI, NIE, IBAN, card and phone inside prose', () => {
    fc.assert(
      fc.property(prose, personal, prose, (before, value, after) => {
        const text = `${before} ${value} ${after}`;
        const masked = maskPersonalData(text);
        expect(masked).not.toContain(value);
        expect(masked.replace(/\D/g, '')).not.toContain(value.replace(/\D/g, '').slice(-7));
        expect(detectPersonalData(text).length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent on prose with personal data and on arbitrary text', () => {
    const mixed = fc.array(fc.oneof(prose, personal, fc.string({ maxLength: 20 })), { maxLength: 8 }).map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.oneof(mixed, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })), fc.boolean(), (text, stars) => {
        const options = stars ? { placeholder: () => '***' } : {};
        const once = maskPersonalData(text, options);
        expect(maskPersonalData(once, options)).toBe(once);
        expect(detectPersonalData(maskPersonalData(text))).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws, whatever the text', () => {
    const alphabet = fc.constantFrom('1', '2', '6', ' ', '-', '.', '+', '@', 'a', 'E', 'S', 'X', 'Z', 'º', 'c', '/', 'é', '\u{1F600}', '\uD800');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(alphabet, { maxLength: 300 }).map((chars) => chars.join(''))), (text) => {
        expect(() => maskPersonalData(text)).not.toThrow();
        expect(() => detectPersonalData(text)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});
