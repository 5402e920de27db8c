/**
 * The first run of a new installation: with no users in the store, an `admin` with a random
 * password is created, so /agent and /editor can be entered and no default password exists
 * anywhere. The password is told twice, because it is told only once per installation:
 * - in a framed block on the terminal, printed before the hub's first log line so it is not lost
 *   among them;
 * - in a file only its owner can read (mode 0600) in the data directory, for an operator who
 *   started the hub under a process manager and never saw the terminal.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isHubError } from '../core/errors.js';
import { LANGUAGES } from '../core/message.js';
import type { UserDirectory } from './users.js';

/** The file, in the data directory, that holds the first-run admin password. */
export const FIRST_RUN_PASSWORD_FILE = 'admin-password.txt';

/** The first-run admin that was just created. */
export interface FirstRunAdmin {
  readonly username: string;
  readonly password: string;
  /** Absolute path of the 0600 file holding the password. */
  readonly file: string;
}

/**
 * Creates the first-run `admin` when the store has no users, writes its password to
 * `<dataDir>/admin-password.txt` (mode 0600) and returns it; undefined when users exist (also when
 * another instance created the admin a moment before: the username is taken).
 */
export async function createFirstRunAdmin(users: UserDirectory, options: { readonly dataDir: string; readonly queues: readonly string[] }): Promise<FirstRunAdmin | undefined> {
  if ((await users.list()).length > 0) return undefined;
  const password = randomBytes(12).toString('base64url');
  try {
    await users.create({ username: 'admin', role: 'admin', password, displayName: 'Administración', capacity: 5, languages: [...LANGUAGES], queues: [...options.queues] });
  } catch (error) {
    if (isHubError(error, 'HUB_ERR_CONFLICT')) return undefined;
    throw error;
  }
  const file = join(options.dataDir, FIRST_RUN_PASSWORD_FILE);
  // mode applies only when the file is created: chmod also covers a file left by an earlier install.
  writeFileSync(file, `usuario: admin\ncontraseña: ${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { username: 'admin', password, file };
}

/** The framed block that tells the operator the first-run password and where the file is. */
export function firstRunBlock(admin: FirstRunAdmin): string {
  const lines = [
    'PRIMER ARRANQUE: se ha creado la cuenta de administración',
    '',
    `  usuario    ${admin.username}`,
    `  contraseña ${admin.password}`,
    '',
    'Entra en /agent y /editor con ella. Solo se muestra ahora; también está en',
    `  ${admin.file}`,
    '(legible solo por su propietario): bórralo cuando la hayas guardado, y cámbiala con',
    '  printf %s "$NUEVA" | npx ventanilla users passwd --username admin --password-stdin',
  ];
  const width = Math.max(...lines.map((line) => [...line].length));
  const bar = '═'.repeat(width + 2);
  return [`╔${bar}╗`, ...lines.map((line) => `║ ${line}${' '.repeat(width - [...line].length)} ║`), `╚${bar}╝`].join('\n');
}
