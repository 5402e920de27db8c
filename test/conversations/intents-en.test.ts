import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../unit/intents/helpers.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents();
});

describe('a conversation in English (en)', () => {
  it('greets, answers Renta and transport, rephrases out of scope and hands off on request', async () => {
    const chat = new FakeChat(intents);
    await chat.send('hi there');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('en');
    expect(chat.text()).toMatch(/citizen service assistant/);

    await chat.send('what is the deadline to file my income tax return?');
    expect(chat.last?.nlu?.intent).toBe('renta.plazos');
    expect(chat.text()).toMatch(/30 June/);
    expect(chat.language()).toBe('en');

    await chat.send('when does the next train leave for the airport?');
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toMatch(/crtm\.es/);

    await chat.send('who is going to win the league this year?');
    expect(chat.last?.nlu?.intent).toBe('None');
    expect(chat.text()).toMatch(/another way/);
    expect(chat.last?.handoff).toBeUndefined();

    await chat.send('i want to talk to a person');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'normal', queue: 'general' });
    expect(chat.conversation.language).toBe('en');
  });
});
