/**
 * whatsapp-web.js's inbound side: a client `message` event → {@link InboundMessage}. Pure. There is
 * no webhook: the paired browser session delivers messages, so there is nothing to verify.
 */
import type { InboundMessage } from '../../../core/message.js';
import { capInboundText, dateFromEpoch } from '../../inbound-values.js';

/** The part of a whatsapp-web.js `Message` the channel reads. */
export interface WhatsAppWebMessageLike {
  readonly id: { readonly _serialized: string };
  readonly from: string;
  readonly fromMe: boolean;
  readonly isStatus?: boolean;
  readonly body: string;
  readonly type: string;
  readonly timestamp: number;
  readonly hasMedia?: boolean;
  readonly location?: { readonly latitude: number | string; readonly longitude: number | string };
  readonly selectedButtonId?: string;
  readonly selectedRowId?: string;
  readonly _data?: { readonly notifyName?: string; readonly mimetype?: string; readonly filename?: string; readonly size?: number };
}

const MEDIA_KINDS: Readonly<Record<string, string>> = {
  image: 'photo',
  ptt: 'voice',
  audio: 'audio',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  vcard: 'contacts',
  multi_vcard: 'contacts',
};

/**
 * Decodes a whatsapp-web.js message, or `undefined` for what the hub ignores: status broadcasts,
 * groups, channels (newsletters), broadcasts and the account's own messages.
 */
export function decodeWhatsAppWebMessage(message: WhatsAppWebMessageLike, now: Date): InboundMessage | undefined {
  const from = message.from;
  if (message.fromMe || message.isStatus === true || !/@(c\.us|lid)$/.test(from)) return undefined;
  const userId = from.slice(0, from.indexOf('@'));
  const receivedAt = dateFromEpoch(message.timestamp, 'seconds', now);
  const body = capInboundText(message.body, 'whatsapp');
  const notifyName = message._data?.notifyName;
  const base = {
    id: message.id._serialized,
    conversationKey: `whatsapp:${userId}`,
    from: notifyName ? { channel: 'whatsapp' as const, id: userId, displayName: notifyName } : { channel: 'whatsapp' as const, id: userId },
    receivedAt,
    replyContext: { transport: 'web', chatId: from, lastInboundAt: receivedAt.toISOString() },
  };
  if (message.type === 'chat') return { ...base, kind: 'text', text: body };
  if (message.type === 'location' && message.location !== undefined) {
    const latitude = Number(message.location.latitude);
    const longitude = Number(message.location.longitude);
    if (Number.isFinite(latitude) && Number.isFinite(longitude)) return { ...base, kind: 'location', location: { latitude, longitude } };
  }
  const selected = message.selectedButtonId ?? message.selectedRowId;
  if ((message.type === 'buttons_response' || message.type === 'list_response') && selected !== undefined) {
    return { ...base, kind: 'postback', payload: selected, text: body };
  }
  const mediaType = MEDIA_KINDS[message.type];
  if (mediaType !== undefined) {
    // Contact cards are third parties' data: only the fact is kept.
    const attachment =
      mediaType === 'contacts'
        ? { type: mediaType }
        : {
            type: mediaType,
            ...(message._data?.mimetype === undefined ? {} : { mimeType: message._data.mimetype }),
            ...(message._data?.filename === undefined ? {} : { fileName: message._data.filename }),
            ...(message._data?.size === undefined ? {} : { sizeBytes: message._data.size }),
          };
    const caption = mediaType !== 'contacts' && body !== '' ? { text: body } : {};
    return { ...base, kind: 'attachment', attachments: [attachment], ...caption };
  }
  return { ...base, kind: 'unsupported' };
}
