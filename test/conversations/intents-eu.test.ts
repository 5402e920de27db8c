import { beforeAll, describe, expect, it } from 'vitest';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../unit/intents/helpers.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents();
});

describe('a conversation in Basque (eu)', () => {
  it('greets, answers Renta and transport, rephrases out of scope and hands off on request', async () => {
    const chat = new FakeChat(intents);
    await chat.send('kaixo, egun on');
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe('eu');
    expect(chat.text()).toMatch(/laguntzailea naiz/);

    await chat.send('noiz arte aurkez dezaket errentaren aitorpena?');
    expect(chat.last?.nlu?.intent).toBe('renta.plazos');
    expect(chat.text()).toMatch(/ekainaren 30/);
    expect(chat.language()).toBe('eu');

    await chat.send('zer ordutan pasatzen da hurrengo autobusa geltokitik?');
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toMatch(/crtm\.es/);

    await chat.send('nork irabaziko du liga aurten?');
    expect(chat.last?.nlu?.intent).toBe('None');
    expect(chat.text()).toMatch(/Beste modu batera/);
    expect(chat.last?.handoff).toBeUndefined();

    await chat.send('pertsona batekin hitz egin nahi dut');
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'normal', queue: 'general' });
    expect(chat.conversation.language).toBe('eu');
  });
});
