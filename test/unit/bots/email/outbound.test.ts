import { describe, expect, it } from 'vitest';
import { degrade } from '../../../../src/core/degrade.js';
import { EMAIL_CAPABILITIES } from '../../../../src/bots/email/channel.js';
import type { MailboxConfig } from '../../../../src/bots/email/config.js';
import { loadEmailConfig } from '../../../../src/bots/email/config.js';
import { composeReply, smtpError } from '../../../../src/bots/email/outbound.js';

const mailbox: MailboxConfig = {
  name: 'default',
  imap: { host: 'imap.example', port: 993, secure: true, user: 'u', password: 'p', folder: 'INBOX' },
  smtp: { host: 'smtp.example', port: 465, secure: true, user: 'u', password: 'p' },
  from: 'atencion@ayto.example',
  fromName: 'Atención Ciudadana',
  signature: 'Ayuntamiento de Ejemplo\nAtención Ciudadana',
  language: 'es',
};
const context = { mailbox: 'default', address: 'maria@example.es', messageId: '<m2@example.es>', references: '<m1@example.es> <hub1@ayto.example>', subject: 'Re: Campaña de la renta', threadId: '0123456789abcdef' };

describe('composeReply', () => {
  it('greeting, body, signature and token; threaded under the citizen’s message', () => {
    const draft = composeReply({ kind: 'text', text: 'La campaña empieza en abril.' }, mailbox, context, '<out@ayto.example>');
    expect(draft.text).toBe('Hola:\n\nLa campaña empieza en abril.\n\n-- \nAyuntamiento de Ejemplo\nAtención Ciudadana\n\n[ref:0123456789abcdef]');
    expect(draft.subject).toBe('Re: Campaña de la renta');
    expect(draft.inReplyTo).toBe('<m2@example.es>');
    expect(draft.references).toEqual(['<m1@example.es>', '<hub1@ayto.example>', '<m2@example.es>']);
    expect(draft.headers['Auto-Submitted']).toBe('auto-replied');
    expect(draft.to).toBe('maria@example.es');
  });

  it('choices become a numbered list the citizen can answer by number; HTML is escaped', () => {
    const [part] = degrade({ kind: 'choices', text: '¿Sobre qué <impuesto>?', choices: [{ title: 'IBI', payload: 'ibi' }, { title: 'Plusvalía', payload: 'plusvalia' }] }, EMAIL_CAPABILITIES);
    expect(part?.kind).toBe('text');
    const draft = composeReply(part ?? { kind: 'text', text: '' }, mailbox, context);
    expect(draft.text).toContain('1. IBI\n2. Plusvalía');
    expect(draft.html).toContain('&lt;impuesto&gt;');
    expect(draft.html).not.toContain('<impuesto>');
  });
});

describe('smtpError', () => {
  it('4xx retries, 5xx is permanent, a dropped connection retries, bad credentials are permanent', () => {
    expect(smtpError(Object.assign(new Error('x'), { responseCode: 451, response: '451 4.7.1 greylisted' }), 'm').retryable).toBe(true);
    const refused = smtpError(Object.assign(new Error('x'), { responseCode: 550, response: '550 5.1.1 user unknown' }), 'm');
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('550 5.1.1 user unknown');
    expect(smtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNECTION' }), 'm').retryable).toBe(true);
    expect(smtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 0 }), 'm').retryable).toBe(false);
  });
});

describe('loadEmailConfig', () => {
  it('is off without EMAIL_IMAP_URL, reads one mailbox from the environment, and never echoes a password', () => {
    expect(loadEmailConfig({})).toBeUndefined();
    const config = loadEmailConfig({ EMAIL_IMAP_URL: 'imaps://hub:s3cret@imap.example/INBOX', EMAIL_SMTP_URL: 'smtps://hub:s3cret@smtp.example', EMAIL_FROM: 'Atencion@Ayto.example', EMAIL_PROCESSED_FOLDER: 'Procesados', EMAIL_SIGNATURE: 'Ayto\\nOAC' });
    expect(config?.mailboxes[0]).toMatchObject({ name: 'default', from: 'atencion@ayto.example', processedFolder: 'Procesados', signature: 'Ayto\nOAC', imap: { host: 'imap.example', port: 993, secure: true, folder: 'INBOX' }, smtp: { port: 465 } });
    expect(() => loadEmailConfig({ EMAIL_IMAP_URL: 'imaps://hub:s3cret@imap.example', EMAIL_FROM: 'a@b.es' })).toThrow(/EMAIL_SMTP_URL/);
    try {
      loadEmailConfig({ EMAIL_IMAP_URL: 'ftp://hub:s3cret@imap.example', EMAIL_SMTP_URL: 'smtp://x', EMAIL_FROM: 'a@b.es' });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });
});
