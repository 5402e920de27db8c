import { describe, expect, it } from 'vitest';
import { loadXConfig } from '../../../../src/bots/x/config.js';
import { detectPersonalData, fitPublicText, maskPersonalData, needsPrivateChannel } from '../../../../src/bots/x/privacy.js';
import { rewriteXUrl } from '../../../../src/bots/x/client.js';
import { adversarialTexts } from '../../../helpers/long-text.js';

const full = { X_APP_KEY: 'k', X_APP_SECRET: 's', X_ACCESS_TOKEN: 't', X_ACCESS_SECRET: 'ts', X_ACCOUNT_ID: '1500000000000000001' };

describe('loadXConfig', () => {
  it('is off without X_APP_KEY and defaults to polling on api.x.com', () => {
    expect(loadXConfig({})).toBeUndefined();
    expect(loadXConfig(full)).toMatchObject({ mode: 'polling', apiBaseUrl: 'https://api.x.com', accountId: '1500000000000000001' });
    expect(loadXConfig({ ...full, X_MODE: 'webhook', X_API_BASE_URL: 'http://127.0.0.1:1/' })).toMatchObject({ mode: 'webhook', apiBaseUrl: 'http://127.0.0.1:1' });
  });

  it('names the missing or invalid variable', () => {
    expect(() => loadXConfig({ ...full, X_ACCESS_SECRET: '' })).toThrow(/X_ACCESS_SECRET/);
    expect(() => loadXConfig({ ...full, X_ACCOUNT_ID: '@ayto' })).toThrow(/X_ACCOUNT_ID.*numeric/);
    expect(() => loadXConfig({ ...full, X_MODE: 'stream' })).toThrow(/X_MODE.*polling.*webhook/);
    expect(() => loadXConfig({ ...full, X_API_BASE_URL: 'nope' })).toThrow(/X_API_BASE_URL/);
  });
});

describe('rewriteXUrl', () => {
  it('moves X API URLs onto the configured origin', () => {
    expect(rewriteXUrl('https://api.x.com/2/tweets', 'http://127.0.0.1:9')).toBe('http://127.0.0.1:9/2/tweets');
    expect(rewriteXUrl('https://api.twitter.com/2/dm_events?x=1', 'http://h')).toBe('http://h/2/dm_events?x=1');
  });
});

describe('personal data', () => {
  it.each([
    ['mi DNI es 12345678Z', 'dni'],
    ['NIE X-1234567-L', 'nie'],
    ['llámame al 612 345 678', 'phone'],
    ['o al +34 612345678', 'phone'],
    ['escribe a vecina@example.org', 'email'],
    ['cuenta ES91 2100 0418 4502 0005 1332', 'iban'],
  ])('finds and masks %s', (text, kind) => {
    expect(detectPersonalData(text)).toContain(kind);
    expect(maskPersonalData(text)).toContain('***');
    expect(detectPersonalData(maskPersonalData(text))).toEqual([]);
  });

  it('leaves dates, amounts and public service numbers alone', () => {
    const text = 'La campaña empieza el 2 de abril de 2025; cita en el 901 200 345 o el 900 123 456, 1.500 euros.';
    expect(detectPersonalData(text)).toEqual([]);
    expect(maskPersonalData(text)).toBe(text);
  });

  it('detects and masks a megabyte of adversarial text (no pattern may be quadratic)', { timeout: 20_000 }, () => {
    for (const text of adversarialTexts(1_000_000)) {
      expect(maskPersonalData(text).length).toBeGreaterThan(0);
      expect(Array.isArray(detectPersonalData(text))).toBe(true);
    }
  });

  it('tells when a reply belongs in a DM', () => {
    expect(needsPrivateChannel('Te paso con una persona del equipo.')).toBe(true);
    expect(needsPrivateChannel('Indícanos tu DNI para buscar el expediente.')).toBe(true);
    expect(needsPrivateChannel('La campaña empieza el 2 de abril.')).toBe(false);
  });

  it('fits long text into one post at a sentence boundary', () => {
    const text = `${'Primera frase corta. '.repeat(10)}${'palabra '.repeat(40)}`;
    const fitted = fitPublicText(text, 280);
    expect([...fitted].length).toBeLessThanOrEqual(280);
    expect(fitted.endsWith('.')).toBe(true);
  });
});
