/**
 * Bot Framework's outbound side: capabilities, the activity for a (degraded) message, and how a
 * connector failure maps to the outbox policy.
 */
import { ActivityTypes, type Activity, type CardAction } from 'botbuilder';
import type { ChannelCapabilities } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { channelHttpError, channelNetworkError, HubError } from '../../core/errors.js';
import { feedbackChoices } from '../../core/feedback-payload.js';
import type { OutboundMessage } from '../../core/message.js';
import { isRecord } from './inbound.js';

/** Suggested actions for choices, plain text, files as attachments. */
export const BOTFRAMEWORK_CAPABILITIES: ChannelCapabilities = {
  choices: 10,
  attachments: true,
  maxTextLength: CHANNEL_TEXT_LIMITS.botframework,
  markup: 'none',
};

/** Builds the outbound activity for a (degraded) message. */
export function buildBotFrameworkActivity(message: OutboundMessage, outboxId?: string): Partial<Activity> {
  const rating = feedbackChoices(message, outboxId);
  // A rateable answer: 👍/👎 as suggested actions (messageBack, like any choice).
  if (message.kind === 'text' && rating !== undefined) return buildBotFrameworkActivity({ kind: 'choices', text: message.text, choices: rating });
  if (message.kind === 'text') return { type: ActivityTypes.Message, text: message.text, textFormat: 'plain' };
  if (message.kind === 'attachment') {
    return {
      type: ActivityTypes.Message,
      textFormat: 'plain',
      ...(message.caption === undefined ? {} : { text: message.caption }),
      attachments: [{ contentType: message.mimeType, contentUrl: message.url }],
    };
  }
  // messageBack: the citizen sees the title, the bot gets `value.payload`; channels without
  // messageBack fall back to sending the title as text.
  const actions: CardAction[] = message.choices.map((choice) => ({
    type: 'messageBack',
    title: choice.title,
    text: choice.title,
    displayText: choice.title,
    value: { payload: choice.payload },
  }));
  return { type: ActivityTypes.Message, text: message.text, textFormat: 'plain', suggestedActions: { actions, to: [] } };
}

/**
 * Classifies a connector failure (botbuilder's RestError) for the outbox: 429/5xx/network →
 * retryable (with `retryAfterMs` from `Retry-After`), other statuses → permanent. Note that the
 * SDK's HTTP pipeline has already retried 429/5xx a few times before this is reached.
 */
export function botFrameworkSendError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  const status =
    isRecord(error) && typeof error.statusCode === 'number'
      ? error.statusCode
      : isRecord(error) && isRecord(error.response) && typeof error.response.status === 'number'
        ? error.response.status
        : 0;
  const retryAfterHeader = isRecord(error) && isRecord(error.response) && isRecord(error.response.headers) ? error.response.headers : undefined;
  const getHeader = retryAfterHeader?.get;
  const retryAfter = typeof getHeader === 'function' ? Number((getHeader as (name: string) => unknown).call(retryAfterHeader, 'retry-after')) : Number.NaN;
  // No HTTP answer: say why (refused, timeout, DNS, TLS) from the error's cause chain.
  if (status === 0) return channelNetworkError('Bot Framework connector', 'send', error);
  const message = error instanceof Error ? error.message : String(error);
  const hubError = channelHttpError('Bot Framework connector', status, message, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  return new HubError(hubError.code, hubError.message, {
    cause: error,
    details: { status },
    ...(hubError.retryAfterMs === undefined ? {} : { retryAfterMs: hubError.retryAfterMs }),
  });
}
