/**
 * `npm run bench:privacy`: the personal-data module measured. Masking throughput (messages/s;
 * target ≥ 50,000 on this machine) and per-message latency p50/p99 on synthetic citizen messages
 * (a third carrying a DNI, phone, e-mail, IBAN or card), then on 10,000-character messages (every
 * channel's cap). The messages are generated here, never taken from the evaluation sets.
 */
import { dniLetter, maskPersonalData } from '../src/privacy/index.js';

const QUESTIONS = [
  '¿Cuándo empieza la campaña de la renta?',
  'Quiero pedir cita para empadronarme, ¿qué papeles necesito?',
  'El autobús 27 no ha pasado, ¿hay alguna incidencia en la línea?',
  'Bon dia, com puc demanar el certificat de convivència?',
  'Ola, onde podo pagar o imposto de vehículos?',
  'Kaixo, noiz irekitzen da udaletxea?',
  'Hello, how do I renew my parking permit?',
  'He recibido una multa de 200 euros del 12 de marzo de 2025 y no era yo.',
];
let seed = 42;
const random = (limit: number): number => {
  // A fixed linear congruential generator: the same messages on every run.
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed % limit;
};
const dni = (): string => {
  const number = random(100_000_000);
  return `${String(number).padStart(8, '0')}${dniLetter(number)}`;
};
const DATA = [
  () => `mi DNI es ${dni()}`,
  () => `llamadme al 6${String(random(100_000_000)).padStart(8, '0')}`,
  () => `mi correo es vecino${random(1000)}@example.org`,
  () => 'la cuenta es ES91 2100 0418 4502 0005 1332',
  () => 'pagué con la tarjeta 4111 1111 1111 1111',
  () => 'vivo en la calle Mayor 5, 3º B',
];

function message(): string {
  const question = QUESTIONS[random(QUESTIONS.length)] ?? '';
  return random(3) === 0 ? `${question} ${DATA[random(DATA.length)]?.() ?? ''}` : question;
}

function measure(label: string, messages: readonly string[]): void {
  // Warm-up: the JIT compiles the scanners before the clock runs.
  for (const text of messages.slice(0, 2000)) maskPersonalData(text);
  const times: number[] = [];
  let changed = 0;
  const started = performance.now();
  for (const text of messages) {
    const start = performance.now();
    if (maskPersonalData(text) !== text) changed += 1;
    times.push(performance.now() - start);
  }
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number): string => `${((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 1000).toFixed(1)} µs`;
  console.log(`${label}: ${messages.length} messages in ${elapsed.toFixed(2)} s → ${Math.round(messages.length / elapsed).toLocaleString('en')} messages/s; p50 ${at(0.5)}, p99 ${at(0.99)}; ${changed} masked`);
}

console.log('== Masking (src/privacy maskPersonalData, every kind, labels)');
measure('short citizen messages', Array.from({ length: 200_000 }, message));
measure('10,000-character messages', Array.from({ length: 500 }, () => Array.from({ length: 200 }, message).join(' ').slice(0, 10_000)));
console.log('Target: ≥ 50,000 messages/s on short messages.');

// ── Purge: PRIVACY_BENCH_ROWS transcript rows (default 1,000,000), all past retention, on SQLite and
// (when VENTANILLA_TEST_POSTGRES_URL is set) PostgreSQL; a store read is timed while it runs.
const rows = Number(process.env.PRIVACY_BENCH_ROWS ?? 1_000_000);
const { createStore, dropPostgresSchema } = await import('../src/core/store/index.js');
const { purgeExpired } = await import('../src/privacy/purge.js');
const { privacyDb } = await import('../src/privacy/schema.js');
const { RETENTION_DEFAULTS } = await import('../src/privacy/retention-config.js');
const { sql } = await import('kysely');
const old = '2020-01-01T00:00:00.000Z';
const targets: [string, string, string | undefined][] = [['SQLite (file)', `/tmp/ventanilla-bench-purge-${process.pid}.db`, undefined]];
const pg = process.env.VENTANILLA_TEST_POSTGRES_URL;
if (pg !== undefined && pg !== '') targets.push(['PostgreSQL', pg, `bench_purge_${process.pid}`]);
console.log(`\n== Purge of ${rows.toLocaleString('en')} transcript rows past retention`);
for (const [label, url, schema] of targets) {
  const store = await createStore(url, schema === undefined ? {} : { schema });
  try {
    await store.migrate();
    const db = privacyDb(store);
    await db.insertInto('contacts').values({ id: 'c', channel: 'webchat', external_id: 'x', display_name: null, locale: null, created_at: old }).execute();
    await db.insertInto('conversations').values({ id: 'k', channel: 'webchat', conversation_key: 'webchat:x', contact_id: 'c', mode: 'bot', language: 'es', urgent: 0, unreachable: 0, reply_context: null, state: '{}', created_at: old, updated_at: old, last_inbound_at: old }).execute();
    const seedStart = performance.now();
    const series = schema === undefined ? sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${rows}) select i from n` : sql`select generate_series(1, ${rows}) as i`;
    await sql`insert into transcript (conversation_id, author, kind, text, created_at) select 'k', 'citizen', 'text', 'texto de prueba con DNI 12345678Z', ${old} from (${series}) as s`.execute(db);
    const seeded = (performance.now() - seedStart) / 1000;
    const probe = async (): Promise<number> => {
      const start = performance.now();
      await db.selectFrom('conversations').select('id').where('id', '=', 'k').executeTakeFirst();
      return performance.now() - start;
    };
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push(await probe());
    const during: number[] = [];
    let done = false;
    const started = performance.now();
    const purge = purgeExpired(db, { now: new Date(), retentionDays: RETENTION_DEFAULTS }).finally(() => {
      done = true;
    });
    while (!done) during.push(await probe());
    const counts = await purge;
    const elapsed = (performance.now() - started) / 1000;
    const p99 = (values: number[]): string => `${([...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? 0).toFixed(2)} ms`;
    console.log(`${label}: seeded in ${seeded.toFixed(1)} s; purged ${counts.transcript.toLocaleString('en')} rows in ${elapsed.toFixed(1)} s; store read p99 idle ${p99(idle)}, during purge ${p99(during)} (${during.length} reads)`);
  } finally {
    await store.close();
    if (schema !== undefined) await dropPostgresSchema(url, schema);
  }
}
console.log('Targets: purge of 1,000,000 rows ≤ 60 s; read p99 during purge ≤ 2 × idle.');
