/**
 * Test wiring for the e-mail channel: a hub (buildApp, scripted intents) on a SQLite file whose
 * e-mail channel reads a throwaway Dovecot and sends to a capture SMTP server, plus IMAP APPEND.
 */
import { ImapFlow } from 'imapflow';
import { buildApp, type Hub } from '../../src/app.js';
import { createEmailChannel, KyselyEmailState, loadEmailConfig, type EmailConfig } from '../../src/bots/email/index.js';
import type { DeliveryPolicy } from '../../src/core/outbox.js';
import { createStore } from '../../src/core/store/index.js';
import type { IntentsModule } from '../../src/intents/contract.js';
import type { Dovecot } from './dovecot.js';
import type { SmtpCapture } from './smtp-capture.js';
import { testConfig } from './test-config.js';

export const HUB_ADDRESS = 'atencion@ayto.example';

export function emailEnv(dovecot: Dovecot, smtp: SmtpCapture, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    EMAIL_IMAP_URL: dovecot.url('hub'),
    EMAIL_SMTP_URL: smtp.url,
    EMAIL_FROM: HUB_ADDRESS,
    EMAIL_PROCESSED_FOLDER: 'Processed',
    EMAIL_SIGNATURE: 'Ayuntamiento de Ejemplo',
    EMAIL_POLL_INTERVAL_MS: '200',
    ...extra,
  };
}

export function emailConfig(env: NodeJS.ProcessEnv): EmailConfig {
  const config = loadEmailConfig(env);
  if (config === undefined) throw new Error('e-mail config expected');
  return config;
}

/** A hub with only the e-mail channel, on `databaseUrl`, started (short retries unless `deliveryPolicy` says otherwise). */
export async function startEmailHub(databaseUrl: string, config: EmailConfig, intents: IntentsModule, deliveryPolicy: Partial<DeliveryPolicy> = { baseDelayMs: 50, maxDelayMs: 200, pollIntervalMs: 50, maxAttempts: 3 }): Promise<Hub> {
  const store = await createStore(databaseUrl);
  const hub = await buildApp({
    config: testConfig({ VENTANILLA_DATABASE_URL: databaseUrl }),
    store,
    ownsStore: true,
    intents,
    logger: false,
    deliveryPolicy,
    channels: [(services) => createEmailChannel(config, { ...services, state: new KyselyEmailState(store) })],
  });
  await hub.start();
  return hub;
}

/** Appends raw messages to a user's INBOX with IMAP APPEND. */
export async function appendMail(dovecot: Dovecot, messages: readonly (string | Buffer)[], user = 'hub', folder = 'INBOX'): Promise<void> {
  const account = dovecot.users.find((candidate) => candidate.user === user);
  if (account === undefined) throw new Error(`no user ${user}`);
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: account.user, pass: account.password }, logger: false });
  await client.connect();
  try {
    for (const message of messages) await client.append(folder, message);
  } finally {
    await client.logout();
  }
}

/** Counts messages in a folder. */
export async function folderCount(dovecot: Dovecot, folder: string, user = 'hub'): Promise<number> {
  const account = dovecot.users.find((candidate) => candidate.user === user);
  if (account === undefined) throw new Error(`no user ${user}`);
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: account.user, pass: account.password }, logger: false });
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true });
    return status === false ? 0 : (status.messages ?? 0);
  } finally {
    await client.logout();
  }
}

/** A citizen e-mail in RFC 5322 form. */
export function citizenMail(options: { from: string; subject: string; body: string; messageId: string; inReplyTo?: string; references?: string; headers?: Record<string, string> }): string {
  const lines = [
    `From: ${options.from}`,
    `To: ${HUB_ADDRESS}`,
    `Subject: ${options.subject}`,
    `Message-ID: ${options.messageId}`,
    'Date: Tue, 1 Dec 2026 10:00:00 +0100',
    ...(options.inReplyTo === undefined ? [] : [`In-Reply-To: ${options.inReplyTo}`]),
    ...(options.references === undefined ? [] : [`References: ${options.references}`]),
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body,
    '',
  ];
  return lines.join('\r\n');
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
