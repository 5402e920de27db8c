import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bounceOf, classifyEmail, nluText, parseEmail, toInboundMessage } from '../../../../src/bots/email/inbound.js';
import { cleanForNlu } from '../../../../src/bots/email/clean-text.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/email');
const own = new Set(['atencion@ayto.example']);
const load = (name: string) => parseEmail(readFileSync(join(FIXTURES, name)));

describe('parsing real e-mail shapes', () => {
  it('a plain Spanish question: subject joined, greeting kept, signature and closing dropped', async () => {
    const email = await load('plain-es.eml');
    expect(email.from).toBe('maria.garcia@example.es');
    expect(email.fromName).toBe('María García');
    expect(email.subject).toBe('Campaña de la renta');
    expect(classifyEmail(email, own)).toEqual({ kind: 'human' });
    const text = nluText(email);
    expect(text).toContain('¿cuándo empieza la campaña de la renta?');
    expect(text.startsWith('Campaña de la renta\n')).toBe(true);
    expect(text).not.toContain('600 000 000');
    expect(text).not.toContain('Un saludo');
  });

  it('Gmail multipart/alternative: the text part is read (Catalan)', async () => {
    const text = nluText(await load('gmail-alternative.eml'));
    expect(text).toContain("Com puc demanar el certificat d'empadronament?");
    expect(text).not.toContain('<div');
  });

  it('HTML-only Outlook mail in ISO-8859-1: converted to text, no script, no tracking pixel', async () => {
    const text = nluText(await load('html-only-outlook.eml'));
    expect(text).toContain('¿Cuándo se paga el IBI este año?');
    expect(text).not.toMatch(/alert|<script|pixel\.gif|<p>/);
  });

  it('a Gmail reply in Spanish: quoted history and attribution removed for NLU, no subject (a reply)', async () => {
    const email = await load('reply-gmail-es.eml');
    expect(nluText(email)).toBe('quiero hablar con una persona');
    expect(email.inReplyTo).toBe('<hubreply001@ayto.example>');
    expect(email.references).toEqual(['<CAF1plain001@mail.example.es>', '<hubreply001@ayto.example>']);
  });

  it('an Outlook reply with "Enviado desde mi iPhone" and a De:/Enviado: block leaves only the number', async () => {
    expect(nluText(await load('reply-outlook-es.eml'))).toBe('2');
  });

  it('an English Thunderbird reply: "On … wrote:" and the -- signature removed', async () => {
    expect(nluText(await load('reply-en-thunderbird.eml'))).toBe('Thanks, and when does the tax return campaign start?');
  });

  it('a forwarded message: the citizen’s own words, not the forwarded notice', async () => {
    const text = nluText(await load('forwarded-ca.eml'));
    expect(text).toContain('Em podeu dir com recórrer aquesta multa?');
    expect(text).not.toContain('sanció de trànsit');
    expect(text.startsWith('Notificacio de multa')).toBe(true);
  });

  it('an ISO-8859-1 Galician body decodes', async () => {
    expect(nluText(await load('latin1-gl.eml'))).toContain('Bo día, cando comeza a campaña da renda?');
  });

  it('attachments become metadata (name, type, size), never content', async () => {
    const email = await load('attachment-pdf.eml');
    expect(email.attachments).toEqual([{ type: 'document', mimeType: 'application/pdf', fileName: 'solicitud.pdf', sizeBytes: 900 }]);
    const inbound = toInboundMessage(email, { mailbox: 'default', threadId: 'abcdef0123456789', language: 'es', fallbackId: 'x', receivedAt: new Date() });
    expect(inbound.attachments).toHaveLength(1);
    expect(JSON.stringify(inbound)).not.toContain('PDF-1.4');
  });

  it('the transcript text keeps the whole message while the NLU text is cleaned', async () => {
    const email = await load('reply-gmail-es.eml');
    const inbound = toInboundMessage(email, { mailbox: 'default', threadId: 'abcdef0123456789', language: 'es', queue: 'tributos', fallbackId: 'x', receivedAt: new Date() });
    expect(inbound.text).toBe('quiero hablar con una persona');
    expect(inbound.fullText).toContain('La campaña de la renta empieza en abril.');
    expect(inbound.conversationKey).toBe('email:default:abcdef0123456789');
    expect(inbound.from).toMatchObject({ channel: 'email', id: 'maria.garcia@example.es', locale: 'es' });
    expect(inbound.replyContext).toMatchObject({ mailbox: 'default', address: 'maria.garcia@example.es', messageId: '<CAF1reply003@mail.example.es>', queue: 'tributos', subject: 'Re: Campaña de la renta' });
  });

  it('a message with no text is "unsupported", a malformed MIME message parses without throwing', async () => {
    const empty = toInboundMessage(await load('no-text.eml'), { mailbox: 'm', threadId: 't', language: 'es', fallbackId: 'x', receivedAt: new Date() });
    expect(empty.kind).toBe('unsupported');
    const broken = await load('malformed-mime.eml');
    expect(broken.from).toBe('broken@example.es');
  });
});

