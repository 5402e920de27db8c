/**
 * Telegram's outbound side: the capabilities and the sending adapter over the Bot API (telegraf's
 * `Telegram` client; `apiRoot` points tests at loopback).
 */
import type { Telegraf } from 'telegraf';
import { TelegramError } from 'telegraf';
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps, SendContext } from '../../core/channel-port.js';
import { feedbackChoices } from '../../core/feedback-payload.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { HubError, channelHttpError, channelNetworkError, isHubError } from '../../core/errors.js';
import type { OutboundMessage, Recipient } from '../../core/message.js';

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  // Inline keyboards: we lay out one button per row; Telegram allows up to 100 buttons.
  choices: 10,
  attachments: true,
  maxTextLength: CHANNEL_TEXT_LIMITS.telegram,
  markup: 'markdown-v2',
  // `callback_data` is limited to 1-64 bytes: https://core.telegram.org/bots/api#inlinekeyboardbutton
  buttons: { payloadMaxBytes: 64 },
};

export type TelegramApi = Telegraf['telegram'];
type TelegrafCallOptions = NonNullable<Parameters<TelegramApi['callApi']>[2]>;

/** telegraf types its `signal` with the old `abort-controller` shim; node-fetch accepts the native one. */
export function withSignal(signal: AbortSignal): TelegrafCallOptions {
  return { signal: signal as unknown as TelegrafCallOptions['signal'] };
}

/** Maps a Bot API failure to the outbox policy (429/5xx/network → retryable; others permanent), the cause in plain words. */
export function telegramSendError(error: unknown, method: string): HubError {
  if (isHubError(error)) return error;
  if (error instanceof TelegramError) {
    const retryAfter = error.parameters?.retry_after;
    return channelHttpError('telegram', error.code, `${method}: ${error.description}`, retryAfter === undefined ? undefined : retryAfter * 1000);
  }
  // No HTTP answer: say why (refused, timeout, DNS, TLS) instead of node-fetch's bare message.
  return channelNetworkError('telegram', method, error);
}

function chatIdOf(to: Recipient): string {
  const fromContext = to.replyContext?.chatId;
  if (fromContext !== undefined) return fromContext;
  const prefix = 'telegram:';
  if (!to.conversationKey.startsWith(prefix)) {
    throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `conversation key "${to.conversationKey}" is not a Telegram chat`);
  }
  return to.conversationKey.slice(prefix.length);
}

/**
 * The sending adapter. `send` throws retryable HubErrors on 429 (with `retryAfterMs`), 5xx and
 * timeouts, and a permanent one on 403 after calling `deps.markUnreachable`.
 */
export function createTelegramAdapter(telegram: TelegramApi, requestTimeoutMs: number, deps: Pick<ChannelDeps, 'markUnreachable'>): ChannelAdapter {
  const callTimeout = (): AbortSignal => AbortSignal.timeout(requestTimeoutMs);

  async function callSend<M extends 'sendMessage' | 'sendPhoto' | 'sendDocument'>(method: M, payload: Parameters<TelegramApi['callApi']>[1] & object, to: Recipient): Promise<{ readonly id: string }> {
    try {
      const result = (await telegram.callApi(method, payload as never, withSignal(callTimeout()))) as { message_id: number };
      return { id: String(result.message_id) };
    } catch (error) {
      const hubError = telegramSendError(error, method);
      const status = hubError.details?.status;
      if (status === 403) {
        // The citizen blocked the bot (or left the group): stop here rather than retrying forever.
        await deps.markUnreachable?.(to.conversationKey);
      }
      throw hubError;
    }
  }

  return {
    channel: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    async send(to: Recipient, message: OutboundMessage, context?: SendContext) {
      const chatId = chatIdOf(to);
      if (message.kind === 'attachment') {
        // Attachments pass degrade untouched: the caption is plain text, sent without a parse mode.
        const caption = message.caption === undefined ? {} : { caption: message.caption };
        if (message.mimeType.startsWith('image/')) {
          return callSend('sendPhoto', { chat_id: chatId, photo: message.url, ...caption }, to);
        }
        return callSend('sendDocument', { chat_id: chatId, document: message.url, ...caption }, to);
      }
      if (message.kind === 'choices') {
        // degrade() already sent choices whose payloads exceed 64 bytes as a numbered list.
        return callSend('sendMessage', {
          chat_id: chatId,
          text: message.text,
          parse_mode: 'MarkdownV2',
          reply_markup: { inline_keyboard: message.choices.map((choice) => [{ text: choice.title, callback_data: choice.payload }]) },
        }, to);
      }
      // Text arrives rendered as MarkdownV2 by degrade() (capabilities.markup), escapes included.
      // A rateable answer gets 👍/👎 as one row of inline buttons (a callback_query comes back).
      const rating = feedbackChoices(message, context?.outboxId);
      const markup = rating === undefined ? {} : { reply_markup: { inline_keyboard: [rating.map((choice) => ({ text: choice.title, callback_data: choice.payload }))] } };
      return callSend('sendMessage', { chat_id: chatId, text: message.text, parse_mode: 'MarkdownV2', ...markup }, to);
    },
  };
}
