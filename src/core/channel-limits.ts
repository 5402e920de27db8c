/**
 * Every channel's text limits, written once: the longest text each channel shows in one message
 * ({@link CHANNEL_TEXT_LIMITS}: read by the adapters' capabilities, the content schema and the
 * editor page) and the longest citizen text each channel passes on ({@link INBOUND_TEXT_LIMITS}:
 * read by the decoders and the hub's own check on every inbound message).
 */
import type { ChannelId } from './message.js';

export const CHANNEL_TEXT_LIMITS = {
  webchat: 4000,
  /** https://core.telegram.org/bots/api#sendmessage (1-4096 characters after entities parsing). */
  telegram: 4096,
  /** WhatsApp Cloud API text body and whatsapp-web.js messages. */
  whatsapp: 4096,
  /** A public reply (the strictest X limit); direct messages take up to {@link X_DM_TEXT_LIMIT}. */
  x: 280,
  botframework: 4000,
  terminal: 4000,
  /** No platform limit; one e-mail answer stays readable well below this. */
  email: 20000,
} as const satisfies Readonly<Record<ChannelId, number>>;

/** An X direct message, either way: https://docs.x.com/x-api/direct-messages (10,000 characters). */
export const X_DM_TEXT_LIMIT = 10_000;

/**
 * Longest citizen text kept where the platform allows more than a citizen question needs: the web
 * chat's limit, which keeps every step of a turn cheap.
 */
export const CITIZEN_TEXT_LIMIT = 10_000;

/**
 * Longest citizen text each channel passes on, in UTF-16 code units. The limit is what the
 * platform itself lets a person send where that is small; elsewhere {@link CITIZEN_TEXT_LIMIT}.
 * Longer text is cut at the edge and marked, and the cut text is what the transcript keeps and
 * the NLU sees (the NLU itself reads only its first 500 characters).
 */
export const INBOUND_TEXT_LIMITS = {
  // Bot API: a message text is 1–4,096 characters (captions 1,024), the same both ways.
  telegram: CHANNEL_TEXT_LIMITS.telegram,
  // WhatsApp lets a person send up to 65,536 characters; no citizen question needs that many.
  whatsapp: CITIZEN_TEXT_LIMIT,
  // DMs; public posts are 280 (25,000 for Premium long posts).
  x: X_DM_TEXT_LIMIT,
  // Teams allows about 28 KB; the Emulator and Direct Line set no limit.
  botframework: CITIZEN_TEXT_LIMIT,
  // The web chat API refuses longer text with a 400 (the widget says so before sending).
  webchat: CITIZEN_TEXT_LIMIT,
  terminal: CITIZEN_TEXT_LIMIT,
  // The cleaned text the NLU reads; the whole e-mail is kept up to FULL_TEXT_LIMIT (bots/inbound-values.ts).
  email: CITIZEN_TEXT_LIMIT,
} as const satisfies Readonly<Record<ChannelId, number>>;
