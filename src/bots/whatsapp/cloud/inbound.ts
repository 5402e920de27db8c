/**
 * Verifying and decoding WhatsApp Cloud API webhooks (the `whatsapp_business_account` object).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 */
import { isJsonObject, type JsonObject } from '../../json-body.js';
import { createHmac } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { HubError } from '../../../core/errors.js';
import type { InboundAttachment, InboundMessage } from '../../../core/message.js';
import { capInboundText, dateFromEpoch } from '../../inbound-values.js';
import { headerValue, secretsEqual, type WebhookInbound } from '../../webhook.js';

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, rawBody)>` in constant time.
 * Throws `HUB_ERR_WEBHOOK_AUTH` when the header is missing, malformed or wrong.
 */
export function verifyWhatsAppSignature(appSecret: string, rawBody: Buffer, header: string | undefined): void {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (match?.[1] === undefined) {
    throw new HubError('HUB_ERR_WEBHOOK_AUTH', 'missing or malformed X-Hub-Signature-256 header: the request is not from Meta');
  }
  const expected = createHmac('sha256', appSecret).update(rawBody).digest('hex');
  if (!secretsEqual(expected, match[1].toLowerCase())) {
    throw new HubError(
      'HUB_ERR_WEBHOOK_AUTH',
      'X-Hub-Signature-256 does not match: the request is not from Meta, or WHATSAPP_CLOUD_APP_SECRET is not this app\'s secret',
    );
  }
}

// Only the envelope is checked strictly; message bodies vary by type and are read defensively.
const ChangeSchema = Type.Object({
  field: Type.String(),
  value: Type.Record(Type.String(), Type.Unknown()),
});
const EnvelopeSchema = Type.Object({
  object: Type.Literal('whatsapp_business_account'),
  entry: Type.Array(Type.Object({ id: Type.Optional(Type.String()), changes: Type.Array(ChangeSchema) })),
});
type Envelope = Static<typeof EnvelopeSchema>;

/** A delivery status of a message the hub sent. */
export interface WhatsAppStatus {
  /** The `wamid` of the outbound message. */
  readonly messageId: string;
  /** sent | delivered | read | failed (| played for voice notes). */
  readonly status: string;
  /** Meta's error codes for `failed` (no personal data). */
  readonly errorCodes: readonly number[];
}

export interface DecodedWhatsAppWebhook {
  readonly messages: readonly InboundMessage[];
  readonly statuses: readonly WhatsAppStatus[];
}

type Json = JsonObject;
const isObject = isJsonObject;
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

/**
 * Parses and decodes a verified webhook body. Several entries and changes per POST are supported;
 * changes other than `messages` are ignored. Reactions are skipped (they need no answer).
 * Throws `HUB_ERR_BAD_PAYLOAD` when the body is not JSON or not a WhatsApp Business envelope.
 */
export function decodeWhatsAppWebhook(rawBody: Buffer, now: Date): DecodedWhatsAppWebhook {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch (cause) {
    throw new HubError('HUB_ERR_BAD_PAYLOAD', 'webhook body is not JSON', { cause });
  }
  if (!Value.Check(EnvelopeSchema, body)) {
    const first = Value.Errors(EnvelopeSchema, body).First();
    throw new HubError(
      'HUB_ERR_BAD_PAYLOAD',
      `webhook body is not a whatsapp_business_account notification${first === undefined ? '' : ` (${first.path || '/'}: ${first.message})`}`,
    );
  }
  const envelope: Envelope = body;
  const messages: InboundMessage[] = [];
  const statuses: WhatsAppStatus[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = change.value;
      const phoneNumberId = str(obj(value.metadata).phone_number_id);
      const names = new Map<string, string>();
      for (const contact of Array.isArray(value.contacts) ? value.contacts : []) {
        const waId = str(obj(contact).wa_id);
        const name = str(obj(obj(contact).profile).name);
        if (waId !== undefined && name !== undefined && name !== '') names.set(waId, name);
      }
      for (const raw of Array.isArray(value.messages) ? value.messages : []) {
        const message = decodeMessage(obj(raw), phoneNumberId, names, now);
        if (message !== undefined) messages.push(message);
      }
      for (const raw of Array.isArray(value.statuses) ? value.statuses : []) {
        const status = obj(raw);
        const messageId = str(status.id);
        const state = str(status.status);
        if (messageId === undefined || state === undefined) {
          throw new HubError('HUB_ERR_BAD_PAYLOAD', 'a status has no id or no status');
        }
        const errorCodes = (Array.isArray(status.errors) ? status.errors : [])
          .map((error) => obj(error).code)
          .filter((code): code is number => typeof code === 'number');
        statuses.push({ messageId, status: state, errorCodes });
      }
    }
  }
  return { messages, statuses };
}

function decodeMessage(
  raw: Json,
  phoneNumberId: string | undefined,
  names: ReadonlyMap<string, string>,
  now: Date,
): InboundMessage | undefined {
  const id = str(raw.id);
  const from = str(raw.from);
  const type = str(raw.type);
  if (id === undefined || from === undefined || type === undefined) {
    throw new HubError('HUB_ERR_BAD_PAYLOAD', 'a message has no id, from or type');
  }
  if (type === 'reaction') return undefined;
  // Meta sends seconds as a string; anything else (a number, 1e20, garbage) must not throw later.
  const receivedAt = dateFromEpoch(raw.timestamp, 'seconds', now);
  const displayName = names.get(from);
  const replyContext: Record<string, string> = { transport: 'cloud', lastInboundAt: receivedAt.toISOString() };
  if (phoneNumberId !== undefined) replyContext.phoneNumberId = phoneNumberId;
  const base = {
    id,
    conversationKey: `whatsapp:${from}`,
    from: displayName === undefined ? { channel: 'whatsapp' as const, id: from } : { channel: 'whatsapp' as const, id: from, displayName },
    receivedAt,
    replyContext,
  };
  if (Array.isArray(raw.errors) && raw.errors.length > 0) return { ...base, kind: 'unsupported' };

  if (type === 'text') {
    const text = str(obj(raw.text).body);
    return text === undefined ? { ...base, kind: 'unsupported' } : { ...base, kind: 'text', text: capInboundText(text, 'whatsapp') };
  }
  if (type === 'interactive') {
    const interactive = obj(raw.interactive);
    const reply = obj(interactive.button_reply ?? interactive.list_reply);
    const payload = str(reply.id);
    if (payload === undefined) return { ...base, kind: 'unsupported' };
    const title = str(reply.title);
    return title === undefined ? { ...base, kind: 'postback', payload } : { ...base, kind: 'postback', payload, text: capInboundText(title, 'whatsapp') };
  }
  if (type === 'button') {
    // Quick-reply button of a template message (the legacy `button` type).
    const button = obj(raw.button);
    const payload = str(button.payload) ?? str(button.text);
    if (payload === undefined) return { ...base, kind: 'unsupported' };
    const title = str(button.text);
    return title === undefined ? { ...base, kind: 'postback', payload } : { ...base, kind: 'postback', payload, text: capInboundText(title, 'whatsapp') };
  }
  if (MEDIA_TYPES.has(type)) {
    const media = obj(raw[type]);
    const attachment: { -readonly [K in keyof InboundAttachment]: InboundAttachment[K] } = {
      type: type === 'audio' && media.voice === true ? 'voice' : type === 'image' ? 'photo' : type,
    };
    const fileId = str(media.id);
    const mimeType = str(media.mime_type);
    const url = str(media.url);
    const fileName = str(media.filename);
    if (fileId !== undefined) attachment.fileId = fileId;
    if (mimeType !== undefined) attachment.mimeType = mimeType;
    if (url !== undefined) attachment.url = url;
    if (fileName !== undefined) attachment.fileName = fileName;
    const caption = str(media.caption);
    return caption === undefined
      ? { ...base, kind: 'attachment', attachments: [attachment] }
      : { ...base, kind: 'attachment', attachments: [attachment], text: capInboundText(caption, 'whatsapp') };
  }
  if (type === 'location') {
    const location = obj(raw.location);
    const latitude = Number(location.latitude);
    const longitude = Number(location.longitude);
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return { ...base, kind: 'unsupported' };
    return { ...base, kind: 'location', location: { latitude, longitude } };
  }
  if (type === 'contacts') {
    // Shared contact cards hold third parties' personal data: keep only that there were some.
    return { ...base, kind: 'attachment', attachments: [{ type: 'contacts' }] };
  }
  return { ...base, kind: 'unsupported' };
}

/**
 * The Cloud API webhook's inbound side: `GET` answers Meta's subscription check (the
 * `hub.challenge` as text when `hub.verify_token` matches, 403 otherwise), a POST must carry
 * `X-Hub-Signature-256` over the raw body, and decodes into messages and delivery statuses.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export function whatsappCloudInbound(appSecret: string, verifyToken: string, now: () => Date): WebhookInbound<DecodedWhatsAppWebhook> {
  return {
    handshake(query) {
      const challenge = query['hub.challenge'];
      const token = query['hub.verify_token'];
      if (query['hub.mode'] === 'subscribe' && typeof challenge === 'string' && secretsEqual(verifyToken, typeof token === 'string' ? token : undefined)) {
        return { status: 200, body: challenge };
      }
      return { status: 403, body: 'Forbidden' };
    },
    verify: (raw, headers) => verifyWhatsAppSignature(appSecret, raw, headerValue(headers, 'x-hub-signature-256')),
    decode: (raw) => decodeWhatsAppWebhook(raw, now()),
  };
}
