/**
 * The conversation export for audits: the conversations with messages in a range and those
 * messages (author, time, intent, text), with every piece of personal data masked by the privacy
 * module. Pages of conversations (`after` = the last id of the previous page) keep a request
 * small whatever the range.
 */
import { maskPersonalData } from '../privacy/index.js';
import type { ReportsDb } from './schema.js';

export interface ExportedMessage {
  readonly at: string;
  readonly author: string;
  readonly intent: string | null;
  readonly language: string | null;
  /** The message's text with personal data replaced by labels (`[DNI]`, `[TELÉFONO]`…). */
  readonly text: string;
}

export interface ExportedConversation {
  readonly id: string;
  readonly channel: string;
  readonly language: string | null;
  readonly messages: ExportedMessage[];
}

export interface ConversationExport {
  readonly from: string;
  readonly to: string;
  readonly masked: true;
  readonly conversations: ExportedConversation[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next: string | null;
}

/** One page of at most `limit` conversations with messages in `[from, to)`, ordered by id. */
export async function exportConversations(db: ReportsDb, range: { readonly from: Date; readonly to: Date; readonly after?: string; readonly limit: number }): Promise<ConversationExport> {
  const from = range.from.toISOString();
  const to = range.to.toISOString();
  let ids = db.selectFrom('transcript').select('conversation_id').distinct().where('created_at', '>=', from).where('created_at', '<', to).where('author', 'in', ['citizen', 'bot', 'agent']);
  if (range.after !== undefined) ids = ids.where('conversation_id', '>', range.after);
  const page = (await ids.orderBy('conversation_id').limit(range.limit + 1).execute()).map((row) => row.conversation_id);
  const more = page.length > range.limit;
  const chosen = page.slice(0, range.limit);
  const conversations: ExportedConversation[] = [];
  if (chosen.length > 0) {
    const info = await db.selectFrom('conversations').select(['id', 'channel', 'language']).where('id', 'in', chosen).execute();
    const messages = await db
      .selectFrom('transcript')
      .select(['conversation_id', 'author', 'text', 'intent', 'language', 'created_at'])
      .where('conversation_id', 'in', chosen)
      .where('created_at', '>=', from)
      .where('created_at', '<', to)
      .where('author', 'in', ['citizen', 'bot', 'agent'])
      .orderBy('conversation_id')
      .orderBy('seq')
      .execute();
    const byId = new Map(info.map((row) => [row.id, row]));
    const grouped = new Map<string, ExportedMessage[]>();
    for (const row of messages) {
      const list = grouped.get(row.conversation_id) ?? [];
      list.push({ at: row.created_at, author: row.author, intent: row.intent, language: row.language, text: maskPersonalData(row.text ?? '') });
      grouped.set(row.conversation_id, list);
    }
    for (const id of chosen) {
      const conversation = byId.get(id);
      conversations.push({ id, channel: conversation?.channel ?? '', language: conversation?.language ?? null, messages: grouped.get(id) ?? [] });
    }
  }
  return { from, to, masked: true, conversations, next: more ? (chosen[chosen.length - 1] ?? null) : null };
}
