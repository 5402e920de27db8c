import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChannelCapabilities } from '../../../src/core/channel-port.js';
import { degrade, numberedChoices, renderMarkup, splitText } from '../../../src/core/degrade.js';
import type { OutboundMessage } from '../../../src/core/message.js';

const plain: ChannelCapabilities = { choices: 3, attachments: false, maxTextLength: 100, markup: 'none' };
const choices = [
  { title: 'Renta', payload: 'intent:renta' },
  { title: 'Padrón', payload: 'intent:padron' },
];
const ask: OutboundMessage = { kind: 'choices', text: '¿Qué trámite?', choices };

describe('degrade', () => {
  it('keeps buttons that fit and turns them into a numbered list when there are too many or none', () => {
    expect(degrade(ask, plain)).toEqual([ask]);
    expect(degrade(ask, { ...plain, choices: 1 })).toEqual([{ kind: 'text', text: '¿Qué trámite?\n\n1. Renta\n2. Padrón' }]);
    expect(degrade(ask, { ...plain, choices: false })).toEqual([{ kind: 'text', text: '¿Qué trámite?\n\n1. Renta\n2. Padrón' }]);
    expect(degrade(ask, { ...plain, choices: true })).toEqual([ask]);
  });

  it('builds the numbered list when a choice breaks the button limits, escaped in the channel markup', () => {
    const long = { ...ask, choices: [{ title: 'Larga (A)', payload: 'x'.repeat(65) }] };
    const telegram: ChannelCapabilities = { choices: 10, attachments: true, maxTextLength: 4096, markup: 'markdown-v2', buttons: { payloadMaxBytes: 64 } };
    expect(degrade(long, telegram)).toEqual([{ kind: 'text', text: '¿Qué trámite?\n\n1\\. Larga \\(A\\)' }]);
    // 64 bytes in 32 two-byte characters: bytes count, not characters.
    expect(degrade({ ...ask, choices: [{ title: 'A', payload: 'ñ'.repeat(33) }] }, telegram)[0]?.kind).toBe('text');
    expect(degrade({ ...ask, choices: [{ title: 'A', payload: 'ñ'.repeat(32) }] }, telegram)[0]?.kind).toBe('choices');

    const whatsapp: ChannelCapabilities = { ...plain, choices: 10, buttons: { titleMax: 24, payloadMaxBytes: 200, distinctTitles: true, needsText: true } };
    expect(degrade(ask, whatsapp)).toEqual([ask]);
    expect(degrade({ ...ask, choices: [{ title: 'Solicitar el certificado de empadronamiento', payload: 'a' }] }, whatsapp)[0]?.kind).toBe('text');
    expect(degrade({ ...ask, choices: [{ title: 'Sí', payload: 'a' }, { title: 'Sí', payload: 'b' }] }, whatsapp)[0]?.kind).toBe('text');
    expect(degrade({ ...ask, choices: [{ title: '', payload: 'a' }] }, whatsapp)[0]?.kind).toBe('text');
    expect(degrade({ ...ask, text: ' ' }, whatsapp)).toEqual([{ kind: 'text', text: '1. Renta\n2. Padrón' }]);
    // Without limits, the same sets stay buttons.
    expect(degrade({ ...ask, choices: [{ title: 'Sí', payload: 'a' }, { title: 'Sí', payload: 'b' }] }, plain)[0]?.kind).toBe('choices');
  });

  it('picks the short variant where the channel prefers it or the text does not fit', () => {
    const message: OutboundMessage = { kind: 'text', text: 'Largo '.repeat(30).trim(), short: 'Corto.' };
    expect(degrade(message, { ...plain, preferShort: true })).toEqual([{ kind: 'text', text: 'Corto.' }]);
    expect(degrade(message, plain)).toEqual([{ kind: 'text', text: 'Corto.' }]);
    expect(degrade(message, { ...plain, maxTextLength: 1000 })).toEqual([{ kind: 'text', text: message.text }]);
  });

  it('turns attachments into caption and link where the channel shows none', () => {
    const file: OutboundMessage = { kind: 'attachment', url: 'https://sede.example/guia.pdf', mimeType: 'application/pdf', caption: 'Guía' };
    expect(degrade(file, { ...plain, attachments: true })).toEqual([file]);
    expect(degrade(file, plain)).toEqual([{ kind: 'text', text: 'Guía\nhttps://sede.example/guia.pdf' }]);
  });

  it('splits long text and keeps the buttons on the last part', () => {
    const text = 'Primera frase bastante larga. Segunda frase también larga. Tercera frase final.';
    const parts = degrade({ kind: 'choices', text, choices }, { ...plain, maxTextLength: 40 });
    expect(parts.map((part) => part.kind)).toEqual(['text', 'text', 'choices']);
    expect(parts.at(-1)).toMatchObject({ kind: 'choices', text: 'Tercera frase final.', choices });
  });

  it('renders **bold** in each markup dialect', () => {
    expect(renderMarkup('a **b** c.', 'none')).toBe('a b c.');
    expect(renderMarkup('a **b** c.', 'whatsapp')).toBe('a *b* c.');
    expect(renderMarkup('a<**b&**>', 'html')).toBe('a&lt;<b>b&amp;</b>&gt;');
    expect(renderMarkup('1. **a_b**', 'markdown-v2')).toBe('1\\. *a\\_b*');
  });

  it('numbers choices the way the pipeline reads them back', () => {
    expect(numberedChoices('Elige', choices)).toBe('Elige\n\n1. Renta\n2. Padrón');
  });

  it('never produces a part over the limit, and loses no word (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zñ.,!?]{1,12}$/), { minLength: 1, maxLength: 80 }), fc.integer({ min: 5, max: 60 }), (words, max) => {
        const text = words.join(' ');
        const parts = splitText(text, max);
        expect(parts.every((part) => part.length > 0 && part.length <= max)).toBe(true);
        expect(parts.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
      }),
    );
  });
});
