/**
 * Normalisation before the NLU: capitals, accents, repeated letters, SMS shorthands per language
 * and the corpus-based spelling corrector (dropped, doubled and swapped letters).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandColloquial, normalizeForNlu, normalizeText } from '../../../src/intents/normalize.js';
import { SpellingCorrector, withinOneEdit } from '../../../src/intents/spelling.js';

const nlu = (text: string, language: Parameters<typeof expandColloquial>[1]): string => expandColloquial(normalizeForNlu(text), language);

describe('normalizeText', () => {
  it('lower-cases, strips accents and collapses repeated letters', () => {
    expect(normalizeText('¿CUÁNDO Empieza la RENTA???')).toBe('¿cuando empieza la renta???');
    expect(normalizeForNlu('Holaaaa, graciass')).toBe('hola, gracias');
    expect(normalizeText('Açò és l’Ajuntament')).toBe("aco es l'ajuntament");
  });

  it('never throws and keeps no accent marks, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const out = normalizeForNlu(text);
        expect(/[\u0300-\u036f]/.test(out)).toBe(false);
      }),
    );
  });
});

describe('expandColloquial', () => {
  it('writes out Spanish SMS shorthands', () => {
    expect(nlu('q tengo q hacer xq no me dejan pedir cita', 'es')).toBe('que tengo que hacer porque no me dejan pedir cita');
    expect(nlu('k hago pa la renta, tb x internet?', 'es')).toBe('que hago para la renta, tambien por internet?');
    expect(nlu('kiero saber kuando pasa el bus', 'es')).toBe('quiero saber cuando pasa el bus');
  });

  it('keeps words really written with k', () => {
    expect(nlu('cuanto cuesta un kilo de kiwis en el kiosko', 'es')).toBe('cuanto cuesta un kilo de kiwis en el kiosko');
  });

  it('uses each language’s own table', () => {
    // "pa" is bread in Catalan, "para" in Spanish SMS.
    expect(nlu('pa amb tomaquet', 'ca')).toBe('pa amb tomaquet');
    expect(nlu('pa la renta', 'es')).toBe('para la renta');
    expect(nlu('xq no puc demanar cita? tb vull saber qn', 'ca')).toBe('perque no puc demanar cita? tambe vul saber quan');
    expect(nlu('xq non podo pedir cita? tb kero saber cdo', 'gl')).toBe('porque non podo pedir cita? tamen quero saber cando');
    expect(nlu('thx, can u tell me when r the buses pls', 'en')).toBe('thanks, can you tel me when are the buses please');
  });

  it('leaves Basque k alone (it is Basque spelling) and writes out its shorthands', () => {
    expect(nlu('Kaixo, zmz? Errenta noiz egin behar dut msdz', 'eu')).toBe('kaixo, zer moduz? errenta noiz egin behar dut mesedez');
    expect(nlu('Kexa bat jarri nahi dut', 'eu')).toBe('kexa bat jarri nahi dut');
  });
});

describe('SpellingCorrector', () => {
  const corrector = new SpellingCorrector(['quiero el certificado digital', 'empadronamiento en el ayuntamiento', 'horario de atencion', 'certificado de empadronamiento']);

  it('fixes one dropped, added, wrong or swapped letter', () => {
    expect(corrector.correct('cetificado')).toBe('certificado');
    expect(corrector.correct('certifficado')).toBe('certificado');
    expect(corrector.correct('cerdificado')).toBe('certificado');
    expect(corrector.correct('ceritficado digtial')).toBe('certificado digital');
    expect(corrector.correct('empadornamiento')).toBe('empadronamiento');
  });

  it('leaves known, short and far words alone', () => {
    expect(corrector.correct('horario de atencion')).toBe('horario de atencion');
    expect(corrector.correct('ora')).toBe('ora');
    expect(corrector.correct('futbolista')).toBe('futbolista');
    expect(corrector.correct('l1 2025')).toBe('l1 2025');
  });

  it('withinOneEdit agrees with its definition on small words', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 }), fc.nat(5), (word, at) => {
        const index = word.length === 0 ? 0 : at % word.length;
        expect(withinOneEdit(word, word.slice(0, index) + word.slice(index + 1))).toBe(true);
        expect(withinOneEdit(word, `${word}zz`)).toBe(false);
      }),
    );
  });
});
