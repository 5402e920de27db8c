/**
 * Telegram's inbound side: the webhook's secret-token check and `Update` → {@link InboundMessage}.
 * Pure: no I/O, so webhook and polling intake share it.
 * Shapes: https://core.telegram.org/bots/api#update
 */
import { isJsonObject, parseJsonObject, type JsonObject } from '../json-body.js';
import { headerValue, secretsEqual, type WebhookInbound } from '../webhook.js';
import { HubError } from '../../core/errors.js';
import type { InboundAttachment, InboundMessage, Participant } from '../../core/message.js';
import { capInboundText, dateFromEpoch } from '../inbound-values.js';

/** Who the bot is; needed to tell whether a group message is addressed to it. */
export interface TelegramBotIdentity {
  readonly id: number;
  readonly username: string;
}

/** The outcome of decoding one update. `ignored` updates are acknowledged and dropped. */
export type TelegramDecodeResult =
  | { readonly status: 'message'; readonly message: InboundMessage; readonly callbackQueryId?: string }
  | { readonly status: 'ignored'; readonly reason: string };

type Json = JsonObject;
const isObject = isJsonObject;

function bad(detail: string): HubError {
  return new HubError('HUB_ERR_BAD_PAYLOAD', `Malformed Telegram update: ${detail}`);
}

function requireInteger(object: Json, key: string, where: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(`${where}.${key} must be an integer`);
  return value;
}

