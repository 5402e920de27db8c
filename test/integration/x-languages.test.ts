/**
 * X's public notices in the citizen's language, through the real app and the fake X API: a
 * mention carrying a DNI gets the privacy warning in the mention's language (X's `lang`), and an
 * answer that hands over to a person — in Catalan, English or Basque — is replaced by the DM
 * invitation in that language (the "needs private data" check knows all five languages).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../src/app.js';
import { catalogue } from '../../src/core/i18n.js';
import type { Language } from '../../src/core/message.js';
import type { IntentsModule } from '../../src/intents/contract.js';
import { createXChannel, dmInvitation, needsPrivateChannel, privacyWarning, xSignature, type XConfig } from '../../src/bots/x/index.js';
import { startFakeXApi, type FakeXApi } from '../helpers/fake-x-api.js';
import { testConfig } from '../helpers/test-config.js';
import { ACCOUNT_ID, xFixture } from '../helpers/x-payloads.js';

/** Answers "persona"/"person"/"pertsona" with a handover sentence in the mention's language. */
const HANDOVER: Record<Language, string> = {
  es: 'Te paso con una persona del equipo.',
  ca: "Et passo amb una persona de l'equip.",
  gl: 'Pásote cunha persoa do equipo.',
  eu: 'Pertsona batekin jarriko zaitut harremanetan.',
  en: 'I am passing you to a person from the team.',
};

function multilingualIntents(): IntentsModule {
  return {
    safety: async (_ctx, next) => {
      await next();
    },
    understand: [
      async (ctx) => {
        const locale = ctx.inbound.from.locale?.slice(0, 2);
        const language: Language = locale === 'ca' || locale === 'gl' || locale === 'eu' || locale === 'en' ? locale : 'es';
        ctx.language = language;
        ctx.nlu = { intent: 'prueba', score: 1, language };
        ctx.reply({ kind: 'text', text: HANDOVER[language] });
      },
    ],
    async classify() {
      return { intent: 'None', score: 0, language: 'es', languageSource: 'default', alternatives: [], safety: false };
    },
    ready: () => true,
  };
}

let api: FakeXApi;
let hub: Hub | undefined;
beforeAll(async () => {
  api = await startFakeXApi(ACCOUNT_ID);
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

function xConfig(): XConfig {
  return { appKey: 'k', appSecret: 'consumer-secret', accessToken: 't', accessSecret: 'ts', accountId: ACCOUNT_ID, mode: 'webhook', apiBaseUrl: api.baseUrl, pollIntervalMs: 20, requestTimeoutMs: 2000 };
}

async function startHub(): Promise<Hub> {
  hub = await buildApp({ config: testConfig(), intents: multilingualIntents(), logger: false, channels: [(services) => createXChannel(xConfig(), services)] });
  await hub.start();
  return hub;
}

/** The real mention fixture with another tweet id, text and X language tag. */
function mention(id: string, text: string, lang: string): Buffer {
  const body = xFixture('mention-dni') as { tweet_create_events: Record<string, unknown>[] };
  const tweet = { ...body.tweet_create_events[0], id: Number(id), id_str: id, text: `@ayto_pruebas ${text}`, lang };
  return Buffer.from(JSON.stringify({ ...body, tweet_create_events: [tweet] }));
}

async function post(app: Hub, body: Buffer): Promise<number> {
  const response = await app.app.inject({ method: 'POST', url: '/webhooks/x', headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': xSignature('consumer-secret', body) }, payload: body });
  return response.statusCode;
}

async function replyTo(tweetId: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = api.replies.find((reply) => reply.inReplyTo === tweetId);
    if (found !== undefined) return found.text;
    if (Date.now() > deadline) throw new Error(`no reply to ${tweetId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('X notices in the language of the mention', () => {
  it('a Basque mention with a DNI gets the Basque privacy warning; a Catalan one the Catalan warning', async () => {
    const app = await startHub();
    expect(await post(app, mention('1900000000000000101', 'nire NANa 12345678Z da eta ez zait zirriborroa iristen', 'eu'))).toBe(200);
    expect(await replyTo('1900000000000000101')).toBe('Zure segurtasunagatik, ez partekatu datu pertsonalik publikoan; idatzi iezaguzu mezu zuzen bidez.');
    expect(await post(app, mention('1900000000000000102', 'el meu DNI és 12345678Z', 'ca'))).toBe(200);
    expect(await replyTo('1900000000000000102')).toBe(privacyWarning('ca'));
    expect(privacyWarning('ca')).not.toBe(privacyWarning('es'));
  });

  it('an answer handing over to a person, in Catalan, English or Basque, becomes the DM invitation in that language', async () => {
    const app = await startHub();
    const cases: [string, string, Language][] = [
      ['1900000000000000111', 'vull parlar amb una persona', 'ca'],
      ['1900000000000000112', 'I want to talk to a person', 'en'],
      ['1900000000000000113', 'pertsona batekin hitz egin nahi dut', 'eu'],
    ];
    for (const [id, text, language] of cases) {
      expect(await post(app, mention(id, text, language))).toBe(200);
      expect(await replyTo(id)).toBe(dmInvitation(language));
    }
  });

  it('the "needs private data" check matches each language\'s phrases as whole words only', () => {
    for (const text of Object.values(HANDOVER)) expect(needsPrivateChannel(text), text).toBe(true);
    expect(needsPrivateChannel('Digues-nos el teu DNI per cercar l’expedient.')).toBe(true);
    expect(needsPrivateChannel('Please send us your phone number.')).toBe(true);
    expect(needsPrivateChannel('Bidali zure telefonoa mezu zuzen batean.')).toBe(true);
    // Whole words: "personalised" is not "person".
    expect(needsPrivateChannel('The campaign for personalised letters starts in April.')).toBe(false);
    expect(needsPrivateChannel('La campaña empieza el 2 de abril.')).toBe(false);
    expect(catalogue().list('eu', 'x.needsPrivate').length).toBeGreaterThan(5);
  });
});
