/**
 * Acceptance of the one answer contract: an intent made in the editor — through
 * `POST /api/editor/intents` with the minimum the schema accepts (`{ text }` answers, no title,
 * no short text), with the page's own requests (one language per save, title and short text), or
 * in the page itself in Chromium — is answered after publish in every language, through the real
 * web chat (HTTP) and Telegram (webhook, replies to a fake Bot API on loopback) channels; an
 * intent the policy could not answer is refused at save, naming the field (and the page shows it).
 * The browser part is skipped, visibly, without Chromium.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../src/bots/telegram/index.js';
import { createWebchatChannel } from '../../src/bots/webchat/index.js';
import { LANGUAGES, type Language } from '../../src/core/message.js';
import type { Hub } from '../../src/app.js';
import { ANSWER_CHANNEL_LIMITS, ANSWER_TEXT_MAX, INTENT_ID_PATTERN, SHORT_ANSWER_MAX, TITLE_MAX } from '../../src/intents/content/schema.js';
import { hasChromium, launchChromium, warnIfNoChromium } from '../helpers/browser.js';
import { startFakeTelegramApi, type FakeTelegramApi } from '../helpers/fake-telegram-api.js';
import { unescapeMarkdownV2 } from '../helpers/scripted-intents.js';
import { BICI, EDITOR, startEditorHub, type EditorHub } from '../helpers/editor-hub.js';

const SECRET = 'editor-acceptance-secret';

/** Made through the API with the minimum: phrases and `{ text }` answers (no title, no short text). */
const MINIMAL = {
  id: BICI.id,
  utterances: BICI.utterances,
  answers: Object.fromEntries(LANGUAGES.map((language) => [language, { text: BICI.answers[language].text }])) as Record<Language, { text: string }>,
};

/** Made the way the page makes it: title, phrases, answer and short answer, one language per save. */
const HUERTOS = {
  id: 'tramites.huertos_urbanos',
  title: { es: 'Huertos urbanos', ca: 'Horts urbans', gl: 'Hortas urbanas', eu: 'Hiri-baratzeak', en: 'Urban gardens' },
  utterances: {
    es: ['quiero un huerto urbano', '¿cómo pido una parcela en los huertos urbanos?', 'huertos urbanos municipales', 'solicitar un huerto urbano'],
    ca: ['vull un hort urbà', 'com demano una parcel·la als horts urbans?', 'horts urbans municipals', 'sol·licitar un hort urbà'],
    gl: ['quero unha horta urbana', 'como pido unha parcela nas hortas urbanas?', 'hortas urbanas municipais', 'solicitar unha horta urbana'],
    eu: ['hiri-baratze bat nahi dut', 'nola eskatu lursail bat hiri-baratzeetan?', 'udal hiri-baratzeak', 'hiri-baratze bat eskatu'],
    en: ['I want an urban garden plot', 'how do I apply for a plot in the urban gardens?', 'municipal urban gardens', 'apply for an urban garden'],
  },
  answers: {
    es: { text: 'Las parcelas de los huertos urbanos se piden en la convocatoria anual de tu Junta de Distrito.', short: 'Huertos urbanos: convocatoria anual de tu Junta de Distrito.' },
    ca: { text: 'Les parcel·les dels horts urbans es demanen a la convocatòria anual del teu districte.', short: 'Horts urbans: convocatòria anual del districte.' },
    gl: { text: 'As parcelas das hortas urbanas pídense na convocatoria anual do teu distrito.', short: 'Hortas urbanas: convocatoria anual do distrito.' },
    eu: { text: 'Hiri-baratzeetako lursailak zure barrutiko urteko deialdian eskatzen dira.', short: 'Hiri-baratzeak: barrutiko urteko deialdia.' },
    en: { text: 'Urban garden plots are requested in your district’s yearly call.', short: 'Urban gardens: your district’s yearly call.' },
  },
} as const;

/** Made in the page, in Chromium. */
const BIBLIOTECA = {
  id: 'tramites.carne_biblioteca',
  title: { es: 'Carné de biblioteca', ca: 'Carnet de biblioteca', gl: 'Carné de biblioteca', eu: 'Liburutegiko txartela', en: 'Library card' },
  utterances: {
    es: ['quiero sacar el carné de la biblioteca', '¿cómo consigo el carné de la biblioteca?', 'carné de biblioteca municipal'],
    ca: ['vull treure el carnet de la biblioteca', 'com aconsegueixo el carnet de la biblioteca?', 'carnet de biblioteca municipal'],
    gl: ['quero sacar o carné da biblioteca', 'como consigo o carné da biblioteca?', 'carné de biblioteca municipal'],
    eu: ['liburutegiko txartela atera nahi dut', 'nola lortu liburutegiko txartela?', 'udal liburutegiko txartela'],
    en: ['I want a library card', 'how do I get a library card?', 'municipal library card'],
  },
  answers: {
    es: { text: 'El carné de biblioteca se saca gratis en cualquier biblioteca municipal con tu DNI.', short: 'Carné gratis en cualquier biblioteca municipal con DNI.' },
    ca: { text: 'El carnet de biblioteca es treu gratis a qualsevol biblioteca municipal amb el DNI.', short: 'Carnet gratis a qualsevol biblioteca amb DNI.' },
    gl: { text: 'O carné de biblioteca sácase gratis en calquera biblioteca municipal co DNI.', short: 'Carné gratis en calquera biblioteca co DNI.' },
    eu: { text: 'Liburutegiko txartela doan ateratzen da udal liburutegi guztietan NANarekin.', short: 'Txartela doan, edozein liburutegitan NANarekin.' },
    en: { text: 'The library card is free at any municipal library with your ID.', short: 'Free card at any municipal library with ID.' },
  },
} as const;

