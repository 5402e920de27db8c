import { describe, expect, it } from 'vitest';
import { escapeMarkdownV2 } from '../../../../src/bots/telegram/markdown.js';

describe('escapeMarkdownV2', () => {
  it('escapes every reserved character and the backslash', () => {
    expect(escapeMarkdownV2('_*[]()~`>#+-=|{}.!\\')).toBe('\\_\\*\\[\\]\\(\\)\\~\\`\\>\\#\\+\\-\\=\\|\\{\\}\\.\\!\\\\');
  });

  it('leaves ordinary Spanish text alone', () => {
    expect(escapeMarkdownV2('¿Cuándo empieza la campaña? El 2 de abril.')).toBe('¿Cuándo empieza la campaña? El 2 de abril\\.');
  });
});
