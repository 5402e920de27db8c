import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../../src/intents/index.js';
import { matchSafetyRules } from '../../../src/intents/safety/index.js';
import { normalizeText } from '../../../src/intents/normalize.js';
import { FakeChat } from '../../helpers/intents.js';
import { sharedModelCache } from '../../helpers/model-cache.js';

const EMERGENCIES: readonly (readonly [string, string])[] = [
  ['hay un incendio en el portal', 'emergencia.112'],
  ['ha habido un accidente de moto en mi calle', 'emergencia.112'],
  ['mi vecino esta inconsciente', 'emergencia.112'],
  ['me están robando el bolso', 'emergencia.112'],
  ['me están pegando', 'emergencia.112'],
  ['hi ha un incendi al pis de dalt', 'emergencia.112'],
  ['estanme atacando na rúa', 'emergencia.112'],
  ['sutea dago etxean', 'emergencia.112'],
  ['there is a fire in the kitchen', 'emergencia.112'],
  ['mi pareja me pega', 'emergencia.016'],
  ['me amenaza mi marido', 'emergencia.016'],
  ['sufro maltrato en casa', 'emergencia.016'],
  ['el meu xicot em pega', 'emergencia.016'],
  ['o meu mozo pégame', 'emergencia.016'],
  ['nire senarrak jo egiten nau', 'emergencia.016'],
  ['my boyfriend hits me', 'emergencia.016'],
  ['quiero morirme', 'emergencia.024'],
  ['no quiero vivir', 'emergencia.024'],
  ['he pensado suicidarme', 'emergencia.024'],
  ['quiero hacerme daño', 'emergencia.024'],
  ['vull morir-me', 'emergencia.024'],
  ['non quero vivir', 'emergencia.024'],
  ['hil nahi dut', 'emergencia.024'],
  ['i want to kill myself', 'emergencia.024'],
];

const FALSE_ALARMS = [
  'me muero de risa',
  'me mata el calor',
  'el 112 del autobús pasa por aquí?',
  'me pego una ducha y te escribo',
  'me muero de hambre, a qué hora abre el ayuntamiento',
  'donde esta la salida de emergencia del metro',
  'que me devuelvan la renta o me muero jaja',
];

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents(sharedModelCache());
});

describe('safety net phrase rules', () => {
  it.each(EMERGENCIES)('"%s" → %s', (text, intent) => {
    expect(matchSafetyRules(normalizeText(text))?.intent).toBe(intent);
  });

  it.each(FALSE_ALARMS)('does not fire on "%s" (rules nor NLU)', async (text) => {
    expect(matchSafetyRules(normalizeText(text))).toBeUndefined();
    const result = await intents.classify(text);
    expect(result.intent.startsWith('emergencia.')).toBe(false);
  });
});

describe('safety middleware', () => {
  it('answers 016 at once in Spanish, says it leaves no trace, marks the conversation urgent and stops', async () => {
    const chat = new FakeChat(intents);
    const ctx = await chat.send('mi pareja me pega');
    expect(chat.text()).toMatch(/016/);
    expect(chat.text()).toMatch(/no deja rastro en la factura/);
    expect(ctx.handoff).toEqual({ reason: 'emergency', priority: 'urgent', queue: 'urgencias', intent: 'emergencia.016' });
    expect(ctx.patch.urgent).toBe(true);
    expect(ctx.replies).toHaveLength(1);
    expect(chat.nextCalled).toBe(false);
  });

  it('answers in the citizen language (Basque 024, English 112)', async () => {
    const basque = new FakeChat(intents);
    await basque.send('ez dut bizi nahi');
    expect(basque.text()).toMatch(/024/);
    expect(basque.language()).toBe('eu');
    const english = new FakeChat(intents);
    await english.send('there is a fire in my building, help');
    expect(english.text()).toMatch(/call 112/);
  });

  it('still answers when an agent owns the conversation (the handoff module decides the rest)', async () => {
    const chat = new FakeChat(intents, undefined, { mode: 'agent' });
    await chat.send('quiero suicidarme');
    expect(chat.text()).toMatch(/024/);
    expect(chat.last?.handoff?.priority).toBe('urgent');
  });

  it('reads the whole of a long message, beyond what the NLU sees', async () => {
    const chat = new FakeChat(intents);
    await chat.send(`${'tengo una duda sobre la renta y el padron. '.repeat(30)} pero ahora mismo mi marido me pega`);
    expect(chat.text()).toMatch(/016/);
  });
});
