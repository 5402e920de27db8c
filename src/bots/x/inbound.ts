/**
 * X's inbound side: the webhook's CRC handshake and signature check, and X payloads →
 * {@link InboundMessage}. Pure functions shared by webhook and polling intake.
 * Webhook shapes: Account Activity API data objects
 * (https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/account-activity-data-objects);
 * polling shapes: v2 DM events and mentions timeline.
 *
 * Privacy design: a public mention that contains personal data (DNI/NIE, phone, e-mail, IBAN) is
 * passed on as kind `unsupported` WITHOUT its text and with `replyContext.privacy = 'warn'`. The
 * personal data therefore never reaches the store, the NLU or an agent, and the X adapter answers
 * whatever the pipeline says to such a mention with the public privacy warning only.
 */
import { isJsonObject, parseJsonObject, type JsonObject } from '../json-body.js';
import { createHmac } from 'node:crypto';
import { HubError } from '../../core/errors.js';
import type { InboundAttachment, InboundMessage } from '../../core/message.js';
import { capInboundText, dateFromEpoch, dateFromText } from '../inbound-values.js';
import { headerValue, secretsEqual, type WebhookInbound } from '../webhook.js';
import { detectPersonalData } from './privacy.js';

type Json = JsonObject;
const isObject = isJsonObject;

