/**
 * The survey rating parser reads every citizen message of a conversation waiting for a rating:
 * it must answer at once whatever the message (a pattern with shared optional spaces took a
 * minute on "5" followed by 500 spaces and a letter).
 */
import { describe, expect, it } from 'vitest';
import { parseRating } from '../../../src/handoff/messages.js';

describe('parseRating', () => {
  it('reads the ways citizens write a rating', () => {
    for (const [text, rating] of [['4', 4], [' 5 / 5 ', 5], ['3 estrellas', 3], ['2 stars!', 2], ['5izarrak', 5], ['1.', 1], ['5/5 estrellas.', 5]] as const) {
      expect(parseRating(text, undefined), text).toBe(rating);
    }
    for (const text of ['6', '5 x', 'cinco', '45', '']) expect(parseRating(text, undefined), text).toBeUndefined();
  });

  it('answers at once for long runs of spaces and long messages', { timeout: 5_000 }, () => {
    for (const text of [`5${' '.repeat(500)}x`, `5${' '.repeat(10_000)}x`, `5 /${' '.repeat(10_000)}x`, `${' '.repeat(10_000)}5`, `5${' '.repeat(30)}`]) {
      expect(parseRating(text, undefined)).toBe(text.trim() === '5' ? 5 : undefined);
    }
  });
});
