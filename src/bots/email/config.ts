/**
 * E-mail channel configuration: one mailbox from the environment (`EMAIL_IMAP_URL`,
 * `EMAIL_SMTP_URL`, `EMAIL_FROM`, …) or several from a YAML file (`EMAIL_MAILBOXES_FILE`),
 * validated with TypeBox. Credentials live only in the returned object: {@link describeMailbox}
 * is what may be logged.
 */
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { HubError } from '../../core/errors.js';
import { isLanguage, type Language } from '../../core/message.js';

export interface ServerEndpoint {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (imaps/smtps); otherwise STARTTLS when the server offers it. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
}

export interface MailboxConfig {
  /** Short name: part of conversation keys (`email:<name>:<thread>`), so keep it stable. */
  readonly name: string;
  readonly imap: ServerEndpoint & { readonly folder: string };
  readonly smtp: ServerEndpoint;
  /** The address replies come from (also never answered when it appears as a sender). */
  readonly from: string;
  readonly fromName?: string;
  /** Folder stored messages are moved to; undefined: they are flagged `\Seen $VentanillaStored` and left. */
  readonly processedFolder?: string;
  readonly signature: string;
  /** Greeting line above every answer; defaults by `language`. */
  readonly greeting?: string;
  readonly language: Language;
  /** Handoff queue for this mailbox's conversations (when the intent names none). */
  readonly queue?: string;
}

export interface EmailConfig {
  readonly mailboxes: readonly MailboxConfig[];
  /** At most this many messages per sender per hour reach the bot; more are logged and left. */
  readonly maxPerSenderPerHour: number;
  /** Polling interval where the server has no IDLE, and the IDLE re-check interval. */
  readonly pollIntervalMs: number;
  /** Larger messages are not downloaded: their headers become an 'unsupported' message. */
  readonly maxMessageBytes: number;
  /** SMTP connections per mailbox pool. */
  readonly smtpPoolSize: number;
}

const MailboxSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
  imapUrl: Type.String({ minLength: 1 }),
  smtpUrl: Type.String({ minLength: 1 }),
  from: Type.String({ minLength: 3 }),
  fromName: Type.Optional(Type.String()),
  processedFolder: Type.Optional(Type.String({ minLength: 1 })),
  signature: Type.Optional(Type.String()),
  greeting: Type.Optional(Type.String()),
  language: Type.Optional(Type.String()),
  queue: Type.Optional(Type.String({ minLength: 1 })),
});
const FileSchema = Type.Object({ mailboxes: Type.Array(MailboxSchema, { minItems: 1 }) });
type MailboxInput = Static<typeof MailboxSchema>;

function configError(message: string): HubError {
  return new HubError('HUB_ERR_CONFIG', message);
}

function parseEndpoint(raw: string, kind: 'imap' | 'smtp', variable: string): ServerEndpoint & { readonly path: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw configError(`${variable} is not a URL; write it as ${kind}s://user:password@host:${kind === 'imap' ? 993 : 465}${kind === 'imap' ? '/INBOX' : ''}.`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== kind && scheme !== `${kind}s`) throw configError(`${variable} must start with ${kind}s:// (TLS) or ${kind}:// (STARTTLS), not ${scheme}://.`);
  const secure = scheme === `${kind}s`;
  const port = url.port === '' ? (kind === 'imap' ? (secure ? 993 : 143) : secure ? 465 : 587) : Number(url.port);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (kind === 'imap' && (user === '' || password === '')) throw configError(`${variable} needs the mailbox user and password: ${kind}s://user:password@${url.hostname}.`);
  return { host: url.hostname, port, secure, user, password, path: decodeURIComponent(url.pathname.replace(/^\/+/, '')) };
}