function str(object: Json, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

function bad(detail: string): HubError {
  return new HubError('HUB_ERR_BAD_PAYLOAD', `Malformed X payload: ${detail}`);
}

/** Removes the leading @handles X prepends to replies and mentions. */
export function stripLeadingMentions(text: string): string {
  return text.replace(/^(?:\s*@\w{1,15})+\s*/u, '').trim();
}

interface MentionInput {
  readonly tweetId: string;
  readonly authorId: string;
  readonly text: string;
  readonly createdAt: Date;
  readonly displayName?: string;
  readonly lang?: string;
}

/** Builds the inbound message for a public mention, withholding text that carries personal data. */
export function mentionMessage(input: MentionInput): InboundMessage {
  // Capped before the personal-data scan and everything after it reads the text.
  const text = stripLeadingMentions(capInboundText(input.text, 'x'));
  const base = {
    id: `tweet:${input.tweetId}`,
    conversationKey: `x:mention:${input.authorId}`,
    from: {
      channel: 'x' as const,
      id: input.authorId,
      ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
      ...(input.lang === undefined || input.lang === 'und' ? {} : { locale: input.lang }),
    },
    receivedAt: input.createdAt,
  };
  // X's language tag of this very mention: the public notices are said in it (the author's
  // earlier mentions may have been in another language).
  const lang: Record<string, string> = input.lang === undefined || input.lang === 'und' ? {} : { lang: input.lang };
  if (detectPersonalData(text).length > 0) {
    return { ...base, kind: 'unsupported', replyContext: { tweetId: input.tweetId, privacy: 'warn', ...lang } };
  }
  return { ...base, kind: 'text', text, replyContext: { tweetId: input.tweetId, ...lang } };
}

interface DirectMessageInput {
  readonly eventId: string;
  readonly senderId: string;
  readonly text: string | undefined;
  readonly createdAt: Date;
  readonly displayName?: string;
  readonly attachments?: readonly InboundAttachment[];
  readonly quickReplyPayload?: string;
}

/** Builds the inbound message for a direct message (private: text passes on unchanged). */
export function directMessage(input: DirectMessageInput): InboundMessage {
  const base = {
    id: `dm:${input.eventId}`,
    conversationKey: `x:dm:${input.senderId}`,
    from: { channel: 'x' as const, id: input.senderId, ...(input.displayName === undefined ? {} : { displayName: input.displayName }) },
    receivedAt: input.createdAt,
    replyContext: { participantId: input.senderId },
  };
  const text = input.text === undefined || input.text.trim() === '' ? undefined : capInboundText(input.text, 'x');
  if (input.quickReplyPayload !== undefined) return { ...base, kind: 'postback', payload: input.quickReplyPayload, ...(text === undefined ? {} : { text }) };
  if (input.attachments !== undefined && input.attachments.length > 0) {
    return { ...base, kind: 'attachment', attachments: input.attachments, ...(text === undefined ? {} : { text }) };
  }
  if (text === undefined) return { ...base, kind: 'unsupported' };
  return { ...base, kind: 'text', text };
}

/**
 * X appends an attached media's t.co link to the text; it is not something the citizen wrote.
 * Looked for from the end (a single RegExp `\s*https://t.co/\w+\s*$` rescans every whitespace run).
 */
export function stripMediaLink(text: string): string {
  const at = text.lastIndexOf('https://t.co/');
  if (at === -1 || !/^https:\/\/t\.co\/\w+\s*$/.test(text.slice(at))) return text;
  return text.slice(0, at).trimEnd();
}

function userName(users: unknown, id: string): string | undefined {
  if (!isObject(users)) return undefined;
  const user = users[id];
  return isObject(user) ? str(user, 'name') : undefined;
}

function decodeDirectMessageEvent(event: unknown, accountId: string, users: unknown): InboundMessage | undefined {
  if (!isObject(event)) throw bad('direct_message_events[] must be objects');
  if (event.type !== 'message_create') return undefined;
  const id = str(event, 'id');
  const create = event.message_create;
  if (id === undefined || !isObject(create)) throw bad('message_create event without id or message_create');
  const senderId = str(create, 'sender_id');
  if (senderId === undefined) throw bad('message_create.sender_id missing');
  // Our own replies come back as events too.
  if (senderId === accountId) return undefined;
  const data = isObject(create.message_data) ? create.message_data : {};
  const attachment = isObject(data.attachment) && isObject(data.attachment.media) ? data.attachment.media : undefined;
  const mediaType = attachment === undefined ? undefined : str(attachment, 'type');
  const quick = isObject(data.quick_reply_response) ? str(data.quick_reply_response, 'metadata') : undefined;
  const displayName = userName(users, senderId);
  const text = str(data, 'text');
  return directMessage({
    eventId: id,
    senderId,
    text: attachment === undefined || text === undefined ? text : stripMediaLink(text),
    createdAt: dateFromEpoch(str(event, 'created_timestamp'), 'milliseconds', new Date()),
    ...(displayName === undefined ? {} : { displayName }),
    ...(attachment === undefined ? {} : { attachments: [{ type: mediaType ?? 'media', ...(str(attachment, 'media_url_https') === undefined ? {} : { url: str(attachment, 'media_url_https') }) }] }),
    ...(quick === undefined ? {} : { quickReplyPayload: quick }),
  });
}

function decodeTweetCreateEvent(tweet: unknown, accountId: string): InboundMessage | undefined {
  if (!isObject(tweet)) throw bad('tweet_create_events[] must be objects');
  const id = str(tweet, 'id_str');
  const user = tweet.user;
  if (id === undefined || !isObject(user)) throw bad('tweet without id_str or user');
  const authorId = str(user, 'id_str');
  if (authorId === undefined) throw bad('tweet.user.id_str missing');
  if (authorId === accountId) return undefined; // our own tweets and replies
  if (tweet.retweeted_status !== undefined) return undefined; // a retweet says nothing to us
  const mentions = isObject(tweet.entities) && Array.isArray(tweet.entities.user_mentions) ? tweet.entities.user_mentions : [];
  const mentionsUs = mentions.some((mention) => isObject(mention) && str(mention, 'id_str') === accountId);
  const repliesToUs = str(tweet, 'in_reply_to_user_id_str') === accountId;
  if (!mentionsUs && !repliesToUs) return undefined;
  const extended = isObject(tweet.extended_tweet) ? str(tweet.extended_tweet, 'full_text') : undefined;
  const text = extended ?? str(tweet, 'full_text') ?? str(tweet, 'text') ?? '';
  const createdAtRaw = str(tweet, 'timestamp_ms');
  const createdAt = createdAtRaw !== undefined ? dateFromEpoch(createdAtRaw, 'milliseconds', new Date()) : dateFromText(str(tweet, 'created_at'), new Date());
  const displayName = str(user, 'name');
  const lang = str(tweet, 'lang');
  return mentionMessage({
    tweetId: id,
    authorId,
    text,
    createdAt,
    ...(displayName === undefined ? {} : { displayName }),
    ...(lang === undefined ? {} : { lang }),
  });
}

/** Parses a webhook body. @throws HubError `HUB_ERR_BAD_PAYLOAD` when it is not a JSON object. */
export function parseXWebhookBody(rawBody: Buffer): Json {
  const parsed = parseJsonObject(rawBody, 'Malformed X payload');
  return parsed;
}

/**
 * Decodes an Account Activity delivery for the official account: DMs it received and tweets that
 * mention or reply to it. Echoes of its own DMs/tweets, retweets, other event types and deliveries
 * for other users are dropped (the caller still answers 200).
 * @throws HubError `HUB_ERR_BAD_PAYLOAD` when a known event lacks its required fields.
 */
export function decodeAccountActivity(payload: Json, accountId: string): InboundMessage[] {
  const forUser = str(payload, 'for_user_id');
  if (forUser !== undefined && forUser !== accountId) return [];
  const messages: InboundMessage[] = [];
  const dms = payload.direct_message_events;
  if (dms !== undefined) {
    if (!Array.isArray(dms)) throw bad('direct_message_events must be an array');
    for (const event of dms) {
      const message = decodeDirectMessageEvent(event, accountId, payload.users);
      if (message !== undefined) messages.push(message);
    }
  }
  const tweets = payload.tweet_create_events;
  if (tweets !== undefined) {
    if (!Array.isArray(tweets)) throw bad('tweet_create_events must be an array');
    for (const tweet of tweets) {
      const message = decodeTweetCreateEvent(tweet, accountId);
      if (message !== undefined) messages.push(message);
    }
  }
  return messages;
}

/** A v2 `GET /2/dm_events` item (fields we request). */
export interface V2DmEvent {
  readonly id: string;
  readonly event_type?: string;
  readonly text?: string;
  readonly sender_id?: string;
  readonly created_at?: string;
  readonly attachments?: { readonly media_keys?: readonly string[] };
}

/** A v2 tweet from `GET /2/users/:id/mentions` (fields we request). */
export interface V2Tweet {
  readonly id: string;
  readonly text: string;
  readonly author_id?: string;
  readonly created_at?: string;
  readonly lang?: string;
}

/** Decodes a polled v2 DM event; `undefined` for echoes and non-message events. */
export function decodeV2DmEvent(event: V2DmEvent, accountId: string, names: ReadonlyMap<string, string>): InboundMessage | undefined {
  if (event.event_type !== undefined && event.event_type !== 'MessageCreate') return undefined;
  if (event.sender_id === undefined || event.sender_id === accountId) return undefined;
  const displayName = names.get(event.sender_id);
  const mediaKeys = event.attachments?.media_keys ?? [];
  return directMessage({
    eventId: event.id,
    senderId: event.sender_id,
    text: mediaKeys.length > 0 && event.text !== undefined ? stripMediaLink(event.text) : event.text,
    createdAt: dateFromText(event.created_at, new Date()),
    ...(displayName === undefined ? {} : { displayName }),
    ...(mediaKeys.length > 0 ? { attachments: mediaKeys.map((key) => ({ type: 'media', fileId: key })) } : {}),
  });
}

/** Decodes a polled v2 mention; `undefined` for the account's own tweets. */
export function decodeV2Mention(tweet: V2Tweet, accountId: string, names: ReadonlyMap<string, string>): InboundMessage | undefined {
  if (tweet.author_id === undefined || tweet.author_id === accountId) return undefined;
  const displayName = names.get(tweet.author_id);
  return mentionMessage({
    tweetId: tweet.id,
    authorId: tweet.author_id,
    text: tweet.text,
    createdAt: dateFromText(tweet.created_at, new Date()),
    ...(displayName === undefined ? {} : { displayName }),
    ...(tweet.lang === undefined ? {} : { lang: tweet.lang }),
  });
}

/** `sha256=` + base64 HMAC-SHA256 keyed with the consumer secret: the CRC answer and the webhook signature. */
export function xSignature(consumerSecret: string, data: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(data).digest('base64')}`;
}

/**
 * The Account Activity webhook's inbound side: `GET ?crc_token=` answers the CRC challenge, a POST
 * must carry `x-twitter-webhooks-signature` over the raw body, and decodes into the messages for
 * `accountId`. https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
 */
export function xWebhookInbound(appSecret: string, accountId: string): WebhookInbound<InboundMessage[]> {
  return {
    handshake(query) {
      const token = query.crc_token;
      if (typeof token !== 'string' || token === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', 'querystring must have a crc_token');
      return { status: 200, body: { response_token: xSignature(appSecret, token) } };
    },
    verify(raw, headers) {
      if (!secretsEqual(xSignature(appSecret, raw), headerValue(headers, 'x-twitter-webhooks-signature'))) {
        throw new HubError('HUB_ERR_WEBHOOK_AUTH', 'missing or wrong x-twitter-webhooks-signature');
      }
    },
    decode: (raw) => decodeAccountActivity(parseXWebhookBody(raw), accountId),
  };
}
