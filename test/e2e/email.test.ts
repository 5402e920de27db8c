/**
 * The acceptance path of the e-mail channel through the real composition root (`createHub`:
 * NLU, data-backed answers, handoff queue and agent API), configured only by environment, with a
 * throwaway Dovecot and a capture SMTP server: a citizen's question answered in the thread, the
 * thread continued, "quiero hablar con una persona" queued, and an agent's answer sent as a reply.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createHub } from '../../src/hub.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { appendMail, citizenMail, emailEnv, until } from '../helpers/email-hub.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { SUITE_ENV } from '../helpers/test-config.js';

describe.skipIf(!dovecotAvailable)('e-mail through the whole hub', () => {
  let dovecot: Dovecot;
  let smtp: SmtpCapture;
  let dir: string;
  let hub: Hub;
  let adminPassword = '';

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpCapture();
    dir = mkdtempSync(join(tmpdir(), 'ventanilla-email-e2e-'));
    const env = { ...SUITE_ENV, VENTANILLA_DATA_DIR: dir, VENTANILLA_NOW: '2026-03-10T10:00:00+01:00', LOG_LEVEL: 'silent', ...emailEnv(dovecot, smtp) };
    hub = await createHub(loadConfig(env), {
      env,
      logger: false,
      http: true,
      announce: (text) => {
        adminPassword = /contraseña (\S+)/.exec(text)?.[1] ?? '';
      },
    });
    await hub.start();
  }, 60_000);
  afterAll(async () => {
    await hub?.app.close();
    await smtp?.close();
    await dovecot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const toMaria = () => smtp.mails.filter((mail) => mail.envelopeTo.includes('maria@example.es'));

  it('answers the renta question in the thread, queues a request for a person and delivers the agent’s answer as a reply', async () => {
    await appendMail(dovecot, [citizenMail({ from: 'María García <maria@example.es>', subject: 'Consulta', body: '¿cuándo empieza la campaña de la renta?\n\nEnviado desde mi iPhone', messageId: '<acc1@example.es>' })]);
    await until(() => toMaria().length >= 1, 30_000, 'the answer');
    const answer = toMaria()[0]?.parsed;
    expect(answer?.subject).toBe('Re: Consulta');
    expect(answer?.inReplyTo).toBe('<acc1@example.es>');
    expect(answer?.text).toMatch(/abril/);
    expect(toMaria()).toHaveLength(1);

    const botId = answer?.messageId ?? '';
    await appendMail(dovecot, [citizenMail({ from: 'maria@example.es', subject: 'Re: Consulta', body: 'quiero hablar con una persona\n\n> algo citado', messageId: '<acc2@example.es>', inReplyTo: botId, references: `<acc1@example.es> ${botId}` })]);
    const conversations = async () => (await hub.store.listConversations({})).filter((conversation) => conversation.channel === 'email');
    await until(async () => (await conversations())[0]?.mode === 'queued', 30_000, 'the handoff');
    expect(await conversations()).toHaveLength(1);
    await until(() => toMaria().length >= 2, 30_000, 'the queue notice');
    expect(toMaria()[1]?.parsed.inReplyTo).toBe('<acc2@example.es>');

    const conversationId = (await conversations())[0]?.id ?? '';
    const login = await hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: adminPassword } });
    expect(login.statusCode, login.body).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const headers = { cookie, 'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken };
    const claim = await hub.app.inject({ method: 'POST', url: `/api/agent/conversations/${conversationId}/claim`, headers });
    expect(claim.statusCode, claim.body).toBe(200);
    // The agent sees each e-mail's subject next to the message.
    const detail = await hub.app.inject({ method: 'GET', url: `/api/agent/conversations/${conversationId}`, headers });
    const citizenEntries = (detail.json() as { transcript: { author: string; subject?: string }[] }).transcript.filter((entry) => entry.author === 'citizen');
    expect(citizenEntries.map((entry) => entry.subject)).toEqual(['Consulta', 'Re: Consulta']);
    const before = toMaria().length;
    const sent = await hub.app.inject({ method: 'POST', url: `/api/agent/conversations/${conversationId}/messages`, headers, payload: { text: 'Buenos días, María. Le atiendo yo: la campaña empieza en abril.' } });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    await until(() => toMaria().some((mail, index) => index >= before && (mail.parsed.text ?? '').includes('Le atiendo yo')), 30_000, 'the agent’s reply');
    const agentMail = toMaria().find((mail) => (mail.parsed.text ?? '').includes('Le atiendo yo'))?.parsed;
    expect(agentMail?.subject).toBe('Re: Consulta');
    expect(agentMail?.inReplyTo).toBe('<acc2@example.es>');
    expect(agentMail?.references).toContain('<acc1@example.es>');
  }, 120_000);
});
