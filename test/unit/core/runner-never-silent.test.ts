/**
 * The never-silent invariant as a mechanism of the runner: a bot turn the pipeline leaves without
 * a reply or a handoff gets the localised fallback, an `alert.silent_turn` event, a transcript
 * event and a counter; turns a person holds, turns that hand over and failed turns do not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../../src/app.js';
import type { HubEventMap } from '../../../src/core/events.js';
import { LANGUAGES, type InboundMessage, type Language } from '../../../src/core/message.js';
import { SILENT_TURN_FALLBACK } from '../../../src/core/turn-fallbacks.js';
import type { IntentsModule } from '../../../src/intents/contract.js';
import { RecordingAdapter } from '../../helpers/recording-adapter.js';
import { testConfig } from '../../helpers/test-config.js';

type Custom = HubEventMap['custom'][0];

/**
 * A module that recognises every text as an intent it has no answer for (the shape of the
 * original bug), except: "persona" hands over without saying anything itself, "boom" throws,
 * and "hola" is answered. Language: the `lang:xx` prefix, else none.
 */
function silentModule(): IntentsModule {
  return {
    safety: async (_ctx, next) => next(),
    understand: [
      async (ctx) => {
        const text = ctx.inbound.text ?? '';
        const lang = /^lang:(\w\w) /.exec(text)?.[1] as Language | undefined;
        if (lang !== undefined) {
          ctx.language = lang;
          ctx.patch.language = lang;
        }
        ctx.nlu = { intent: 'tramites.nuevo', score: 1, language: lang ?? 'es' };
        if (text.includes('boom')) throw new Error('model exploded');
        if (text.includes('hola')) ctx.reply({ kind: 'text', text: '¡Hola!' });
        if (text.includes('vacío')) ctx.reply({ kind: 'text', text: '  ' });
        if (text.includes('persona')) ctx.handoff = { reason: 'citizen', priority: 'normal' };
      },
    ],
    classify: async () => ({ intent: 'None', score: 1, language: 'es', languageSource: 'default', alternatives: [], safety: false }),
    ready: () => true,
  };
}

let counter = 0;
function message(text: string, user: string, locale?: string): InboundMessage {
  counter += 1;
  return { id: `ns-${counter}`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user, ...(locale === undefined ? {} : { locale }) }, receivedAt: new Date(), kind: 'text', text };
}

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

async function start(): Promise<{ hub: Hub; adapter: RecordingAdapter; alerts: Custom[] }> {
  const adapter = new RecordingAdapter();
  hub = await buildApp({ config: testConfig(), intents: silentModule(), channels: [() => ({ adapter })], logger: false, deliveryPolicy: { pollIntervalMs: 10 } });
  const alerts: Custom[] = [];
  hub.events.on('custom', (event) => {
    if (event.type.startsWith('alert.')) alerts.push(event);
  });
  await hub.start();
  return { hub, adapter, alerts };
}

describe('never silent', () => {
  it('a recognised intent with nothing to say gets the fallback, an alert, a transcript event and a count', async () => {
    const { hub, adapter, alerts } = await start();
    await hub.runner.acceptAndWait(message('¿cómo me doy de alta en la bici?', 'ana'));
    await adapter.waitForSent(1);
    expect(adapter.texts()).toEqual([SILENT_TURN_FALLBACK.es]);
    const conversation = await hub.store.getConversationByKey('webchat:ana');
    expect(alerts).toEqual([{ type: 'alert.silent_turn', conversationId: conversation?.id, data: { intent: 'tramites.nuevo', score: 1, language: 'es', kind: 'text' } }]);
    const transcript = await hub.store.getTranscript(conversation?.id ?? '');
    // The store writes a turn's system events before its replies.
    expect(transcript.map((entry) => [entry.author, entry.kind])).toEqual([
      ['citizen', 'text'],
      ['system', 'turn.silent'],
      ['bot', 'text'],
    ]);
    expect(transcript[2]?.data).toMatchObject({ fallback: 'silent-turn' });
    expect(hub.runner.counters).toEqual({ turns: 1, silentTurns: 1, failedTurns: 0 });
  });

  it.each(LANGUAGES)('speaks the conversation language (%s)', async (language) => {
    const { hub, adapter } = await start();
    await hub.runner.acceptAndWait(message(`lang:${language} algo`, `u-${language}`));
    await adapter.waitForSent(1);
    expect(adapter.texts()).toEqual([SILENT_TURN_FALLBACK[language]]);
  });

  it('without a language from the pipeline, uses the participant locale', async () => {
    const { hub, adapter } = await start();
    await hub.runner.acceptAndWait(message('kaixo zer moduz', 'iker', 'eu-ES'));
    await adapter.waitForSent(1);
    expect(adapter.texts()).toEqual([SILENT_TURN_FALLBACK.eu]);
  });

  it('a reply with nothing visible does not count as an answer', async () => {
    const { hub, adapter, alerts } = await start();
    await hub.runner.acceptAndWait(message('vacío', 'eva'));
    await adapter.waitForSent(1);
    expect(adapter.texts()).toContain(SILENT_TURN_FALLBACK.es);
    expect(alerts.map((a) => a.type)).toEqual(['alert.silent_turn']);
  });

  it('answered turns, handoffs, turns a person holds and failed turns raise no silent-turn alert', async () => {
    const { hub, adapter, alerts } = await start();
    await hub.runner.acceptAndWait(message('hola', 'luis'));
    // The handoff step says the citizen is queued; from then on the bot stays silent on purpose.
    await hub.runner.acceptAndWait(message('persona', 'luis'));
    await hub.runner.acceptAndWait(message('¿sigue ahí?', 'luis'));
    await hub.runner.acceptAndWait(message('boom', 'marta'));
    await adapter.waitForSent(3);
    await hub.runner.drain();
    expect(adapter.texts()).toEqual(['¡Hola!', expect.stringMatching(/Te paso con una persona/), expect.stringMatching(/problema técnico/)]);
    expect(alerts.map((a) => a.type)).toEqual(['alert.turn_error']);
    expect(hub.runner.counters).toEqual({ turns: 4, silentTurns: 0, failedTurns: 1 });
  });
});