function optionalString(object: Json, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

/** Parses the raw webhook body. @throws HubError `HUB_ERR_BAD_PAYLOAD` for invalid JSON or a missing `update_id`. */
export function parseTelegramUpdate(rawBody: Buffer): Json {
  const parsed = parseJsonObject(rawBody, 'Malformed Telegram update');
  requireInteger(parsed, 'update_id', 'update');
  return parsed;
}

/** True when the update comes from a group chat (its decoding needs the bot identity). */
export function isGroupUpdate(update: Json): boolean {
  const message = update.message ?? update.edited_message;
  if (!isObject(message) || !isObject(message.chat)) return false;
  return message.chat.type === 'group' || message.chat.type === 'supergroup';
}

function participantOf(from: Json): Participant {
  const id = requireInteger(from, 'id', 'from');
  const first = optionalString(from, 'first_name');
  const last = optionalString(from, 'last_name');
  const displayName = [first, last].filter((part) => part !== undefined && part !== '').join(' ');
  const locale = optionalString(from, 'language_code');
  return {
    channel: 'telegram',
    id: String(id),
    ...(displayName === '' ? {} : { displayName }),
    ...(locale === undefined ? {} : { locale }),
  };
}

// Media keys in the order we look for them; each becomes one attachment with its metadata.
const MEDIA_KEYS = ['photo', 'voice', 'audio', 'video', 'video_note', 'animation', 'document', 'sticker', 'contact'] as const;

// Service messages (members joining, pins, …) are not something a citizen said: acknowledge and drop.
const SERVICE_KEYS = [
  'new_chat_members', 'left_chat_member', 'new_chat_title', 'new_chat_photo', 'delete_chat_photo', 'group_chat_created',
  'supergroup_chat_created', 'channel_chat_created', 'migrate_to_chat_id', 'migrate_from_chat_id', 'pinned_message',
  'message_auto_delete_timer_changed', 'forum_topic_created', 'forum_topic_edited', 'forum_topic_closed',
  'forum_topic_reopened', 'video_chat_started', 'video_chat_ended', 'video_chat_scheduled',
  'video_chat_participants_invited', 'write_access_allowed', 'chat_shared', 'users_shared', 'boost_added',
] as const;

function attachmentOf(key: (typeof MEDIA_KEYS)[number], value: unknown): InboundAttachment | undefined {
  if (key === 'photo') {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    // Telegram lists the sizes smallest first; keep the largest.
    const largest: unknown = value[value.length - 1];
    if (!isObject(largest)) return undefined;
    const fileId = optionalString(largest, 'file_id');
    const size = largest.file_size;
    return { type: 'photo', mimeType: 'image/jpeg', ...(fileId === undefined ? {} : { fileId }), ...(typeof size === 'number' ? { sizeBytes: size } : {}) };
  }
  if (!isObject(value)) return undefined;
  if (key === 'contact') return { type: 'contacts' };
  const fileId = optionalString(value, 'file_id');
  const mimeType = optionalString(value, 'mime_type') ?? (key === 'sticker' ? 'image/webp' : undefined);
  const fileName = optionalString(value, 'file_name');
  const size = value.file_size;
  return {
    type: key,
    ...(fileId === undefined ? {} : { fileId }),
    ...(mimeType === undefined ? {} : { mimeType }),
    ...(fileName === undefined ? {} : { fileName }),
    ...(typeof size === 'number' ? { sizeBytes: size } : {}),
  };
}

interface GroupAddress {
  readonly addressed: boolean;
  /** The text with the bot's @mention removed. */
  readonly text: string | undefined;
}

function groupAddress(message: Json, text: string | undefined, bot: TelegramBotIdentity | undefined): GroupAddress {
  if (bot === undefined) return { addressed: false, text };
  const reply = message.reply_to_message;
  const repliesToBot = isObject(reply) && isObject(reply.from) && reply.from.id === bot.id;
  const mention = `@${bot.username}`;
  const mentions = text !== undefined && text.toLowerCase().includes(mention.toLowerCase());
  if (!repliesToBot && !mentions) return { addressed: false, text };
  const cleaned = text === undefined ? undefined : text.replace(new RegExp(`@${bot.username}\\b`, 'gi'), '').replace(/\s+/g, ' ').trim();
  return { addressed: true, text: cleaned };
}

function decodeMessage(update: Json, updateId: number, message: Json, edited: boolean, bot: TelegramBotIdentity | undefined): TelegramDecodeResult {
  const where = edited ? 'edited_message' : 'message';
  const messageId = requireInteger(message, 'message_id', where);
  const chat = message.chat;
  if (!isObject(chat)) throw bad(`${where}.chat is missing`);
  const chatId = requireInteger(chat, 'id', `${where}.chat`);
  const from = message.from;
  if (!isObject(from)) return { status: 'ignored', reason: 'no sender (channel post or anonymous admin)' };
  if (from.is_bot === true) return { status: 'ignored', reason: 'sent by a bot' };
  if (chat.type === 'channel') return { status: 'ignored', reason: 'channel post' };

  const rawText = optionalString(message, 'text') ?? optionalString(message, 'caption');
  // Capped before anything reads it: Telegram sends at most 4,096 characters, a forged update more.
  let text = rawText === undefined ? undefined : capInboundText(rawText, 'telegram');
  const group = chat.type === 'group' || chat.type === 'supergroup';
  if (group) {
    const address = groupAddress(message, text, bot);
    if (!address.addressed) return { status: 'ignored', reason: 'group message not addressed to the bot' };
    text = address.text;
  }

  const date = typeof message.edit_date === 'number' ? message.edit_date : message.date;
  const base = {
    // The chat + message id is stable across webhook retries and polling re-deliveries, and unlike
    // `update_id` it is never re-randomised by Telegram after a week of silence.
    id: edited ? `${chatId}:${messageId}:edit:${String(message.edit_date ?? updateId)}` : `${chatId}:${messageId}`,
    conversationKey: `telegram:${chatId}`,
    from: participantOf(from),
    receivedAt: dateFromEpoch(date, 'seconds', new Date()),
    replyContext: { chatId: String(chatId), messageId: String(messageId), ...(edited ? { edited: 'true' } : {}) },
  } as const;

  const media = MEDIA_KEYS.flatMap((key) => {
    if (message[key] === undefined) return [];
    const attachment = attachmentOf(key, message[key]);
    return attachment === undefined ? [] : [attachment];
  });
  if (media.length > 0) {
    return { status: 'message', message: { ...base, kind: 'attachment', attachments: media, ...(text === undefined ? {} : { text }) } };
  }

  const location = isObject(message.venue) && isObject(message.venue.location) ? message.venue.location : message.location;
  if (isObject(location) && typeof location.latitude === 'number' && typeof location.longitude === 'number') {
    return { status: 'message', message: { ...base, kind: 'location', location: { latitude: location.latitude, longitude: location.longitude } } };
  }

  if (text !== undefined) {
    // `/start <payload>` is a deep link (t.me/<bot>?start=<payload>): the payload is bot-defined, like a button's.
    const start = /^\/start(?:@\w+)?(?:\s+(\S+))?\s*$/.exec(text);
    if (start?.[1] !== undefined) {
      return { status: 'message', message: { ...base, kind: 'postback', payload: start[1], text } };
    }
    return { status: 'message', message: { ...base, kind: 'text', text } };
  }

  if (SERVICE_KEYS.some((key) => message[key] !== undefined)) return { status: 'ignored', reason: 'service message' };
  // Polls, dice, games, stories…: the citizen did say something we cannot read.
  return { status: 'message', message: { ...base, kind: 'unsupported' } };
}

function decodeCallbackQuery(query: Json): TelegramDecodeResult {
  const id = optionalString(query, 'id');
  if (id === undefined) throw bad('callback_query.id must be a string');
  const from = query.from;
  if (!isObject(from)) throw bad('callback_query.from is missing');
  const message = query.message;
  // Buttons on inline-mode messages have no chat; answer in the private chat with the user.
  const chatId = isObject(message) && isObject(message.chat) ? requireInteger(message.chat, 'id', 'callback_query.message.chat') : requireInteger(from, 'id', 'callback_query.from');
  const data = optionalString(query, 'data');
  const participant = participantOf(from);
  const base = {
    id: `callback:${id}`,
    conversationKey: `telegram:${chatId}`,
    from: participant,
    receivedAt: new Date(),
    replyContext: { chatId: String(chatId) },
  } as const;
  if (data === undefined) return { status: 'message', callbackQueryId: id, message: { ...base, kind: 'unsupported' } };
  return { status: 'message', callbackQueryId: id, message: { ...base, kind: 'postback', payload: data } };
}

/**
 * Decodes one parsed update. Text, edits, button presses (`callback_query`), `/start <payload>`,
 * media and locations become messages; group messages count only when they mention the bot or
 * reply to it; every other update type is `ignored` (the caller still answers 200).
 * @throws HubError `HUB_ERR_BAD_PAYLOAD` when a known update type lacks its required fields.
 */
export function decodeTelegramUpdate(update: Json, bot: TelegramBotIdentity | undefined): TelegramDecodeResult {
  const updateId = requireInteger(update, 'update_id', 'update');
  if (update.message !== undefined) {
    if (!isObject(update.message)) throw bad('update.message must be an object');
    return decodeMessage(update, updateId, update.message, false, bot);
  }
  if (update.edited_message !== undefined) {
    if (!isObject(update.edited_message)) throw bad('update.edited_message must be an object');
    return decodeMessage(update, updateId, update.edited_message, true, bot);
  }
  if (update.callback_query !== undefined) {
    if (!isObject(update.callback_query)) throw bad('update.callback_query must be an object');
    return decodeCallbackQuery(update.callback_query);
  }
  const type = Object.keys(update).find((key) => key !== 'update_id') ?? 'empty';
  return { status: 'ignored', reason: `update type ${type}` };
}

/** The header Telegram sends `secret_token` in: https://core.telegram.org/bots/api#setwebhook */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * The webhook's inbound side: the secret token checked on the headers alone (before the body is
 * read), and the body parsed into an `Update`. Decoding it into a message needs the bot's
 * identity for group messages, so the channel does that when it stores the update.
 */
export function telegramWebhookInbound(secret: string): WebhookInbound<Json> {
  const expected = Buffer.from(secret, 'utf8');
  return {
    verifyOn: 'headers',
    verify(_raw, headers) {
      if (!secretsEqual(expected, headerValue(headers, TELEGRAM_SECRET_HEADER))) {
        throw new HubError('HUB_ERR_WEBHOOK_AUTH', 'missing or wrong X-Telegram-Bot-Api-Secret-Token');
      }
    },
    decode: parseTelegramUpdate,
  };
}
