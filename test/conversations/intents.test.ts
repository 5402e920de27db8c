/**
 * The same conversation in each of the five languages: a greeting, the Renta deadline, a
 * timetable question, something out of scope (rephrase, no handoff) and a request for a person.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/core/message.js';
import { createIntents, type Intents } from '../../src/intents/index.js';
import { FakeChat } from '../helpers/intents.js';
import { sharedModelCache } from '../helpers/model-cache.js';

let intents: Intents;
beforeAll(async () => {
  intents = await createIntents(sharedModelCache());
});

interface Script {
  readonly lang: Language;
  readonly name: string;
  readonly greeting: string;
  readonly greets: RegExp;
  readonly renta: string;
  readonly deadline: RegExp;
  readonly timetable: string;
  readonly outOfScope: string;
  readonly rephrase: RegExp;
  readonly person: string;
}

const SCRIPTS: readonly Script[] = [
  {
    lang: 'es',
    name: 'Spanish',
    greeting: 'hola buenas',
    greets: /Hola! Soy el asistente/,
    renta: 'hasta cuándo tengo para presentar la declaración de la renta?',
    deadline: /30 de junio/,
    timetable: 'a qué hora pasa el próximo metro por Sol?',
    outOfScope: 'quién ganó el partido del domingo?',
    rephrase: /de otra forma/,
    person: 'quiero hablar con una persona',
  },
  {
    lang: 'ca',
    name: 'Catalan',
    greeting: 'bon dia',
    greets: /Soc l'assistent/,
    renta: 'fins quan puc fer la declaració de la renda?',
    deadline: /30 de juny/,
    timetable: 'a quina hora passa el proper autobús per la plaça?',
    outOfScope: 'qui guanyarà la lliga aquest any?',
    rephrase: /d'una altra manera/,
    person: 'vull parlar amb una persona',
  },
  {
    lang: 'gl',
    name: 'Galician',
    greeting: 'boas tardes',
    greets: /Son o asistente/,
    renta: 'ata cando podo presentar a declaración da renda?',
    deadline: /30 de xuño/,
    timetable: 'a que hora pasa o próximo autobús pola estación?',
    outOfScope: 'que tempo vai facer o domingo?',
    rephrase: /doutra forma/,
    person: 'quero falar cunha persoa',
  },
  {
    lang: 'eu',
    name: 'Basque',
    greeting: 'kaixo, egun on',
    greets: /laguntzailea naiz/,
    renta: 'noiz arte aurkez dezaket errentaren aitorpena?',
    deadline: /ekainaren 30/,
    timetable: 'zer ordutan pasatzen da hurrengo autobusa geltokitik?',
    outOfScope: 'nork irabaziko du liga aurten?',
    rephrase: /Beste modu batera/,
    person: 'pertsona batekin hitz egin nahi dut',
  },
  {
    lang: 'en',
    name: 'English',
    greeting: 'hi there',
    greets: /citizen service assistant/,
    renta: 'what is the deadline to file my income tax return?',
    deadline: /30 June/,
    timetable: 'when does the next train leave for the airport?',
    outOfScope: 'who is going to win the league this year?',
    rephrase: /another way/,
    person: 'i want to talk to a person',
  },
];

describe.each(SCRIPTS)('a conversation in $name ($lang)', (script) => {
  it('greets, answers Renta and transport, rephrases out of scope and hands off on request', async () => {
    const chat = new FakeChat(intents);
    await chat.send(script.greeting);
    expect(chat.last?.nlu?.intent).toBe('conversacion.saludo');
    expect(chat.language()).toBe(script.lang);
    expect(chat.text()).toMatch(script.greets);

    await chat.send(script.renta);
    expect(chat.last?.nlu?.intent).toBe('renta.plazos');
    expect(chat.text()).toMatch(script.deadline);
    expect(chat.language()).toBe(script.lang);

    await chat.send(script.timetable);
    expect(chat.last?.nlu?.intent).toBe('transporte.horarios');
    expect(chat.text()).toMatch(/transportes\.villaventana\.example/);

    await chat.send(script.outOfScope);
    expect(chat.last?.nlu?.intent).toBe('None');
    expect(chat.text()).toMatch(script.rephrase);
    expect(chat.last?.handoff).toBeUndefined();

    await chat.send(script.person);
    expect(chat.last?.handoff).toMatchObject({ reason: 'citizen', priority: 'normal', queue: 'general' });
    expect(chat.conversation.language).toBe(script.lang);
  });
});

describe('a conversation in Spanish (es) from a foreign browser', () => {
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
