/**
 * A capture SMTP server on loopback built on `smtp-server` (nodemailer's project): records every
 * message the hub sends, parsed with mailparser, and can answer chosen recipients with a 4xx or
 * 5xx (by a rule the test sets) to exercise the outbox's retry and dead-letter paths.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  readonly envelopeTo: readonly string[];
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
  /** When the server accepted it (ms since the epoch). */
  readonly at: number;
}

export interface SmtpCapture {
  readonly port: number;
  readonly url: string;
  readonly mails: CapturedMail[];
  /** Returns a reply code (e.g. 451, 550) to refuse a recipient, or undefined to accept it. */
  refuse: (recipient: string, attempt: number) => number | undefined;
  /** RCPT attempts per recipient so far. */
  readonly attempts: Map<string, number>;
  close(): Promise<void>;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const capture: SmtpCapture = {
    port: 0,
    url: '',
    mails: [],
    refuse: () => undefined,
    attempts: new Map(),
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 30 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase();
      const attempt = (capture.attempts.get(recipient) ?? 0) + 1;
      capture.attempts.set(recipient, attempt);
      const code = capture.refuse(recipient, attempt);
      if (code === undefined) {
        callback();
        return;
      }
      const error = Object.assign(new Error(code >= 500 ? `${code === 550 ? '5.1.1' : '5.0.0'} <${recipient}>: Recipient address rejected: User unknown` : '4.7.1 Greylisted, try again later'), { responseCode: code });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = Date.now();
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            capture.mails.push({ envelopeTo: (session.envelope.rcptTo ?? []).map((rcpt) => rcpt.address.toLowerCase()), raw, parsed, at });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return Object.assign(capture, {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
