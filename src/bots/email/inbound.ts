/**
 * Reading one e-mail: MIME parsing with mailparser (plain text preferred, HTML turned into text
 * by its html-to-text step: nothing is rendered or executed), attachments as metadata only, and
 * the pure step from a parsed mail to the hub's {@link InboundMessage}. No I/O besides parsing.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { InboundAttachment, InboundMessage, Language } from '../../core/message.js';
import { cleanForNlu, withoutQuotes } from './clean-text.js';
import { classifyMail, readBounce, type BounceReport, type HeaderMap, type MailKind } from './loop-guard.js';
import { baseSubject, normalizeMessageId, parseReferences } from './threading.js';

/** An e-mail as the channel needs it. */
export interface ParsedEmail {
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  readonly subject: string;
  /** Sender address, lower case ('' when absent or unreadable). */
  readonly from: string;
  readonly fromName?: string;
  readonly date?: Date;
  readonly headers: HeaderMap;
  /** The whole body as text (the text part, else the HTML part as text). */
  readonly text: string;
  readonly attachments: readonly InboundAttachment[];
  /** Report parts (delivery status, returned headers) as text, for bounces. */
  readonly reportParts: readonly { readonly contentType: string; readonly text: string }[];
}

const REPORT_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status', 'message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);

function headerMap(parsed: ParsedMail): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, line } of parsed.headerLines) {
    if (map.has(key)) continue;
    const colon = line.indexOf(':');
    map.set(key.toLowerCase(), (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return map;
}

function firstAddress(value: AddressObject | undefined): { address: string; name?: string } {
  const entry = value?.value[0];
  const address = (entry?.address ?? '').trim().toLowerCase();
  // Only something that looks like an address: a group or garbage gives no sender.
  if (!/^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/.test(address)) return { address: '' };
  const name = entry?.name?.trim();
  return name === undefined || name === '' ? { address } : { address, name: name.slice(0, 200) };
}

/**
 * Parses raw RFC 5322 bytes. Tolerant like mailparser (a broken MIME structure yields what can be
 * read); throws only when nothing can be read, and the caller records that message as failed.
 */
export async function parseEmail(raw: Buffer | string): Promise<ParsedEmail> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const headers = headerMap(parsed);
  const { address, name } = firstAddress(parsed.from);
  const attachments: InboundAttachment[] = [];
  const reportParts: { contentType: string; text: string }[] = [];
  for (const attachment of parsed.attachments) {
    const type = attachment.contentType.toLowerCase();
    if (REPORT_TYPES.has(type)) {
      reportParts.push({ contentType: type, text: attachment.content.subarray(0, 64_000).toString('utf8') });
      continue;
    }
    attachments.push({
      type: type.startsWith('image/') ? 'photo' : 'document',
      mimeType: type,
      ...(attachment.filename === undefined ? {} : { fileName: attachment.filename.slice(0, 255) }),
      sizeBytes: attachment.size,
    });
  }
  const messageId = normalizeMessageId(parsed.messageId);
  const inReplyTo = normalizeMessageId(parsed.inReplyTo);
  return {
    ...(messageId === undefined ? {} : { messageId }),
    ...(inReplyTo === undefined ? {} : { inReplyTo }),
    references: parseReferences(parsed.references),
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, 998),
    from: address,
    ...(name === undefined ? {} : { fromName: name }),
    ...(parsed.date === undefined || Number.isNaN(parsed.date.getTime()) ? {} : { date: parsed.date }),
    headers,
    text: (parsed.text ?? '').replace(/\r\n?/g, '\n').trim(),
    attachments,
    reportParts,
  };
}

/** Classifies a parsed e-mail for the loop guard. */
export function classifyEmail(email: ParsedEmail, ownAddresses: ReadonlySet<string>): MailKind {
  return classifyMail(email.headers, email.from, ownAddresses, email.subject);
}

/** What a bounce says about the hub's message it returns. */
export function bounceOf(email: ParsedEmail): BounceReport {
  return readBounce(email.reportParts, email.headers, email.text);
}

/** The words the NLU reads: cleaned body, with the subject in front for a new message. */
export function nluText(email: ParsedEmail): string {
  const own = cleanForNlu(email.text);
  const body = own === '' ? withoutQuotes(email.text) : own;
  // A reply's subject repeats the first question ("Re: renta"): joined to "quiero hablar con una
  // persona" it would pull the NLU back to the old topic. Only a new message's subject counts.
  const isReply = email.inReplyTo !== undefined || email.references.length > 0 || /^\s*(?:re|rv|aw|res)\s*:/i.test(email.subject);
  const subject = isReply ? '' : baseSubject(email.subject);
  return [subject, body].filter((part) => part !== '').join('\n');
}

/** Where a message came in and what the channel knows of its thread. */
export interface InboundEnvelope {
  /** Mailbox name (config), part of the conversation key. */
  readonly mailbox: string;
  readonly threadId: string;
  readonly language: Language;
  readonly queue?: string;
  /** Fallback id when the mail has no Message-ID (mailbox, UIDVALIDITY, UID). */
  readonly fallbackId: string;
  readonly receivedAt: Date;
}

/** The conversation key of a thread: `email:<mailbox>:<thread id>`. */
export function emailConversationKey(mailbox: string, threadId: string): string {
  return `email:${mailbox}:${threadId}`;
}

/**
 * The hub's message for one citizen e-mail. `text` is what the NLU reads ({@link nluText}),
 * `fullText` the whole message for the transcript; `replyContext` holds what a reply needs to
 * thread under it (mailbox, address, Message-ID, references, subject, thread id).
 */
export function toInboundMessage(email: ParsedEmail, envelope: InboundEnvelope): InboundMessage {
  const text = nluText(email);
  const kind = text !== '' ? 'text' : email.attachments.length > 0 ? 'attachment' : 'unsupported';
  const replyContext: Record<string, string> = {
    mailbox: envelope.mailbox,
    address: email.from,
    threadId: envelope.threadId,
    subject: email.subject.slice(0, 300),
    references: email.references.join(' '),
  };
  if (email.messageId !== undefined) replyContext.messageId = email.messageId;
  if (envelope.queue !== undefined) replyContext.queue = envelope.queue;
  const fullText = email.subject === '' ? email.text : `${email.subject}\n\n${email.text}`;
  return {
    id: email.messageId === undefined ? envelope.fallbackId : `${envelope.mailbox}:${email.messageId}`,
    conversationKey: emailConversationKey(envelope.mailbox, envelope.threadId),
    from: { channel: 'email', id: email.from, ...(email.fromName === undefined ? {} : { displayName: email.fromName }), locale: envelope.language },
    receivedAt: envelope.receivedAt,
    kind,
    ...(text === '' ? {} : { text }),
    ...(fullText === '' ? {} : { fullText }),
    ...(email.subject === '' ? {} : { subject: email.subject }),
    ...(email.attachments.length === 0 ? {} : { attachments: email.attachments }),
    replyContext,
  };
}
