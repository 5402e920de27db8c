/**
 * Issue 17, editor: through the real app (buildApp + editor plugin + production module), an
 * intent written only in Spanish is published with a per-language fallback and a Basque citizen
 * gets what the editors chose (a person; or the Spanish answer after a Basque notice); "Probar"
 * answers per channel and sees a Catalan phrase just saved (whatever tab the form is on); a
 * rollback keeps the draft unless told otherwise; versions name their authors.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VersionInfo } from '../../src/editor/index.js';
import type { TryResult } from '../../src/editor/service.js';
import { SPANISH_ONLY_NOTICE } from '../../src/intents/answers.js';
import { EDITOR, prepareEditorHubs, startEditorHub, type EditorHub } from '../helpers/editor-hub.js';

let running: EditorHub | undefined;
beforeAll(prepareEditorHubs, 180_000);
afterEach(async () => {
  await running?.hub.app.close();
  running = undefined;
});

const PUBLISH_TIMEOUT_MS = 400_000;

/** Written only in Spanish. */
const BICI = {
  id: 'tramites.bicicleta_publica',
  handoffQueue: 'tramites',
  title: { es: 'Bicicleta pública' },
  utterances: { es: ['¿cómo me doy de alta en BiciMAD?', 'quiero usar BiciMAD', 'abono anual de BiciMAD', 'bicicleta pública BiciMAD'] },
  answers: { es: { text: 'Date de alta en BiciMAD desde la app o en bicimad.com.' } },
};
const BASQUE_QUESTION = 'Nola eman dezaket izena BiciMAD zerbitzuan?';

let counter = 0;
async function askBasque(hub: EditorHub, user: string): Promise<{ texts: string[]; mode: string | undefined; handoff: boolean }> {
  counter += 1;
  const before = hub.channel.sent.length;
  const { conversationId } = await hub.hub.runner.acceptAndWait({
    id: `eu-${Date.now()}-${counter}`,
    conversationKey: `webchat:${user}`,
    from: { channel: 'webchat', id: user, locale: 'eu-ES' },
    receivedAt: new Date(),
    kind: 'text',
    text: BASQUE_QUESTION,
  });
  await hub.channel.waitForSent(before + 1);
  const conversation = await hub.hub.store.getConversation(conversationId);
  const transcript = await hub.hub.store.getTranscript(conversationId);
  return {
    texts: hub.channel.sent.slice(before).map((s) => (s.message.kind === 'attachment' ? '' : s.message.text)),
    mode: conversation?.mode,
    handoff: transcript.some((entry) => entry.kind === 'handoff.requested'),
  };
}

