/**
 * The editor's durable state on top of the hub store: the draft (one row per intent), immutable
 * numbered versions, which version is live, and the audit log. Every change writes its audit
 * entry in the same transaction, so the log never misses a change nor records one that failed.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { HubError } from '../core/errors.js';
import type { Store } from '../core/store/index.js';
import type { Database } from '../core/store/schema.js';
import type { PolicyFile } from '../intents/content/schema.js';
import { isCsvPartial, type ParsedImport } from './content-io.js';
import { diffContent, type DiffSummary } from './diff.js';
import { editorDb, type EditorDb, type EditorTables } from './schema.js';
import type { EditorContent, EditorEntity, EditorIntent } from './types.js';

type Tx = Transaction<Database & EditorTables>;

/** One immutable published version. */
export interface VersionInfo {
  readonly number: number;
  /** `seed` (content from config at first start), `publish` or `rollback`. */
  readonly kind: 'seed' | 'publish' | 'rollback';
  /** The user id of whoever published (or `system`). */
  readonly author: string;
  /** Who that is, for people: the user's display name (the id when no user has it). */
  readonly authorName: string;
  readonly message: string;
  readonly createdAt: string;
  readonly diff: DiffSummary;
  readonly sourceVersion: number | null;
  readonly accuracy: number | null;
  readonly live: boolean;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface NewVersion {
  readonly kind: VersionInfo['kind'];
  readonly content: EditorContent;
  readonly model: string | null;
  readonly author: string;
  readonly message: string;
  readonly sourceVersion?: number;
  readonly accuracy?: number | null;
}

let auditCounter = 0;
function sortableId(now: Date): string {
  auditCounter = (auditCounter + 1) % 1_000_000;
  return `${now.getTime().toString(36).padStart(10, '0')}-${auditCounter.toString(36).padStart(4, '0')}-${randomBytes(4).toString('hex')}`;
}

/** Durable draft, versions and audit log. All methods are safe to call concurrently. */
export class EditorStore {
  private readonly db: EditorDb;

  constructor(
    store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = editorDb(store);
  }

  private async meta(db: EditorDb | Tx, key: string): Promise<string | undefined> {
    const row = await db.selectFrom('editor_meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  private async setMeta(db: EditorDb | Tx, key: string, value: string): Promise<void> {
    const updated = await db.updateTable('editor_meta').set({ value }).where('key', '=', key).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) await db.insertInto('editor_meta').values({ key, value }).execute();
  }

  private async bumpRevision(tx: Tx): Promise<void> {
    const current = Number((await this.meta(tx, 'draft_revision')) ?? '0');
    await this.setMeta(tx, 'draft_revision', String(current + 1));
  }

  private async writeAudit(db: EditorDb | Tx, actor: string, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
    const now = this.clock();
    await db.insertInto('editor_audit').values({ id: sortableId(now), at: now.toISOString(), actor, action, target, details: JSON.stringify(details) }).execute();
  }

  /** True once the content was seeded (the first start has run). */
  async isSeeded(): Promise<boolean> {
    return (await this.meta(this.db, 'seeded')) !== undefined;
  }

