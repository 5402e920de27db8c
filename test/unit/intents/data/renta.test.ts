import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClock } from '../../../../src/core/clock.js';
import { isHubError } from '../../../../src/core/errors.js';
import type { Language } from '../../../../src/core/message.js';
import type { DataAnswerProvider } from '../../../../src/intents/data/contract.js';
import { loadRentaCalendar } from '../../../../src/intents/data/renta/calendar.js';
import { createRentaProvider } from '../../../../src/intents/data/renta/provider.js';

const CALENDAR = resolve('config/renta/calendar.yaml');
const provider: DataAnswerProvider = createRentaProvider(await loadRentaCalendar(CALENDAR));

async function ask(intent: string, text: string, language: Language, iso: string): Promise<{ text: string; short: string | undefined }> {
  const answer = await provider.answer({ intent, text, language, now: createClock({ VENTANILLA_NOW: iso })() });
  const message = answer?.messages[0];
  if (message === undefined || message.kind !== 'text') throw new Error('expected one text message');
  return { text: message.text, short: message.short };
}

describe('createClock', () => {
  it('returns the fixed instant of VENTANILLA_NOW, and the system time without it', () => {
    expect(createClock({ VENTANILLA_NOW: '2026-05-10T10:00:00+02:00' })().toISOString()).toBe('2026-05-10T08:00:00.000Z');
    const before = Date.now();
    const now = createClock({})().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
  });

  it('rejects a value that is not an ISO date-time with an offset, saying what to write', () => {
    for (const bad of ['mañana', '2026-05-10', '2026-13-40T10:00:00Z', '2026-05-10T10:00:00']) {
      try {
        createClock({ VENTANILLA_NOW: bad });
        expect.unreachable(`accepted ${bad}`);
      } catch (error) {
        expect(isHubError(error, 'HUB_ERR_CONFIG')).toBe(true);
        expect((error as Error).message).toContain('2026-05-10T10:00:00+02:00');
      }
    }
  });
});

describe('renta.plazos against the clock (Spanish)', () => {
  it('before the campaign: says when it starts', async () => {
    const { text, short } = await ask('renta.plazos', '¿cuándo empieza la renta?', 'es', '2026-03-01T10:00:00+01:00');
    expect(text).toContain('empieza el 8 de abril de 2026');
    expect(text).toContain('https://sede.agenciatributaria.gob.es');
    expect(short).toContain('8 de abril');
  });

  it('during the campaign (VENTANILLA_NOW=2026-05-10T10:00:00+02:00): open until 30 June, direct debit until 25 June', async () => {
    const { text, short } = await ask('renta.plazos', '¿hasta cuándo puedo presentar la renta?', 'es', '2026-05-10T10:00:00+02:00');
    expect(text).toContain('está abierta hasta el 30 de junio de 2026');
    expect(text).toContain('25 de junio');
    expect(short).toBe('Renta 2025: abierta hasta el 30 de junio de 2026. https://sede.agenciatributaria.gob.es');
  });

  it('at 23:30 on the last day (Madrid time) it is still open; ten minutes past midnight it has ended', async () => {
    const { text } = await ask('renta.plazos', 'plazo renta', 'es', '2026-06-30T23:30:00+02:00');
    expect(text).toContain('está abierta hasta el 30 de junio');
  });

  it('after the campaign: says it ended', async () => {
    const { text } = await ask('renta.plazos', 'plazo renta', 'es', '2026-07-01T00:10:00+02:00');
    expect(text).toContain('terminó el 30 de junio de 2026');
    // Citizens asking after the deadline want to know when they can file next.
    expect(text).toContain('La campaña de la Renta 2026 suele empezar a principios de abril de 2027');
  });

  it('between campaigns: the next campaign (tax year 2025) starts on 8 April', async () => {
    const { text } = await ask('renta.plazos', 'plazo renta', 'es', '2025-10-01T10:00:00+02:00');
    expect(text).toContain('Renta 2025 empieza el 8 de abril de 2026');
  });

  it('during the 2024 campaign: answers from the 2024 tax-year dates', async () => {
    const { text } = await ask('renta.plazos', 'plazo renta', 'es', '2025-05-10T10:00:00+02:00');
    expect(text).toContain('Renta 2024 está abierta hasta el 30 de junio de 2025');
  });

  it('a payment question while direct debit is open mentions 25 June first; after it, says it closed', async () => {
    const open = await ask('renta.plazos', '¿hasta cuándo puedo domiciliar el pago?', 'es', '2026-06-20T10:00:00+02:00');
    expect(open.text).toMatch(/^Si tu Renta 2025 sale a pagar, puedes domiciliar el pago .* hasta el 25 de junio de 2026/);
    const closed = await ask('renta.pago', 'domiciliación', 'es', '2026-06-27T10:00:00+02:00');
    expect(closed.text).toContain('El plazo para domiciliar el pago de la Renta 2025 terminó el 25 de junio de 2026');
  });
});