describe('loop guard', () => {
  it('an out-of-office auto-reply is automatic (RFC 3834)', async () => {
    expect(classifyEmail(await load('auto-reply-ooo.eml'), own)).toEqual({ kind: 'automatic', reason: 'Auto-Submitted: auto-replied' });
  });
  it('a newsletter from no-reply with List-Id is automatic', async () => {
    expect(classifyEmail(await load('noreply-newsletter.eml'), own).kind).toBe('automatic');
  });
  it('a forged From equal to the hub’s address is never answered', async () => {
    expect(classifyEmail(await load('forged-own-address.eml'), own)).toEqual({ kind: 'automatic', reason: 'sent from the hub’s own address' });
  });
  it('a DSN bounce names the original Message-ID and the MTA’s reason', async () => {
    const email = await load('bounce-dsn.eml');
    expect(classifyEmail(email, own).kind).toBe('bounce');
    expect(bounceOf(email)).toEqual({ originalMessageId: '<hubreply-bounced@ayto.example>', reason: '5.1.1 smtp; 550 5.1.1 <nadie@example.invalid>: Recipient address rejected: User unknown' });
  });
  it.each([
    ['Precedence: bulk', 'precedence', 'bulk'],
    ['Precedence: junk', 'precedence', 'junk'],
    ['X-Autoreply', 'x-autoreply', 'yes'],
  ])('%s is automatic', async (_label, header, value) => {
    const email = await load('plain-es.eml');
    const headers = new Map(email.headers);
    headers.set(header, value);
    expect(classifyEmail({ ...email, headers }, own).kind).toBe('automatic');
  });
  it.each(['noreply@x.es', 'no-reply@x.es', 'do-not-reply@x.es', 'mailer-daemon@x.es', 'postmaster@x.es'])('%s is an unattended sender', async (from) => {
    const email = await load('plain-es.eml');
    expect(classifyEmail({ ...email, from }, own).kind).toBe('automatic');
  });
  it('Auto-Submitted: no is a person', async () => {
    const email = await load('plain-es.eml');
    const headers = new Map(email.headers);
    headers.set('auto-submitted', 'no');
    expect(classifyEmail({ ...email, headers }, own)).toEqual({ kind: 'human' });
  });
});

describe('cleaning stays linear', () => {
  it('a million characters without newlines, and 200,000 quote markers, clean quickly enough to finish', () => {
    const long = 'a'.repeat(1_000_000);
    expect(cleanForNlu(long).length).toBe(100_000);
    expect(cleanForNlu('>\n'.repeat(200_000))).toBe('');
    expect(cleanForNlu(`El ${'x '.repeat(50_000)}`)).not.toBe('');
  });
});
