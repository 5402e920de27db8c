/**
 * The e-mail channel: citizen mail read over IMAP from one or more shared mailboxes and
 * answered over SMTP in the same thread. Intake: {@link MailboxReader} per mailbox; each message
 * is parsed, checked by the loop guard and the per-sender hourly cap, threaded, and stored
 * through `deps.sink` (bounces mark the hub's original reply failed instead). Sending: one
 * pooled nodemailer transport per mailbox; SMTP 4xx retry through the outbox, 5xx dead-letter.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { HubError } from '../../core/errors.js';
import type { EmailConfig, MailboxConfig } from './config.js';
import { describeMailbox } from './config.js';
import { MailboxReader, type FetchedMail } from './imap-reader.js';
import { bounceOf, classifyEmail, parseEmail, toInboundMessage, type ParsedEmail } from './inbound.js';
import { composeReply, smtpError } from './outbound.js';
import type { EmailState } from './state.js';
import { resolveThread } from './threading.js';

/** E-mail shows long text, no buttons (choices become a numbered list the citizen answers by number). */
export const EMAIL_CAPABILITIES: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: CHANNEL_TEXT_LIMITS.email, markup: 'none' };

const HOUR_MS = 60 * 60 * 1000;

export interface EmailChannelDeps extends ChannelDeps {
  readonly state: EmailState;
  readonly now?: () => Date;
  /** Replaces the SMTP transport (tests of transport failures). */
  readonly transport?: (mailbox: MailboxConfig) => Pick<Transporter, 'sendMail' | 'close'>;
}

export interface EmailChannelModule extends ChannelModule {
  /** Processes one fetched message as intake does (tests, benchmark). */
  handle(mailbox: MailboxConfig, mail: FetchedMail): Promise<void>;
}

