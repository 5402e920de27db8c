/**
 * Which mail the bot must never answer, so two automatic systems can never talk to each other
 * for ever: RFC 3834 `Auto-Submitted`, `Precedence: bulk/list/junk`, mailing lists, the
 * vendor auto-reply headers, delivery reports (bounces), `noreply` and mailer-daemon senders,
 * and the hub's own addresses (a forged `From` included). Pure functions over header values.
 */

/** Lower-case header name → first value (unfolded). */
export type HeaderMap = ReadonlyMap<string, string>;

export type MailKind =
  | { readonly kind: 'human' }
  | { readonly kind: 'automatic'; readonly reason: string }
  | { readonly kind: 'bounce'; readonly reason: string };

/** Local parts that never read their replies (`noreply@`, `no-reply+x@`, `mailer-daemon@`…). */
const UNATTENDED_LOCAL = /^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noresponder|no[-_.]?responder|mailer[-_.]?daemon|postmaster|bounces?|notifications?)(?:[+\-_.][^@]{0,64})?$/i;
const DAEMON_LOCAL = /^(?:mailer[-_.]?daemon|postmaster)$/i;
const BOUNCE_SUBJECT = /^\s*(?:undeliver|undelivered|delivery status notification|returned mail|mail delivery (?:failed|failure|system)|failure notice|no se (?:puede|ha podido) entregar|no s'ha pogut lliurar|non remis|unzustellbar)/i;

/** The local part of an address (before the last `@`). */
function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? address : address.slice(0, at);
}

/**
 * Classifies a received message. `from` is the sender's address (lower case; empty when the
 * message has none), `ownAddresses` every address the hub sends from (lower case).
 * A delivery report is a `bounce` (its original is marked failed); everything that must not
 * be answered is `automatic` with the reason that is logged and kept in the intake log.
 */
export function classifyMail(headers: HeaderMap, from: string, ownAddresses: ReadonlySet<string>, subject = ''): MailKind {
  const contentType = (headers.get('content-type') ?? '').toLowerCase();
  const local = localPart(from);
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) return { kind: 'bounce', reason: 'delivery status notification (multipart/report)' };
  if (DAEMON_LOCAL.test(local) && BOUNCE_SUBJECT.test(subject.slice(0, 200))) return { kind: 'bounce', reason: `bounce from ${local}` };
  if (from === '') return { kind: 'automatic', reason: 'no sender address' };
  if (ownAddresses.has(from)) return { kind: 'automatic', reason: 'sent from the hub’s own address' };
  const autoSubmitted = (headers.get('auto-submitted') ?? '').trim().toLowerCase();
  if (autoSubmitted !== '' && autoSubmitted !== 'no') return { kind: 'automatic', reason: `Auto-Submitted: ${autoSubmitted.slice(0, 40)}` };
  const precedence = (headers.get('precedence') ?? '').trim().toLowerCase();
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return { kind: 'automatic', reason: `Precedence: ${precedence}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    if (headers.has(name)) return { kind: 'automatic', reason: `${name} header` };
  }
  // Exchange marks its own out-of-office and notification messages this way.
  const suppress = (headers.get('x-auto-response-suppress') ?? '').toLowerCase();
  if (/\b(?:all|oof|autoreply)\b/.test(suppress)) return { kind: 'automatic', reason: `X-Auto-Response-Suppress: ${suppress.slice(0, 40)}` };
  if (headers.has('list-id') || headers.has('list-unsubscribe')) return { kind: 'automatic', reason: 'mailing list message' };
  // Return-Path <> is the null sender of reports and auto-replies (RFC 5321 §4.5.5).
  if ((headers.get('return-path') ?? '').trim() === '<>') return { kind: 'automatic', reason: 'null return path' };
  if (UNATTENDED_LOCAL.test(local)) return { kind: 'automatic', reason: `unattended sender ${local}@` };
  return { kind: 'human' };
}

/** What a delivery report says about the message it returns. */
export interface BounceReport {
  /** Message-ID of the original (the hub's reply), when the report includes it. */
  readonly originalMessageId?: string;
  /** The reason in the MTA's words (`Status` + `Diagnostic-Code`), one line. */
  readonly reason: string;
}

const MESSAGE_ID_LINE = /^message-id:[ \t]*(<[^<>\s]{1,500}>)/im;

/**
 * Reads a bounce: the original Message-ID from the returned headers (`message/rfc822` or
 * `text/rfc822-headers` part) or, failing that, from `In-Reply-To`/`References`; the reason
 * from the `message/delivery-status` part's `Status` and `Diagnostic-Code`, or the first line
 * of the text. `parts` are the report's non-text parts as text.
 */
export function readBounce(parts: readonly { readonly contentType: string; readonly text: string }[], headers: HeaderMap, bodyText: string): BounceReport {
  let originalMessageId: string | undefined;
  let status = '';
  let diagnostic = '';
  for (const part of parts) {
    const type = part.contentType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      status = /^status:[ \t]*([245]\.\d{1,3}\.\d{1,3})/im.exec(part.text)?.[1] ?? status;
      diagnostic = /^diagnostic-code:[ \t]*([^\r\n]{0,300})/im.exec(part.text)?.[1]?.trim() ?? diagnostic;
    } else if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/global' || type === 'message/global-headers') {
      originalMessageId ??= MESSAGE_ID_LINE.exec(part.text.slice(0, 64_000))?.[1];
    }
  }
  // mailparser may fold the delivery-status part into the text: read it there too.
  const head = bodyText.slice(0, 64_000);
  if (status === '') status = /^status:[ \t]*([245]\.\d{1,3}\.\d{1,3})/im.exec(head)?.[1] ?? '';
  if (diagnostic === '') diagnostic = /^diagnostic-code:[ \t]*([^\r\n]{0,300})/im.exec(head)?.[1]?.trim() ?? '';
  originalMessageId ??= MESSAGE_ID_LINE.exec(bodyText.slice(0, 64_000))?.[1] ?? headers.get('in-reply-to')?.match(/<[^<>\s]{1,500}>/)?.[0];
  const firstLine = bodyText.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 200) ?? 'delivery failed';
  const reason = [status, diagnostic].filter((part) => part !== '').join(' ') || firstLine;
  return { ...(originalMessageId === undefined ? {} : { originalMessageId }), reason };
}