async function publish(hub: EditorHub, message: string): Promise<VersionInfo> {
  const response = await hub.hub.app.inject({ method: 'POST', url: '/api/editor/publish', headers: EDITOR, payload: { message } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<VersionInfo>();
}

describe('partial languages through the app', () => {
  it('publishes a Spanish-only intent; a Basque question is handed to a person, then (fallback changed) answered in Spanish with the notice; rollback keeps the draft; authors by name', async () => {
    running = await startEditorHub();
    const { hub } = running;
    // The editor as a user of the accounts table: versions show her name, not her id.
    const now = new Date().toISOString();
    await (hub.store.kysely as unknown as import('kysely').Kysely<{ handoff_users: Record<string, unknown> }>)
      .insertInto('handoff_users')
      .values({ id: 'ana', username: 'ana', display_name: 'Ana Editora', password_hash: 'x', role: 'editor', presence: 'offline', capacity: 1, languages: '["es"]', queues: '[]', idle_since: now, created_at: now, updated_at: now })
      .execute();

    // Without a fallback the gate refuses, and says what to do.
    expect((await hub.app.inject({ method: 'POST', url: '/api/editor/intents', headers: EDITOR, payload: BICI })).statusCode).toBe(201);
    const refused = await hub.app.inject({ method: 'POST', url: '/api/editor/publish', headers: EDITOR, payload: { message: 'sin idiomas' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('tramites.bicicleta_publica: sin respuesta en ca, gl, eu, en (escríbela o elige qué hacer en ese idioma');

    const handoff = { ...BICI, fallback: { ca: 'es', gl: 'es', eu: 'handoff', en: 'es' } };
    const saved = await hub.app.inject({ method: 'PUT', url: `/api/editor/intents/${BICI.id}`, headers: EDITOR, payload: handoff });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json<{ fallback: unknown }>().fallback).toEqual({ ca: 'es', gl: 'es', eu: 'handoff', en: 'es' });
    expect((await publish(running, 'Bici pública, euskera a una persona')).number).toBe(2);

    const byPerson = await askBasque(running, 'eu1');
    expect(byPerson.handoff, JSON.stringify(byPerson)).toBe(true);
    expect(byPerson.texts.join('\n')).not.toContain('Date de alta');

    await hub.app.inject({ method: 'PUT', url: `/api/editor/intents/${BICI.id}`, headers: EDITOR, payload: { ...handoff, fallback: { ...handoff.fallback, eu: 'es' } } });
    expect((await publish(running, 'Bici pública, euskera en español')).number).toBe(3);
    const inSpanish = await askBasque(running, 'eu2');
    expect(inSpanish.handoff).toBe(false);
    expect(inSpanish.texts[0]).toContain(`${SPANISH_ONLY_NOTICE.eu}\n\nDate de alta en BiciMAD desde la app o en bicimad.com.`);

    // A draft change, then a rollback without saying anything about the draft: the draft stays.
    await hub.app.inject({ method: 'PUT', url: `/api/editor/intents/${BICI.id}`, headers: EDITOR, payload: { ...handoff, answers: { es: { text: 'Borrador sin publicar.' } } } });
    const rolled = await hub.app.inject({ method: 'POST', url: '/api/editor/versions/2/rollback', headers: EDITOR, payload: {} });
    expect(rolled.statusCode, rolled.body).toBe(201);
    expect(rolled.json<VersionInfo>()).toMatchObject({ number: 4, kind: 'rollback', sourceVersion: 2, authorName: 'Ana Editora' });
    const draft = await hub.app.inject({ method: 'GET', url: `/api/editor/intents/${BICI.id}`, headers: EDITOR });
    expect(draft.json<{ answers: { es: { text: string } } }>().answers.es.text).toBe('Borrador sin publicar.');
    // Asked explicitly, the draft becomes the restored version.
    const reset = await hub.app.inject({ method: 'POST', url: '/api/editor/versions/3/rollback', headers: EDITOR, payload: { resetDraft: true } });
    expect(reset.statusCode, reset.body).toBe(201);
    const after = await hub.app.inject({ method: 'GET', url: `/api/editor/intents/${BICI.id}`, headers: EDITOR });
    expect(after.json<{ answers: { es: { text: string } }; fallback: Record<string, string> }>()).toMatchObject({ answers: { es: { text: BICI.answers.es.text } }, fallback: { eu: 'es' } });
    const bad = await hub.app.inject({ method: 'POST', url: '/api/editor/versions/3/rollback', headers: EDITOR, payload: { resetDraft: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('resetDraft');

    const versions = (await hub.app.inject({ method: 'GET', url: '/api/editor/versions', headers: EDITOR })).json<{ versions: VersionInfo[] }>();
    expect(versions.versions.filter((v) => v.number >= 2).map((v) => v.authorName)).toEqual(['Ana Editora', 'Ana Editora', 'Ana Editora', 'Ana Editora']);
    const queues = (await hub.app.inject({ method: 'GET', url: '/api/editor/queues', headers: EDITOR })).json<{ queues: { id: string }[] }>();
    expect(queues.queues.map((q) => q.id)).toContain('tramites');
  }, PUBLISH_TIMEOUT_MS);

  it('"Probar" finds a Catalan phrase just saved into an intent, tried from the Spanish tab, and answers per channel', async () => {
    running = await startEditorHub();
    const { hub } = running;
    const intent = (await hub.app.inject({ method: 'GET', url: '/api/editor/intents/tramites.horario_atencion', headers: EDITOR })).json<{ utterances: Record<string, string[]> }>();
    const phrase = 'a quina hora obre la finestreta de la seu del districte';
    const put = await hub.app.inject({ method: 'PUT', url: '/api/editor/intents/tramites.horario_atencion', headers: EDITOR, payload: { ...intent, utterances: { ...intent.utterances, ca: [...(intent.utterances.ca ?? []), phrase] } } });
    expect(put.statusCode, put.body).toBe(200);
    const tried = await hub.app.inject({ method: 'POST', url: '/api/editor/try', headers: EDITOR, payload: { text: phrase, lang: 'es' } });
    expect(tried.statusCode, tried.body).toBe(200);
    const result = tried.json<TryResult>();
    expect(result.draft).toMatchObject({ intent: 'tramites.horario_atencion', language: 'ca', fallback: false });
    for (const channel of ['webchat', 'telegram', 'whatsapp', 'x'] as const) expect(result.draft.channels[channel].length, channel).toBeGreaterThan(0);
    const firstWords = (result.draft.answers[0] ?? '').replace(/\*\*(.+?)\*\*/g, '$1').slice(0, 30);
    expect(firstWords.length).toBeGreaterThan(0);
    expect(result.draft.channels.webchat[0]?.text).toContain(firstWords);
  }, PUBLISH_TIMEOUT_MS);
});
