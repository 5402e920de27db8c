import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../unit/intents/helpers.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents();
});

describe('a conversation in Catalan (ca)', () => {
  it('greets, answers Renta and transport, rephrases out of scope and hands off on request', async () => {
    const chat = new FakeChat(intents);
    await chat.send('bon dia');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('ca');
    expect(chat.text()).toMatch(/Soc l'assistent/);

    await chat.send('fins quan puc fer la declaració de la renda?');
    expect(chat.last?.nlu?.intent).toBe('renta.plazos');
    expect(chat.text()).toMatch(/30 de juny/);
    expect(chat.language()).toBe('ca');

    await chat.send('a quina hora passa el proper autobús per la plaça?');
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toMatch(/crtm\.es/);

    await chat.send('qui guanyarà la lliga aquest any?');
    expect(chat.last?.nlu?.intent).toBe('None');
    expect(chat.text()).toMatch(/d'una altra manera/);
    expect(chat.last?.handoff).toBeUndefined();

    await chat.send('vull parlar amb una persona');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'normal', queue: 'general' });
    expect(chat.conversation.language).toBe('ca');
  });
});
