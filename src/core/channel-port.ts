/**
 * The channel port: the contract between the hub's core and a channel. Only `src/bots/<channel>/`
 * imports a channel SDK or reads a raw payload; everything past an adapter sees normalised
 * messages. The core (outbox, degrade) depends on this file; channels implement it.
 */
import type { ChannelId, InboundMessage, OutboundMessage, Recipient } from './message.js';

/** What a channel can show; `degrade()` turns richer content into what fits. */
export interface ChannelCapabilities {
  /** `false`: no buttons; a number: at most that many buttons. */
  readonly choices: boolean | number;
  readonly attachments: boolean;
  /** Longest text the platform accepts in one message (longer text is split at sentences). */
  readonly maxTextLength: number;
  /** Markup dialect the adapter sends; plain text from the hub is escaped into it. */
  readonly markup: 'none' | 'markdown-v2' | 'whatsapp' | 'html';
  /** Prefer the short answer variant (X public replies, SMS-like channels). */
  readonly preferShort?: boolean;
  /**
   * What one button may carry, where the platform limits it. When any choice breaks a limit the
   * whole set is sent as a numbered list (by `degrade`, so no adapter builds that list itself).
   * Present: every title and payload must also be non-empty. Absent: no limits beyond `choices`.
   */
  readonly buttons?: ButtonLimits;
}

/** Limits of one button (see {@link ChannelCapabilities.buttons}). */
export interface ButtonLimits {
  /** Longest title in characters (UTF-16 code units). */
  readonly titleMax?: number;
  /** Longest payload in UTF-8 bytes. */
  readonly payloadMaxBytes?: number;
  /** The platform refuses two buttons with the same title (WhatsApp). */
  readonly distinctTitles?: boolean;
  /** The platform refuses buttons under an empty text (WhatsApp). */
  readonly needsText?: boolean;
}

/** What the outbox tells `send` about the part it is sending (absent when a test or tool calls `send` directly). */
export interface SendContext {
  /** The outbox item being delivered: the same id as the transcript entry's `outboxId`. */
  readonly outboxId: string;
  /** 0-based index of this part among the parts `degrade` split the reply into. */
  readonly part: number;
  readonly parts: number;
}

/**
 * A channel adapter. `send` receives only messages already degraded to `capabilities` (numbered
 * lists instead of buttons that do not fit, markup rendered, long text split); it throws a
 * retryable HubError on 429/5xx/timeouts (with `retryAfterMs` when the platform says how long to
 * wait) and a permanent one otherwise. Inbound verification and decoding live in each channel's
 * `inbound.ts`, wired by `src/bots/webhook.ts`.
 */
export interface ChannelAdapter {
  readonly channel: ChannelId;
  readonly capabilities: ChannelCapabilities;
  /**
   * Capabilities for one recipient, where they differ within a channel (an X public mention
   * allows 280 characters, an X DM 10,000). Defaults to `capabilities`.
   */
  capabilitiesFor?(to: Recipient): ChannelCapabilities;
  send(to: Recipient, message: OutboundMessage, context?: SendContext): Promise<{ readonly id: string }>;
  /**
   * Invites the citizen to write again after `send` refused because the platform's reply window
   * is closed (a HubError with `details.reason === REPLY_WINDOW_CLOSED`): WhatsApp Cloud sends a
   * configured approved template. Only channels that can do this define it; the outbox then holds
   * the replies until the citizen writes, instead of dead-lettering them. Throws like `send`.
   */
  reopen?(to: Recipient): Promise<{ readonly id: string }>;
}

/** Where adapters hand what they decoded: stores it durably, then schedules the turn. */
export interface InboundSink {
  /**
   * Stores the message (deduplicated on channel + message id) and resolves once it is durable;
   * only then may the adapter acknowledge the platform. Resolves `duplicate: true` for a retry.
   */
  accept(message: InboundMessage): Promise<{ readonly duplicate: boolean; readonly conversationId: string }>;
}

/** Services a channel module may use; nothing here knows NLP or the handoff queue. */
export interface ChannelDeps {
  readonly sink: InboundSink;
  readonly logger: ChannelLogger;
  /** Durable cursors for polling intake (e.g. X `since_id`). */
  readonly cursors: { get(name: string): Promise<string | undefined>; set(name: string, value: string): Promise<void> };
  /** Marks a conversation unreachable (the citizen blocked the bot): the outbox stops retrying it. */
  readonly markUnreachable?: (conversationKey: string) => Promise<void>;
  /** Records a platform delivery status (sent/delivered/read/failed) on an outbound message. */
  readonly recordDeliveryStatus?: (channelMessageId: string, status: string) => Promise<void>;
}

/** The subset of pino's logger channels use. Never log message text at info level. */
export interface ChannelLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/**
 * One channel as the app wires it: an adapter for sending, an optional encapsulated fastify plugin
 * for its webhooks (registered under `prefix`), and optional start/stop for polling intake.
 */
export interface ChannelModule {
  readonly adapter: ChannelAdapter;
  /** Encapsulated fastify plugin with the channel's routes (type-erased to keep fastify out of the contract). */
  readonly routes?: { readonly prefix: string; readonly plugin: (app: import('fastify').FastifyInstance) => Promise<void> };
  /** Starts polling intake or a client session; resolves once started. */
  start?(): Promise<void>;
  /** Stops intake and releases resources (browser, sockets). Always safe to call. */
  stop?(): Promise<void>;
}
