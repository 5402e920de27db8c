/**
 * Normalised message types. Every channel adapter turns its platform's payload into an
 * {@link InboundMessage}; everything past `src/bots/<channel>/` sees only these types.
 */

/** Every channel the hub can talk on. `terminal` is the local `ventanilla chat` channel. */
export const CHANNEL_IDS = ['telegram', 'whatsapp', 'x', 'botframework', 'webchat', 'terminal', 'email'] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

/** Languages the hub answers in. */
export const LANGUAGES = ['es', 'ca', 'gl', 'eu', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A person on a channel: the citizen, identified by the platform's own id. */
export interface Participant {
  readonly channel: ChannelId;
  /** Platform user id (Telegram user id, WhatsApp phone id, X user id, web-chat session id). */
  readonly id: string;
  readonly displayName?: string;
  /** A language hint from the platform or the citizen's profile (e.g. Telegram `language_code`). */
  readonly locale?: string;
}

export type InboundKind = 'text' | 'postback' | 'attachment' | 'location' | 'unsupported';

/** An attachment the citizen sent; the hub keeps its metadata in the transcript, never the bytes. */
export interface InboundAttachment {
  readonly url?: string;
  readonly mimeType?: string;
  /** Platform's file id, when the platform uses ids rather than URLs. */
  readonly fileId?: string;
  /** 'photo' | 'voice' | 'audio' | 'video' | 'document' | 'sticker' | 'contacts' … */
  readonly type: string;
  readonly fileName?: string;
  readonly sizeBytes?: number;
}

/** What every adapter produces for one citizen message. */
export interface InboundMessage {
  /** Platform message id: the dedupe key for webhook retries (unique per channel). */
  readonly id: string;
  /** Stable per channel chat, e.g. `telegram:12345`. Starts with `<channel>:`. */
  readonly conversationKey: string;
  readonly from: Participant;
  readonly receivedAt: Date;
  readonly kind: InboundKind;
  readonly text?: string;
  /**
   * The whole message as the citizen wrote it, for the transcript, when `text` is a cleaned copy
   * for the NLU (an e-mail without its quoted history, signature and "sent from my phone" line).
   */
  readonly fullText?: string;
  /** The e-mail subject (shown in the console next to the message). */
  readonly subject?: string;
  /** The choice payload for `postback` (a button press). */
  readonly payload?: string;
  readonly attachments?: readonly InboundAttachment[];
  readonly location?: { readonly latitude: number; readonly longitude: number };
  /**
   * Opaque routing data the adapter needs to reply (Bot Framework `serviceUrl`, X mention tweet id,
   * WhatsApp phone-number id). Stored with the conversation; passed back to `send` unchanged.
   */
  readonly replyContext?: Readonly<Record<string, string>>;
}

export interface Choice {
  readonly title: string;
  readonly payload: string;
}

/**
 * What the bot or an agent says; adapters receive it already degraded to their capabilities.
 * `short` is the answer's short variant, used by channels with tight limits (X public replies).
 * `rateable`: a bot answer the citizen may rate; channels that can show buttons add 👍/👎 to its
 * last part (payloads from `src/feedback/payload.ts`), the others ignore it.
 */
export type OutboundMessage =
  | { readonly kind: 'text'; readonly text: string; readonly short?: string; readonly rateable?: boolean }
  | { readonly kind: 'choices'; readonly text: string; readonly short?: string; readonly choices: readonly Choice[] }
  | { readonly kind: 'attachment'; readonly url: string; readonly mimeType: string; readonly caption?: string };

/** Who a reply goes to: everything an adapter needs to deliver it. */
export interface Recipient {
  readonly participant: Participant;
  readonly conversationKey: string;
  readonly replyContext?: Readonly<Record<string, string>>;
  /**
   * The language of the reply being sent (else the conversation's), when known: what an adapter
   * writes around the reply (a WhatsApp list button, X's privacy notices) is said in it.
   */
  readonly language?: Language;
}

export type ConversationMode = 'bot' | 'queued' | 'agent' | 'closed';

/** Returns the channel part of a conversation key (`telegram:123` → `telegram`). */
export function channelOfKey(conversationKey: string): string {
  const colon = conversationKey.indexOf(':');
  return colon === -1 ? conversationKey : conversationKey.slice(0, colon);
}
