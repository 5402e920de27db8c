/**
 * Turning outbound messages into Graph API `/{phone-number-id}/messages` requests.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 */
import { CHANNEL_TEXT_LIMITS } from '../../../core/channel-limits.js';
import { channelHttpError, channelNetworkError, HubError, REPLY_WINDOW_CLOSED } from '../../../core/errors.js';
import { feedbackChoices } from '../../../core/feedback-payload.js';
import type { OutboundMessage } from '../../../core/message.js';
import type { WhatsAppTemplateRef } from './config.js';
import { WHATSAPP_WINDOW_CLOSED_REASON } from '../window.js';

/** Limits of the Cloud API's message objects. */
export const WHATSAPP_LIMITS = {
  textBody: CHANNEL_TEXT_LIMITS.whatsapp,
  buttons: 3,
  buttonTitle: 20,
  buttonBody: 1024,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  listBody: 4096,
  rowId: 200,
} as const;

export interface GraphPayloadOptions {
  /** Label of the button that opens a list message (≤ 20 characters). */
  readonly listButtonLabel: string;
}

type GraphPayload = Record<string, unknown>;

/**
 * Builds the JSON body for one outbound message: text; reply buttons when ≤ 3 choices with
 * titles ≤ 20 characters and a body ≤ 1,024; otherwise a list. Choices that fit no list (more
 * than 10, a title over 24, a repeated title) never get here: degrade() sent them as numbered text
 * (see `WHATSAPP_CLOUD_CAPABILITIES.buttons`).
 */
export function buildGraphPayload(to: string, message: OutboundMessage, options: GraphPayloadOptions, outboxId?: string): GraphPayload {
  const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', to };
  const rating = feedbackChoices(message, outboxId);
  if (message.kind === 'text' && rating !== undefined && message.text.length <= WHATSAPP_LIMITS.buttonBody) {
    // A rateable answer short enough for a button message: 👍/👎 as reply buttons.
    return buildGraphPayload(to, { kind: 'choices', text: message.text, choices: rating }, options);
  }
  if (message.kind === 'text') {
    return { ...envelope, type: 'text', text: { body: message.text, preview_url: /https?:\/\//.test(message.text) } };
  }
  if (message.kind === 'attachment') {
    const type = message.mimeType.startsWith('image/')
      ? 'image'
      : message.mimeType.startsWith('video/')
        ? 'video'
        : message.mimeType.startsWith('audio/')
          ? 'audio'
          : 'document';
    // Audio messages take no caption on WhatsApp.
    const media = type === 'audio' || message.caption === undefined ? { link: message.url } : { link: message.url, caption: message.caption };
    return { ...envelope, type, [type]: media };
  }
  const { choices, text } = message;
  const buttonsFit =
    choices.length <= WHATSAPP_LIMITS.buttons &&
    text.length <= WHATSAPP_LIMITS.buttonBody &&
    choices.every((choice) => choice.title.length <= WHATSAPP_LIMITS.buttonTitle && choice.payload.length <= WHATSAPP_LIMITS.buttonId);
  if (buttonsFit) {
    return {
      ...envelope,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text },
        action: { buttons: choices.map((choice) => ({ type: 'reply', reply: { id: choice.payload, title: choice.title } })) },
      },
    };
  }
  return {
    ...envelope,
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text },
      action: {
        button: options.listButtonLabel.slice(0, WHATSAPP_LIMITS.buttonTitle),
        sections: [{ rows: choices.map((choice) => ({ id: choice.payload, title: choice.title })) }],
      },
    },
  };
}

/**
 * The body of a template message (no variables: the invitation's text is the approved one).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
 */
export function buildTemplatePayload(to: string, template: WhatsAppTemplateRef): GraphPayload {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: { name: template.name, language: { code: template.language } },
  };
}

/** Meta error codes that mean "slow down" even when the HTTP status is 400. */
const THROTTLE_CODES = new Set([4, 80007, 130429, 131048, 131056]);
/** Meta's "re-engagement message": sent outside the 24-hour window. */
const WINDOW_CLOSED_CODE = 131047;

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/**
 * POSTs one payload and returns the `wamid`. Throws a retryable HubError on 429/5xx, network
 * errors (the cause in plain words: refused, timeout, DNS, TLS) and Meta's throttling codes (with
 * `retryAfterMs` from `Retry-After`), a permanent one otherwise — with `details.reason`
 * {@link REPLY_WINDOW_CLOSED} for error 131047 (outside the 24-hour window).
 */
export async function postGraphMessage(
  url: string,
  token: string,
  payload: GraphPayload,
  timeoutMs: number,
): Promise<{ readonly id: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw channelNetworkError('WhatsApp Graph', 'POST /messages', cause);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page: the status alone decides.
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  if (!response.ok) {
    const error = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : {};
    const code = typeof error.code === 'number' ? error.code : undefined;
    const detail = `${typeof error.message === 'string' ? error.message : response.statusText}${code === undefined ? '' : ` (code ${code})`}`;
    if (code === WINDOW_CLOSED_CODE) {
      throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `WhatsApp refused the message: ${WHATSAPP_WINDOW_CLOSED_REASON}`, {
        details: { status: response.status, code, reason: REPLY_WINDOW_CLOSED },
      });
    }
    if (code !== undefined && THROTTLE_CODES.has(code) && response.status < 500 && response.status !== 429) {
      throw new HubError('HUB_ERR_CHANNEL_RETRYABLE', `WhatsApp Graph API is throttling: ${detail}`, {
        details: { status: response.status, code, throttled: true },
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    const refused = channelHttpError('WhatsApp Graph', response.status, detail, retryAfterMs);
    throw new HubError(refused.code, refused.message, {
      details: { status: response.status, ...(code === undefined ? {} : { code }) },
      ...(refused.retryAfterMs === undefined ? {} : { retryAfterMs: refused.retryAfterMs }),
    });
  }
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const first = messages[0];
  const id = typeof first === 'object' && first !== null ? (first as Record<string, unknown>).id : undefined;
  if (typeof id !== 'string') {
    throw channelHttpError('WhatsApp Graph', response.status, 'the answer has no messages[0].id');
  }
  return { id };
}
