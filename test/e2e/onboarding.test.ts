/**
 * A new installation as an operator meets it, with the real processes (`node bin/ventanilla.js`):
 * `users add` for an agent without queues from a script stops (exit 2) listing the configured
 * queues and creates nobody; the first start prints the admin password in a framed block before
 * its first log line and leaves it in a 0600 file in the data directory; request logs at info are
 * one line per request without health checks; an agent opening /editor gets a Spanish page with a
 * link back; logins, failed logins and role changes are in `audit list`; `users list` is a table.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllHubProcesses, login, runCli, startHubProcess } from '../helpers/hub-process.js';

const dirs: string[] = [];
afterAll(() => {
  killAllHubProcesses();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const PASSWORD = 'una clave bastante larga';

describe('onboarding a new installation, as real processes', () => {
  it('guards agents without queues, frames the first-run password before the logs, and audits logins', { timeout: 600_000 }, async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'ventanilla-onboarding-'));
    dirs.push(workDir);
    const dataDir = join(workDir, 'data');
    const env = { VENTANILLA_DATA_DIR: dataDir };

    // First start: nobody exists yet, so the admin is made.
    const hub = await startHubProcess(env, 'bin');
    const output = hub.output();
    const block = output.indexOf('╔');
    const firstLogLine = output.search(/^\{"level"/m);
    expect(block).toBeGreaterThanOrEqual(0);
    expect(firstLogLine).toBeGreaterThan(block);
    expect(output.indexOf('╝')).toBeLessThan(firstLogLine);
    const file = join(dataDir, 'admin-password.txt');
    expect(output.slice(block, firstLogLine)).toContain(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = /contraseña: (\S+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    expect(output.slice(block, firstLogLine)).toContain(`contraseña ${password}`);
    expect(await login(hub.url, 'admin', 'no es la clave')).toBe(401);
    expect(await login(hub.url, 'admin', password)).toBe(200);

    // The README's old command, from a script (stdin is not a terminal): every queue and Spanish, said aloud.
    const scripted = await runCli(['users', 'add', '--username', 'luis', '--role', 'agent', '--password-stdin'], env, { input: `${PASSWORD}\n` });
    expect(scripted.code).toBe(0);
    expect(scripted.stderr).toContain('queues: tributos, transporte, tramites, urgencias (every configured queue');
    expect(scripted.stdout).toMatch(/^user luis created \(role agent, queues tributos,transporte,tramites,urgencias, languages es,/);

    // While it runs: an agent with queues and languages, who opens the editor.
    const added = await runCli(['users', 'add', '--username', 'marta', '--role', 'agent', '--queues', 'tributos', '--languages', 'es,eu', '--password-stdin'], env, { input: `${PASSWORD}\n` });
    expect(added.stdout).toMatch(/^user marta created \(role agent, queues tributos, languages es,eu/);
    const session = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'marta', password: PASSWORD }) });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const editor = await fetch(`${hub.url}/editor`, { headers: { cookie, accept: 'text/html,application/xhtml+xml' } });
    expect(editor.status).toBe(403);
    const page = await editor.text();
    expect(page).toContain('No tienes permiso para ver esta página');
    expect(page).toContain('<a href="/agent">Volver a la consola de agentes</a>');

    // A monitor polling the health checks does not fill the info log.
    for (let i = 0; i < 5; i++) expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const requestLines = hub
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{"level"'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(requestLines.some((line) => /healthz/.test(line.msg))).toBe(false);
    expect(requestLines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed')).toBe(false);
    expect(requestLines.filter((line) => /^POST \/api\/auth\/login /.test(line.msg))).toHaveLength(3);
    await hub.stop('SIGTERM');

    // The stopped hub's data: a role change, then the audit and the users table.
    expect((await runCli(['users', 'set', '--username', 'marta', '--role', 'supervisor'], env)).code).toBe(0);
    const audit = await runCli(['audit', 'list'], env);
    expect(audit.code).toBe(0);
    const actions = audit.stdout.trim().split('\n').map((line) => line.split('\t').slice(1, 3).join(' '));
    expect(actions).toEqual(['cli role.change', 'marta login', 'admin login', 'admin login.failed']);
    expect(audit.stdout).toContain('username=marta from=agent to=supervisor');
    const users = (await runCli(['users', 'list'], env)).stdout.split('\n');
    expect(users[0]).toMatch(/^USERNAME +NAME +ROLE +QUEUES +LANGUAGES +LAST LOGIN$/);
    expect(users[1]).toMatch(/^admin +Administración +admin +tributos,.* +es,ca,gl,eu,en +\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(users.find((line) => line.startsWith('marta '))).toMatch(/^marta +marta +supervisor +tributos +es,eu +\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  });
});
