/**
 * The official WhatsApp Cloud API channel: webhook routes (verify challenge, signed POSTs) and
 * sending through the Graph API. https://developers.facebook.com/docs/whatsapp/cloud-api
 */
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps, ChannelModule, SendContext } from '../../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../../core/channel-limits.js';
import { catalogue } from '../../../core/i18n.js';
import { HubError, isHubError, REPLY_WINDOW_CLOSED } from '../../../core/errors.js';
import type { InboundMessage, OutboundMessage, Recipient } from '../../../core/message.js';
import type { WhatsAppCloudConfig } from './config.js';
import { buildGraphPayload, buildTemplatePayload, postGraphMessage, WHATSAPP_LIMITS } from './outbound.js';
import { whatsappCloudInbound, type DecodedWhatsAppWebhook } from './inbound.js';
import { webhookPlugin } from '../../webhook.js';
import { replyWindowContext } from '../../../core/reply-window.js';
import { WHATSAPP_WINDOW_CLOSED_REASON, WHATSAPP_WINDOW_MS, whatsappWindowOpen } from '../window.js';

/** What the Cloud API can show: up to 10 choices (3 as buttons, 10 as a list), 4,096 characters. */
export const WHATSAPP_CLOUD_CAPABILITIES: ChannelCapabilities = {
  // Up to 3 reply buttons, or a list of up to 10 rows; the list's limits are the looser ones.
  choices: WHATSAPP_LIMITS.listRows,
  attachments: true,
  maxTextLength: CHANNEL_TEXT_LIMITS.whatsapp,
  markup: 'whatsapp',
  buttons: { titleMax: WHATSAPP_LIMITS.rowTitle, payloadMaxBytes: WHATSAPP_LIMITS.rowId, distinctTitles: true, needsText: true },
};

export interface WhatsAppCloudOptions {
  /** The turn's clock for the 24-hour window (VENTANILLA_NOW in demos and tests). */
  readonly now?: () => Date;
  /**
   * Label of the button that opens a list of choices, the same in every language. Default: the
   * catalogue's `whatsapp.listButton` in the reply's language ("Ver opciones", "Ikusi aukerak"…).
   */
  readonly listButtonLabel?: string;
  /** Graph API request timeout. Default 15 s. */
  readonly timeoutMs?: number;
}

/**
 * Creates the WhatsApp Cloud API channel.
 *
 * Routes (prefix `/webhooks/whatsapp`): `GET /` answers Meta's subscription challenge (200 with
 * `hub.challenge` as text/plain, 403 otherwise); `POST /` verifies `X-Hub-Signature-256` over the
 * raw bytes (401 before anything is stored), decodes every entry/change (400 when malformed),
 * hands each message to `deps.sink` in order and answers 200 only after all were stored. Statuses
 * go to `deps.recordDeliveryStatus` (unknown message ids are ignored).
 *
 * Inbound: conversationKey `whatsapp:<wa_id>`; replyContext `{ transport: 'cloud', phoneNumberId,
 * lastInboundAt, replyWindowHours: '24', reopenBy }` (ISO time of the citizen's latest message,
 * for the 24-hour window; the reply window as `core/reply-window.ts` declares it).
 *
 * `adapter.send` refuses (permanent `HUB_ERR_CHANNEL_PERMANENT`, `details.reason`
 * {@link REPLY_WINDOW_CLOSED}) when the recipient's `replyContext.lastInboundAt` is missing or
 * older than 24 h. With `config.reopenTemplate`, `adapter.reopen` sends that approved template
 * (allowed outside the window), so the outbox can hold the replies until the citizen answers.
 */
export function createWhatsAppCloudChannel(
  config: WhatsAppCloudConfig,
  deps: ChannelDeps,
  options: WhatsAppCloudOptions = {},
): ChannelModule {
  const now = options.now ?? (() => new Date());
  const listButtonLabel = (to: Recipient): string => options.listButtonLabel ?? catalogue().text(to.language ?? 'es', 'whatsapp.listButton');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const log = deps.logger;

  const messagesUrl = (to: Recipient): string => `${config.graphBaseUrl}/${encodeURIComponent(to.replyContext?.phoneNumberId ?? config.phoneNumberId)}/messages`;
  const template = config.reopenTemplate;
  const windowContext = replyWindowContext({ hours: WHATSAPP_WINDOW_MS / 3_600_000, reopenBy: template === undefined ? 'citizen' : 'template' });

  const adapter: ChannelAdapter = {
    channel: 'whatsapp',
    capabilities: WHATSAPP_CLOUD_CAPABILITIES,
    async send(to: Recipient, message: OutboundMessage, context?: SendContext) {
      const lastInbound = to.replyContext?.lastInboundAt;
      const lastInboundAt = lastInbound === undefined ? null : new Date(lastInbound);
      if (!whatsappWindowOpen(lastInboundAt, now())) {
        throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `WhatsApp message not sent: ${WHATSAPP_WINDOW_CLOSED_REASON}`, {
          details: { reason: REPLY_WINDOW_CLOSED, lastInboundAt: lastInbound ?? null },
        });
      }
      return postGraphMessage(messagesUrl(to), config.token, buildGraphPayload(to.participant.id, message, { listButtonLabel: listButtonLabel(to) }, context?.outboxId), timeoutMs);
    },
    ...(template === undefined
      ? {}
      : {
          async reopen(to: Recipient) {
            return postGraphMessage(messagesUrl(to), config.token, buildTemplatePayload(to.participant.id, template), timeoutMs);
          },
        }),
  };

  /** Tells the steps after the adapter how a late answer can reach this citizen. */
  const withWindow = (message: InboundMessage): InboundMessage => ({ ...message, replyContext: { ...message.replyContext, ...windowContext } });

  /** Stores every message in order, then records delivery statuses; the 200 waits for both. */
  async function store(decoded: DecodedWhatsAppWebhook): Promise<void> {
    // In order: turns of one conversation must be stored in the order the citizen wrote them.
    for (const message of decoded.messages.map(withWindow)) {
      const { duplicate } = await deps.sink.accept(message);
      log.debug({ channel: 'whatsapp', messageId: message.id, kind: message.kind, duplicate }, 'whatsapp message accepted');
    }
    for (const status of decoded.statuses) {
      if (status.errorCodes.length > 0) {
        log.warn({ channel: 'whatsapp', messageId: status.messageId, status: status.status, errorCodes: status.errorCodes }, 'whatsapp delivery failed');
      }
      if (deps.recordDeliveryStatus === undefined) continue;
      try {
        await deps.recordDeliveryStatus(status.messageId, status.status);
      } catch (error) {
        // A status for a message this hub did not send (or already purged) is not worth a retry.
        if (!isHubError(error, 'HUB_ERR_NOT_FOUND')) throw error;
      }
    }
  }

  const plugin = webhookPlugin({ channel: 'whatsapp', logger: log, ...whatsappCloudInbound(config.appSecret, config.verifyToken, now), store });

  return { adapter, routes: { prefix: '/webhooks/whatsapp', plugin } };
}
