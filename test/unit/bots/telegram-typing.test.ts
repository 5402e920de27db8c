/**
 * Telegram's chat action from the hub's typing events: nothing for a bot turn that ends quickly,
 * "typing" repeated while a slow one runs and stopped when it ends, the agent's typing at most once
 * per interval, nothing for conversations of other channels, and a failed call only logged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_EVERY_MS, TelegramTyping } from '../../../src/bots/telegram/typing.js';
import { HubEvents } from '../../../src/core/events.js';
import { AGENT_TYPING, BOT_TURN_ENDED, BOT_TURN_STARTED } from '../../../src/core/typing.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let typing: TelegramTyping | undefined;
afterEach(() => typing?.stop());

function setup(fail = false): { events: HubEvents; actions: string[] } {
  const events = new HubEvents();
  const actions: string[] = [];
  typing = new TelegramTyping({
    events,
    logger: quiet,
    botTurnDelayMs: 50,
    api: {
      async sendChatAction(chatId) {
        actions.push(chatId);
        if (fail) throw new Error('429 Too Many Requests');
      },
    },
  });
  typing.start();
  typing.learn('c-tg', 'telegram:5550001');
  typing.learn('c-web', 'webchat:abc');
  return { events, actions };
}

describe('Telegram typing', () => {
  it('shows nothing for a quick bot turn, "typing" while a slow one runs, and stops when it ends', async () => {
    const { events, actions } = setup();
    events.emit('custom', { type: BOT_TURN_STARTED, conversationId: 'c-tg', data: {} });
    events.emit('custom', { type: BOT_TURN_ENDED, conversationId: 'c-tg', data: {} });
    await sleep(120);
    expect(actions).toEqual([]);
    events.emit('custom', { type: BOT_TURN_STARTED, conversationId: 'c-tg', data: {} });
    await sleep(120);
    expect(actions).toEqual(['5550001']);
    events.emit('custom', { type: BOT_TURN_ENDED, conversationId: 'c-tg', data: {} });
    await sleep(ACTION_EVERY_MS + 200);
    expect(actions).toEqual(['5550001']);
  }, 10_000);

  it('sends the agent typing at most once per interval, never for other channels, and survives a failed call', async () => {
    const { events, actions } = setup(true);
    events.emit('custom', { type: AGENT_TYPING, conversationId: 'c-tg', data: { agentId: 'a' } });
    events.emit('custom', { type: AGENT_TYPING, conversationId: 'c-tg', data: { agentId: 'a' } });
    events.emit('custom', { type: AGENT_TYPING, conversationId: 'c-web', data: { agentId: 'a' } });
    events.emit('custom', { type: BOT_TURN_STARTED, conversationId: 'c-web', data: {} });
    await sleep(120);
    expect(actions).toEqual(['5550001']);
  });
});