warnIfNoChromium('editor-channels: the intent made in the page');

let api: FakeTelegramApi;
let running: EditorHub;
let hub: Hub;

beforeAll(async () => {
  api = await startFakeTelegramApi();
  running = await startEditorHub({}, {}, [
    (services) => createWebchatChannel(services),
    (services) => createTelegramChannel({ botToken: '123:EDITOR', mode: 'webhook', webhookSecret: SECRET, apiRoot: api.apiRoot, pollTimeoutSeconds: 1, pollIdleDelayMs: 10, requestTimeoutMs: 5000 }, services),
  ]);
  hub = running.hub;
}, 120_000);

afterAll(async () => {
  await hub?.app.close();
  await api?.close();
});

const editor = (method: 'POST' | 'PUT', url: string, payload: object) => hub.app.inject({ method, url, headers: EDITOR, payload });

/** The page's save: the whole intent as the form holds it (`saveIntent` in editor.js). */
function pageBody(languages: readonly Language[]) {
  const pick = (values: Readonly<Record<Language, unknown>>) => Object.fromEntries(languages.map((language) => [language, values[language]]));
  return { id: HUERTOS.id, enabled: true, handoffQueue: null, title: pick(HUERTOS.title), utterances: pick(HUERTOS.utterances), answers: pick(HUERTOS.answers) };
}

