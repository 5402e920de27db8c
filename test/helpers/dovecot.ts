/**
 * A throwaway Dovecot IMAP server for tests: its own configuration, passwd-file users and Maildirs
 * in a temporary folder, listening on a free loopback port, started with `dovecot -F -c <file>`.
 * As root it runs its processes as Debian's `dovecot`/`dovenull` users (Dovecot refuses root
 * for mail access); as any other user everything runs as that user.
 * When `/usr/sbin/dovecot` is missing the suites that need it skip with a visible message
 * (`.ci/run` installs `dovecot-imapd`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const DOVECOT_BINARY = process.env.VENTANILLA_TEST_DOVECOT ?? '/usr/sbin/dovecot';
export const dovecotAvailable = existsSync(DOVECOT_BINARY);

if (!dovecotAvailable) {
  console.warn(`[ventanilla tests] ${DOVECOT_BINARY} not found: IMAP tests against Dovecot are skipped (apt-get install dovecot-imapd; .ci/run does it).`);
}

export interface DovecotUser {
  readonly user: string;
  readonly password: string;
}

export interface Dovecot {
  readonly host: string;
  readonly port: number;
  readonly users: readonly DovecotUser[];
  /** `imap://user:pass@127.0.0.1:port/INBOX` for a user. */
  url(user: string, mailbox?: string): string;
  stop(): Promise<void>;
  /** Kills Dovecot (every open connection drops) and starts it again on the same port and mail. */
  restart(): Promise<void>;
  /** Dovecot's log so far (for a failing test's message). */
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString('utf8').startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not listen on ${port} within ${timeoutMs} ms: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function uidOf(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * Starts Dovecot with the given users (default one `hub`/`secret`). Resolves once it greets on
 * its port (normally under 3 s). `stop()` kills it and removes the folder.
 */
export async function startDovecot(users: readonly DovecotUser[] = [{ user: 'hub', password: 'secret' }]): Promise<Dovecot> {
  // Unix socket paths are limited to 108 bytes: keep base_dir short.
  const root = mkdtempSync('/tmp/dv-');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const mailUser = asRoot ? 'dovecot' : userInfo().username;
  const loginUser = asRoot ? 'dovenull' : userInfo().username;
  const { uid, gid } = asRoot ? uidOf(mailUser) : { uid: userInfo().uid, gid: userInfo().gid };
  mkdirSync(join(root, 'run'));
  mkdirSync(join(root, 'mail'));
  mkdirSync(join(root, 'state'));
  const passwd = users.map(({ user, password }) => `${user}:{PLAIN}${password}:${uid}:${gid}::${join(root, 'mail', user)}::`).join('\n');
  writeFileSync(join(root, 'passwd'), `${passwd}\n`);
  for (const { user } of users) mkdirSync(join(root, 'mail', user));
  if (asRoot) {
    chmodSync(root, 0o755);
    for (const dir of ['mail', ...users.map(({ user }) => join('mail', user))]) chownSync(join(root, dir), uid, gid);
  }
  const conf = `
base_dir = ${join(root, 'run')}
state_dir = ${join(root, 'state')}
log_path = ${join(root, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${loginUser}
default_internal_user = ${mailUser}
first_valid_uid = ${Math.min(uid, 1)}
mail_location = maildir:~/Maildir
mail_plugins =
# Throwaway test data: no fsync per message (the machine is shared; durability is not under test here).
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${join(root, 'passwd')}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${join(root, 'passwd')}
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Processed {
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
protocol imap {
  imap_idle_notify_interval = 1 secs
}
`;
  const confFile = join(root, 'dovecot.conf');
  writeFileSync(confFile, conf);
  let output = '';
  const launch = (): ChildProcess => {
    const process = spawn(DOVECOT_BINARY, ['-F', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    return process;
  };
  let child = launch();
  const log = (): string => {
    let file = '';
    try {
      file = readFileSync(join(root, 'dovecot.log'), 'utf8');
    } catch {
      // Not written yet.
    }
    return `${output}\n${file}`.trim().slice(-4000);
  };
  try {
    await waitForPort(port, child, 15_000, log);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  async function halt(signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const current = child;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    const timer = setTimeout(() => current.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  return {
    host: '127.0.0.1',
    port,
    users,
    url(user, mailbox = 'INBOX') {
      const found = users.find((candidate) => candidate.user === user);
      if (found === undefined) throw new Error(`no dovecot user ${user}`);
      return `imap://${encodeURIComponent(found.user)}:${encodeURIComponent(found.password)}@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`;
    },
    log,
    async stop() {
      await halt('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
    async restart() {
      // SIGTERM: the master closes every client connection (what a client sees when a server goes down).
      await halt('SIGTERM');
      child = launch();
      await waitForPort(port, child, 15_000, log);
    },
  };
}
