/**
 * The follow-up detectors of the inbox, in the five languages: a "no", a request for a person,
 * the same question asked again (and what must not count: a new question, a polite "no, gracias",
 * a long question that merely names a person, anything after 60 s).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asksForPerson, followUpSignal, isNegativeReply, isRephrase, questionSimilarity, REPHRASE_SIMILARITY } from '../../../src/editor/inbox-signals.js';

describe('isNegativeReply', () => {
  it.each([
    ['es', 'No'], ['es', 'no es eso'], ['es', 'Eso no.'], ['es', 'No, lo que quiero es el horario'], ['es', 'no me sirve'],
    ['ca', 'No és això'], ['ca', 'això no'], ['ca', "no m'ajuda"],
    ['gl', 'Non'], ['gl', 'Iso non.'], ['gl', 'non me serve'],
    ['eu', 'Ez'], ['eu', 'Ez da hori'], ['eu', 'hori ez!'],
    ['en', 'No'], ['en', "That's not it"], ['en', 'nope'], ['en', 'wrong answer'],
  ])('%s: «%s» rejects the answer', (_language, text) => {
    expect(isNegativeReply(text)).toBe(true);
  });

  it.each([
    ['es', 'No puedo pagar el IBI, ¿qué hago?'], ['es', 'No, gracias'], ['ca', 'No, gràcies'], ['gl', 'Non, grazas'], ['eu', 'Ez, eskerrik asko'], ['en', 'No thanks'],
    ['es', '¿Dónde está la parada?'], ['en', 'Nobody answers the phone'], ['eu', 'Ezkontza egiteko zer behar dut?'],
  ])('%s: «%s» is not a rejection', (_language, text) => {
    expect(isNegativeReply(text)).toBe(false);
  });
});

describe('asksForPerson', () => {
  it.each([
    ['es', 'quiero hablar con una persona'], ['es', 'un humano por favor'], ['ca', 'vull parlar amb una persona'], ['gl', 'persoa, por favor'],
    ['eu', 'pertsona batekin hitz egin nahi dut'], ['en', 'Can I talk to a human?'], ['en', 'real person please'],
  ])('%s: «%s» asks for a person', (_language, text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  it('a long question that names a person is a question, not a request', () => {
    expect(asksForPerson('qué documentos necesito para el certificado de defunción de una persona fallecida en otro municipio')).toBe(false);
    expect(asksForPerson('¿Dónde está la parada del 27?')).toBe(false);
  });

  it('the classifier reading the person request counts whatever the words', () => {
    expect(asksForPerson('algo raro', 'conversacion.agente')).toBe(true);
  });
});

describe('isRephrase', () => {
  it.each([
    ['es', '¿Dónde está la parada del bus 27?', 'parada autobús 27 dónde'],
    ['es', '¿Dónde está la parada del autobús 27?', '¿en qué parada para el 27?'],
    ['ca', "On és la parada de l'autobús 27?", 'a quina parada para el bus 27'],
    ['gl', 'Onde está a parada do autobús?', 'parada de autobús máis próxima'],
    ['eu', 'Non dago autobus geltokia?', 'autobus geltokiak non daude'],
    ['en', 'Where is the bus stop?', 'which bus stop is nearest'],
  ])('%s: «%s» → «%s» is the same question again', (_language, first, second) => {
    expect(isRephrase(first, second)).toBe(true);
  });

  it.each([
    ['es', '¿Cuándo empieza la renta?', '¿Cómo pido cita para el padrón?'],
    ['es', '¿Cuándo empieza la renta?', 'gracias'],
    ['en', 'How do I renew my ID card?', 'When does the tax campaign start?'],
    ['eu', 'Zenbat balio du autobus txartelak?', 'Noiz hasten da errenta kanpaina?'],
    ['gl', 'Onde está a parada?', 'ok'],
    ['es', 'hola, buenos días', 'hola, buenos días'],
    ['eu', 'Kaixo, egun on', 'kaixo'],
  ])('%s: «%s» → «%s» is a different message', (_language, first, second) => {
    expect(isRephrase(first, second)).toBe(false);
  });

  it('similarity is symmetric, within 0–1, and 1 for a repeated question', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        const ab = questionSimilarity(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
        expect(questionSimilarity(b, a)).toBeCloseTo(ab, 10);
      }),
    );
    expect(questionSimilarity('¿Dónde está la parada del 27?', '¿Dónde está la parada del 27?')).toBe(1);
    expect(REPHRASE_SIMILARITY).toBeLessThan(1);
  });
});

describe('followUpSignal', () => {
  const answeredAt = new Date('2026-03-02T10:00:00Z');
  const at = (seconds: number) => new Date(answeredAt.getTime() + seconds * 1000);

  it('names the strongest signal within 60 s of the answer, and nothing after', () => {
    expect(followUpSignal('¿Dónde está la parada del 27?', answeredAt, { text: 'no', at: at(5) })).toBe('followed-no');
    expect(followUpSignal('¿Dónde está la parada del 27?', answeredAt, { text: 'quiero una persona', at: at(30) })).toBe('followed-person');
    expect(followUpSignal('¿Dónde está la parada del 27?', answeredAt, { text: 'parada del autobús 27', at: at(60) })).toBe('rephrased');
    expect(followUpSignal('¿Dónde está la parada del 27?', answeredAt, { text: 'no', at: at(61) })).toBeUndefined();
    expect(followUpSignal('¿Dónde está la parada del 27?', answeredAt, { text: '¿y el horario de la biblioteca?', at: at(10) })).toBeUndefined();
  });
});
