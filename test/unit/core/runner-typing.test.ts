/**
 * The runner's typing signals: a bot turn on a conversation the bot owns is framed by
 * `typing.bot_started` and `typing.bot_ended` (also when the turn fails); a conversation waiting
 * for a person or held by one gets neither. And the web chat's relay: a signal for a conversation
 * whose session is not known yet is sent once the session is learned, unless the turn ended.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp, type Hub } from '../../../src/app.js';
import { HubEvents, type HubEventMap } from '../../../src/core/events.js';
import type { InboundMessage } from '../../../src/core/message.js';
import { AGENT_TYPING, BOT_TURN_ENDED, BOT_TURN_STARTED } from '../../../src/core/typing.js';
import { TypingRelay } from '../../../src/bots/webchat/typing.js';
import type { SseEvent } from '../../../src/bots/webchat/streams.js';
import type { IntentsModule } from '../../../src/intents/contract.js';
import { RecordingAdapter } from '../../helpers/recording-adapter.js';
import { testConfig } from '../../helpers/test-config.js';

type Custom = HubEventMap['custom'][0];

function module(): IntentsModule {
  return {
    safety: async (_ctx, next) => next(),
    understand: [
      async (ctx) => {
        const text = ctx.inbound.text ?? '';
        ctx.nlu = { intent: 'x', score: 1, language: 'es' };
        if (text.includes('boom')) throw new Error('model exploded');
        if (text.includes('persona')) ctx.handoff = { reason: 'citizen', priority: 'normal' };
        else ctx.reply({ kind: 'text', text: '¡Hola!' });
      },
    ],
    classify: async () => ({ intent: 'None', score: 1, language: 'es', languageSource: 'default', alternatives: [], safety: false }),
    ready: () => true,
  };
}

let counter = 0;
function message(text: string, user: string): InboundMessage {
  counter += 1;
  return { id: `ty-${counter}`, conversationKey: `webchat:${user}`, from: { channel: 'webchat', id: user }, receivedAt: new Date(), kind: 'text', text };
}

let hub: Hub | undefined;
afterEach(async () => {
  await hub?.app.close();
  hub = undefined;
});

describe('runner typing signals', () => {
  it('frames each bot turn, failed ones included, and stays quiet once a person is involved', async () => {
    const adapter = new RecordingAdapter();
    hub = await buildApp({ config: testConfig(), intents: module(), channels: [() => ({ adapter })], logger: false });
    const seen: Custom[] = [];
    hub.events.on('custom', (event) => {
      if (event.type.startsWith('typing.')) seen.push(event);
    });
    await hub.start();
    const { conversationId } = await hub.runner.acceptAndWait(message('hola', 'eva'));
    await hub.runner.acceptAndWait(message('boom', 'eva'));
    expect(seen).toEqual([
      { type: BOT_TURN_STARTED, conversationId, data: {} },
      { type: BOT_TURN_ENDED, conversationId, data: {} },
      { type: BOT_TURN_STARTED, conversationId, data: {} },
      { type: BOT_TURN_ENDED, conversationId, data: {} },
    ]);
    // The turn that hands over is a bot turn; the ones after it, while queued, are not.
    await hub.runner.acceptAndWait(message('quiero una persona', 'eva'));
    expect((await hub.store.getConversation(conversationId))?.mode).toBe('queued');
    seen.length = 0;
    await hub.runner.acceptAndWait(message('¿sigo en la cola?', 'eva'));
    await hub.runner.acceptAndWait(message('hola', 'eva'));
    expect(seen).toEqual([]);
  });
});

describe('web chat typing relay', () => {
  function relay(known: Map<string, string>): { events: HubEvents; pushed: [string, SseEvent][]; relay: TypingRelay } {
    const events = new HubEvents();
    const pushed: [string, SseEvent][] = [];
    const r = new TypingRelay({ events, sessionOf: (id) => known.get(id), push: (session, event) => pushed.push([session, event]) });
    r.start();
    return { events, pushed, relay: r };
  }

  it('sends bot and agent signals to the session, with the agent name (none when relayed without it)', () => {
    const { events, pushed } = relay(new Map([['c1', 's1']]));
    events.emit('custom', { type: BOT_TURN_STARTED, conversationId: 'c1', data: {} });
    events.emit('custom', { type: BOT_TURN_ENDED, conversationId: 'c1', data: {} });
    events.emit('custom', { type: AGENT_TYPING, conversationId: 'c1', data: { agentId: 'a1', agentName: 'Ana Pérez' } });
    events.emit('custom', { type: AGENT_TYPING, conversationId: 'c1', data: { agentId: 'a1' }, relayed: true });
    events.emit('custom', { type: 'handoff.assigned', conversationId: 'c1', data: {} });
    expect(pushed.map(([session, event]) => [session, event.event, event.data])).toEqual([
      ['s1', 'typing', { who: 'bot' }],
      ['s1', 'typing', { who: 'none' }],
      ['s1', 'typing', { who: 'agent', name: 'Ana Pérez', ttlMs: 6000 }],
      ['s1', 'typing', { who: 'agent', name: null, ttlMs: 6000 }],
    ]);
  });

  it('holds a signal until the session is learned, and drops it when the turn ended first', () => {
    const known = new Map<string, string>();
    const { events, pushed, relay: r } = relay(known);
    events.emit('custom', { type: BOT_TURN_STARTED, conversationId: 'new', data: {} });
    expect(pushed).toEqual([]);
    r.learned('new', 's-new');
    expect(pushed).toEqual([['s-new', { event: 'typing', data: { who: 'bot' } }]]);

    events.emit('custom', { type: BOT_TURN_STARTED, conversationId: 'quick', data: {} });
    events.emit('custom', { type: BOT_TURN_ENDED, conversationId: 'quick', data: {} });
    r.learned('quick', 's-quick');
    expect(pushed).toHaveLength(1);
  });
});
