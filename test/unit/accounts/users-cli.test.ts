import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../../src/core/store/index.js';
import { runUsersCli } from '../../../src/accounts/users-cli.js';
import { UserDirectory } from '../../../src/accounts/users.js';
import { accountsDb } from '../../../src/accounts/schema.js';
import { listAudit } from '../../../src/privacy/audit.js';
import { privacyDb } from '../../../src/privacy/schema.js';

let store: Store;
afterEach(async () => {
  await store?.close();
});

async function run(args: string[], stdin = '', prompt?: (question: string) => Promise<string>, clock?: () => Date): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runUsersCli(args, Readable.from([stdin]), { write: (t: string) => (out += t) }, { store, queueIds: ['tributos', 'tramites'], ...(clock === undefined ? {} : { clock }) }, prompt);
  return { code, out };
}

/** A person at the terminal: answers each question in turn and remembers what was asked. */
function answering(...answers: string[]): { prompt: (question: string) => Promise<string>; questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    prompt: async (question) => {
      questions.push(question);
      return answers.shift() ?? '';
    },
  };
}

describe('ventanilla users add: an agent never sees nobody waiting by mistake', () => {
  it('without --queues or --languages and no terminal: every configured queue and Spanish, said aloud; exit 2 only with no queue configured', async () => {
    store = await createStore(':memory:');
    const result = await run(['add', '--username', 'marta', '--role', 'agent', '--password-stdin'], 'una clave muy larga\n');
    expect(result.code).toBe(0);
    expect(result.out).toContain('queues: tributos, tramites (every configured queue');
    expect(result.out).toContain('languages: es (the default');
    expect(result.out).toContain('user marta created (role agent, queues tributos,tramites, languages es,');
    let out = '';
    const none = await runUsersCli(['add', '--username', 'luis', '--role', 'agent', '--password-stdin'], Readable.from(['una clave muy larga\n']), { write: (t: string) => (out += t) }, { store, queueIds: [] });
    expect(none).toBe(2);
    expect(out).toContain('an agent needs --queues');
    expect(out).toContain('Nothing was created.');
    expect((await accountsDb(store).selectFrom('handoff_users').select('username').execute()).map((u) => u.username)).toEqual(['marta']);
    // With queues, a missing --languages is Spanish, said aloud (scripts that predate the flag keep working).
    const onlyLanguages = await run(['add', '--username', 'marta2', '--role', 'agent', '--queues', 'tributos', '--password-stdin'], 'una clave muy larga\n');
    expect(onlyLanguages.code).toBe(0);
    expect(onlyLanguages.out).toContain('languages: es (the default');
    expect(onlyLanguages.out).toContain('languages es,');
  });

  it('at a terminal: asks for them, refuses an unknown queue, and defaults the languages to es on Enter', async () => {
    store = await createStore(':memory:');
    const person = answering('renta', 'tributos, tramites', '');
    const result = await run(['add', '--username', 'marta', '--role', 'agent', '--password-stdin'], 'una clave muy larga\n', person.prompt);
    expect(result.out).toContain('unknown renta; configured: tributos, tramites');
    expect(result.out).toContain('user marta created (role agent, queues tributos,tramites, languages es, capacity 3)');
    expect(result.code).toBe(0);
    expect(person.questions).toHaveLength(3);
    expect(person.questions[0]).toContain('configured: tributos, tramites');
    expect(person.questions[2]).toContain('eu (Basque)');
  });

  it('does not ask supervisors, editors or admins (they see every queue or none)', async () => {
    store = await createStore(':memory:');
    const person = answering();
    expect((await run(['add', '--username', 'edu', '--role', 'editor', '--password-stdin'], 'una clave muy larga\n', person.prompt)).code).toBe(0);
    expect(person.questions).toEqual([]);
  });
});

describe('ventanilla users list and set', () => {
  it('shows a table with name, queues, languages and the last login; a role change is audited', async () => {
    store = await createStore(':memory:');
    const clock = () => new Date('2026-03-10T09:15:42.000Z');
    expect((await run(['add', '--username', 'marta', '--role', 'agent', '--name', 'Marta Ruiz', '--queues', 'tributos', '--languages', 'es,eu', '--password-stdin'], 'una clave muy larga\n')).code).toBe(0);
    const users = new UserDirectory(accountsDb(store), clock);
    const marta = await users.byUsername('marta');
    await users.openSession(marta?.id ?? '', 12);
    const listed = (await run(['list'])).out.split('\n');
    expect(listed[0]).toMatch(/^USERNAME +NAME +ROLE +QUEUES +LANGUAGES +LAST LOGIN$/);
    expect(listed[1]).toMatch(/^marta +Marta Ruiz +agent +tributos +es,eu +2026-03-10 09:15 UTC$/);
    expect((await run(['set', '--username', 'marta', '--role', 'supervisor'], '', undefined, clock)).code).toBe(0);
    const audit = await listAudit(privacyDb(store), { limit: 10 });
    expect(audit).toMatchObject([{ actor: 'cli', action: 'role.change', details: { username: 'marta', from: 'agent', to: 'supervisor' }, at: '2026-03-10T09:15:42.000Z' }]);
    // Changing something else is not a role change.
    await run(['set', '--username', 'marta', '--capacity', '4']);
    expect(await listAudit(privacyDb(store), { limit: 10 })).toHaveLength(1);
  });
});

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
    expect(await run(['add', '--username', 'ana', '--role', 'agent', '--queues', 'tributos', '--languages', 'es', '--password-stdin'], 'corta\n')).toMatchObject({ code: 1, out: expect.stringMatching(/at least 10/) });
    expect(await run(['add', '--username', 'ana', '--role', 'jefe', '--password-stdin'], 'una clave muy larga')).toMatchObject({ code: 1, out: expect.stringMatching(/--role/) });
    expect(await run(['add', '--username', 'ana', '--role', 'agent', '--queues', 'renta', '--password-stdin'], 'una clave muy larga')).toMatchObject({ code: 1, out: expect.stringMatching(/unknown renta/) });
    expect(await run([])).toMatchObject({ code: 2 });
  });

  it('lists, updates, changes passwords and refuses duplicates', async () => {
    store = await createStore(':memory:');
    await run(['add', '--username', 'sara', '--role', 'supervisor', '--password-stdin'], 'una clave muy larga');
    expect(await run(['add', '--username', 'sara', '--role', 'agent', '--queues', 'tributos', '--languages', 'es', '--password-stdin'], 'una clave muy larga')).toMatchObject({ code: 1, out: expect.stringMatching(/already exists/) });
    expect((await run(['set', '--username', 'sara', '--queues', 'tramites', '--disable'])).out).toMatch(/queues tramites.*disabled/);
    expect((await run(['passwd', '--username', 'sara', '--password-stdin'], 'otra clave muy larga')).code).toBe(0);
    expect((await run(['list'])).out).toBe(
      ['USERNAME  NAME  ROLE                   QUEUES    LANGUAGES  LAST LOGIN', 'sara      sara  supervisor (disabled)  tramites  es         never', ''].join('\n'),
    );
  });
});
