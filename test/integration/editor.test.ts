/**
 * The editor through the real app (buildApp + editor plugin + live model): an editor adds an
 * intent, publishes, and the next citizen message gets the new answer without a restart;
 * rollback restores the old behaviour; publishes under load lose and double nothing; the
 * unrecognised inbox feeds the draft.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VersionInfo } from '../../src/editor/index.js';
import { BICI, citizen, EDITOR, prepareEditorHubs, startEditorHub, type EditorHub } from '../helpers/editor-hub.js';

let running: EditorHub | undefined;
beforeAll(prepareEditorHubs, 120_000);
afterEach(async () => {
  await running?.hub.app.close();
  running = undefined;
});

async function ask(hub: EditorHub, text: string, user: string): Promise<string> {
  const before = hub.channel.sent.length;
  await hub.hub.runner.acceptAndWait(citizen(text, user));
  await hub.channel.waitForSent(before + 1);
  return hub.channel.sent.slice(before).map((s) => (s.message.kind === 'attachment' ? '' : s.message.text)).join('\n');
}

/** Publishing trains the whole corpus (five languages); on a loaded two-core machine that takes more than the default 30 s. */
const PUBLISH_TIMEOUT_MS = 180_000;

describe('editor through the app', () => {
  it('adds tramites.bicicleta_publica, publishes, answers it with no restart; rollback restores the old answer; all audited', async () => {
    running = await startEditorHub();
    const { hub } = running;
    const question = '¿cómo me doy de alta en la bici pública?';
    expect(await ask(running, question, 'u1')).not.toContain('BiciMAD');

    const created = await hub.app.inject({ method: 'POST', url: '/api/editor/intents', headers: EDITOR, payload: BICI });
    expect(created.statusCode).toBe(201);
    const published = await hub.app.inject({ method: 'POST', url: '/api/editor/publish', headers: EDITOR, payload: { message: 'Bici pública' } });
    expect(published.statusCode, published.body).toBe(201);
    const version = published.json<VersionInfo>();
    expect(version.number).toBe(2);
    expect(version.diff.added).toEqual(['tramites.bicicleta_publica']);

    expect(await ask(running, question, 'u2')).toContain('BiciMAD');

    const rolled = await hub.app.inject({ method: 'POST', url: '/api/editor/versions/1/rollback', headers: EDITOR, payload: { resetDraft: true } });
    expect(rolled.statusCode, rolled.body).toBe(201);
    expect(rolled.json<VersionInfo>()).toMatchObject({ number: 3, kind: 'rollback', sourceVersion: 1 });
    expect(await ask(running, question, 'u3')).not.toContain('BiciMAD');
    // Asked to (resetDraft), the draft follows the rollback: the new intent is gone from it too.
    expect((await hub.app.inject({ method: 'GET', url: '/api/editor/intents/tramites.bicicleta_publica', headers: EDITOR })).statusCode).toBe(404);

    const audit = (await hub.app.inject({ method: 'GET', url: '/api/editor/audit', headers: EDITOR })).json<{ entries: { actor: string; action: string; target: string | null }[] }>();
    expect(audit.entries.filter((e) => e.action === 'version.publish' || e.action === 'version.rollback').map((e) => [e.action, e.target, e.actor])).toEqual([
      ['version.rollback', 'v3', 'ana'],
      ['version.publish', 'v2', 'ana'],
    ]);
    expect(audit.entries.some((e) => e.action === 'intent.create' && e.target === 'tramites.bicicleta_publica' && e.actor === 'ana')).toBe(true);

    const versions = (await hub.app.inject({ method: 'GET', url: '/api/editor/versions', headers: EDITOR })).json<{ live: number; versions: VersionInfo[] }>();
    expect(versions.live).toBe(3);
    expect(versions.versions.map((v) => v.number)).toEqual([3, 2, 1]);
  }, PUBLISH_TIMEOUT_MS);

  it('refuses agents and anonymous callers, and names the field of bad input', async () => {
    running = await startEditorHub();
    const { hub } = running;
    expect((await hub.app.inject({ method: 'GET', url: '/api/editor/intents' })).statusCode).toBe(401);
    expect((await hub.app.inject({ method: 'GET', url: '/api/editor/intents', headers: { 'x-test-user': 'bob:agent' } })).statusCode).toBe(403);
    expect((await hub.app.inject({ method: 'GET', url: '/api/editor/intents', headers: { 'x-test-user': 'root:admin' } })).statusCode).toBe(200);

    const bad = async (payload: unknown) => {
      const response = await hub.app.inject({ method: 'POST', url: '/api/editor/intents', headers: EDITOR, payload: payload as Record<string, unknown> });
      expect(response.statusCode).toBe(400);
      return response.json<{ problems: { field: string }[] }>().problems.map((p) => p.field);
    };
    expect(await bad({ ...BICI, id: 'Tramites.Bici Pública!' })).toContain('id');
    expect(await bad({ ...BICI, id: 'renta.plazos' })).toEqual(['id']);
    expect(await bad({ ...BICI, answers: { es: { text: 'x'.repeat(4001) } } })).toEqual(['answers.es.text']);
    expect(await bad({ ...BICI, utterances: { fr: ['bonjour'] } })).toEqual(['utterances.fr']);
    expect(await bad({ ...BICI, answers: { es: { text: 'ok', channels: { x: 'y'.repeat(281) } } } })).toEqual(['answers.es.channels.x']);
    const tryBad = await hub.app.inject({ method: 'POST', url: '/api/editor/try', headers: EDITOR, payload: { text: 'hola', lang: 'fr' } });
    expect(tryBad.statusCode).toBe(400);
    expect(tryBad.json<{ message: string }>().message).toContain('lang');
  });

  it('the quality gate refuses an incomplete draft and says why; nothing is published', async () => {
    running = await startEditorHub();
    const { hub } = running;
    await hub.app.inject({ method: 'POST', url: '/api/editor/intents', headers: EDITOR, payload: { ...BICI, utterances: { es: BICI.utterances.es }, answers: { es: BICI.answers.es } } });
    const refused = await hub.app.inject({ method: 'POST', url: '/api/editor/publish', headers: EDITOR, payload: { message: 'incompleto' } });
    expect(refused.statusCode).toBe(409);
    const body = refused.json<{ error: string; reasons: string[] }>();
    expect(body.error).toBe('HUB_ERR_QUALITY_GATE');
    // Each reason says what to do: write the language, or choose its fallback.
    const choose = '(escríbela o elige qué hacer en ese idioma: pasar a una persona o responder en español con aviso)';
    expect(body.reasons).toContain(`tramites.bicicleta_publica: sin frases de ejemplo en ca, gl, eu, en ${choose.replace('escríbela', 'escríbelas')}`);
    expect(body.reasons).toContain(`tramites.bicicleta_publica: sin respuesta en ca, gl, eu, en ${choose}`);
    const versions = (await hub.app.inject({ method: 'GET', url: '/api/editor/versions', headers: EDITOR })).json<{ live: number }>();
    expect(versions.live).toBe(1);
    expect(running.live.version).toBe(0);
  });

  it('try-it shows the draft next to the published model', async () => {
    running = await startEditorHub();
    const { hub } = running;
    await hub.app.inject({ method: 'POST', url: '/api/editor/intents', headers: EDITOR, payload: BICI });
    const tried = await hub.app.inject({ method: 'POST', url: '/api/editor/try', headers: EDITOR, payload: { text: '¿cómo me doy de alta en la bici pública?', lang: 'es' } });
    expect(tried.statusCode, tried.body).toBe(200);
    const result = tried.json<{ draft: { intent: string; answers: string[] }; published: { intent: string; version: number } }>();
    expect(result.draft.intent).toBe('tramites.bicicleta_publica');
    expect(result.draft.answers.join(' ')).toContain('BiciMAD');
    expect(result.published.intent).not.toBe('tramites.bicicleta_publica');
  });

  it('five publishes in a row under steady load: every message answered exactly once', async () => {
    running = await startEditorHub();
    const { hub, channel } = running;
    const current = running;
    let stop = false;
    let sent = 0;
    const load = (async () => {
      while (!stop) {
        sent += 1;
        await hub.runner.accept(citizen('hola, buenos días', `load-${sent}`));
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    for (let i = 0; i < 5; i += 1) {
      const intent = (await hub.app.inject({ method: 'GET', url: '/api/editor/intents/conversacion.saludo', headers: EDITOR })).json<{ utterances: { es: string[] } }>();
      const updated = await hub.app.inject({
        method: 'PUT',
        url: '/api/editor/intents/conversacion.saludo',
        headers: EDITOR,
        payload: { ...intent, utterances: { ...intent.utterances, es: [...intent.utterances.es, `saludos número ${i}`] } },
      });
      expect(updated.statusCode, updated.body).toBe(200);
      const published = await hub.app.inject({ method: 'POST', url: '/api/editor/publish', headers: EDITOR, payload: { message: `publicación ${i}` } });
      expect(published.statusCode, published.body).toBe(201);
    }
    stop = true;
    await load;
    await hub.runner.drain();
    for (let i = 0; i < 20 && channel.sent.length < sent; i += 1) await hub.worker.deliverOnce();
    expect(current.live.version).toBe(6);
    const perConversation = new Map<string, number>();
    for (const s of channel.sent) perConversation.set(s.to.conversationKey, (perConversation.get(s.to.conversationKey) ?? 0) + 1);
    expect(perConversation.size).toBe(sent);
    expect([...perConversation.values()].every((n) => n === 1)).toBe(true);
  }, PUBLISH_TIMEOUT_MS);

  it('a None question lands in the inbox masked; assigning and publishing makes it answered', async () => {
    running = await startEditorHub();
    const { hub } = running;
    const question = 'quiero adoptar un gato, mi dni es 12345678Z';
    const before = await ask(running, question, 'p1');
    await running.editor.inbox.idle();
    const inbox = (await hub.app.inject({ method: 'GET', url: '/api/editor/unrecognized', headers: EDITOR })).json<{ groups: { id: string; text: string; count: number }[] }>();
    const group = inbox.groups.find((g) => g.text.includes('gato'));
    expect(group, JSON.stringify(inbox)).toBeDefined();
    expect(group?.text).toContain('[DNI]');
    expect(group?.text).not.toContain('12345678Z');

    const assigned = await hub.app.inject({ method: 'POST', url: `/api/editor/unrecognized/${group?.id ?? ''}/assign`, headers: EDITOR, payload: { intentId: 'tramites.cita_previa' } });
    expect(assigned.statusCode, assigned.body).toBe(200);
    const published = await hub.app.inject({ method: 'POST', url: '/api/editor/publish', headers: EDITOR, payload: { message: 'adopciones' } });
    expect(published.statusCode, published.body).toBe(201);
    const after = await ask(running, question, 'p2');
    expect(after).not.toBe(before);
    const tried = (await hub.app.inject({ method: 'POST', url: '/api/editor/try', headers: EDITOR, payload: { text: question, lang: 'es' } })).json<{ published: { intent: string } }>();
    expect(tried.published.intent).toBe('tramites.cita_previa');
    const remaining = (await hub.app.inject({ method: 'GET', url: '/api/editor/unrecognized', headers: EDITOR })).json<{ groups: { text: string }[] }>();
    expect(remaining.groups.some((g) => g.text.includes('gato'))).toBe(false);
  }, PUBLISH_TIMEOUT_MS);
});
