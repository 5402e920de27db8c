import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../unit/intents/helpers.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents();
});

describe('a conversation in Spanish (es)', () => {
  it('greets, answers Renta and transport, rephrases out of scope and hands off on request', async () => {
    const chat = new FakeChat(intents);
    await chat.send('hola buenas');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('es');
    expect(chat.text()).toMatch(/Hola! Soy el asistente/);

    await chat.send('hasta cuándo tengo para presentar la declaración de la renta?');
    expect(chat.last?.nlu?.intent).toBe('renta.plazos');
    expect(chat.text()).toMatch(/30 de junio/);
    expect(chat.language()).toBe('es');

    await chat.send('a qué hora pasa el próximo metro por Sol?');
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toMatch(/crtm\.es/);

    await chat.send('quién ganó el partido del domingo?');
    expect(chat.last?.nlu?.intent).toBe('None');
    expect(chat.text()).toMatch(/de otra forma/);
    expect(chat.last?.handoff).toBeUndefined();

    await chat.send('quiero hablar con una persona');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'normal', queue: 'general' });
    expect(chat.conversation.language).toBe('es');
  });

  it('a web chat with an English browser locale (en-US): "hola" gets a Spanish answer and the conversation stays Spanish', async () => {
    const chat = new FakeChat(intents, 'en-US');
    await chat.send('hola');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('es');
    expect(chat.text()).toMatch(/Hola! Soy el asistente/);
    expect(chat.conversation.language).toBe('es');

    await chat.send('ok');
    expect(chat.language()).toBe('es');

    await chat.send('cuánto cuesta el abono transporte?');
    expect(chat.last?.nlu?.intent).toBe('transporte.tarifas');
    expect(chat.language()).toBe('es');
  });
});