function smtpTransport(mailbox: MailboxConfig, poolSize: number): Transporter {
  const { smtp } = mailbox;
  const loopback = smtp.host === '127.0.0.1' || smtp.host === 'localhost' || smtp.host === '::1';
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    pool: true,
    maxConnections: poolSize,
    ...(smtp.user === '' ? {} : { auth: { user: smtp.user, pass: smtp.password } }),
    // A loopback relay (a local Postfix, the test capture server) is trusted without STARTTLS.
    ...(loopback && !smtp.secure ? { ignoreTLS: true } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

/**
 * Builds the e-mail channel. `start()` begins reading every mailbox; `stop()` ends intake and
 * closes the SMTP pools. `adapter.send` needs `replyContext.mailbox` and `.address` (set by
 * intake) and throws retryable/permanent HubErrors as {@link smtpError} decides.
 */
export function createEmailChannel(config: EmailConfig, deps: EmailChannelDeps): EmailChannelModule {
  const log = deps.logger;
  const now = deps.now ?? (() => new Date());
  const byName = new Map(config.mailboxes.map((mailbox) => [mailbox.name, mailbox]));
  const ownAddresses = new Set(config.mailboxes.map((mailbox) => mailbox.from));
  const transports = new Map<string, Pick<Transporter, 'sendMail' | 'close'>>();

  function transportFor(mailbox: MailboxConfig): Pick<Transporter, 'sendMail' | 'close'> {
    let transport = transports.get(mailbox.name);
    if (transport === undefined) {
      transport = deps.transport?.(mailbox) ?? smtpTransport(mailbox, config.smtpPoolSize);
      transports.set(mailbox.name, transport);
    }
    return transport;
  }

  const adapter: ChannelAdapter = {
    channel: 'email',
    capabilities: EMAIL_CAPABILITIES,
    async send(to, message) {
      const context = to.replyContext ?? {};
      const mailbox = byName.get(context.mailbox ?? '') ?? (config.mailboxes.length === 1 ? config.mailboxes[0] : undefined);
      if (mailbox === undefined) throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `no configured mailbox "${context.mailbox ?? ''}" for an e-mail reply; it was removed from the configuration`);
      const draft = composeReply(message, mailbox, { ...context, address: context.address ?? to.participant.id });
      // Known before it is sent: the citizen's answer to it finds the thread at once.
      if (context.threadId !== undefined) await deps.state.rememberMessage({ messageId: draft.messageId, mailbox: mailbox.name, threadId: context.threadId, address: draft.to, direction: 'out' });
      try {
        await transportFor(mailbox).sendMail({ ...draft, references: draft.references === undefined ? undefined : [...draft.references] });
      } catch (error) {
        const hubError = smtpError(error, mailbox.name);
        log.warn({ channel: 'email', mailbox: mailbox.name, err: hubError.message, retryable: hubError.retryable }, 'e-mail reply not sent');
        throw hubError;
      }
      return { id: draft.messageId };
    },
  };

  async function read(mail: FetchedMail): Promise<{ email?: ParsedEmail; error?: string; tooLarge: boolean }> {
    const tooLarge = mail.source === undefined;
    try {
      const email = await parseEmail(mail.source ?? mail.headers ?? Buffer.alloc(0));
      return { email, tooLarge };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error), tooLarge };
    }
  }

  async function handle(mailbox: MailboxConfig, mail: FetchedMail): Promise<void> {
    const base = { mailbox: mailbox.name, uidValidity: mail.uidValidity, uid: mail.uid };
    const where = { channel: 'email', mailbox: mailbox.name, uid: mail.uid };
    const { email, error, tooLarge } = await read(mail);
    if (email === undefined) {
      log.warn({ ...where, err: error }, 'e-mail could not be parsed: left in the mailbox');
      await deps.state.recordIntake({ ...base, sender: '', status: 'failed', reason: `unreadable MIME: ${(error ?? '').slice(0, 200)}` });
      return;
    }
    const record = { ...base, sender: email.from, ...(email.messageId === undefined ? {} : { messageId: email.messageId }) };
    const kind = classifyEmail(email, ownAddresses);
    if (kind.kind === 'bounce') {
      const report = bounceOf(email);
      let marked = false;
      if (report.originalMessageId !== undefined && deps.recordDeliveryStatus !== undefined) {
        await deps.recordDeliveryStatus(report.originalMessageId, `failed: ${report.reason}`.slice(0, 300));
        marked = true;
      }
      log.info({ ...where, bounced: report.originalMessageId ?? null, reason: report.reason }, 'bounce received: original reply marked failed');
      await deps.state.recordIntake({ ...record, status: 'bounce', reason: `${marked ? '' : 'original not found: '}${report.reason}`.slice(0, 300) });
      return;
    }
    if (kind.kind === 'automatic') {
      log.info({ ...where, reason: kind.reason }, 'automatic e-mail not answered');
      await deps.state.recordIntake({ ...record, status: 'ignored', reason: kind.reason });
      return;
    }
    const accepted = await deps.state.countAccepted(email.from, new Date(now().getTime() - HOUR_MS));
    if (accepted >= config.maxPerSenderPerHour) {
      log.warn({ ...where, limit: config.maxPerSenderPerHour }, 'sender over the hourly e-mail limit: not answered, left in the mailbox');
      await deps.state.recordIntake({ ...record, status: 'ignored', reason: `over ${config.maxPerSenderPerHour} messages from this sender in an hour` });
      return;
    }
    const thread = await resolveThread(
      { mailbox: mailbox.name, address: email.from, ...(email.messageId === undefined ? {} : { messageId: email.messageId }), ...(email.inReplyTo === undefined ? {} : { inReplyTo: email.inReplyTo }), references: email.references, searchText: `${email.subject}\n${email.text}` },
      deps.state,
    );
    const fallbackId = `${mailbox.name}:${mail.uidValidity}:${mail.uid}`;
    await deps.state.rememberMessage({ messageId: email.messageId ?? `<${fallbackId}@ventanilla.invalid>`, mailbox: mailbox.name, threadId: thread.threadId, address: email.from, direction: 'in' });
    let inbound = toInboundMessage(email, { mailbox: mailbox.name, threadId: thread.threadId, language: mailbox.language, ...(mailbox.queue === undefined ? {} : { queue: mailbox.queue }), fallbackId, receivedAt: now() });
    if (tooLarge) {
      const note = `[message of ${Math.round(mail.size / 1024 / 1024)} MB not downloaded: over the ${Math.round(config.maxMessageBytes / 1024 / 1024)} MB limit]`;
      inbound = { ...inbound, kind: 'unsupported', fullText: `${email.subject}\n\n${note}` };
      log.warn({ ...where, sizeBytes: mail.size }, 'e-mail over the size limit: headers only');
    }
    const result = await deps.sink.accept(inbound);
    await deps.state.recordIntake({ ...record, status: 'accepted', ...(tooLarge ? { reason: 'over the size limit: headers only' } : {}) });
    log.debug({ ...where, thread: thread.how, duplicate: result.duplicate }, 'e-mail stored');
  }

  const readers = config.mailboxes.map(
    (mailbox) => new MailboxReader(mailbox, { pollIntervalMs: config.pollIntervalMs, maxMessageBytes: config.maxMessageBytes }, { state: deps.state, logger: log, handle }),
  );

  return {
    adapter,
    handle,
    async start() {
      for (const mailbox of config.mailboxes) log.info({ channel: 'email', ...describeMailbox(mailbox) }, 'e-mail intake starting');
      for (const reader of readers) reader.start();
    },
    async stop() {
      await Promise.all(readers.map((reader) => reader.stop()));
      for (const transport of transports.values()) transport.close();
      transports.clear();
    },
  };
}
