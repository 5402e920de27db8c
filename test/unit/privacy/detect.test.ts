/**
 * The personal-data module against a table of valid and invalid identifiers: a valid DNI/NIE,
 * IBAN, card or phone is always masked, one with a wrong check digit never is.
 */
import { describe, expect, it } from 'vitest';
import { detectPersonalData, isValidDni, isValidIban, isValidNie, maskPersonalData, type PersonalDataKind } from '../../../src/privacy/index.js';
import { adversarialTexts } from '../../helpers/long-text.js';

const VALID: readonly (readonly [string, PersonalDataKind])[] = [
  ['12345678Z', 'dni'],
  ['12345678-z', 'dni'],
  ['00000000T', 'dni'],
  ['12.345.678 Z', 'dni'],
  ['X1234567L', 'nie'],
  ['X-1234567-L', 'nie'],
  ['Y0000000Z', 'nie'],
  ['Z7654321H', 'nie'],
  ['ES91 2100 0418 4502 0005 1332', 'iban'],
  ['ES9121000418450200051332', 'iban'],
  ['es91 2100 0418 4502 0005 1332', 'iban'],
  ['DE89 3704 0044 0532 0130 00', 'iban'],
  ['GB29 NWBK 6016 1331 9268 19', 'iban'],
  ['4111 1111 1111 1111', 'card'],
  ['5500-0000-0000-0004', 'card'],
  ['378282246310005', 'card'],
  ['612 345 678', 'phone'],
  ['612345678', 'phone'],
  ['+34 612345678', 'phone'],
  ['0034 912 345 678', 'phone'],
  ['34 612 34 56 78', 'phone'],
  ['981.123.456', 'phone'],
  ['+1 202 555 0123', 'phone'],
  ['+33 1 42 68 53 00', 'phone'],
  ['vecina@example.org', 'email'],
  ['josé.núñez@concello.gal', 'email'],
  ['calle Mayor 5', 'address'],
  ['C/ de la Paz nº 12, 3º B', 'address'],
  ['avda. de Galicia, 45', 'address'],
];

const INVALID: readonly (readonly [string, string])[] = [
  ['12345678A', 'DNI with the wrong letter'],
  ['X1234567A', 'NIE with the wrong letter'],
  ['ES92 2100 0418 4502 0005 1332', 'IBAN with a wrong checksum'],
  ['ES91 2100 0418 4502 0005 13', 'IBAN two digits short'],
  ['4111 1111 1111 1112', 'card failing Luhn'],
  ['512 345 678', 'number outside the Spanish numbering plan'],
  ['901 200 345', 'shared-cost service line'],
  ['900 123 456', 'free service line'],
  ['+34 900 123 456', 'service line with the country code'],
  ['61234567', 'eight digits'],
  ['1.500 euros', 'amount'],
  ['el 2 de abril de 2025', 'date'],
  ['expediente 2025/000123', 'file reference'],
  ['calle Mayor', 'street without a number'],
  ['usuario@localhost', 'address without a domain'],
];

describe('personal data table', () => {
  it.each(VALID)('masks valid %s as %s', (value, kind) => {
    const text = `dato: ${value} (fin)`;
    expect(detectPersonalData(text)).toEqual([kind]);
    const masked = maskPersonalData(text);
    expect(masked).not.toContain(value);
    expect(masked).toMatch(/^dato: \[[A-ZÉÓ]+\] \(fin\)$/u);
  });

  it.each(INVALID)('leaves %s alone (%s)', (value) => {
    const text = `dato: ${value} (fin)`;
    expect(detectPersonalData(text)).toEqual([]);
    expect(maskPersonalData(text)).toBe(text);
  });

  it('checks DNI and NIE letters and IBAN checksums', () => {
    expect(isValidDni('12345678Z')).toBe(true);
    expect(isValidDni('12345678Y')).toBe(false);
    expect(isValidNie('X1234567L')).toBe(true);
    expect(isValidNie('W1234567L')).toBe(false);
    expect(isValidIban('ES9121000418450200051332')).toBe(true);
    expect(isValidIban('ES9121000418450200051333')).toBe(false);
  });

  it('masks an IBAN or phone followed by more words or numbers, leaving those', () => {
    expect(maskPersonalData('cuenta ES91 2100 0418 4502 0005 1332 para pagar')).toBe('cuenta [IBAN] para pagar');
    expect(maskPersonalData('tel 612 345 678 1.500 euros')).toBe('tel [TELÉFONO] 1.500 euros');
    expect(maskPersonalData('tarjeta 4111 1111 1111 1111 2027')).toBe('tarjeta [TARJETA] 2027');
  });

  it('uses the placeholder asked for and only the kinds asked for', () => {
    expect(maskPersonalData('DNI 12345678Z, calle Mayor 5', { placeholder: () => '***' })).toBe('DNI ***, ***');
    expect(maskPersonalData('DNI 12345678Z, calle Mayor 5', { kinds: ['dni'] })).toBe('DNI [DNI], calle Mayor 5');
  });

  it('masks and detects a megabyte of adversarial text (no pattern may be quadratic)', { timeout: 30_000 }, () => {
    for (const text of adversarialTexts(1_000_000)) {
      expect(maskPersonalData(text).length).toBeGreaterThan(0);
      expect(Array.isArray(detectPersonalData(text))).toBe(true);
    }
    const streets = 'calle '.repeat(200_000);
    expect(maskPersonalData(streets)).toBe(streets);
  });
});
