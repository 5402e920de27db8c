/**
 * Writing one reply as an e-mail: greeting, the (already degraded) body, the mailbox's
 * signature and the thread's reference token, as a text part and a simple escaped HTML part,
 * with `In-Reply-To`, `References`, a `Re:` subject and `Auto-Submitted: auto-replied`
 * (RFC 3834: other robots must not answer it). Also the mapping of SMTP failures onto the
 * outbox's retry policy: 4xx and network errors retry, 5xx dead-letter.
 */
import { randomBytes } from 'node:crypto';
import { HubError } from '../../core/errors.js';
import { describeNetworkError } from '../../core/network-error.js';
import type { Language, OutboundMessage } from '../../core/message.js';
import type { MailboxConfig } from './config.js';
import { parseReferences, refTokenText, replySubject, replyThreading } from './threading.js';

/** Greeting used when a mailbox configures none. */
export const GREETINGS: Readonly<Record<Language, string>> = { es: 'Hola:', ca: 'Hola,', gl: 'Ola:', eu: 'Kaixo:', en: 'Hello,' };
/** Subject of a reply to a message that had none. */
export const DEFAULT_SUBJECT: Readonly<Record<Language, string>> = { es: 'Su consulta', ca: 'La seva consulta', gl: 'A súa consulta', eu: 'Zure kontsulta', en: 'Your enquiry' };

/** What nodemailer's `sendMail` receives (the subset the channel uses). */
export interface EmailDraft {
  readonly messageId: string;
  readonly from: { readonly name: string; readonly address: string } | string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The body text of an outbound message (degrade already turned choices into a numbered list). */
export function bodyText(message: OutboundMessage): string {
  if (message.kind === 'attachment') return [message.caption, message.url].filter((part) => part !== undefined && part !== '').join('\n');
  if (message.kind === 'choices') return [message.text, '', ...message.choices.map((choice, index) => `${index + 1}. ${choice.title}`)].join('\n');
  return message.text;
}

/** Paragraphs and line breaks of plain text as simple, escaped HTML. */
export function simpleHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** A new Message-ID on the mailbox's domain. */
export function newMessageId(from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1) || 'ventanilla.invalid';
  return `<${Date.now().toString(36)}.${randomBytes(9).toString('hex')}@${domain}>`;
}

/**
 * The e-mail for one reply in the thread `replyContext` describes (the citizen's last message:
 * `address`, `messageId`, `references`, `subject`, `threadId`).
 * @throws HubError `HUB_ERR_CHANNEL_PERMANENT` when the context has no address to write to.
 */
export function composeReply(message: OutboundMessage, mailbox: MailboxConfig, replyContext: Readonly<Record<string, string>>, messageId = newMessageId(mailbox.from)): EmailDraft {
  const to = replyContext.address;
  if (to === undefined || to === '') throw new HubError('HUB_ERR_CHANNEL_PERMANENT', 'an e-mail reply needs replyContext.address');
  const threadId = replyContext.threadId ?? '';
  const greeting = mailbox.greeting ?? GREETINGS[mailbox.language];
  const body = bodyText(message).trim();
  const signature = mailbox.signature.trim();
  const token = threadId === '' ? '' : refTokenText(threadId);
  const text = [greeting, body, ...(signature === '' ? [] : [`-- \n${signature}`]), ...(token === '' ? [] : [token])].join('\n\n');
  const html = [
    simpleHtml(greeting),
    simpleHtml(body),
    ...(signature === '' ? [] : [`<p style="color:#555">${escapeHtml(signature).replace(/\n/g, '<br>')}</p>`]),
    // The token rides hidden in the HTML part too: replies quoting only the HTML keep it.
    ...(token === '' ? [] : [`<span style="display:none;font-size:0;color:transparent">${token}</span>`]),
  ].join('\n');
  const threading = replyThreading(replyContext.messageId, parseReferences(replyContext.references ?? ''));
  return {
    messageId,
    from: mailbox.fromName === undefined ? mailbox.from : { name: mailbox.fromName, address: mailbox.from },
    to,
    subject: replySubject(replyContext.subject, DEFAULT_SUBJECT[mailbox.language]),
    text,
    html: `<!doctype html><html><body>\n${html}\n</body></html>`,
    ...(threading.inReplyTo === undefined ? {} : { inReplyTo: threading.inReplyTo }),
    ...(threading.references.length === 0 ? {} : { references: threading.references }),
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  };
}

interface SmtpErrorLike {
  readonly responseCode?: unknown;
  readonly response?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

/**
 * An SMTP failure as a HubError: a 4xx reply (greylisting, mailbox busy, rate limit) and any
 * failure to reach or talk to the server are retryable; a 5xx reply (unknown user, refused
 * relay, message rejected) is permanent and dead-letters the reply with the server's words.
 */
export function smtpError(error: unknown, mailbox: string): HubError {
  const like = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorLike;
  const status = typeof like.responseCode === 'number' ? like.responseCode : 0;
  const words = (typeof like.response === 'string' ? like.response : typeof like.message === 'string' ? like.message : String(error)).replace(/\s+/g, ' ').slice(0, 300);
  if (status >= 500) return new HubError('HUB_ERR_CHANNEL_PERMANENT', `SMTP server of mailbox ${mailbox} refused the message: ${words}`, { cause: error, details: { status } });
  if (status >= 400) return new HubError('HUB_ERR_CHANNEL_RETRYABLE', `SMTP server of mailbox ${mailbox} deferred the message: ${words}`, { cause: error, details: { status } });
  const code = typeof like.code === 'string' ? like.code : '';
  // Bad credentials are a configuration error no retry fixes.
  if (code === 'EAUTH') return new HubError('HUB_ERR_CHANNEL_PERMANENT', `SMTP login of mailbox ${mailbox} failed: ${words}; check the user and password in its SMTP URL.`, { cause: error, details: { status: 0 } });
  const network = describeNetworkError(error);
  return new HubError('HUB_ERR_CHANNEL_RETRYABLE', `SMTP server of mailbox ${mailbox} not reached: ${network?.text ?? words}`, { cause: error, details: { status: 0, transport: network?.kind ?? 'smtp' } });
}
