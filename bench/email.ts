/**
 * `npm run bench:email`: 1,000 citizen e-mails already in a Dovecot mailbox, read over IMAP,
 * understood by the real NLU and answered over SMTP to a capture server, end to end. Prints
 * messages per second (intake alone and answered), the p50/p99 from storing a message to its
 * answer reaching the SMTP server, and the parse (MIME + cleaning) p50/p99 per message.
 * Target from issue 16: ≥ 100 messages/s on the project's 2-core machine.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KyselyEmailState, nluText, parseEmail } from '../src/bots/email/index.js';
import { createIntents } from '../src/intents/index.js';
import { dovecotAvailable, startDovecot } from '../test/helpers/dovecot.js';
import { appendMail, citizenMail, emailConfig, emailEnv, HUB_ADDRESS, startEmailHub } from '../test/helpers/email-hub.js';
import { startSmtpCapture } from '../test/helpers/smtp-capture.js';
import { scriptedChannelIntents } from '../test/helpers/scripted-intents.js';

const COUNT = Number(process.env.BENCH_EMAIL_COUNT ?? 1000);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const QUESTIONS = [
  '¿cuándo empieza la campaña de la renta?',
  'Quan comença la campanya de la renda?',
  'When does the income tax campaign start?',
  'quiero hablar con una persona',
  'Hola, ¿qué horario tiene la oficina de atención ciudadana?',
];

function message(index: number): string {
  const question = QUESTIONS[index % QUESTIONS.length] ?? '';
  const quoted = index % 2 === 0 ? `\n\nEl lun, 30 nov 2026 a las 9:00, <${HUB_ADDRESS}> escribió:\n> Hola:\n> ¿En qué podemos ayudarle?\n` : '\n\nEnviado desde mi iPhone';
  return citizenMail({ from: `Persona ${index} <p${index}@example.es>`, subject: `Consulta ${index}`, body: `${question}${quoted}`, messageId: `<bench${index}@example.es>` });
}

async function parseFigures(): Promise<void> {
  const dir = join(import.meta.dirname, '../test/fixtures/email');
  const samples = [...readdirSync(dir).map((name) => readFileSync(join(dir, name))), ...Array.from({ length: 20 }, (_, index) => Buffer.from(message(index)))];
  const times: number[] = [];
  for (let round = 0; round < 2000; round += 1) {
    const sample = samples[round % samples.length] ?? Buffer.alloc(0);
    const start = performance.now();
    nluText(await parseEmail(sample));
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`parse+clean: ${times.length} messages (${samples.length} shapes): p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`);
}

async function endToEnd(): Promise<void> {
  const dovecot = await startDovecot();
  const smtp = await startSmtpCapture();
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-bench-email-'));
  try {
    const appendStart = performance.now();
    await appendMail(dovecot, Array.from({ length: COUNT }, (_, index) => message(index)));
    console.log(`setup: ${COUNT} messages appended to Dovecot in ${((performance.now() - appendStart) / 1000).toFixed(1)} s (not counted)`);
    const config = emailConfig(emailEnv(dovecot, smtp, { EMAIL_POLL_INTERVAL_MS: '1000' }));
    const databaseUrl = join(dir, 'hub.db');
    // BENCH_EMAIL_NLU=scripted isolates the channel from the NLU's cost.
    const intents = process.env.BENCH_EMAIL_NLU === 'scripted' ? scriptedChannelIntents() : await createIntents({});
    const start = Date.now();
    // {}: the hub's own delivery policy, not the tests' short one.
    const hub = await startEmailHub(databaseUrl, config, intents, {});
    const store = hub.store;
    const state = new KyselyEmailState(store);
    let intakeDoneAt = 0;
    const answered = (): number => new Set(smtp.mails.map((mail) => mail.parsed.inReplyTo)).size;
    const deadline = start + 10 * 60_000;
    while (answered() < COUNT && Date.now() < deadline) {
      if (intakeDoneAt === 0 && (await state.listIntake(COUNT)).length >= COUNT) intakeDoneAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const end = Date.now();
    if (intakeDoneAt === 0) intakeDoneAt = end;
    const rows = await store.kysely.selectFrom('inbound').select(['channel_message_id', 'received_at']).where('channel', '=', 'email').execute();
    const storedAt = new Map(rows.map((row) => [row.channel_message_id.replace(/^default:/, ''), Date.parse(row.received_at)]));
    const latencies: number[] = [];
    const firstReply = new Map<string, number>();
    for (const mail of smtp.mails) {
      const parent = mail.parsed.inReplyTo ?? '';
      if (!firstReply.has(parent)) firstReply.set(parent, mail.at);
    }
    for (const [parent, at] of firstReply) {
      const stored = storedAt.get(parent);
      if (stored !== undefined) latencies.push(at - stored);
    }
    latencies.sort((a, b) => a - b);
    const seconds = (end - start) / 1000;
    console.log(`intake: ${COUNT} messages read, parsed and stored in ${((intakeDoneAt - start) / 1000).toFixed(1)} s = ${(COUNT / ((intakeDoneAt - start) / 1000)).toFixed(0)} messages/s`);
    console.log(`end to end: ${answered()} of ${COUNT} answered (${smtp.mails.length} e-mails sent) in ${seconds.toFixed(1)} s = ${(answered() / seconds).toFixed(0)} messages/s`);
    console.log(`stored → answer at the SMTP server: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
    await hub.app.close();
  } finally {
    await smtp.close();
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await parseFigures();
if (dovecotAvailable) await endToEnd();
else console.log('Dovecot not installed: end-to-end figures skipped (apt-get install dovecot-imapd).');
