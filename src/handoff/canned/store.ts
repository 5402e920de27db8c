/**
 * Canned responses in the database (table `canned_responses`, migration `0720_canned_responses`):
 * one row per queue, response id and language. Seeded from `config/queues.yaml` at start-up
 * without overwriting what supervisors edited or deleted.
 */
import type { Kysely } from 'kysely';
import { HubError } from '../../core/errors.js';
import { isLanguage, type Language } from '../../core/message.js';

/** The languages `config/queues.yaml` gives under a canned response's `texts` (Spanish is `text`). */
const TRANSLATED = ['ca', 'gl', 'eu', 'en'] as const;
import type { Store } from '../../core/store/index.js';
import type { QueueConfig } from '../config.js';
import { CANNED_VARIABLES, unknownVariables } from './fill.js';

interface CannedResponsesTable {
  queue_id: string;
  canned_id: string;
  language: string;
  title: string;
  text: string;
  updated_at: string;
  updated_by: string | null;
  deleted_at: string | null;
}

type CannedDb = Kysely<{ canned_responses: CannedResponsesTable }>;

/** One canned response in one language. */
export interface CannedText {
  readonly queueId: string;
  readonly id: string;
  readonly language: Language;
  readonly title: string;
  readonly text: string;
  readonly updatedAt: string;
  readonly updatedBy: string | null;
}

/** Throws a 400 naming the variable when `text` uses one the hub cannot fill. */
export function assertKnownVariables(text: string, field: string): void {
  const unknown = unknownVariables(text);
  if (unknown.length > 0) {
    throw new HubError('HUB_ERR_BAD_PAYLOAD', `${field} uses {${unknown.join('}, {')}}, which the hub cannot fill: the variables are ${CANNED_VARIABLES.map((v) => `{${v}}`).join(', ')}`);
  }
}

function toCanned(row: CannedResponsesTable): CannedText {
  return { queueId: row.queue_id, id: row.canned_id, language: isLanguage(row.language) ? row.language : 'es', title: row.title, text: row.text, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

export class CannedStore {
  private readonly db: CannedDb;

  constructor(store: Store, private readonly clock: () => Date) {
    // The handoff's own table: read through the store's Kysely typed with it only.
    this.db = store.kysely as unknown as CannedDb;
  }

  /** Every live canned response (of one queue when given), ordered by queue, id and language. */
  async list(queueId?: string): Promise<CannedText[]> {
    let query = this.db.selectFrom('canned_responses').selectAll().where('deleted_at', 'is', null);
    if (queueId !== undefined) query = query.where('queue_id', '=', queueId);
    const rows = await query.orderBy('queue_id').orderBy('canned_id').orderBy('language').execute();
    return rows.map(toCanned);
  }

  /**
   * The responses of `queueId` as the citizen would read them: for each response id, the text in
   * `language`, else the Spanish one (`language` then says `es`), else none.
   */
  async forConversation(queueId: string, language: Language): Promise<CannedText[]> {
    const byId = new Map<string, Map<Language, CannedText>>();
    for (const canned of await this.list(queueId)) {
      const languages = byId.get(canned.id) ?? new Map<Language, CannedText>();
      languages.set(canned.language, canned);
      byId.set(canned.id, languages);
    }
    const chosen: CannedText[] = [];
    for (const languages of byId.values()) {
      const text = languages.get(language) ?? languages.get('es');
      if (text !== undefined) chosen.push(text);
    }
    return chosen;
  }

  /** Creates or replaces one text (and brings a deleted one back). */
  async put(input: { queueId: string; id: string; language: Language; title: string; text: string; actor: string }): Promise<CannedText> {
    assertKnownVariables(input.text, 'body/text');
    const now = this.clock().toISOString();
    const row: CannedResponsesTable = { queue_id: input.queueId, canned_id: input.id, language: input.language, title: input.title, text: input.text, updated_at: now, updated_by: input.actor, deleted_at: null };
    await this.db
      .insertInto('canned_responses')
      .values(row)
      .onConflict((oc) => oc.columns(['queue_id', 'canned_id', 'language']).doUpdateSet({ title: row.title, text: row.text, updated_at: now, updated_by: input.actor, deleted_at: null }))
      .execute();
    return toCanned(row);
  }

  /** Deletes one text (kept as deleted so seeding does not revive it); false when there was none. */
  async remove(queueId: string, id: string, language: Language, actor: string): Promise<boolean> {
    const now = this.clock().toISOString();
    const result = await this.db
      .updateTable('canned_responses')
      .set({ deleted_at: now, updated_at: now, updated_by: actor })
      .where('queue_id', '=', queueId)
      .where('canned_id', '=', id)
      .where('language', '=', language)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Adds the texts of `config/queues.yaml` that the table has never had (edited or deleted rows
   * are left alone). Returns how many were added. Throws naming the queue and response when a
   * text uses a variable the hub cannot fill.
   */
  async seed(queues: readonly QueueConfig[]): Promise<number> {
    const rows: CannedResponsesTable[] = [];
    const now = this.clock().toISOString();
    for (const queue of queues) {
      for (const canned of queue.canned) {
        const texts: [Language, string][] = [['es', canned.text]];
        for (const language of TRANSLATED) {
          const text = canned.texts?.[language];
          if (text !== undefined) texts.push([language, text]);
        }
        for (const [language, text] of texts) {
          try {
            assertKnownVariables(text, `queues.yaml: queues[${queue.id}].canned[${canned.id}].${language === 'es' ? 'text' : `texts.${language}`}`);
          } catch (error) {
            throw new HubError('HUB_ERR_CONFIG', (error as Error).message);
          }
          rows.push({ queue_id: queue.id, canned_id: canned.id, language, title: canned.title, text, updated_at: now, updated_by: null, deleted_at: null });
        }
      }
    }
    if (rows.length === 0) return 0;
    const result = await this.db
      .insertInto('canned_responses')
      .values(rows)
      .onConflict((oc) => oc.columns(['queue_id', 'canned_id', 'language']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
}
