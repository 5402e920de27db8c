/**
 * argon2id password hashing with the cost as a setting. argon2 writes its parameters into every
 * hash (`$argon2id$v=19$m=65536,p=4,t=3$…`), so a hash keeps verifying whatever the setting is
 * when it is checked: changing the cost only changes the hashes written from then on.
 */
import * as argon2 from 'argon2';
import { HubError } from '../core/errors.js';

/** Memory cost in KiB of new hashes unless configured: argon2's own default (64 MiB, 3 passes, 4 lanes). */
export const DEFAULT_HASH_MEMORY_KIB = 65_536;
/**
 * The least memory cost accepted (1 MiB). Below the default every login and every guessed password
 * is cheaper: for test suites and very small machines, never a production hub's choice.
 */
export const MIN_HASH_MEMORY_KIB = 1_024;
const MAX_HASH_MEMORY_KIB = 4 * 1_048_576;
const ENV = 'VENTANILLA_PASSWORD_HASH_MEMORY_KIB';

/** The argon2id parameters of new hashes; passes and lanes stay at argon2's defaults. */
export interface PasswordHashing {
  readonly memoryKiB: number;
}

/**
 * Reads `VENTANILLA_PASSWORD_HASH_MEMORY_KIB` (a whole number of KiB from 1024); unset or empty is
 * the default. Throws `HUB_ERR_CONFIG` naming the variable and the fix for anything else.
 */
export function passwordHashingFromEnv(env: NodeJS.ProcessEnv = process.env): PasswordHashing {
  const raw = env[ENV]?.trim() ?? '';
  if (raw === '') return { memoryKiB: DEFAULT_HASH_MEMORY_KIB };
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < MIN_HASH_MEMORY_KIB || value > MAX_HASH_MEMORY_KIB) {
    throw new HubError('HUB_ERR_CONFIG', `${ENV}="${raw}" is not a memory cost between ${MIN_HASH_MEMORY_KIB} and ${MAX_HASH_MEMORY_KIB} KiB: unset it for the default (${DEFAULT_HASH_MEMORY_KIB}), or set a whole number of KiB in that range.`);
  }
  return { memoryKiB: value };
}

/** Hashes and checks passwords with argon2id at the configured cost. */
export class PasswordHasher {
  constructor(readonly hashing: PasswordHashing = passwordHashingFromEnv()) {}

  /** An argon2id hash of `password` (salted; its parameters are written into it). */
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, memoryCost: this.hashing.memoryKiB });
  }

  /**
   * True when `password` matches `hash`, with the parameters `hash` was made with (whatever the
   * current setting); false for a wrong password or a value that is not an argon2 hash.
   */
  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password).catch(() => false);
  }
}
