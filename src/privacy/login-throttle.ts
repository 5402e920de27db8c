/**
 * Login limits that a security review accepts: only failed logins count (a correct login never
 * gets 429); failures are counted per client address (as the hub sees it: with `trustProxy`, the
 * citizen-side address from X-Forwarded-For, so one attacker behind the proxy does not lock out
 * the staff) and per account (N failures in a row lock that account for a while, whatever the
 * address). Counters live in the database (`login_throttle`), so every instance shares them.
 */
import { sql } from 'kysely';
import type { PrivacyDb } from './schema.js';

/** The limits. */
export interface LoginThrottlePolicy {
  /** Failed logins one client may make per window before 429. */
  readonly clientMaxFailures: number;
  readonly clientWindowMs: number;
  /** Failed logins in a row that lock an account. */
  readonly accountLockAfter: number;
  /** How long a locked account stays locked. */
  readonly accountLockMs: number;
}

/** Defaults: 5 failures per minute per client; 10 in a row lock an account for 15 minutes. */
export const LOGIN_THROTTLE_DEFAULTS: LoginThrottlePolicy = { clientMaxFailures: 5, clientWindowMs: 60_000, accountLockAfter: 10, accountLockMs: 15 * 60_000 };

/** Why a login is refused before the password is even checked. */
export interface LoginBlock {
  readonly reason: 'client' | 'account';
  readonly retryAfterMs: number;
  /** Plain words for the person at the login form. */
  readonly message: string;
}

const clientKey = (address: string): string => `client:${address}`;
const accountKey = (username: string): string => `account:${username.trim().toLowerCase()}`;

/** Failed-login counters per client and per account, shared through the database. */
export class LoginThrottle {
  constructor(
    private readonly db: PrivacyDb,
    private readonly policy: LoginThrottlePolicy = LOGIN_THROTTLE_DEFAULTS,
  ) {}

  /** Whether a login from `address` for `username` must be refused now, and for how long. */
  async blocked(address: string, username: string, now: Date): Promise<LoginBlock | undefined> {
    const rows = await this.db.selectFrom('login_throttle').selectAll().where('key', 'in', [clientKey(address), accountKey(username)]).execute();
    const at = now.getTime();
    for (const row of rows) {
      if (row.key.startsWith('account:') && row.locked_until !== null && Date.parse(row.locked_until) > at) {
        const retryAfterMs = Date.parse(row.locked_until) - at;
        return {
          reason: 'account',
          retryAfterMs,
          message: `Cuenta bloqueada por demasiados intentos fallidos: vuelve a probar dentro de ${Math.ceil(retryAfterMs / 60_000)} min o pide a administración que la desbloquee cambiando la contraseña.`,
        };
      }
    }
    for (const row of rows) {
      const windowEnd = Date.parse(row.window_start) + this.policy.clientWindowMs;
      if (row.key.startsWith('client:') && windowEnd > at && row.failures >= this.policy.clientMaxFailures) {
        return { reason: 'client', retryAfterMs: windowEnd - at, message: `Demasiados intentos fallidos desde esta dirección: espera ${Math.ceil((windowEnd - at) / 1000)} s y vuelve a probar.` };
      }
    }
    return undefined;
  }

  /** Counts a failed login. */
  async failed(address: string, username: string, now: Date): Promise<void> {
    await this.bump(clientKey(address), now, this.policy.clientWindowMs, undefined);
    await this.bump(accountKey(username), now, this.policy.accountLockMs, this.policy.accountLockAfter);
  }

  /** A correct login clears the account's run of failures (the client's window runs out alone). */
  async succeeded(username: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('key', '=', accountKey(username)).execute();
  }

  /**
   * One failure more on `key`, in one statement: two instances counting the same failure at once
   * both add (a read-then-write would lose one on PostgreSQL's read committed). A window that ran
   * out starts again at 1. Reaching `lockAfter` sets the lock.
   */
  private async bump(key: string, now: Date, windowMs: number, lockAfter: number | undefined): Promise<void> {
    const nowIso = now.toISOString();
    // ISO-8601 UTC strings of one format sort as the instants they name.
    const cutoff = new Date(now.getTime() - windowMs).toISOString();
    const row = await this.db
      .insertInto('login_throttle')
      .values({ key, failures: 1, window_start: nowIso, locked_until: null })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          failures: sql<number>`case when login_throttle.window_start <= ${cutoff} then 1 else login_throttle.failures + 1 end`,
          window_start: sql<string>`case when login_throttle.window_start <= ${cutoff} then ${nowIso} else login_throttle.window_start end`,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    if (lockAfter !== undefined && Number(row.failures) >= lockAfter) {
      await this.db.updateTable('login_throttle').set({ locked_until: new Date(now.getTime() + windowMs).toISOString() }).where('key', '=', key).execute();
    }
  }
}