  /**
   * Seeds the draft and version 1 from the default content, once. Concurrent instances racing
   * on the first start: the version-1 primary key lets exactly one win; the others see it seeded.
   */
  async seed(content: EditorContent, actor = 'system'): Promise<boolean> {
    if (await this.isSeeded()) return false;
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('editor_versions')
          .values({
            number: 1,
            kind: 'seed',
            content: JSON.stringify(content),
            model: null,
            author: actor,
            message: 'Contenido inicial (config/intents)',
            diff: JSON.stringify(diffContent(undefined, content)),
            source_version: null,
            accuracy: null,
            created_at: this.clock().toISOString(),
          })
          .execute();
        await this.replaceDraftIn(tx, content, actor);
        await this.setMeta(tx, 'live_version', '1');
        await this.setMeta(tx, 'seeded', this.clock().toISOString());
        await this.writeAudit(tx, actor, 'content.seed', null, { intents: content.intents.length });
      });
      return true;
    } catch (error) {
      if (await this.isSeeded()) return false;
      throw error;
    }
  }

  private async replaceDraftIn(tx: Tx, content: EditorContent, actor: string): Promise<void> {
    const now = this.clock().toISOString();
    await tx.deleteFrom('editor_draft').execute();
    for (const intent of content.intents) {
      await tx.insertInto('editor_draft').values({ id: intent.id, data: JSON.stringify(intent), updated_at: now, updated_by: actor }).execute();
    }
    await this.setMeta(tx, 'policy', JSON.stringify(content.policy));
    await this.setMeta(tx, 'entities', JSON.stringify(content.entities));
    await this.bumpRevision(tx);
  }

  /** Every draft intent, sorted by id. */
  async listDraft(): Promise<EditorIntent[]> {
    const rows = await this.db.selectFrom('editor_draft').select(['data']).orderBy('id').execute();
    return rows.map((row) => JSON.parse(row.data) as EditorIntent);
  }

  async getDraftIntent(id: string): Promise<EditorIntent | undefined> {
    const row = await this.db.selectFrom('editor_draft').select('data').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.data) as EditorIntent);
  }

  /** The whole draft as a content set. */
  async draftContent(): Promise<EditorContent> {
    const [intents, policy, entities] = await Promise.all([this.listDraft(), this.meta(this.db, 'policy'), this.meta(this.db, 'entities')]);
    if (policy === undefined) throw new HubError('HUB_ERR_CONFLICT', 'the editor content is not seeded yet: start the hub once with config/intents in place');
    return { intents, policy: JSON.parse(policy) as PolicyFile, entities: JSON.parse(entities ?? '[]') as EditorEntity[] };
  }

  /** A counter bumped by every draft change (caches of draft models key on it). */
  async draftRevision(): Promise<number> {
    return Number((await this.meta(this.db, 'draft_revision')) ?? '0');
  }

  /** Creates an intent in the draft; a duplicate id is a 400 naming `id`. */
  async createIntent(intent: EditorIntent, actor: string): Promise<EditorIntent> {
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('editor_draft').select('id').where('id', '=', intent.id).executeTakeFirst();
      if (existing !== undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `id: duplicate intent id "${intent.id}": it already exists (edit it with PUT /api/editor/intents/${intent.id})`, { details: { field: 'id' } });
      await tx.insertInto('editor_draft').values({ id: intent.id, data: JSON.stringify(intent), updated_at: this.clock().toISOString(), updated_by: actor }).execute();
      await this.bumpRevision(tx);
      await this.writeAudit(tx, actor, 'intent.create', intent.id, {});
    });
    return intent;
  }

  /** Replaces an existing draft intent (404 when missing). Records which fields changed. */
  async updateIntent(intent: EditorIntent, actor: string, action = 'intent.update'): Promise<EditorIntent> {
    await this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('editor_draft').select('data').where('id', '=', intent.id).executeTakeFirst();
      if (existing === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no intent "${intent.id}" in the draft: create it with POST /api/editor/intents`);
      const before = JSON.parse(existing.data) as EditorIntent;
      const diff = diffContent({ intents: [before], entities: [], policy: {} as PolicyFile }, { intents: [intent], entities: [], policy: {} as PolicyFile });
      await tx.updateTable('editor_draft').set({ data: JSON.stringify(intent), updated_at: this.clock().toISOString(), updated_by: actor }).where('id', '=', intent.id).execute();
      await this.bumpRevision(tx);
      await this.writeAudit(tx, actor, action, intent.id, { fields: diff.changed[0]?.fields ?? [] });
    });
    return intent;
  }

  async deleteIntent(id: string, actor: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const deleted = await tx.deleteFrom('editor_draft').where('id', '=', id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new HubError('HUB_ERR_NOT_FOUND', `no intent "${id}" in the draft`);
      await this.bumpRevision(tx);
      await this.writeAudit(tx, actor, 'intent.delete', id, {});
    });
  }

  /**
   * Applies a parsed import in one transaction: intents are upserted (or the whole draft replaced
   * with `replace`), CSV utterances appended, policy and entities replaced when present.
   */
  async applyImport(parsed: ParsedImport, actor: string, options: { readonly replace?: boolean; readonly files?: readonly string[] } = {}): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    await this.db.transaction().execute(async (tx) => {
      const now = this.clock().toISOString();
      if (options.replace === true) await tx.deleteFrom('editor_draft').execute();
      for (const intent of parsed.intents.filter((i) => !isCsvPartial(i))) {
        const existing = await tx.selectFrom('editor_draft').select('id').where('id', '=', intent.id).executeTakeFirst();
        if (existing === undefined) {
          await tx.insertInto('editor_draft').values({ id: intent.id, data: JSON.stringify(intent), updated_at: now, updated_by: actor }).execute();
          created += 1;
        } else {
          await tx.updateTable('editor_draft').set({ data: JSON.stringify(intent), updated_at: now, updated_by: actor }).where('id', '=', intent.id).execute();
          updated += 1;
        }
      }
      for (const partial of parsed.intents.filter(isCsvPartial)) {
        const row = await tx.selectFrom('editor_draft').select('data').where('id', '=', partial.id).executeTakeFirst();
        if (row === undefined) throw new HubError('HUB_ERR_BAD_PAYLOAD', `utterances for unknown intent "${partial.id}"`);
        const intent = JSON.parse(row.data) as EditorIntent;
        const utterances = { ...intent.utterances };
        for (const [language, list] of Object.entries(partial.utterances) as [keyof typeof utterances, readonly string[]][]) {
          const merged = [...(utterances[language] ?? [])];
          for (const u of list) if (!merged.includes(u)) merged.push(u);
          utterances[language] = merged;
        }
        await tx.updateTable('editor_draft').set({ data: JSON.stringify({ ...intent, utterances }), updated_at: now, updated_by: actor }).where('id', '=', partial.id).execute();
        updated += 1;
      }
      if (parsed.policy !== undefined) await this.setMeta(tx, 'policy', JSON.stringify(parsed.policy));
      if (parsed.entities !== undefined) await this.setMeta(tx, 'entities', JSON.stringify(parsed.entities));
      await this.bumpRevision(tx);
      await this.writeAudit(tx, actor, 'content.import', null, { created, updated, replace: options.replace === true, files: options.files ?? [] });
    });
    return { created, updated };
  }

  /** Replaces the whole draft (rollback brings the draft back to the restored version). */
  async replaceDraft(content: EditorContent, actor: string, action: string, details: Record<string, unknown> = {}): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.replaceDraftIn(tx, content, actor);
      await this.writeAudit(tx, actor, action, null, details);
    });
  }

  /** The number of the live version (0 before seeding). */
  async liveVersion(): Promise<number> {
    return Number((await this.meta(this.db, 'live_version')) ?? '0');
  }

  /** Full rows of one version, or undefined. */
  async getVersion(number: number): Promise<(VersionInfo & { readonly content: EditorContent; readonly model: string | null }) | undefined> {
    const row = await this.db.selectFrom('editor_versions').selectAll().where('number', '=', number).executeTakeFirst();
    if (row === undefined) return undefined;
    const live = await this.liveVersion();
    return { ...toVersionInfo(row, live), content: JSON.parse(row.content) as EditorContent, model: row.model };
  }

  /** Every version, newest first (without content and model). */
  async listVersions(): Promise<VersionInfo[]> {
    const live = await this.liveVersion();
    const rows = await this.db
      .selectFrom('editor_versions')
      .select(['number', 'kind', 'author', 'message', 'created_at', 'diff', 'source_version', 'accuracy'])
      .orderBy('number', 'desc')
      .execute();
    const names = await this.displayNames([...new Set(rows.map((row) => row.author))]);
    return rows.map((row) => ({ ...toVersionInfo(row, live), authorName: names.get(row.author) ?? row.author }));
  }

  /** Display names of the users among `ids` (the accounts table every hub migrates). */
  private async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const users = this.db as unknown as Kysely<{ handoff_users: { id: string; display_name: string } }>;
    const rows = await users.selectFrom('handoff_users').select(['id', 'display_name']).where('id', 'in', [...ids]).execute();
    return new Map(rows.filter((row) => row.display_name.trim() !== '').map((row) => [row.id, row.display_name]));
  }

  /**
   * Freezes a new version and makes it live, with its audit entry, in one transaction.
   * The diff is computed against the version that was live.
   */
  async createVersion(input: NewVersion): Promise<VersionInfo> {
    const created = await this.db.transaction().execute(async (tx) => {
      const max = await tx.selectFrom('editor_versions').select((eb) => eb.fn.max('number').as('max')).executeTakeFirst();
      const number = Number(max?.max ?? 0) + 1;
      const liveNumber = Number((await this.meta(tx, 'live_version')) ?? '0');
      const liveRow = await tx.selectFrom('editor_versions').select('content').where('number', '=', liveNumber).executeTakeFirst();
      const diff = diffContent(liveRow === undefined ? undefined : (JSON.parse(liveRow.content) as EditorContent), input.content);
      const createdAt = this.clock().toISOString();
      await tx
        .insertInto('editor_versions')
        .values({
          number,
          kind: input.kind,
          content: JSON.stringify(input.content),
          model: input.model,
          author: input.author,
          message: input.message,
          diff: JSON.stringify(diff),
          source_version: input.sourceVersion ?? null,
          accuracy: input.accuracy ?? null,
          created_at: createdAt,
        })
        .execute();
      await this.setMeta(tx, 'live_version', String(number));
      await this.writeAudit(tx, input.author, input.kind === 'rollback' ? 'version.rollback' : 'version.publish', `v${number}`, {
        message: input.message,
        ...(input.sourceVersion === undefined ? {} : { sourceVersion: input.sourceVersion }),
        added: diff.added,
        removed: diff.removed,
        changed: diff.changed.map((c) => c.id),
      });
      return { number, kind: input.kind, author: input.author, message: input.message, createdAt, diff, sourceVersion: input.sourceVersion ?? null, accuracy: input.accuracy ?? null, live: true };
    });
    const names = await this.displayNames([input.author]);
    return { ...created, authorName: names.get(input.author) ?? input.author };
  }

  /** Stores the model (and accuracy) trained later for a version (the seeded one). */
  async setVersionModel(number: number, model: string, accuracy: number | null): Promise<void> {
    await this.db.updateTable('editor_versions').set({ model, accuracy }).where('number', '=', number).execute();
  }

  /** Appends an audit entry outside another change (refused publishes, inbox actions). */
  async audit(actor: string, action: string, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
    await this.writeAudit(this.db, actor, action, target, details);
  }

  /** The audit log, newest first. */
  async listAudit(limit = 200): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('editor_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => ({ id: row.id, at: row.at, actor: row.actor, action: row.action, target: row.target, details: JSON.parse(row.details) as Record<string, unknown> }));
  }
}

function toVersionInfo(
  row: { number: number; kind: string; author: string; message: string; created_at: string; diff: string; source_version: number | null; accuracy: number | null },
  live: number,
): VersionInfo {
  return {
    number: Number(row.number),
    kind: row.kind as VersionInfo['kind'],
    author: row.author,
    authorName: row.author,
    message: row.message,
    createdAt: row.created_at,
    diff: JSON.parse(row.diff) as DiffSummary,
    sourceVersion: row.source_version === null ? null : Number(row.source_version),
    accuracy: row.accuracy === null ? null : Number(row.accuracy),
    live: Number(row.number) === live,
  };
}
