/**
 * The argon2 cost setting (`VENTANILLA_PASSWORD_HASH_MEMORY_KIB`): unset is argon2's default cost
 * (64 MiB), values below the 1 MiB floor or not whole numbers stop start-up with the variable's
 * name, and a hash verifies whatever the setting is when it is checked (argon2 writes its
 * parameters into the hash), so lowering or raising it never locks anyone out.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HASH_MEMORY_KIB, MIN_HASH_MEMORY_KIB, PasswordHasher, passwordHashingFromEnv } from '../../../src/accounts/password-hash.js';
import { UserDirectory } from '../../../src/accounts/users.js';
import { accountsDb } from '../../../src/accounts/schema.js';
import { createStore } from '../../../src/core/store/index.js';

const PASSWORD = 'una clave bastante larga';

describe('password hashing cost', () => {
  it('is argon2 default (64 MiB) unless set, and the setting is read as KiB', () => {
    expect(passwordHashingFromEnv({})).toEqual({ memoryKiB: DEFAULT_HASH_MEMORY_KIB });
    expect(passwordHashingFromEnv({ VENTANILLA_PASSWORD_HASH_MEMORY_KIB: ' ' })).toEqual({ memoryKiB: 65_536 });
    expect(passwordHashingFromEnv({ VENTANILLA_PASSWORD_HASH_MEMORY_KIB: '19456' })).toEqual({ memoryKiB: 19_456 });
    expect(passwordHashingFromEnv({ VENTANILLA_PASSWORD_HASH_MEMORY_KIB: String(MIN_HASH_MEMORY_KIB) })).toEqual({ memoryKiB: 1_024 });
  });

  it('refuses values under the floor or not whole numbers, naming the variable', () => {
    for (const raw of ['1023', '0', '-5', '64m', '1.5e4', '99999999']) {
      expect(() => passwordHashingFromEnv({ VENTANILLA_PASSWORD_HASH_MEMORY_KIB: raw })).toThrow(/VENTANILLA_PASSWORD_HASH_MEMORY_KIB="[^"]+" is not a memory cost between 1024 and/);
    }
  });

  it('writes the cost into each hash, and a hash of one cost verifies under the other', async () => {
    const cheap = new PasswordHasher({ memoryKiB: MIN_HASH_MEMORY_KIB });
    const standard = new PasswordHasher({ memoryKiB: DEFAULT_HASH_MEMORY_KIB });
    const cheapHash = await cheap.hash(PASSWORD);
    const standardHash = await standard.hash(PASSWORD);
    expect(cheapHash).toMatch(/^\$argon2id\$v=19\$m=1024,p=4,t=3\$/);
    expect(standardHash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(cheapHash).not.toContain(PASSWORD);
    // A production database read by a hub set cheaper, and the other way round.
    expect(await cheap.verify(standardHash, PASSWORD)).toBe(true);
    expect(await standard.verify(cheapHash, PASSWORD)).toBe(true);
    expect(await cheap.verify(standardHash, 'otra clave cualquiera')).toBe(false);
    expect(await standard.verify(cheapHash, 'otra clave cualquiera')).toBe(false);
    expect(await cheap.verify('not a hash', PASSWORD)).toBe(false);
  });

  it('a user created at one cost logs in after the setting changed', async () => {
    const store = await createStore(':memory:');
    await store.migrate();
    try {
      const clock = (): Date => new Date('2026-03-10T10:00:00Z');
      const before = new UserDirectory(accountsDb(store), clock, new PasswordHasher({ memoryKiB: 2_048 }));
      const ana = await before.create({ username: 'ana', role: 'agent', password: PASSWORD });
      const after = new UserDirectory(accountsDb(store), clock, new PasswordHasher({ memoryKiB: MIN_HASH_MEMORY_KIB }));
      expect((await after.verify('ana', PASSWORD))?.id).toBe(ana.id);
      expect(await after.verify('ana', 'otra clave cualquiera')).toBeUndefined();
      // A new password is written at the new cost.
      await after.setPassword(ana.id, 'una clave nueva y larga');
      const row = await accountsDb(store).selectFrom('handoff_users').select('password_hash').where('id', '=', ana.id).executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,/);
      expect((await before.verify('ana', 'una clave nueva y larga'))?.id).toBe(ana.id);
    } finally {
      await store.close();
    }
  });
});
