/**
 * The access audit (ENS): who read which conversation, exported or erased whose data, and why;
 * who logged in, who failed to (with the username tried and the address), and whose role changed.
 * Entries hold ids and reasons, never citizen text; the retention purge removes them after
 * `privacy.retentionDays.auditLog`.
 */
import type { PrivacyDb } from './schema.js';

/** Actions the audit records. */
export type AuditAction = 'transcript.read' | 'contact.export' | 'contact.erase' | 'login' | 'login.failed' | 'role.change';

/** One audit entry to record. */
export interface AuditEntry {
  readonly actor: string;
  readonly action: AuditAction;
  readonly conversationId?: string;
  readonly contactId?: string;
  /** Why (asked when the reader does not own the conversation); absent when not needed. */
  readonly reason?: string;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
  readonly at: Date;
}

/** An entry as listed. */
export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly conversationId: string | null;
  readonly contactId: string | null;
  readonly reason: string | null;
  readonly details: unknown;
}

/** Records one entry. */
export async function recordAudit(db: PrivacyDb, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('privacy_audit')
    .values({
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      conversation_id: entry.conversationId ?? null,
      contact_id: entry.contactId ?? null,
      reason: entry.reason ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** Every action, in the order the admin page offers them as a filter. */
export const AUDIT_ACTIONS: readonly AuditAction[] = ['login', 'login.failed', 'role.change', 'transcript.read', 'contact.export', 'contact.erase'];

/** What a list is narrowed to. */
export interface AuditFilter {
  readonly limit: number;
  readonly conversationId?: string;
  readonly actor?: string;
  readonly action?: string;
}

/** The newest entries first, optionally of one conversation, actor or action. */
export async function listAudit(db: PrivacyDb, filter: AuditFilter): Promise<AuditRecord[]> {
  let query = db.selectFrom('privacy_audit').selectAll().orderBy('seq', 'desc').limit(filter.limit);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.conversationId !== undefined) query = query.where('conversation_id', '=', filter.conversationId);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  const rows = await query.execute();
  return rows.map((row) => ({ seq: Number(row.seq), at: row.at, actor: row.actor, action: row.action, conversationId: row.conversation_id, contactId: row.contact_id, reason: row.reason, details: JSON.parse(row.details) as unknown }));
}
