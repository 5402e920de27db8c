/**
 * The n-gram model blended with nlp.js: character n-grams carry Basque case endings and Galician
 * forms the stemmed bag of words misses, and the blend keeps intents nlp.js alone listed. Tiny
 * corpora, no nlp.js training: milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { NgramModel } from '../../../src/intents/ngram.js';
import { nluTrainingText } from '../../../src/intents/normalize.js';

const model = (documents: readonly (readonly [string, string])[], language: 'eu' | 'gl' | 'es'): NgramModel =>
  NgramModel.train(documents.map(([text, intent]) => [nluTrainingText(text, language), intent] as const));

describe('NgramModel', () => {
  it('reads Basque case endings it never saw on a known stem', () => {
    const eu = model(
      [
        ['noiz pasatzen da autobusa geltokitik?', 'transporte.horarios'],
        ['zein ordutan dago autobusa geltokian?', 'transporte.horarios'],
        ['txartela galdu dut autobusean', 'transporte.objetos_perdidos'],
        ['zorroa ahaztu dut autobusean', 'transporte.objetos_perdidos'],
        ['errolda egin nahi dut udaletxean', 'tramites.empadronamiento'],
        ['erroldatu nahi naiz', 'tramites.empadronamiento'],
      ],
      'eu',
    );
    // "geltokiraino" (up to the stop), "galdutako" (lost, relative), "erroldatzeko" (in order to register).
    expect(eu.scores('autobusa noiz iristen da geltokiraino')[0]?.intent).toBe('transporte.horarios');
    expect(eu.scores('galdutako zorroa')[0]?.intent).toBe('transporte.objetos_perdidos');
    expect(eu.scores('erroldatzeko zer behar da')[0]?.intent).toBe('tramites.empadronamiento');
  });

  it('reads Galician forms and SMS spelling through the shared normalisation', () => {
    const gl = model(
      [
        ['cando abre a oficina do concello?', 'tramites.horario_atencion'],
        ['horario de atención ao público', 'tramites.horario_atencion'],
        ['quero pedir cita previa', 'tramites.cita_previa'],
        ['necesito unha cita para mañá', 'tramites.cita_previa'],
      ],
      'gl',
    );
    expect(gl.scores(nluTrainingText('a q hora abren as oficinas', 'gl'))[0]?.intent).toBe('tramites.horario_atencion');
    expect(gl.scores(nluTrainingText('pedir unha cita xfa', 'gl'))[0]?.intent).toBe('tramites.cita_previa');
  });

  it('blends with nlp.js 50/50, keeps what only nlp.js knows, and stays out of the way on unknown text', () => {
    const es = model(
      [
        ['quiero pagar la renta', 'renta.pago'],
        ['cuando me devuelven la renta', 'renta.devolucion'],
      ],
      'es',
    );
    const nlpjs = [
      { intent: 'renta.devolucion', score: 0.6 },
      { intent: 'renta.pago', score: 0.3 },
      { intent: 'None', score: 0.1 },
    ];
    const blended = es.blend('pagar la renta', nlpjs);
    expect(blended[0]?.intent).toBe('renta.pago');
    expect(blended.find((candidate) => candidate.intent === 'None')?.score).toBeCloseTo(0.05);
    expect(blended.reduce((sum, candidate) => sum + candidate.score, 0)).toBeCloseTo(1);
    expect(es.blend('🙂 zzzz', nlpjs)).toEqual(nlpjs);
    // Odd input never throws.
    for (const text of ['', '\uD800', 'x'.repeat(10_000), '１２３', 'привет мир']) expect(() => es.scores(text)).not.toThrow();
  });
});
