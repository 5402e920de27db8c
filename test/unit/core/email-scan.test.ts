/**
 * The linear e-mail scanner gives exactly the matches of the single regular expression it
 * replaces, and stays fast on the texts that made that expression quadratic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEmailReplacer } from '../../../src/core/email-scan.js';

const UNICODE = { local: '\\p{L}\\p{N}._%+-', domain: '\\p{L}\\p{N}.-', tld: '\\p{L}' };
const ASCII = { local: 'A-Za-z0-9._%+-', domain: 'A-Za-z0-9.-', tld: 'A-Za-z' };
// The patterns the scanner replaces (src/editor/mask.ts and src/bots/x/privacy.ts before): the oracle.
const UNICODE_REGEX = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const ASCII_REGEX = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

// Short texts over an alphabet dense in the characters that matter, so the property meets
// addresses, near-addresses, runs of '@' and dots, and non-ASCII letters.
const tricky = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', 'ñ', 'é', '1', '.', '-', '_', '%', '+', '@', ' ', ',', '(', '\n', '𝒜'), maxLength: 40 });

describe('createEmailReplacer', () => {
  it('replaces exactly what the single-RegExp pattern replaces (Unicode and ASCII classes)', () => {
    const unicode = createEmailReplacer(UNICODE);
    const ascii = createEmailReplacer(ASCII);
    fc.assert(
      fc.property(tricky, (text) => {
        expect(unicode(text, (m) => `<${m}>`)).toBe(text.replace(UNICODE_REGEX, (m) => `<${m}>`));
        expect(ascii(text, (m) => `<${m}>`)).toBe(text.replace(ASCII_REGEX, (m) => `<${m}>`));
      }),
      { numRuns: 5_000 },
    );
  });

  it('finds addresses in prose, next to each other and after a match that ends inside a word', () => {
    const unicode = createEmailReplacer(UNICODE);
    const mark = (text: string) => unicode(text, () => '[EMAIL]');
    expect(mark('escribe a ana.perez@example.org, o a josé@correo.es.')).toBe('escribe a [EMAIL], o a [EMAIL].');
    expect(mark('a@b.cc_d@e.ff')).toBe('[EMAIL][EMAIL]');
    expect(mark('sin arroba.com ni nada')).toBe('sin arroba.com ni nada');
  });

  it('handles a megabyte of the inputs that made the RegExp quadratic', { timeout: 10_000 }, () => {
    const unicode = createEmailReplacer(UNICODE);
    for (const text of ['a'.repeat(1_000_000), 'a@' + 'b.'.repeat(500_000), 'x@'.repeat(500_000), '+'.repeat(1_000_000)]) {
      expect(unicode(text, () => '[EMAIL]').length).toBeGreaterThan(0);
    }
  });
});
