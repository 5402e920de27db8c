/**
 * Which bot replies get 👍/👎 (a recognised FAQ answer, once per turn, never a fallback, a
 * handoff or an emergency), how the buttons look on each channel that can show them, and that a
 * long answer carries them under its last part only.
 */
import { describe, expect, it } from 'vitest';
import { buildBotFrameworkActivity } from '../../../src/bots/botframework/index.js';
import { buildGraphPayload } from '../../../src/bots/whatsapp/index.js';
import { degrade } from '../../../src/core/degrade.js';
import { feedbackChoices, parseFeedbackPayload } from '../../../src/core/feedback-payload.js';
import type { InboundMessage, OutboundMessage } from '../../../src/core/message.js';
import { dryRunTurn, type Middleware } from '../../../src/core/pipeline.js';
import { createStore } from '../../../src/core/store/index.js';
import { HubEvents } from '../../../src/core/events.js';
import { feedbackStep, FeedbackStore } from '../../../src/feedback/index.js';

const hello: InboundMessage = { id: 'm1', conversationKey: 'telegram:1', from: { channel: 'telegram', id: '1' }, receivedAt: new Date(), kind: 'text', text: 'hola' };

async function run(answer: Middleware): Promise<readonly OutboundMessage[]> {
  const store = await createStore(':memory:');
  await store.migrate();
  const ctx = await dryRunTurn([feedbackStep(new FeedbackStore(store, new HubEvents())), answer], hello, new Date());
  await store.close();
  return ctx.replies.map((reply) => reply.message);
}

describe('the feedback step marks answers to rate', () => {
  it('marks the last answer of a recognised intent, once per turn', async () => {
    const messages = await run(async (ctx) => {
      ctx.nlu = { intent: 'renta.plazos', score: 0.99, language: 'es' };
      ctx.reply({ kind: 'text', text: 'Primera parte' });
      ctx.reply({ kind: 'text', text: 'Del 2 de abril al 30 de junio.' });
    });
    expect(messages.map((m) => m.kind === 'text' && m.rateable === true)).toEqual([false, true]);
  });

  it.each([
    ['None', async (ctx: Parameters<Middleware>[0]) => {
      ctx.nlu = { intent: 'None', score: 0.2, language: 'es' };
      ctx.reply({ kind: 'text', text: 'No te he entendido.' });
    }],
    ['a fallback', async (ctx: Parameters<Middleware>[0]) => {
      ctx.nlu = { intent: 'renta.plazos', score: 0.9, language: 'es' };
      ctx.reply({ kind: 'text', text: '¿Puedes repetirlo?' }, { fallback: 'silent-turn' });
    }],
    ['a handoff', async (ctx: Parameters<Middleware>[0]) => {
      ctx.nlu = { intent: 'renta.plazos', score: 0.9, language: 'es' };
      ctx.reply({ kind: 'text', text: 'Te paso con una persona.' });
      ctx.handoff = { reason: 'citizen', priority: 'normal' };
    }],
    ['an emergency', async (ctx: Parameters<Middleware>[0]) => {
      ctx.nlu = { intent: 'emergencia.112', score: 1, language: 'es' };
      ctx.reply({ kind: 'text', text: 'Llama al 112.' });
    }],
  ])('leaves %s unmarked', async (_name, answer) => {
    const messages = await run(answer);
    expect(messages.some((m) => m.kind === 'text' && m.rateable === true)).toBe(false);
  });
});

describe('rating buttons per channel', () => {
  const rateable: OutboundMessage = { kind: 'text', text: 'Del 2 de abril al 30 de junio.', rateable: true };

  it('payloads round-trip, fit Telegram callback_data, and are refused when malformed', () => {
    const [up, down] = feedbackChoices(rateable, '12345') ?? [];
    expect(parseFeedbackPayload(up?.payload)).toEqual({ value: 'up', outboxId: '12345' });
    expect(parseFeedbackPayload(down?.payload)).toEqual({ value: 'down', outboxId: '12345' });
    expect(Buffer.byteLength(feedbackChoices(rateable, 'x'.repeat(48))?.[0]?.payload ?? '')).toBeLessThanOrEqual(64);
    for (const bad of ['fb:meh:1', 'fb:up:', 'fb:up:1:2', 'fb:up:../1', 'intent:renta', undefined]) expect(parseFeedbackPayload(bad)).toBeUndefined();
    expect(feedbackChoices({ kind: 'text' }, '1')).toBeUndefined();
    expect(feedbackChoices(rateable, undefined)).toBeUndefined();
  });

  it('WhatsApp Cloud: reply buttons under the answer; a plain text message when the answer is too long for a button body', () => {
    const payload = buildGraphPayload('34600000000', rateable, { listButtonLabel: 'Opciones' }, '77') as { type: string; interactive: { type: string; body: { text: string }; action: { buttons: { reply: { id: string; title: string } }[] } } };
    expect(payload.type).toBe('interactive');
    expect(payload.interactive.body.text).toBe('Del 2 de abril al 30 de junio.');
    expect(payload.interactive.action.buttons.map((b) => b.reply)).toEqual([{ id: 'fb:up:77', title: '👍' }, { id: 'fb:down:77', title: '👎' }]);
    const long = buildGraphPayload('34600000000', { kind: 'text', text: 'x'.repeat(1500), rateable: true }, { listButtonLabel: 'Opciones' }, '77') as { type: string };
    expect(long.type).toBe('text');
  });

  it('Bot Framework: suggested actions (messageBack) carrying the payloads', () => {
    const activity = buildBotFrameworkActivity(rateable, '77');
    expect(activity.text).toBe('Del 2 de abril al 30 de junio.');
    expect(activity.suggestedActions?.actions.map((a) => [a.type, a.title, (a.value as { payload: string }).payload])).toEqual([
      ['messageBack', '👍', 'fb:up:77'],
      ['messageBack', '👎', 'fb:down:77'],
    ]);
    expect(buildBotFrameworkActivity({ kind: 'text', text: 'hola' }, '77').suggestedActions).toBeUndefined();
  });

  it('degrade keeps the mark on the last part of a split answer only', () => {
    const parts = degrade({ kind: 'text', text: `${'palabra '.repeat(700)}fin`, rateable: true }, { choices: true, attachments: true, maxTextLength: 1000, markup: 'none' });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.kind === 'text' && p.rateable === true)).toEqual(parts.map((_p, i) => i === parts.length - 1));
  });
});
