import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../unit/intents/helpers.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents();
});

describe('a conversation in Galician (gl)', () => {
  it('greets, answers Renta and transport, rephrases out of scope and hands off on request', async () => {
    const chat = new FakeChat(intents);
    await chat.send('boas tardes');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('gl');
    expect(chat.text()).toMatch(/Son o asistente/);

    await chat.send('ata cando podo presentar a declaración da renda?');
    expect(chat.last?.nlu?.intent).toBe('renta.plazos');
    expect(chat.text()).toMatch(/30 de xuño/);
    expect(chat.language()).toBe('gl');

    await chat.send('a que hora pasa o próximo autobús pola estación?');
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toMatch(/crtm\.es/);

    await chat.send('que tempo vai facer o domingo?');
    expect(chat.last?.nlu?.intent).toBe('None');
    expect(chat.text()).toMatch(/doutra forma/);
    expect(chat.last?.handoff).toBeUndefined();

    await chat.send('quero falar cunha persoa');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'normal', queue: 'general' });
    expect(chat.conversation.language).toBe('gl');
  });
});
