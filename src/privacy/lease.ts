/**
 * A lease row per periodic job: whoever inserts it, or takes it over once it expired, runs the job
 * until it expires. One conditional upsert, atomic on SQLite and PostgreSQL alike, so of several
 * hub instances on one database exactly one wins each round.
 */
import type { PrivacyDb } from './schema.js';

/**
 * Takes the lease `name` for `holder` until `now + ttlMs` when it is free, expired or already
 * `holder`'s. Returns whether `holder` holds it now.
 */
export async function acquireLease(db: PrivacyDb, name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
  const nowIso = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const result = await db
    .insertInto('privacy_leases')
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) => eb.or([eb('privacy_leases.expires_at', '<=', nowIso), eb('privacy_leases.holder', '=', holder)])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Gives the lease back early (a finished job), when `holder` still holds it. */
export async function releaseLease(db: PrivacyDb, name: string, holder: string): Promise<void> {
  await db.deleteFrom('privacy_leases').where('name', '=', name).where('holder', '=', holder).execute();
}
