/**
 * The server secret the privacy module keys its hashes with (the erasure record's contact hash): an
 * HMAC with a secret the database does not hold, so a leaked database does not let anyone confirm
 * a guessed phone number or e-mail address against the record by hashing it.
 *
 * Where it comes from, first found wins:
 * - `VENTANILLA_PRIVACY_SECRET` (at least 32 characters) — set the same value on every instance of
 *   a cluster, since a second erasure is recognised by this hash;
 * - `<dataDir>/privacy-secret`, generated on the first run (32 random bytes, mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HubError } from '../core/errors.js';

/** The file, in the data directory, that holds the generated secret. */
export const PRIVACY_SECRET_FILE = 'privacy-secret';
const MIN_LENGTH = 32;

/**
 * The privacy secret (see the module comment). Throws `HUB_ERR_CONFIG` naming the variable when
 * `VENTANILLA_PRIVACY_SECRET` is too short or the file cannot be read or created.
 */
export function loadPrivacySecret(dataDir: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.VENTANILLA_PRIVACY_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_LENGTH) {
      throw new HubError('HUB_ERR_CONFIG', `VENTANILLA_PRIVACY_SECRET has ${fromEnv.length} characters. Fix: use at least ${MIN_LENGTH} random ones, e.g. \`openssl rand -hex 32\``);
    }
    return fromEnv;
  }
  const file = join(dataDir, PRIVACY_SECRET_FILE);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= MIN_LENGTH) {
      // Tighten a file an operator copied with looser permissions.
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return existing;
    }
    throw new HubError('HUB_ERR_CONFIG', `${file} holds fewer than ${MIN_LENGTH} characters. Fix: delete it (a new one is generated) or set VENTANILLA_PRIVACY_SECRET`);
  } catch (error) {
    if (error instanceof HubError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new HubError('HUB_ERR_CONFIG', `cannot read ${file}: ${(error as Error).message}. Fix: make it readable by the hub's user, or set VENTANILLA_PRIVACY_SECRET`, { cause: error });
    }
  }
  const secret = randomBytes(32).toString('hex');
  try {
    mkdirSync(dataDir, { recursive: true });
    // 'wx': two processes starting at once never overwrite each other's secret.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw new HubError('HUB_ERR_CONFIG', `cannot create ${file}: ${(error as Error).message}. Fix: make the data directory writable, or set VENTANILLA_PRIVACY_SECRET`, { cause: error });
  }
}
