/**
 * The hub and the `ventanilla` command as an operator runs them: real processes (`npm start`,
 * `node bin/ventanilla.js …`), each in its own process group so a signal reaches all of it (npm,
 * its shell and node), as Ctrl+C or a process manager does. Every group started here is killed by
 * {@link killAllHubProcesses}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(PROJECT_ROOT, 'bin', 'ventanilla.js');
/** Start-up trains five NLU models: seconds on a quiet machine, far more on a loaded one. */
const START_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 60_000;

const groups = new Set<number>();

/** A free TCP port on loopback (asked from the OS, then released). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Environment for a child: the test's own, minus what would change the hub under test, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const key of Object.keys(base)) {
    // The suite's argon2 cost and model cache (vitest.config.ts) are kept: speed settings, not the behaviour under test.
    if (key === 'VENTANILLA_PASSWORD_HASH_MEMORY_KIB' || key === 'VENTANILLA_MODEL_CACHE_DIR') continue;
    if (key.startsWith('VENTANILLA_') || key.startsWith('TELEGRAM_') || key.startsWith('WHATSAPP_') || key.startsWith('X_') || key.startsWith('BOTFRAMEWORK_') || key.startsWith('MICROSOFT_')) delete base[key];
  }
  // Keep vitest's own markers from leaking into the hub (it is not a test worker).
  delete base.VITEST;
  delete base.VITEST_WORKER_ID;
  delete base.VITEST_POOL_ID;
  delete base.NODE_OPTIONS;
  return { ...base, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env };
}

export interface HubProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Signals the whole process group and waits for the hub to exit; resolves its exit code or signal. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function track(child: ChildProcess): void {
  if (child.pid !== undefined) groups.add(child.pid);
  child.once('exit', () => {
    if (child.pid !== undefined) groups.delete(child.pid);
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * Starts the hub (`npm start`, or `node bin/ventanilla.js start`) with `env` and resolves once it
 * says it is listening. Rejects with the output when it exits first or takes too long.
 */
export async function startHubProcess(env: Record<string, string>, via: 'npm' | 'bin' = 'npm'): Promise<HubProcess> {
  const port = env.PORT ?? String(await freePort());
  const command = via === 'npm' ? ['npm', ['start']] as const : [process.execPath, [BIN, 'start']] as const;
  const child = spawn(command[0], [...command[1]], { cwd: PROJECT_ROOT, env: childEnv({ ...env, PORT: port }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // 'close' comes once every process holding the pipes (npm, and the hub it started) is gone and
  // what they wrote has been read: 'exit' alone can come first on a loaded machine.
  const drained = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!output.includes('Ventanilla está en marcha')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the hub exited (${child.exitCode ?? child.signalCode}) before listening:\n${output}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`the hub did not listen within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    output: () => output,
    async stop(signal) {
      killGroup(child, signal);
      const exit = await waitForExit(child, STOP_TIMEOUT_MS);
      // npm exits as soon as it has passed the signal on; the hub (node) may still be flushing.
      await waitForGroupGone(child, STOP_TIMEOUT_MS);
      // Its last lines (the shutdown log) may still be in the pipe.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
      return exit;
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForGroupGone(child: ChildProcess, timeoutMs: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process group ${pid} still running ${timeoutMs} ms after the signal`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node bin/ventanilla.js <args>` with `env` (and `input` on stdin) to the end. `wrap` is a
 * command line that runs it (a private mount namespace); `user` runs it as another user.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { input?: string; wrap?: readonly string[]; user?: { uid: number; gid: number } } = {},
): Promise<CliResult> {
  const [command = process.execPath, ...argv] = [...(options.wrap ?? []), process.execPath, BIN, ...args];
  const child = spawn(command, argv, { cwd: PROJECT_ROOT, env: childEnv(env), detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...options.user });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdin?.end(options.input ?? '');
  const { code } = await waitForExit(child, START_TIMEOUT_MS).catch((error: unknown) => {
    killGroup(child, 'SIGKILL');
    throw error;
  });
  return { code, stdout, stderr };
}

/** Kills every process group this helper started that is still running (for afterAll). */
export function killAllHubProcesses(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  groups.clear();
}

/** A web chat client over HTTP, as the page's script talks to the hub. */
export class WebchatClient {
  constructor(private readonly url: string) {}

  async session(): Promise<string> {
    const response = await fetch(`${this.url}/webchat/api/sessions`, { method: 'POST' });
    if (response.status !== 200 && response.status !== 201) throw new Error(`POST /webchat/api/sessions answered ${response.status}`);
    return ((await response.json()) as { sessionId: string }).sessionId;
  }

  /** Posts one message; resolves once the hub answered 202 (the message is stored). */
  async send(sessionId: string, text: string): Promise<void> {
    const response = await fetch(`${this.url}/webchat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, clientMessageId: randomUUID(), text }),
    });
    if (response.status !== 202) throw new Error(`POST /webchat/api/messages answered ${response.status}: ${await response.text()}`);
  }

  async history(sessionId: string): Promise<{ author: string; text: string }[]> {
    const response = await fetch(`${this.url}/webchat/api/history?sessionId=${sessionId}`);
    if (response.status !== 200) throw new Error(`GET /webchat/api/history answered ${response.status}`);
    return ((await response.json()) as { items: { author: string; text: string }[] }).items;
  }

  /** Waits until `sessionId` has at least `count` bot replies; resolves the history. */
  async waitForReplies(sessionId: string, count: number, timeoutMs = 60_000): Promise<{ author: string; text: string }[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const items = await this.history(sessionId);
      if (items.filter((item) => item.author !== 'citizen').length >= count) return items;
      if (Date.now() > deadline) throw new Error(`no reply in ${sessionId} within ${timeoutMs} ms: ${JSON.stringify(items)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** POSTs the console login; resolves the HTTP status. */
export async function login(url: string, username: string, password: string): Promise<number> {
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  await response.arrayBuffer();
  return response.status;
}
