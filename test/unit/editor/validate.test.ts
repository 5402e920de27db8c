/**
 * Saving an intent: one content schema for the engine and the editor (same fields, same limits,
 * problems named by field), and the answer contract of the production policy (an enabled intent
 * with example phrases in a language and no answer there is refused, naming `answers.<lang>.text`).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNEL_TEXT_LIMITS } from '../../../src/core/channel-limits.js';
import { validateIntentInput } from '../../../src/editor/validate.js';
import { loadContent } from '../../../src/intents/content/loader.js';
import { ANSWER_CHANNEL_LIMITS, ANSWER_TEXT_MAX, SHORT_ANSWER_MAX } from '../../../src/intents/content/schema.js';
import { DEFAULT_CONTENT_DIR } from '../../../src/intents/index.js';

const ALL = { es: ['alta en la bici'], ca: ['alta a la bici'], gl: ['alta na bici'], eu: ['bizikletan izena eman'], en: ['bike sign up'] };
const ANSWERS = { es: { text: 'En la app.' }, ca: { text: 'A l’app.' }, gl: { text: 'Na app.' }, eu: { text: 'Aplikazioan.' }, en: { text: 'In the app.' } };

const fields = (raw: unknown, options = {}) => validateIntentInput(raw, options).problems.map((p) => p.field);

describe('one content schema', () => {
  it('its limits are the channels’ own: the answer fits every long-text channel, the short one an X reply', () => {
    expect(ANSWER_TEXT_MAX).toBe(4000);
    expect(SHORT_ANSWER_MAX).toBe(CHANNEL_TEXT_LIMITS.x);
    expect(ANSWER_CHANNEL_LIMITS).toEqual({ webchat: 4000, telegram: 4096, whatsapp: 4096, x: 280, botframework: 4000 });
  });

  it('names each bad field in an editor’s words', () => {
    const base = { id: 'tramites.bici', utterances: ALL, answers: ANSWERS };
    const problems = validateIntentInput({
      ...base,
      utterances: { ...ALL, fr: ['bonjour'] },
      title: { es: '   ' },
      answers: { ...ANSWERS, es: { text: 'x'.repeat(ANSWER_TEXT_MAX + 1), short: 'y'.repeat(SHORT_ANSWER_MAX + 1), channels: { x: 'z'.repeat(281), sms: 'hola' } }, ca: { text: '** **' } },
      colour: 'blue',
    }).problems;
    expect(problems).toEqual([
      { field: 'colour', message: expect.stringMatching(/^unknown field "colour"/) },
      { field: 'title.es', message: 'must be a text of 1–80 characters' },
      { field: 'utterances.fr', message: 'unknown language "fr": use es, ca, gl, eu, en' },
      { field: 'answers.es.text', message: '4001 characters: over the limit of 4000' },
      { field: 'answers.es.short', message: '281 characters: over the limit of 280' },
      { field: 'answers.es.channels.sms', message: expect.stringMatching(/^unknown channel "sms": use webchat, telegram/) },
      { field: 'answers.es.channels.x', message: '281 characters: over the limit of 280' },
      { field: 'answers.ca.text', message: 'the answer text is required' },
    ]);
    expect(fields({ ...base, id: 'Tramites.Bici!' })).toEqual(['id']);
    expect(fields({ ...base, domain: 'renta' })).toEqual(['domain']);
    expect(fields({ ...base, id: 'tramites.otra' }, { idFromPath: 'tramites.bici' })).toEqual(['id']);
    expect(fields([])).toEqual(['(root)']);
  });

  it('a short answer of 250 characters loads from the content files and saves in the editor; 281 is refused by both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'one-schema-'));
    try {
      await cp(DEFAULT_CONTENT_DIR, dir, { recursive: true });
      const file = join(dir, 'tramites.yaml');
      const original = await readFile(file, 'utf8');
      const withShort = (length: number) => original.replace(/(tramites\.queja:[\s\S]*?answers:\s*\n\s*es:\s*\n\s*text: [^\n]*\n\s*short: )[^\n]*/, `$1"${'s'.repeat(length)}"`);
      expect(withShort(250)).not.toBe(original);
      await writeFile(file, withShort(250));
      expect((await loadContent(dir)).intents.get('tramites.queja')?.answers.es?.short).toHaveLength(250);
      expect(fields({ id: 'tramites.queja', answers: { es: { text: 'ok', short: 's'.repeat(250) } } })).toEqual([]);
      await writeFile(file, withShort(281));
      await expect(loadContent(dir)).rejects.toThrow(/tramites\.queja", field "answers\.es\.short"/);
      expect(fields({ id: 'tramites.queja', answers: { es: { text: 'ok', short: 's'.repeat(281) } } })).toEqual(['answers.es.short']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the answer contract at save', () => {
  it('refuses phrases without an answer in the same language, naming answers.<lang>.text', () => {
    const { problems } = validateIntentInput({ id: 'tramites.bici', utterances: ALL, answers: { es: ANSWERS.es, ca: ANSWERS.ca, gl: ANSWERS.gl } });
    expect(problems.map((p) => p.field)).toEqual(['answers.eu.text', 'answers.en.text']);
    expect(problems[0]?.message).toMatch(/example phrases in eu but no answer in eu/);
  });

  it('accepts the minimum: { text } answers wherever there are phrases, and a draft filled one language at a time', () => {
    expect(validateIntentInput({ id: 'tramites.bici', utterances: ALL, answers: ANSWERS }).problems).toEqual([]);
    expect(validateIntentInput({ id: 'tramites.bici', utterances: { es: ALL.es }, answers: { es: ANSWERS.es } }).problems).toEqual([]);
    expect(validateIntentInput({ id: 'tramites.bici', answers: { eu: ANSWERS.eu } }).problems).toEqual([]);
  });

  it('only the hub’s languages count; disabled intents and the ones the policy answers without text are exempt', () => {
    expect(fields({ id: 'tramites.bici', utterances: ALL, answers: { es: ANSWERS.es } }, { languages: ['es'] })).toEqual([]);
    expect(fields({ id: 'tramites.bici', enabled: false, utterances: ALL })).toEqual([]);
    expect(fields({ id: 'conversacion.agente', utterances: ALL })).toEqual([]);
    expect(fields({ id: 'emergencia.112', utterances: ALL })).toEqual([]);
  });

  it('reports schema problems first: an over-long answer is not also reported as missing elsewhere', () => {
    expect(fields({ id: 'tramites.bici', utterances: ALL, answers: { es: { text: 'x'.repeat(ANSWER_TEXT_MAX + 1) } } })).toEqual(['answers.es.text']);
  });
});

