/**
 * The operator's side of "cannot write here": a data directory that is read-only, a disk that is
 * full, a database file that cannot be opened. The operating system and SQLite report these with
 * codes (EACCES, ENOSPC, SQLITE_FULL, SQLITE_READONLY…); {@link storageError} turns them into a
 * {@link HubError} whose message names the path and the fix, so start-up can stop with a sentence
 * instead of a stack trace.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { HubError, isHubError } from './errors.js';

/** What kind of storage problem an error is. */
export type StorageProblem = 'read-only' | 'full' | 'cannot-open';

const ERRNO_PROBLEMS: Readonly<Record<string, StorageProblem>> = {
  EACCES: 'read-only',
  EPERM: 'read-only',
  EROFS: 'read-only',
  ENOSPC: 'full',
  EDQUOT: 'full',
  EFBIG: 'full',
};

/** Network calls fail with EACCES too (a port below 1024): those are not storage problems. */
const NETWORK_SYSCALLS = new Set(['listen', 'bind', 'connect', 'getaddrinfo']);

interface CodedError {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

function problemOf(error: CodedError): StorageProblem | undefined {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code === undefined) return undefined;
  // SQLite's extended codes carry the base code as prefix (SQLITE_READONLY_DIRECTORY, SQLITE_CANTOPEN_ISDIR…).
  if (code.startsWith('SQLITE_FULL')) return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot-open';
  if (typeof error.syscall === 'string' && NETWORK_SYSCALLS.has(error.syscall)) return undefined;
  return ERRNO_PROBLEMS[code];
}

/** The first error in `error`'s cause chain that is a storage problem, with its kind. */
export function findStorageProblem(error: unknown): { readonly problem: StorageProblem; readonly error: CodedError } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth += 1) {
    const coded = current as CodedError;
    const problem = problemOf(coded);
    if (problem !== undefined) return { problem, error: coded };
    current = coded.cause;
  }
  return undefined;
}

function processUser(): string {
  try {
    return `user "${userInfo().username}"`;
  } catch {
    // A uid without a passwd entry (containers) has no name.
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Where the problem is: the directory the operator must fix, and the file being written if known. */
export interface StoragePlace {
  readonly directory: string;
  readonly file?: string;
}

/**
 * A HubError for a storage problem anywhere in `error`'s cause chain, or undefined when there is
 * none. Read-only and cannot-open are `HUB_ERR_CONFIG` (the deployment must change); a full disk
 * is `HUB_ERR_STORE`. The message names the path (the error's own, else `place.file`, else the
 * directory), the cause and the fix.
 */
export function storageError(error: unknown, place: StoragePlace): HubError | undefined {
  const found = findStorageProblem(error);
  if (found === undefined) return undefined;
  const where = typeof found.error.path === 'string' ? found.error.path : (place.file ?? place.directory);
  const code = String(found.error.code);
  const message = String(found.error.message ?? '');
  // Node's fs messages already start with the code ("EACCES: permission denied, …").
  const cause = message.startsWith(code) ? message : `${code}: ${message}`;
  const elsewhere = 'or point VENTANILLA_DATA_DIR (or VENTANILLA_DATABASE_URL) at a directory it can write';
  switch (found.problem) {
    case 'read-only':
      return new HubError(
        'HUB_ERR_CONFIG',
        `cannot write ${where}: it is read-only for this process (${cause}). Give ${processUser()}, which runs Ventanilla, write access to ${place.directory} and the files in it, ${elsewhere}.`,
        { cause: error, details: { storageProblem: found.problem } },
      );
    case 'cannot-open':
      return new HubError(
        'HUB_ERR_CONFIG',
        `cannot open or create ${where} (${cause}). Check that ${place.directory} exists and that ${processUser()} may write to it, ${elsewhere}.`,
        { cause: error, details: { storageProblem: found.problem } },
      );
    case 'full':
      return new HubError(
        'HUB_ERR_STORE',
        `no space left to write ${where} (${cause}). Free space on the disk that holds ${place.directory}, or move VENTANILLA_DATA_DIR to a larger disk, and start again; what did not fit was rolled back.`,
        { cause: error, details: { storageProblem: found.problem } },
      );
  }
}

/** True for the errors {@link storageError} makes (they already name the path and the fix). */
export function isStorageError(error: unknown): error is HubError {
  return isHubError(error) && typeof error.details?.storageProblem === 'string';
}

/**
 * Makes sure `dir` exists and this process may write in it, before anything slow runs.
 * @throws HubError (see {@link storageError}) naming the directory and the fix.
 */
export function checkWritableDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw storageError(error, { directory: dir }) ?? error;
  }
}

/** Seconds a client or platform is asked to wait (Retry-After) before sending again what the store could not take. */
export const STORE_RETRY_AFTER_S = 5;

/** Socket-level failures of a database connection (node's errno codes, postgres.js's own). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);
/** pg reports a dropped or timed-out connection by message only. */
const UNREACHABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed/i;

/**
 * True when `error` (or an error in its cause chain) says the database cannot be reached right
 * now: a refused or dropped connection, a PostgreSQL connection exception (SQLSTATE class 08) or
 * a server shutting down or starting (57P01–57P03), SQLite busy past its timeout. Such a request
 * was not stored and may be sent again: HTTP answers it with 503 and Retry-After.
 */
export function isStoreUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth += 1) {
    const coded = current as CodedError;
    const code = typeof coded.code === 'string' ? coded.code : '';
    if (UNREACHABLE_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('SQLITE_BUSY')) return true;
    if (typeof coded.message === 'string' && UNREACHABLE_MESSAGES.test(coded.message)) return true;
    current = coded.cause;
  }
  return false;
}
