/**
 * The erasure record's contact hash is an HMAC keyed with a server secret, not a bare SHA-256 a
 * leaked database lets anyone check a guessed phone number against. The secret comes from
 * VENTANILLA_PRIVACY_SECRET or a 0600 file generated in the data directory on the first run.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { subjectHash } from '../../../src/privacy/rights.js';
import { loadPrivacySecret, PRIVACY_SECRET_FILE } from '../../../src/privacy/secret.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-secret-'));
  dirs.push(dir);
  return join(dir, 'data');
}

describe('privacy secret', () => {
  it('is generated once in the data directory, readable by its owner only, and kept', () => {
    const dir = dataDir();
    const first = loadPrivacySecret(dir, {});
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dir, PRIVACY_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(loadPrivacySecret(dir, {})).toBe(first);
  });

  it('comes from VENTANILLA_PRIVACY_SECRET when set, which must be long enough', () => {
    const dir = dataDir();
    const secret = 'x'.repeat(40);
    expect(loadPrivacySecret(dir, { VENTANILLA_PRIVACY_SECRET: secret })).toBe(secret);
    expect(() => loadPrivacySecret(dir, { VENTANILLA_PRIVACY_SECRET: 'corto' })).toThrow(/VENTANILLA_PRIVACY_SECRET has 5 characters\. Fix: use at least 32/);
  });

  it('keys the erasure hash: not the bare SHA-256, and different under another secret', () => {
    const subject = { channel: 'whatsapp', id: '34612345678' };
    const bare = createHash('sha256').update('whatsapp:34612345678').digest('hex');
    const a = subjectHash(subject, 'a'.repeat(32));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(bare);
    expect(subjectHash(subject, 'b'.repeat(32))).not.toBe(a);
    expect(subjectHash(subject, 'a'.repeat(32))).toBe(a);
  });
});
