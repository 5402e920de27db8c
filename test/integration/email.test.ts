/**
 * The e-mail channel against real servers: a throwaway Dovecot (IMAP APPEND in, IDLE/polling
 * intake) and a capture SMTP server (smtp-server), through the real app with scripted intents.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { KyselyEmailState } from '../../src/bots/email/index.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendMail, citizenMail, emailConfig, emailEnv, folderCount, HUB_ADDRESS, startEmailHub, until } from '../helpers/email-hub.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { CAMPAIGN_ANSWER, scriptedChannelIntents } from '../helpers/scripted-intents.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/email');

describe.skipIf(!dovecotAvailable)('e-mail channel with Dovecot and SMTP', () => {
  let dovecot: Dovecot;
  let smtp: SmtpCapture;
  let dir: string;
  let hub: Hub | undefined;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
  });
  afterAll(async () => {
    await smtp.close();
  });
  beforeEach(async () => {
    // A fresh mailbox per test: UIDs and folders start empty.
    dovecot = await startDovecot();
    dir = mkdtempSync(join(tmpdir(), 'ventanilla-email-'));
    smtp.mails.length = 0;
    smtp.attempts.clear();
    smtp.refuse = () => undefined;
  });
  afterEach(async () => {
    await hub?.app.close();
    hub = undefined;
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sentTo = (address: string) => smtp.mails.filter((mail) => mail.envelopeTo.includes(address));

  it('answers a question in the thread, continues the thread on the citizen’s reply, and moves stored mail', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp));
    hub = await startEmailHub(join(dir, 'hub.db'), config, scriptedChannelIntents());
    await appendMail(dovecot, [citizenMail({ from: 'María García <maria@example.es>', subject: 'Campaña de la renta', body: '¿cuándo empieza la campaña de la renta?\n\nUn saludo,\nMaría', messageId: '<q1@example.es>' })]);
    await until(() => sentTo('maria@example.es').length === 1, 20_000, 'the first reply');
    const first = sentTo('maria@example.es')[0]?.parsed;
    expect(first?.subject).toBe('Re: Campaña de la renta');
    expect(first?.inReplyTo).toBe('<q1@example.es>');
    expect(first?.text).toContain(CAMPAIGN_ANSWER);
    expect(first?.text).toContain('Ayuntamiento de Ejemplo');
    expect(first?.headers.get('auto-submitted')).toBe('auto-replied');
    expect(first?.html).toContain('<p>');
    expect(first?.from?.value[0]?.address).toBe(HUB_ADDRESS);

    // The citizen answers the bot's mail: In-Reply-To is the bot's Message-ID.
    const botId = first?.messageId ?? '';
    await appendMail(dovecot, [citizenMail({ from: 'maria@example.es', subject: 'Re: Campaña de la renta', body: `y otra cosa\n\nEl mar, 1 dic 2026 a las 10:15, <${HUB_ADDRESS}> escribió:\n> ${CAMPAIGN_ANSWER}`, messageId: '<q2@example.es>', inReplyTo: botId, references: `<q1@example.es> ${botId}` })]);
    await until(() => sentTo('maria@example.es').length === 2, 20_000, 'the second reply');
    const second = sentTo('maria@example.es')[1]?.parsed;
    expect(second?.text).toContain('eco: y otra cosa');
    expect(second?.inReplyTo).toBe('<q2@example.es>');
    expect(second?.references).toEqual(['<q1@example.es>', botId, '<q2@example.es>']);

    const conversations = await hub.store.listConversations({});
    expect(conversations.filter((conversation) => conversation.channel === 'email')).toHaveLength(1);
    const transcript = await hub.store.getTranscript(conversations[0]?.id ?? '');
    const citizen = transcript.filter((entry) => entry.author === 'citizen');
    // The transcript keeps the whole message, quoted history included, with its subject.
    expect(citizen[1]?.text).toContain(CAMPAIGN_ANSWER);
    expect(citizen[1]?.data).toMatchObject({ subject: 'Re: Campaña de la renta' });
    await until(async () => (await folderCount(dovecot, 'Processed')) === 2, 10_000, 'messages moved');
    expect(await folderCount(dovecot, 'INBOX')).toBe(0);
  });

  it('never answers an auto-reply, a list, a forged own address; a bounce marks the reply failed with the reason', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp));
    hub = await startEmailHub(join(dir, 'hub.db'), config, scriptedChannelIntents());
    await appendMail(dovecot, [citizenMail({ from: 'nadie@example.invalid', subject: 'Campaña de la renta', body: '¿cuándo empieza la campaña de la renta?', messageId: '<b1@example.invalid>' })]);
    await until(() => sentTo('nadie@example.invalid').length === 1, 20_000, 'the reply that will bounce');
    const replyId = sentTo('nadie@example.invalid')[0]?.parsed.messageId ?? '';
    const bounce = readFileSync(join(FIXTURES, 'bounce-dsn.eml'), 'utf8').replace('<hubreply-bounced@ayto.example>', replyId);
    await appendMail(dovecot, [
      readFileSync(join(FIXTURES, 'auto-reply-ooo.eml')),
      readFileSync(join(FIXTURES, 'noreply-newsletter.eml')),
      readFileSync(join(FIXTURES, 'forged-own-address.eml')),
      bounce,
    ]);
    const state = new KyselyEmailState(hub.store);
    await until(async () => (await state.listIntake(10)).length === 5, 20_000, 'all five read');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.mails).toHaveLength(1);
    const intake = await state.listIntake(10);
    expect(intake.map((row) => row.status).sort()).toEqual(['accepted', 'bounce', 'ignored', 'ignored', 'ignored']);
    expect(intake.find((row) => row.status === 'bounce')?.reason).toContain('5.1.1');
    const sent = await hub.store.listOutbox('sent', 10);
    expect(sent.find((item) => item.channelMessageId === replyId)?.deliveryStatus).toMatch(/^failed: 5\.1\.1 .*User unknown/);
  });

  it('a restart in the middle of 200 messages answers each exactly once', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp));
    const messages = Array.from({ length: 200 }, (_, index) => citizenMail({ from: `c${index}@example.es`, subject: `Consulta ${index}`, body: `pregunta ${index}`, messageId: `<m${index}@example.es>` }));
    await appendMail(dovecot, messages);
    const database = join(dir, 'hub.db');
    hub = await startEmailHub(database, config, scriptedChannelIntents());
    await until(() => smtp.mails.length >= 40, 30_000, 'some replies before the restart');
    await hub.app.close();
    hub = await startEmailHub(database, config, scriptedChannelIntents());
    await until(() => new Set(smtp.mails.flatMap((mail) => mail.envelopeTo)).size === 200, 60_000, 'all 200 answered');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const perRecipient = new Map<string, number>();
    for (const mail of smtp.mails) for (const to of mail.envelopeTo) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect([...perRecipient.values()].every((count) => count === 1)).toBe(true);
    expect(perRecipient.size).toBe(200);
    for (const mail of smtp.mails) {
      const index = /c(\d+)@/.exec(mail.envelopeTo[0] ?? '')?.[1];
      expect(mail.parsed.inReplyTo).toBe(`<m${index}@example.es>`);
    }
  }, 120_000);

  it('an IMAP server that drops the connection: intake reconnects, nothing is lost or answered twice', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp));
    hub = await startEmailHub(join(dir, 'hub.db'), config, scriptedChannelIntents());
    await appendMail(dovecot, Array.from({ length: 5 }, (_, index) => citizenMail({ from: `d${index}@example.es`, subject: 'hola', body: `antes ${index}`, messageId: `<d${index}@example.es>` })));
    await until(() => smtp.mails.length === 5, 20_000, 'answers before the drop');
    await dovecot.restart();
    await appendMail(dovecot, Array.from({ length: 5 }, (_, index) => citizenMail({ from: `e${index}@example.es`, subject: 'hola', body: `después ${index}`, messageId: `<e${index}@example.es>` })));
    await until(() => smtp.mails.length >= 10, 40_000, 'answers after the reconnect');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smtp.mails).toHaveLength(10);
    expect(new Set(smtp.mails.map((mail) => mail.envelopeTo[0])).size).toBe(10);
  });

  it('SMTP 4xx is retried until accepted; 5xx is dead-lettered with the server’s words', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp));
    smtp.refuse = (recipient, attempt) => (recipient === 'grey@example.es' && attempt === 1 ? 451 : recipient === 'gone@example.es' ? 550 : undefined);
    hub = await startEmailHub(join(dir, 'hub.db'), config, scriptedChannelIntents());
    await appendMail(dovecot, [
      citizenMail({ from: 'grey@example.es', subject: 'hola', body: 'hola', messageId: '<g1@example.es>' }),
      citizenMail({ from: 'gone@example.es', subject: 'hola', body: 'hola', messageId: '<g2@example.es>' }),
    ]);
    await until(() => sentTo('grey@example.es').length === 1, 20_000, 'the greylisted reply');
    expect(smtp.attempts.get('grey@example.es')).toBe(2);
    const app = hub;
    await until(async () => (await app.store.listOutbox('dead', 10)).length === 1, 20_000, 'the dead letter');
    const [dead] = await hub.store.listOutbox('dead', 10);
    expect(dead?.lastError).toContain('550');
    expect(smtp.attempts.get('gone@example.es')).toBe(1);
  });

  it('bad input: malformed MIME, a message over the size limit and one with no text are stored or recorded, nothing crashes', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp, { EMAIL_MAX_MESSAGE_BYTES: '4096' }));
    hub = await startEmailHub(join(dir, 'hub.db'), config, scriptedChannelIntents());
    const big = citizenMail({ from: 'big@example.es', subject: 'Documentación', body: 'x'.repeat(20_000), messageId: '<big@example.es>' });
    await appendMail(dovecot, [readFileSync(join(FIXTURES, 'malformed-mime.eml')), big, readFileSync(join(FIXTURES, 'no-text.eml'))]);
    const state = new KyselyEmailState(hub.store);
    await until(async () => (await state.listIntake(10)).length === 3, 20_000, 'all three read');
    await until(() => smtp.mails.length === 3, 20_000, 'three answers');
    const intake = await state.listIntake(10);
    expect(intake.find((row) => row.sender === 'big@example.es')).toMatchObject({ status: 'accepted', reason: 'over the size limit: headers only' });
    const conversation = (await hub.store.listConversations({})).find((item) => item.participant.id === 'big@example.es');
    const transcript = await hub.store.getTranscript(conversation?.id ?? '');
    expect(transcript[0]?.text).toContain('not downloaded');
    // The no-text message gets the "only text" answer rather than silence.
    expect(sentTo('ana.lopez@example.es')).toHaveLength(1);
  });

  it('at most N messages per sender per hour reach the bot; the rest are logged and left', async () => {
    const config = emailConfig(emailEnv(dovecot, smtp, { EMAIL_MAX_PER_SENDER_PER_HOUR: '3' }));
    hub = await startEmailHub(join(dir, 'hub.db'), config, scriptedChannelIntents());
    await appendMail(dovecot, Array.from({ length: 5 }, (_, index) => citizenMail({ from: 'loop@example.es', subject: `x${index}`, body: `mensaje ${index}`, messageId: `<l${index}@example.es>` })));
    const state = new KyselyEmailState(hub.store);
    await until(async () => (await state.listIntake(10)).length === 5, 20_000, 'all read');
    await until(() => smtp.mails.length === 3, 20_000, 'three replies');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.mails).toHaveLength(3);
    const ignored = (await state.listIntake(10)).filter((row) => row.status === 'ignored');
    expect(ignored).toHaveLength(2);
    expect(ignored[0]?.reason).toContain('over 3 messages');
  });
});
