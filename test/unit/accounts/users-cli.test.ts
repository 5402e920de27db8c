import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { runUsersCli } from '../../../src/accounts/users-cli.js';
import { UserDirectory } from '../../../src/accounts/users.js';
import { accountsDb } from '../../../src/accounts/schema.js';

let store: Store;
afterEach(async () => {
  await store?.close();
});

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runUsersCli(args, Readable.from([stdin]), { write: (t: string) => (out += t) }, { store, queueIds: ['tributos', 'tramites'] });
  return { code, out };
}

describe('ventanilla users', () => {
  it('adds a user with an argon2id hash read from stdin, never from arguments', async () => {
    store = await createStore(':memory:');
    const added = await run(['users', 'add', '--username', 'Ana', '--role', 'agent', '--password-stdin', '--queues', 'tributos', '--languages', 'es,ca', '--capacity', '4', '--name', 'Ana García'], 'una clave muy larga\n');
    expect(added).toEqual({ code: 0, out: 'user ana created (role agent, queues tributos, languages es,ca, capacity 4)\n' });
    const row = await accountsDb(store).selectFrom('handoff_users').selectAll().executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('una clave');
    const users = new UserDirectory(accountsDb(store), () => new Date());
    expect((await users.verify('ana', 'una clave muy larga'))?.displayName).toBe('Ana García');
    expect(await users.verify('ana', 'una clave muy larga\n')).toBeUndefined();
  });

  it('refuses a missing, short or argument password and unknown roles or queues', async () => {
    store = await createStore(':memory:');
    expect(await run(['add', '--username', 'ana', '--role', 'agent'])).toMatchObject({ code: 1, out: expect.stringMatching(/no default password/) });
    expect(await run(['add', '--username', 'ana', '--role', 'agent', '--password', 'x'])).toMatchObject({ code: 2, out: expect.stringMatching(/never taken as arguments/) });
    expect(await run(['add', '--username', 'ana', '--role', 'agent', '--password-stdin'], 'corta\n')).toMatchObject({ code: 1, out: expect.stringMatching(/at least 10/) });
    expect(await run(['add', '--username', 'ana', '--role', 'jefe', '--password-stdin'], 'una clave muy larga')).toMatchObject({ code: 1, out: expect.stringMatching(/--role/) });
    expect(await run(['add', '--username', 'ana', '--role', 'agent', '--queues', 'renta', '--password-stdin'], 'una clave muy larga')).toMatchObject({ code: 1, out: expect.stringMatching(/unknown renta/) });
    expect(await run([])).toMatchObject({ code: 2 });
  });

  it('lists, updates, changes passwords and refuses duplicates', async () => {
    store = await createStore(':memory:');
    await run(['add', '--username', 'sara', '--role', 'supervisor', '--password-stdin'], 'una clave muy larga');
    expect(await run(['add', '--username', 'sara', '--role', 'agent', '--password-stdin'], 'una clave muy larga')).toMatchObject({ code: 1, out: expect.stringMatching(/already exists/) });
    expect((await run(['set', '--username', 'sara', '--queues', 'tramites', '--disable'])).out).toMatch(/queues tramites.*disabled/);
    expect((await run(['passwd', '--username', 'sara', '--password-stdin'], 'otra clave muy larga')).code).toBe(0);
    expect((await run(['list'])).out).toBe('sara\tsupervisor\toffline\ttramites\tes\t3\tdisabled\n');
  });
});
