/**
 * Accounts: the people who log in (agents, supervisors, editors, admins), their argon2id
 * passwords, server-side sessions with CSRF tokens, and the `ventanilla users` command. The agent
 * console, the editor and the admin pages all guard their routes with the same sessions.
 *
 * ```ts
 * const accounts = createAccounts({ store, clock, sessionHours: 12, idleMinutes: 30, cookieSecure: true });
 * app.addHook('onRequest', accounts.auth.guard(['admin']));
 * ```
 */
import type { Store } from '../core/store/index.js';
import { PasswordHasher, type PasswordHashing } from './password-hash.js';
import { accountsDb } from './schema.js';
import { SessionAuth } from './sessions.js';
import { UserDirectory } from './users.js';

export { runUsersCli } from './users-cli.js';
export { SessionAuth, SESSION_COOKIE, CSRF_HEADER } from './sessions.js';
export { registerRolePages, roleError, type RolePages } from './role-errors.js';
export { UserDirectory, ROLES, type Role, type User } from './users.js';
export { DEFAULT_HASH_MEMORY_KIB, MIN_HASH_MEMORY_KIB, PasswordHasher, passwordHashingFromEnv, type PasswordHashing } from './password-hash.js';

export interface Accounts {
  readonly users: UserDirectory;
  /** Cookie sessions and role guards: `auth.guard(['editor', 'admin'])` protects any API. */
  readonly auth: SessionAuth;
}

export interface AccountsOptions {
  readonly store: Store;
  readonly clock: () => Date;
  readonly sessionHours: number;
  /** Minutes without a request after which a session ends (default: no idle limit). */
  readonly idleMinutes?: number;
  /** Sets `Secure` on the session cookie (HTTPS deployments). */
  readonly cookieSecure: boolean;
  /** argon2 cost of new password hashes (default: `VENTANILLA_PASSWORD_HASH_MEMORY_KIB`, else 64 MiB). */
  readonly passwordHashing?: PasswordHashing;
}

/** Users and sessions over the store (its migrations create their tables). */
export function createAccounts(options: AccountsOptions): Accounts {
  const users = new UserDirectory(accountsDb(options.store), options.clock, new PasswordHasher(options.passwordHashing));
  return {
    users,
    auth: new SessionAuth(users, {
      sessionHours: options.sessionHours,
      cookieSecure: options.cookieSecure,
      ...(options.idleMinutes === undefined ? {} : { idleMinutes: options.idleMinutes }),
    }),
  };
}