describe('renta answers in the other languages', () => {
  it('Basque: dates written naturally (ekainaren 30a)', async () => {
    expect((await ask('renta.plazos', 'errenta', 'eu', '2026-05-10T10:00:00+02:00')).text).toContain('2025eko errenta-kanpaina zabalik dago. Azken eguna: 2026ko ekainaren 30a.');
    expect((await ask('renta.plazos', 'errenta', 'eu', '2026-03-10T10:00:00+01:00')).text).toContain('Hasiera: 2026ko apirilaren 8a.');
    expect((await ask('renta.plazos', 'errenta', 'eu', '2026-08-10T10:00:00+02:00')).text).toContain('amaitu zen (azken eguna: 2026ko ekainaren 30a)');
  });

  it('Catalan, Galician and English, before / during / after', async () => {
    expect((await ask('renta.plazos', 'renda', 'ca', '2026-03-01T10:00:00+01:00')).text).toContain('comença el 8 d’abril del 2026');
    expect((await ask('renta.plazos', 'renda', 'ca', '2026-05-10T10:00:00+02:00')).text).toContain('està oberta fins al 30 de juny del 2026');
    expect((await ask('renta.plazos', 'renda', 'gl', '2026-05-10T10:00:00+02:00')).text).toContain('está aberta ata o 30 de xuño de 2026');
    expect((await ask('renta.plazos', 'renda', 'gl', '2026-07-10T10:00:00+02:00')).text).toContain('rematou o 30 de xuño de 2026');
    expect((await ask('renta.plazos', 'tax return', 'en', '2026-05-10T10:00:00+02:00')).text).toContain('is open until 30 June 2026');
    expect((await ask('renta.pago', 'direct debit', 'en', '2026-05-10T10:00:00+02:00')).text).toContain('direct debit from your bank if you file by 25 June 2026');
  });

  it('renta.cita: phone appointments from 29 April (calls from 6 May), in person from 1 June', async () => {
    const early = await ask('renta.cita', 'cita para la renta', 'es', '2026-04-10T10:00:00+02:00');
    expect(early.text).toContain('podrás pedirla desde el 29 de abril; las llamadas son del 6 de mayo al 30 de junio');
    expect(early.text).toContain('la atención es del 1 de junio al 30 de junio');
    expect(early.text).toContain('91 535 73 26');
    const during = await ask('renta.cita', 'cita', 'en', '2026-06-02T10:00:00+02:00');
    expect(during.text).toContain('In-person appointment at a tax office: you can request it now');
  });
});

describe('calendar file errors', () => {
  it('stops with a message naming the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'renta-'));
    try {
      const file = join(dir, 'calendar.yaml');
      await writeFile(file, 'timezone: Europe/Madrid\nofficialUrl: https://sede.agenciatributaria.gob.es\nappointmentPhones: { automatic: [], personal: [] }\ncampaigns:\n  - taxYear: 2025\n    onlineFiling: { start: "2026-04-31", end: "2026-06-30" }\n    directDebitEnd: "2026-06-25"\n    phoneAppointments: { requestsFrom: "2026-04-29", requestsUntil: "2026-06-27", serviceFrom: "2026-05-06", serviceUntil: "2026-06-30" }\n    inPersonAppointments: { requestsFrom: "2026-05-29", requestsUntil: "2026-06-27", serviceFrom: "2026-06-01", serviceUntil: "2026-06-30" }\n    sources: [https://example.org]\n');
      await expect(loadRentaCalendar(file)).rejects.toThrow(/calendar\.yaml: .*onlineFiling start "2026-04-31" is not a real date/);
      await writeFile(file, 'timezone: [unclosed');
      await expect(loadRentaCalendar(file)).rejects.toThrow(/calendar\.yaml: YAML error/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
