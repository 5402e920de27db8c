/**
 * `ventanilla users list` as a table a person reads: one row per user with their username,
 * display name, role, queues, languages and last login, columns aligned. Queues and languages are
 * the first thing to check when an agent says their console is empty.
 */
import type { User } from './users.js';

const HEADERS = ['USERNAME', 'NAME', 'ROLE', 'QUEUES', 'LANGUAGES', 'LAST LOGIN'] as const;

/** `2026-03-10T09:15:42.123Z` → `2026-03-10 09:15 UTC`; `never` when the user never logged in. */
function lastLogin(at: string | null): string {
  return at === null ? 'never' : `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** The rows of the table, header first, columns separated by two spaces; one line each, ending in a newline. */
export function usersTable(users: readonly User[]): string {
  const rows = users.map((user) => [
    user.username,
    user.displayName,
    user.disabled ? `${user.role} (disabled)` : user.role,
    user.queues.join(',') || (user.role === 'agent' ? '- (none: sees nobody waiting)' : '-'),
    user.languages.join(','),
    lastLogin(user.lastLoginAt),
  ]);
  const table = [[...HEADERS], ...rows];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((row) => [...(row[column] ?? '')].length)));
  return table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')).join('\n') + '\n';
}