function mailboxFrom(input: MailboxInput, where: string): MailboxConfig {
  const imap = parseEndpoint(input.imapUrl, 'imap', `${where} imap URL`);
  const smtp = parseEndpoint(input.smtpUrl, 'smtp', `${where} smtp URL`);
  const language = input.language ?? 'es';
  if (!isLanguage(language)) throw configError(`${where}: language "${language}" is not one of es, ca, gl, eu, en.`);
  if (!/^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/.test(input.from)) throw configError(`${where}: from "${input.from}" is not an e-mail address.`);
  return {
    name: input.name,
    imap: { host: imap.host, port: imap.port, secure: imap.secure, user: imap.user, password: imap.password, folder: imap.path === '' ? 'INBOX' : imap.path },
    smtp: { host: smtp.host, port: smtp.port, secure: smtp.secure, user: smtp.user, password: smtp.password },
    from: input.from.toLowerCase(),
    ...(input.fromName === undefined ? {} : { fromName: input.fromName }),
    ...(input.processedFolder === undefined ? {} : { processedFolder: input.processedFolder }),
    signature: input.signature ?? '',
    ...(input.greeting === undefined ? {} : { greeting: input.greeting }),
    language,
    ...(input.queue === undefined ? {} : { queue: input.queue }),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw configError(`${name}="${raw}" is not a whole number ≥ ${min}; set it to e.g. ${fallback} or unset it.`);
  return value;
}

/**
 * Reads the e-mail settings. Returns undefined when neither `EMAIL_IMAP_URL` nor
 * `EMAIL_MAILBOXES_FILE` is set (channel off).
 * @throws HubError `HUB_ERR_CONFIG` naming the variable (never its value, which holds a password).
 */
export function loadEmailConfig(env: NodeJS.ProcessEnv): EmailConfig | undefined {
  const file = env.EMAIL_MAILBOXES_FILE?.trim();
  const imapUrl = env.EMAIL_IMAP_URL?.trim();
  let mailboxes: MailboxConfig[];
  if (file !== undefined && file !== '') {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw configError(`EMAIL_MAILBOXES_FILE ${file} cannot be read as YAML: ${error instanceof Error ? error.message : String(error)}`);
    }
    const first = Value.Errors(FileSchema, raw).First();
    if (first !== undefined) throw configError(`EMAIL_MAILBOXES_FILE ${file}: "${first.path}" ${first.message}; see src/bots/email/README.md for the format.`);
    const inputs = (raw as Static<typeof FileSchema>).mailboxes;
    mailboxes = inputs.map((input, index) => mailboxFrom(input, `${file} mailboxes[${index}]`));
    const names = new Set(mailboxes.map((mailbox) => mailbox.name));
    if (names.size !== mailboxes.length) throw configError(`EMAIL_MAILBOXES_FILE ${file}: mailbox names must be unique.`);
  } else if (imapUrl !== undefined && imapUrl !== '') {
    const smtpUrl = env.EMAIL_SMTP_URL?.trim() ?? '';
    const from = env.EMAIL_FROM?.trim() ?? '';
    if (smtpUrl === '') throw configError('EMAIL_IMAP_URL is set but EMAIL_SMTP_URL is missing; set it to smtps://user:password@host:465 or unset EMAIL_IMAP_URL.');
    if (from === '') throw configError('EMAIL_IMAP_URL is set but EMAIL_FROM is missing; set it to the address replies come from.');
    const input: MailboxInput = { name: 'default', imapUrl, smtpUrl, from };
    const optional = (name: string): string | undefined => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? undefined : value.trim();
    };
    const processed = optional('EMAIL_PROCESSED_FOLDER');
    const signature = env.EMAIL_SIGNATURE?.replace(/\\n/g, '\n');
    const language = optional('EMAIL_LANGUAGE');
    const queue = optional('EMAIL_QUEUE');
    const fromName = optional('EMAIL_FROM_NAME');
    mailboxes = [
      mailboxFrom(
        {
          ...input,
          ...(processed === undefined ? {} : { processedFolder: processed }),
          ...(signature === undefined ? {} : { signature }),
          ...(language === undefined ? {} : { language }),
          ...(queue === undefined ? {} : { queue }),
          ...(fromName === undefined ? {} : { fromName }),
        },
        'EMAIL_*',
      ),
    ];
  } else {
    return undefined;
  }
  return {
    mailboxes,
    maxPerSenderPerHour: integer(env, 'EMAIL_MAX_PER_SENDER_PER_HOUR', 5, 1),
    pollIntervalMs: integer(env, 'EMAIL_POLL_INTERVAL_MS', 60_000, 100),
    maxMessageBytes: integer(env, 'EMAIL_MAX_MESSAGE_BYTES', 10 * 1024 * 1024, 1024),
    smtpPoolSize: integer(env, 'EMAIL_SMTP_POOL_SIZE', 3, 1),
  };
}

/** A mailbox as it may be logged: no user, no password. */
export function describeMailbox(mailbox: MailboxConfig): Record<string, string | number> {
  return { mailbox: mailbox.name, imap: `${mailbox.imap.host}:${mailbox.imap.port}/${mailbox.imap.folder}`, smtp: `${mailbox.smtp.host}:${mailbox.smtp.port}` };
}
