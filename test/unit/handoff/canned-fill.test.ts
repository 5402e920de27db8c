/**
 * Canned responses: every variable filled, whatever the citizen's name (or none), in sentence case
 * and with single spaces — never "Hola , soy ana".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentDisplayName, fillCanned, unknownVariables } from '../../../src/handoff/canned/fill.js';
import { LANGUAGES } from '../../../src/core/message.js';
import { loadHandoffConfig } from '../../../src/handoff/config.js';
import { CONFIG_DIR } from '../../helpers/handoff-hub.js';

const config = loadHandoffConfig(CONFIG_DIR, {});
const templates = config.queues.flatMap((queue) => queue.canned.flatMap((canned) => [
  { language: 'es' as const, text: canned.text, queueName: queue.name },
  ...(['ca', 'gl', 'eu', 'en'] as const).flatMap((language) => (canned.texts?.[language] === undefined ? [] : [{ language, text: canned.texts[language] as string, queueName: queue.name }])),
]));

describe('canned response variables', () => {
  it('the queues.yaml seed has every response in all five languages, with known variables only', () => {
    for (const queue of config.queues) {
      for (const canned of queue.canned) {
        expect(Object.keys(canned.texts ?? {}).sort(), `${queue.id}/${canned.id}`).toEqual(['ca', 'en', 'eu', 'gl']);
      }
    }
    for (const template of templates) expect(unknownVariables(template.text)).toEqual([]);
  });

  it('fills the greeting with a known name, a stored agent name as written, and the queue', () => {
    const text = fillCanned('Hola {nombre}, soy {agente}, del equipo de {cola}. ¿En qué puedo ayudarte?', { language: 'es', citizenName: 'Marta', agentName: 'Ana Pérez', queueName: 'Trámites' });
    expect(text).toBe('Hola Marta, soy Ana Pérez, del equipo de Trámites. ¿En qué puedo ayudarte?');
  });

  it('never "Hola , soy ana": an unknown name disappears with its comma, a login-like name gets capitals', () => {
    expect(fillCanned('Hola {nombre}, soy {agente}, del equipo de {cola}.', { language: 'es', citizenName: null, agentName: 'ana', queueName: 'Trámites' })).toBe('Hola, soy Ana, del equipo de Trámites.');
    expect(fillCanned('Gracias por escribirnos, {nombre}. Si necesitas algo más, aquí estamos.', { language: 'es', citizenName: '  ', agentName: 'Ana', queueName: 'Tributos' })).toBe(
      'Gracias por escribirnos. Si necesitas algo más, aquí estamos.',
    );
  });

  it('a text that addresses an unknown citizen opens with the neutral greeting of its language, in sentence case', () => {
    const emergency = '{nombre}, si hay peligro para tu vida o la de otra persona, llama ahora al 112.';
    expect(fillCanned(emergency, { language: 'es', citizenName: undefined, agentName: 'Ana', queueName: 'Urgencias' })).toBe('Hola, si hay peligro para tu vida o la de otra persona, llama ahora al 112.');
    expect(fillCanned('{nombre}, zure bizitza arriskuan badago, deitu orain 112ra.', { language: 'eu', citizenName: '', agentName: 'Ana', queueName: 'Urgencias' })).toBe('Kaixo, zure bizitza arriskuan badago, deitu orain 112ra.');
    expect(fillCanned('{nombre} si hay peligro, llama al 112.', { language: 'es', citizenName: '', agentName: 'Ana', queueName: 'Urgencias' })).toBe('Si hay peligro, llama al 112.');
  });

  it('keeps stored capitals (McAdam, DE LA FUENTE) and capitalises only all-lowercase names', () => {
    expect(agentDisplayName('Iñaki McAdam')).toBe('Iñaki McAdam');
    expect(agentDisplayName('DE LA FUENTE')).toBe('DE LA FUENTE');
    expect(agentDisplayName('maría josé o’neill')).toBe('María José O’Neill');
  });

  it('property: for any citizen name (or none) and any agent, no template leaves a variable, a hole, double spaces or a lower-case start', () => {
    // Names without braces here, so a "{cola}" left in the text can only be an unfilled variable.
    const noBraces = (s: string): boolean => !/[{}]/.test(s);
    const names = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(''),
      fc.string().filter(noBraces),
      fc.string({ unit: 'grapheme' }).filter(noBraces),
      fc.constantFrom(' \t\n ', 'marta', '$& $1', 'ñ', '  José  Luis ', ','),
    );
    const agents = fc.oneof(fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && noBraces(s)), fc.constantFrom('ana', 'Ana Pérez', 'iñaki'));
    fc.assert(
      fc.property(fc.constantFrom(...templates), names, agents, (template, citizenName, agentName) => {
        const text = fillCanned(template.text, { language: template.language, citizenName, agentName, queueName: template.queueName });
        expect(text.trim()).not.toBe('');
        expect(text).not.toMatch(/\{(?:nombre|agente|cola)\}/);
        expect(text).not.toMatch(/ {2}/);
        expect(text).not.toMatch(/ ,|,,|^,/);
        expect(text).toBe(text.trim());
        // Sentence case: the first character (after ¿ ¡ « …) is not a lower-case letter.
        const first = /^[¿¡"«(]*(.)/u.exec(text)?.[1] ?? '';
        expect(/\p{Ll}/u.test(first) && first.toLocaleUpperCase(template.language) !== first).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('inserts values once: a name that contains "{cola}" or "$&" stays as written', () => {
    expect(fillCanned('Hola {nombre}, soy {agente}.', { language: 'es', citizenName: 'Ana {cola} $&', agentName: 'Luis', queueName: 'Trámites' })).toBe('Hola Ana {cola} $&, soy Luis.');
  });

  it('names the variables a template uses that the hub cannot fill', () => {
    expect(unknownVariables('Hola {nombre}, tu cita es el {fecha} a las {hora}.')).toEqual(['fecha', 'hora']);
    expect(unknownVariables('Sin variables.')).toEqual([]);
    expect(LANGUAGES).toContain('eu');
  });
});
