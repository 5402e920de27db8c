/**
 * `ventanilla privacy purge|export|erase` and `ventanilla audit list`: retention, the data
 * subject's rights and the access audit from the command line. Arguments are checked before
 * anything is opened; exports and erasures are recorded in the audit.
 */
import { linePrinters, parseCommand, printExit, selectCommand, usageError, type CommandExit, type CommandOutput } from '../cli/args.js';
import { AUDIT, AUDIT_LIST, PRIVACY, PRIVACY_ERASE, PRIVACY_EXPORT, PRIVACY_PURGE } from '../cli/commands.js';
import type { Store } from '../core/store/index.js';
import { AUDIT_ACTIONS, listAudit, recordAudit } from './audit.js';
import { purgeExpired } from './purge.js';
import type { RetentionDays } from './retention-config.js';
import { eraseContact, exportContact, type DataSubject } from './rights.js';
import { privacyDb } from './schema.js';
import { loadPrivacySecret } from './secret.js';

/** What the commands need; the CLI opens the configured store when not given. */
export interface PrivacyCliDeps {
  /** An open store (the CLI migrates it; the caller closes it). */
  readonly store: Store;
  readonly retentionDays: RetentionDays;
  readonly now?: () => Date;
  /** The server secret keying the erasure record's hash; default: `loadPrivacySecret` of the configured data directory. */
  readonly secret?: string;
}

type Request =
  | { readonly command: 'purge'; readonly dryRun: boolean }
  | { readonly command: 'export' | 'erase'; readonly subject: DataSubject; readonly actor: string }
  | { readonly command: 'audit'; readonly limit: number; readonly conversationId?: string; readonly actor?: string; readonly action?: string };

/** `--contact channel:id`, or `--channel` and `--user`. */
function subjectOf(values: { contact?: string; channel?: string; user?: string }): DataSubject | string {
  if (values.contact !== undefined) {
    const colon = values.contact.indexOf(':');
    if (colon <= 0 || colon === values.contact.length - 1) return `--contact must be CHANNEL:ID, e.g. whatsapp:34612345678 (got "${values.contact}")`;
    return { channel: values.contact.slice(0, colon), id: values.contact.slice(colon + 1) };
  }
  if (values.channel !== undefined && values.user !== undefined) return { channel: values.channel, id: values.user };
  return 'say whose data: --contact CHANNEL:ID (or --channel C --user ID)';
}

/** `from=agent to=supervisor ip=…`: an entry's details on one line. */
function describeDetails(details: unknown): string {
  if (details === null || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}

function parseRequest(args: readonly string[]): Request | CommandExit {
  if (args[0] === 'audit') {
    const selected = selectCommand(AUDIT, args);
    if (!selected.ok) return selected;
    const parsed = parseCommand(AUDIT_LIST, selected.rest);
    if (!parsed.ok) return parsed;
    const limit = Number(parsed.values.limit ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return usageError(AUDIT_LIST, '--limit must be a whole number from 1 to 10000');
    const action = parsed.values.action;
    if (action !== undefined && !(AUDIT_ACTIONS as readonly string[]).includes(action)) return usageError(AUDIT_LIST, `--action must be one of ${AUDIT_ACTIONS.join(', ')}`);
    return {
      command: 'audit',
      limit,
      ...(parsed.values.conversation === undefined ? {} : { conversationId: parsed.values.conversation }),
      ...(parsed.values.actor === undefined ? {} : { actor: parsed.values.actor }),
      ...(action === undefined ? {} : { action }),
    };
  }
  const selected = selectCommand(PRIVACY, args);
  if (!selected.ok) return selected;
  if (selected.spec === PRIVACY_PURGE) {
    const parsed = parseCommand(PRIVACY_PURGE, selected.rest);
    return parsed.ok ? { command: 'purge', dryRun: parsed.values['dry-run'] === true } : parsed;
  }
  const spec = selected.spec === PRIVACY_EXPORT ? PRIVACY_EXPORT : PRIVACY_ERASE;
  const parsed = parseCommand(spec, selected.rest);
  if (!parsed.ok) return parsed;
  const subject = subjectOf(parsed.values);
  if (typeof subject === 'string') return usageError(spec, subject);
  return { command: spec === PRIVACY_EXPORT ? 'export' : 'erase', subject, actor: parsed.values.as ?? 'cli' };
}

async function run(request: Request, deps: PrivacyCliDeps, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  await deps.store.migrate();
  const db = privacyDb(deps.store);
  const now = (deps.now ?? (() => new Date()))();
  switch (request.command) {
    case 'purge': {
      const counts = await purgeExpired(db, { now, retentionDays: deps.retentionDays, dryRun: request.dryRun });
      out(request.dryRun ? 'would delete (dry run, nothing deleted):' : 'deleted:');
      for (const [name, count] of Object.entries(counts)) out(`  ${name}\t${count}`);
      return 0;
    }
    case 'export': {
      const exported = await exportContact(db, request.subject);
      if (exported === undefined) {
        err(`no contact ${request.subject.channel}:${request.subject.id} (unknown, or erased)`);
        return 1;
      }
      await recordAudit(db, { actor: request.actor, action: 'contact.export', contactId: exported.contact.id, at: now });
      out(JSON.stringify(exported, null, 2));
      return 0;
    }
    case 'erase': {
      const record = await eraseContact(db, request.subject, request.actor, now, deps.secret ?? (await configuredSecret()));
      if (record === undefined) {
        err(`no contact ${request.subject.channel}:${request.subject.id}: nothing to erase`);
        return 1;
      }
      if (record.erasedNow) await recordAudit(db, { actor: request.actor, action: 'contact.erase', contactId: record.contactId, details: record.counts, at: now });
      out(record.erasedNow ? `erased contact ${record.contactId}: ${JSON.stringify(record.counts)}` : `already erased on ${record.erasedAt} by ${record.actor} (record ${record.id})`);
      return 0;
    }
    case 'audit': {
      const entries = await listAudit(db, request);
      if (entries.length === 0) out('no audit entries');
      for (const entry of entries) out([entry.at, entry.actor, entry.action, entry.conversationId ?? entry.contactId ?? '', entry.reason ?? '', describeDetails(entry.details)].join('\t'));
      return 0;
    }
  }
}

async function configuredSecret(): Promise<string> {
  const { loadConfig } = await import('../config.js');
  return loadPrivacySecret(loadConfig().dataDir);
}

/** Runs `privacy …` or `audit …`; returns the exit code (0 ok, 1 failed or unknown contact, 2 usage). */
export async function runPrivacyCli(args: readonly string[], output: CommandOutput, deps?: PrivacyCliDeps): Promise<number> {
  const { out, err } = linePrinters(output);
  const request = parseRequest(args[0] === 'audit' || args[0] === 'privacy' ? args : ['privacy', ...args]);
  if ('ok' in request) return printExit(request, out, err);
  if (deps !== undefined) return await run(request, deps, out, err);
  const [{ loadConfig }, { createStore }] = await Promise.all([import('../config.js'), import('../core/store/index.js')]);
  const config = loadConfig();
  const store = await createStore(config.databaseUrl);
  try {
    return await run(request, { store, retentionDays: config.privacy.retentionDays, ...(request.command === 'erase' ? { secret: loadPrivacySecret(config.dataDir) } : {}) }, out, err);
  } finally {
    await store.close();
  }
}
