/**
 * whatsapp-web.js's outbound side: what it can show (text only) and the text it sends.
 */
import type { ChannelCapabilities } from '../../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../../core/channel-limits.js';
import { HubError } from '../../../core/errors.js';
import type { OutboundMessage } from '../../../core/message.js';

/** What whatsapp-web.js shows reliably: text only (its buttons and lists are deprecated). */
export const WHATSAPP_WEB_CAPABILITIES: ChannelCapabilities = {
  choices: false,
  attachments: false,
  maxTextLength: CHANNEL_TEXT_LIMITS.whatsapp,
  markup: 'whatsapp',
};

/** The text to send for a degraded message; anything else was not degraded (a bug, not a retry). */
export function whatsappWebText(message: OutboundMessage): string {
  if (message.kind !== 'text') {
    // WHATSAPP_WEB_CAPABILITIES has no buttons and no attachments: degrade() made them text.
    throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `whatsapp-web sends text only; a ${message.kind} message was not degraded`);
  }
  return message.text;
}
