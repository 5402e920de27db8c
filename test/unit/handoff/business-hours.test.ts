import { describe, expect, it } from 'vitest';
import { isHubError } from '../../../src/core/errors.js';
import { describeHours, isOpen, nextOpening, openQueues } from '../../../src/handoff/business-hours.js';
import { loadHandoffConfig, queueById, resolveHandoffConfig } from '../../../src/handoff/config.js';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DIR } from '../../helpers/handoff-hub.js';

const config = loadHandoffConfig(CONFIG_DIR, {});
const tramites = queueById(config, 'tramites');
const urgencias = queueById(config, 'urgencias');
const at = (iso: string): Date => new Date(iso);

describe('business hours (Europe/Madrid)', () => {
  it('is open on a working morning and closed at lunch, evenings and weekends', () => {
    expect(isOpen(tramites, config, at('2026-03-10T10:00:00+01:00'))).toBe(true);
    expect(isOpen(tramites, config, at('2026-03-10T15:00:00+01:00'))).toBe(false);
    expect(isOpen(tramites, config, at('2026-03-10T17:59:00+01:00'))).toBe(true);
    expect(isOpen(tramites, config, at('2026-03-10T18:00:00+01:00'))).toBe(false);
    expect(isOpen(tramites, config, at('2026-03-13T16:30:00+01:00'))).toBe(false); // Friday afternoon
    expect(isOpen(tramites, config, at('2026-03-14T10:00:00+01:00'))).toBe(false); // Saturday
  });

  it('uses local time across the DST change (summer time is UTC+2)', () => {
    expect(isOpen(tramites, config, at('2026-06-09T06:45:00Z'))).toBe(true); // 08:45 CEST
    expect(isOpen(tramites, config, at('2026-06-09T06:15:00Z'))).toBe(false); // 08:15 CEST
  });

  it('closes on national and local holidays, except queues that ignore them', () => {
    expect(isOpen(tramites, config, at('2026-10-12T10:00:00+02:00'))).toBe(false); // Fiesta Nacional (Monday)
    expect(isOpen(tramites, config, at('2026-04-03T10:00:00+02:00'))).toBe(false); // Viernes Santo
    expect(isOpen(tramites, config, at('2026-05-15T10:00:00+02:00'))).toBe(false); // San Isidro (local)
    expect(isOpen(tramites, config, at('2027-03-26T10:00:00+01:00'))).toBe(false); // Viernes Santo 2027
    expect(isOpen(tramites, config, at('2026-10-13T10:00:00+02:00'))).toBe(true);
    expect(isOpen(urgencias, config, at('2026-12-25T03:00:00+01:00'))).toBe(true);
  });

  it('finds the next opening, skipping weekends and holidays', () => {
    // Friday 2 April 2026 after hours → Saturday, Sunday, Monday 6 April (Good Friday 3rd, Maundy Thursday 2nd local).
    expect(nextOpening(tramites, config, at('2026-04-01T19:00:00+02:00'))?.toISOString()).toBe('2026-04-06T06:30:00.000Z');
    // Tuesday lunch → same day 16:00.
    expect(nextOpening(tramites, config, at('2026-03-10T15:00:00+01:00'))?.toISOString()).toBe('2026-03-10T15:00:00.000Z');
    const open = at('2026-03-10T10:00:00+01:00');
    expect(nextOpening(tramites, config, open)).toEqual(open);
  });

  it('says for every queue at once what isOpen says for each (weekday, evening, weekend, holiday, DST)', () => {
    const instants = ['2026-03-10T10:00:00+01:00', '2026-03-10T18:00:00+01:00', '2026-03-14T10:00:00+01:00', '2026-10-12T10:00:00+02:00', '2026-06-09T06:15:00Z', '2026-12-25T03:00:00+01:00'];
    for (const iso of instants) {
      const open = openQueues(config, at(iso));
      expect([...open.keys()]).toEqual(config.queues.map((q) => q.id));
      for (const queue of config.queues) expect(open.get(queue.id), `${queue.id} at ${iso}`).toBe(isOpen(queue, config, at(iso)));
    }
    // Not trivially all equal: Trámites closed and Urgencias open on a Saturday.
    expect(openQueues(config, at('2026-03-14T10:00:00+01:00')).get('tramites')).toBe(false);
    expect(openQueues(config, at('2026-03-14T10:00:00+01:00')).get('urgencias')).toBe(true);
  });

  it('describes the hours in the citizen language', () => {
    expect(describeHours(tramites.businessHours, 'es')).toBe('lunes–jueves 08:30–14:30, 16:00–18:00; viernes 08:30–14:30');
    expect(describeHours(urgencias.businessHours, 'en')).toBe('Monday–Sunday 24 hours');
    expect(describeHours(tramites.businessHours, 'ca')).toMatch(/^dilluns–dijous 08:30–14:30/);
  });
});

describe('handoff config validation', () => {
  const raw = (): Record<string, unknown> => parse(readFileSync(join(CONFIG_DIR, 'queues.yaml'), 'utf8')) as Record<string, unknown>;

  it('lists the national holidays of 2026 and 2027', () => {
    for (const date of ['2026-01-01', '2026-01-06', '2026-04-03', '2026-05-01', '2026-08-15', '2026-10-12', '2026-11-01', '2026-12-06', '2026-12-08', '2026-12-25', '2027-03-26', '2027-12-25']) {
      expect(config.holidays.has(date), date).toBe(true);
    }
  });

  it('names the wrong key and the fix', () => {
    const bad = raw();
    (bad.queues as Record<string, unknown>[])[1] = { ...(bad.queues as Record<string, unknown>[])[1], maxWaitMinutes: 'mucho' };
    expect(() => resolveHandoffConfig(bad)).toThrowError(/queues\[1\]\.maxWaitMinutes.*Fix:/);
    const hours = raw();
    (hours.defaults as Record<string, unknown>).businessHours = { ...((hours.defaults as Record<string, unknown>).businessHours as object), mon: ['9-14'] };
    expect(() => resolveHandoffConfig(hours)).toThrowError(/defaults\.businessHours\.mon\[0\].*HH:MM-HH:MM/);
    const queue = { ...raw(), defaultQueue: 'nada' };
    try {
      resolveHandoffConfig(queue);
      expect.unreachable();
    } catch (error) {
      expect(isHubError(error, 'HUB_ERR_CONFIG')).toBe(true);
      expect((error as Error).message).toMatch(/defaultQueue: "nada" is not a queue id\. Fix: use one of tributos, transporte, tramites, urgencias/);
    }
    const holiday = raw();
    (holiday.holidays as { local: unknown[] }).local = [{ date: '2026-02-30', name: 'x' }];
    expect(() => resolveHandoffConfig(holiday)).toThrowError(/holidays\.local\[0\]\.date/);
  });

  it('reads VENTANILLA_COOKIE_SECURE', () => {
    expect(resolveHandoffConfig(raw(), { VENTANILLA_COOKIE_SECURE: '1' }).auth.cookieSecure).toBe(true);
    expect(resolveHandoffConfig(raw(), { NODE_ENV: 'production' }).auth.cookieSecure).toBe(true);
    expect(resolveHandoffConfig(raw(), {}).auth.cookieSecure).toBe(false);
    expect(() => resolveHandoffConfig(raw(), { VENTANILLA_COOKIE_SECURE: 'si' })).toThrowError(/VENTANILLA_COOKIE_SECURE/);
  });
});