/** Asks on the web chat over HTTP, as the widget does; returns the bot's replies. */
async function askWebchat(text: string, locale: Language): Promise<string> {
  const { sessionId } = (await hub.app.inject({ method: 'POST', url: '/webchat/api/sessions' })).json<{ sessionId: string }>();
  const posted = await hub.app.inject({ method: 'POST', url: '/webchat/api/messages', payload: { sessionId, clientMessageId: randomUUID(), text, locale } });
  expect(posted.statusCode, posted.body).toBe(202);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const items = (await hub.app.inject({ url: `/webchat/api/history?sessionId=${sessionId}` })).json<{ items: { author: string; text: string }[] }>().items;
    const replies = items.filter((item) => item.author !== 'citizen');
    if (replies.length > 0) return replies.map((item) => item.text).join('\n');
    if (Date.now() > deadline) throw new Error(`no web chat reply to "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let updateId = 9000;
/** Sends a Telegram update to the webhook, as Telegram would; returns what the bot sent back. */
async function askTelegram(text: string, locale: Language): Promise<string> {
  updateId += 1;
  const chatId = 7_000_000 + updateId;
  const before = api.callsOf('sendMessage').length;
  const update = {
    update_id: updateId,
    message: { message_id: updateId, from: { id: chatId, is_bot: false, first_name: 'Vecina', language_code: locale }, chat: { id: chatId, first_name: 'Vecina', type: 'private' }, date: 1_778_400_000, text },
  };
  const response = await hub.app.inject({ method: 'POST', url: '/webhooks/telegram', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, payload: update });
  expect(response.statusCode).toBe(200);
  const calls = await api.waitForCalls('sendMessage', before + 1, 20_000);
  return calls
    .slice(before)
    .filter((call) => String(call.body.chat_id) === String(chatId))
    .map((call) => unescapeMarkdownV2(String(call.body.text)))
    .join('\n');
}

describe('an intent made in the editor is answered after publish, on every channel and language', () => {
  it('gives the page the content schema\'s own limits and id pattern', async () => {
    const response = await hub.app.inject({ method: 'GET', url: '/api/editor/channels', headers: EDITOR });
    expect(response.json()).toEqual({ limits: { ...ANSWER_CHANNEL_LIMITS }, answerMax: ANSWER_TEXT_MAX, shortMax: SHORT_ANSWER_MAX, titleMax: TITLE_MAX, idPattern: INTENT_ID_PATTERN });
  });

  it('refuses at save what the policy could not answer, naming the field', async () => {
    const noAnswer = await editor('POST', '/api/editor/intents', { id: 'tramites.sin_respuesta', utterances: { es: ['hola hola'], eu: ['kaixo kaixo'] }, answers: { es: { text: 'Hola.' } } });
    expect(noAnswer.statusCode).toBe(400);
    expect(noAnswer.json<{ problems: { field: string }[] }>().problems.map((p) => p.field)).toEqual(['answers.eu.text']);
    const blank = await editor('POST', '/api/editor/intents', { id: 'tramites.sin_respuesta', utterances: { es: ['hola hola'] }, answers: { es: { text: '** **' } } });
    expect(blank.json<{ problems: { field: string }[] }>().problems.map((p) => p.field)).toEqual(['answers.es.text']);
    expect((await hub.app.inject({ method: 'GET', url: '/api/editor/intents/tramites.sin_respuesta', headers: EDITOR })).statusCode).toBe(404);
  });

  it('creates both, tries them with the production module, publishes, and answers them in five languages on the web chat and Telegram', async () => {
    const minimal = await editor('POST', '/api/editor/intents', MINIMAL);
    expect(minimal.statusCode, minimal.body).toBe(201);

    // The page: the first save creates the intent with Spanish; each language is one more save.
    expect((await editor('POST', '/api/editor/intents', pageBody(['es']))).statusCode).toBe(201);
    for (let count = 2; count <= LANGUAGES.length; count += 1) {
      const saved = await editor('PUT', `/api/editor/intents/${HUERTOS.id}`, pageBody(LANGUAGES.slice(0, count)));
      expect(saved.statusCode, saved.body).toBe(200);
    }
    // A page save with phrases but no answer in a language is refused, naming that answer.
    const half = { ...pageBody(LANGUAGES), answers: { ...pageBody(LANGUAGES).answers, gl: undefined } };
    const refused = await editor('PUT', `/api/editor/intents/${HUERTOS.id}`, half);
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ problems: { field: string }[] }>().problems.map((p) => p.field)).toEqual(['answers.gl.text']);

    const tried = await editor('POST', '/api/editor/try', { text: MINIMAL.utterances.eu[0], lang: 'eu' });
    expect(tried.json<{ draft: { intent: string; answers: string[] } }>().draft).toMatchObject({ intent: MINIMAL.id, answers: [MINIMAL.answers.eu.text] });

    const published = await editor('POST', '/api/editor/publish', { message: 'Bici pública y huertos urbanos' });
    expect(published.statusCode, published.body).toBe(201);

    for (const language of LANGUAGES) {
      for (const intent of [MINIMAL, HUERTOS]) {
        const question = intent.utterances[language][0];
        const expected = intent.answers[language].text;
        expect(await askWebchat(question, language), `web chat, ${language}: ${question}`).toBe(expected);
        expect(await askTelegram(question, language), `Telegram, ${language}: ${question}`).toBe(expected);
      }
    }
    expect(hub.runner.counters.silentTurns).toBe(0);
  }, 300_000);

  it.skipIf(!hasChromium)('an intent made in the page (Chromium) is answered after publish, in every language, on both channels', async () => {
    const base = await hub.app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ extraHTTPHeaders: { 'x-test-user': 'ana:editor' } });
      const page = await context.newPage();
      await page.goto(`${base}/editor`);
      await page.getByRole('button', { name: 'Nueva intención' }).click();
      await page.getByLabel('Identificador').fill(BIBLIOTECA.id);
      const save = async (): Promise<void> => {
        await page.locator('#save-status').evaluate((node) => node.replaceChildren());
        await page.getByRole('button', { name: 'Guardar en el borrador' }).click();
      };
      for (const language of LANGUAGES) {
        await page.getByLabel('Idioma').selectOption(language);
        await page.getByLabel('Título').fill(BIBLIOTECA.title[language]);
        await page.getByLabel('Frases de ejemplo (una por línea)').fill(BIBLIOTECA.utterances[language].join('\n'));
        if (language === 'gl') {
          // Phrases without an answer: refused at save, and the page points at the answer box.
          await save();
          // Said next to the button, where the editor is looking.
          await expect.poll(() => page.locator('#save-status').textContent()).toContain('answers.gl.text');
          expect(await page.getByLabel('Respuesta', { exact: true }).getAttribute('aria-invalid')).toBe('true');
        }
        await page.getByLabel('Respuesta', { exact: true }).fill(BIBLIOTECA.answers[language].text);
        await page.getByLabel('Respuesta corta (canales con límite estricto)').fill(BIBLIOTECA.answers[language].short);
        await save();
        await expect.poll(() => page.locator('#save-status').textContent()).toContain('Guardado en el borrador');
      }
      await page.getByRole('button', { name: 'Versiones' }).click();
      await page.getByLabel('Mensaje de la publicación').fill('Carné de biblioteca');
      await page.getByRole('button', { name: 'Publicar' }).click();
      await expect.poll(() => page.locator('#publish-status').textContent(), { timeout: 120_000 }).toMatch(/Publicada la versión \d+/);
      await context.close();
    } finally {
      await browser.close();
    }
    for (const language of LANGUAGES) {
      const question = BIBLIOTECA.utterances[language][1];
      expect(await askWebchat(question, language), `web chat, ${language}: ${question}`).toBe(BIBLIOTECA.answers[language].text);
      expect(await askTelegram(question, language), `Telegram, ${language}: ${question}`).toBe(BIBLIOTECA.answers[language].text);
    }
    expect(hub.runner.counters.silentTurns).toBe(0);
  }, 300_000);
});
