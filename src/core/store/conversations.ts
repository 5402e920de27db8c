/**
 * Conversations: reads (with their contact), patches, and the guarded mode change.
 */
import { HubError } from '../errors.js';
import type { ConversationMode } from '../message.js';
import type { Conversation, ConversationPatch, ListConversationsQuery } from './types.js';
import { conversationById, conversationsWithContact, patchColumns, toConversation } from './rows.js';
import type { StoreContext } from './context.js';

/** Conversation reads and writes. */
export class ConversationStore {
  constructor(private readonly ctx: StoreContext) {}

  async updateConversation(conversationId: string, patch: ConversationPatch): Promise<Conversation> {
    await this.ctx.db.updateTable('conversations').set(patchColumns(patch, new Date().toISOString())).where('id', '=', conversationId).execute();
    const conversation = await conversationById(this.ctx.db, conversationId);
    if (conversation === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `conversation ${conversationId} does not exist`);
    return conversation;
  }

  getConversation(conversationId: string): Promise<Conversation | undefined> {
    return conversationById(this.ctx.db, conversationId);
  }

  async getConversationByKey(conversationKey: string): Promise<Conversation | undefined> {
    const row = await conversationsWithContact(this.ctx.db).where('conversations.conversation_key', '=', conversationKey).executeTakeFirst();
    return row === undefined ? undefined : toConversation(row, row);
  }

  async listConversations(query: ListConversationsQuery): Promise<Conversation[]> {
    let q = conversationsWithContact(this.ctx.db);
    if (query.modes !== undefined && query.modes.length > 0) q = q.where('conversations.mode', 'in', [...query.modes]);
    if (query.updatedBefore !== undefined) q = q.where('conversations.updated_at', '<', query.updatedBefore.toISOString());
    const rows = await q.orderBy('conversations.updated_at', 'desc').limit(query.limit ?? 100).execute();
    return rows.map((row) => toConversation(row, row));
  }

  async getConversations(conversationIds: readonly string[]): Promise<Conversation[]> {
    if (conversationIds.length === 0) return [];
    const rows = await conversationsWithContact(this.ctx.db).where('conversations.id', 'in', [...conversationIds]).execute();
    return rows.map((row) => toConversation(row, row));
  }

  async setModeIf(conversationId: string, to: ConversationMode, from: readonly ConversationMode[]): Promise<Conversation | undefined> {
    const result = await this.ctx.db
      .updateTable('conversations')
      .set({ mode: to, updated_at: new Date().toISOString() })
      .where('id', '=', conversationId)
      .where('mode', 'in', [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0 ? conversationById(this.ctx.db, conversationId) : undefined;
  }

  /** Ids of the given conversations that are unreachable (one query for a delivery round). */
  async unreachableAmong(conversationIds: readonly string[]): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    const rows = await this.ctx.db.selectFrom('conversations').select('id').where('unreachable', '=', 1).where('id', 'in', [...conversationIds]).execute();
    return new Set(rows.map((row) => row.id));
  }
}
