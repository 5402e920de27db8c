/**
 * Telegram's "typing…" (`sendChatAction`) from the hub's channel-neutral typing events
 * (`src/core/typing.ts`). Telegram shows an action for about five seconds or until the bot's next
 * message, and has no "stop": so it is sent only when a bot turn is still running after
 * `botTurnDelayMs` (most turns answer sooner and cost nothing), repeated while it runs, and while
 * the agent types at most once per {@link ACTION_EVERY_MS}. A failed action is logged and dropped:
 * it is a courtesy, never worth a retry.
 * https://core.telegram.org/bots/api#sendchataction
 */
import type { ChannelLogger } from '../../core/channel-port.js';
import type { HubEventMap, HubEvents } from '../../core/events.js';
import { AGENT_TYPING, BOT_TURN_ENDED, BOT_TURN_STARTED } from '../../core/typing.js';

/** How often an action is repeated while typing goes on (Telegram shows one for about 5 s). */
export const ACTION_EVERY_MS = 4500;
const MAX_CHATS = 50_000;

/** The one Bot API call this needs. */
export interface ChatActionApi {
  sendChatAction(chatId: string): Promise<void>;
}

export interface TelegramTypingOptions {
  readonly events: HubEvents;
  readonly api: ChatActionApi;
  readonly logger: ChannelLogger;
  /** A bot turn shorter than this shows nothing (default 800 ms). */
  readonly botTurnDelayMs?: number;
}

/** Turns typing events of Telegram conversations into chat actions; {@link learn} says which chat a conversation is. */
export class TelegramTyping {
  private readonly chats = new Map<string, string>();
  private readonly running = new Map<string, NodeJS.Timeout>();
  private readonly lastAction = new Map<string, number>();
  private readonly onCustom = (event: HubEventMap['custom'][0]): void => {
    const conversationId = event.conversationId;
    if (conversationId === undefined) return;
    const chatId = this.chats.get(conversationId);
    if (chatId === undefined) return;
    if (event.type === BOT_TURN_STARTED) this.botTurn(conversationId, chatId);
    else if (event.type === BOT_TURN_ENDED) this.endTurn(conversationId);
    else if (event.type === AGENT_TYPING) this.act(chatId, false);
  };

  constructor(private readonly options: TelegramTypingOptions) {}

  start(): void {
    this.options.events.on('custom', this.onCustom);
  }

  stop(): void {
    this.options.events.off('custom', this.onCustom);
    for (const timer of this.running.values()) clearTimeout(timer);
    this.running.clear();
  }

  /** The conversation `conversationId` is the chat of `conversationKey` (`telegram:<chat id>`). */
  learn(conversationId: string, conversationKey: string): void {
    if (!conversationKey.startsWith('telegram:')) return;
    if (this.chats.size >= MAX_CHATS) this.chats.clear();
    this.chats.set(conversationId, conversationKey.slice('telegram:'.length));
  }

  private botTurn(conversationId: string, chatId: string): void {
    this.endTurn(conversationId);
    const repeat = (): void => {
      this.act(chatId, true);
      this.running.set(conversationId, setTimeout(repeat, ACTION_EVERY_MS).unref());
    };
    this.running.set(conversationId, setTimeout(repeat, this.options.botTurnDelayMs ?? 800).unref());
  }

  private endTurn(conversationId: string): void {
    const timer = this.running.get(conversationId);
    if (timer !== undefined) clearTimeout(timer);
    this.running.delete(conversationId);
  }

  private act(chatId: string, force: boolean): void {
    const now = Date.now();
    const last = this.lastAction.get(chatId);
    if (!force && last !== undefined && now - last < ACTION_EVERY_MS) return;
    if (this.lastAction.size >= MAX_CHATS) this.lastAction.clear();
    this.lastAction.set(chatId, now);
    this.options.api.sendChatAction(chatId).catch((error: unknown) => {
      this.options.logger.debug({ channel: 'telegram', err: error instanceof Error ? error.message : String(error) }, 'sendChatAction failed (ignored)');
    });
  }
}
