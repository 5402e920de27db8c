/**
 * The longest text each channel shows in one message: the one table that the channel adapters'
 * capabilities, the content schema (answer variants per channel) and the editor page read.
 */
import type { ChannelId } from './message.js';

export const CHANNEL_TEXT_LIMITS = {
  webchat: 4000,
  /** https://core.telegram.org/bots/api#sendmessage (1-4096 characters after entities parsing). */
  telegram: 4096,
  /** WhatsApp Cloud API text body and whatsapp-web.js messages. */
  whatsapp: 4096,
  /** A public reply (the strictest X limit); direct messages take up to 10,000. */
  x: 280,
  botframework: 4000,
  terminal: 4000,
  /** No platform limit; one e-mail answer stays readable well below this. */
  email: 20000,
} as const satisfies Readonly<Record<ChannelId, number>>;
