/**
 * How a failed start-up or command reads to the operator. Problems the operator fixes (a bad
 * setting, a read-only or full data directory, a database from a newer version, a port in use) are
 * one sentence that names the problem and the fix; anything else is a bug, shown with its stack.
 */
import { HubError, isHubError } from '../core/errors.js';
import { isStorageError, storageError } from '../core/storage-errors.js';

/** Exit codes: 78 is sysexits' EX_CONFIG (a process manager should not restart into it). */
export const EXIT_CONFIG = 78;
export const EXIT_FAILURE = 1;

const OPERATOR_ERRORS = new Set(['HUB_ERR_CONFIG', 'HUB_ERR_CONTENT', 'HUB_ERR_STORE']);

/**
 * The operator's error for a failure while starting the hub or running a command, or the error
 * itself. `dataDir` (when known) is where storage problems without a path of their own are placed.
 */
export function operatorError(error: unknown, context: { readonly dataDir?: string; readonly listen?: { readonly host: string; readonly port: number } } = {}): unknown {
  if (isStorageError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  if (context.listen !== undefined && syscall === 'listen') {
    const at = `${context.listen.host}:${context.listen.port}`;
    if (code === 'EADDRINUSE') return new HubError('HUB_ERR_CONFIG', `cannot listen on ${at}: another program uses that port. Stop it, or set PORT to a free port.`, { cause: error });
    if (code === 'EACCES') return new HubError('HUB_ERR_CONFIG', `cannot listen on ${at}: ports below 1024 need privileges. Set PORT to 1024 or above (a reverse proxy can serve 80/443).`, { cause: error });
    if (code === 'EADDRNOTAVAIL') return new HubError('HUB_ERR_CONFIG', `cannot listen on ${at}: this machine has no such address. Set HOST to one of its addresses, e.g. 127.0.0.1 or 0.0.0.0.`, { cause: error });
  }
  return (context.dataDir === undefined ? undefined : storageError(error, { directory: context.dataDir })) ?? error;
}

/** The text to print and the exit code for a failure already passed through {@link operatorError}. */
export function describeFailure(error: unknown): { readonly text: string; readonly exitCode: number } {
  if (isHubError(error) && OPERATOR_ERRORS.has(error.code)) {
    return { text: error.message, exitCode: error.code === 'HUB_ERR_CONFIG' ? EXIT_CONFIG : EXIT_FAILURE };
  }
  return { text: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: EXIT_FAILURE };
}
