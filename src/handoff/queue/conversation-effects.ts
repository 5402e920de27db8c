/**
 * What a transition does to the conversation outside the handoff tables: its mode, its
 * transcript and the citizen's notices, all through the store and emitted to the consoles.
 */
import type { ConversationMode, Language, OutboundMessage } from '../../core/message.js';
import type { Conversation, ConversationPatch, OutboxItem, TranscriptDraft, TranscriptEntry } from '../../core/store/index.js';
import type { QueueContext, Ticket } from './types.js';

/** The language the citizen is addressed in: the ticket's, else the conversation's, else Spanish. */
export function languageOf(ticket: Pick<Ticket, 'language'>, conversation?: Conversation): Language {
  return ticket.language ?? conversation?.language ?? 'es';
}

export class ConversationEffects {
  constructor(private readonly ctx: QueueContext) {}

  /** Sets the conversation mode only when it is still one of `from` (a turn may have moved it meanwhile). */
  async setMode(conversationId: string, to: ConversationMode, from: readonly ConversationMode[]): Promise<boolean> {
    const conversation = await this.ctx.deps.store.setModeIf(conversationId, to, from);
    if (conversation !== undefined) this.ctx.deps.events.emit('conversation', { conversation });
    return conversation !== undefined;
  }

  /** Emits committed transcript entries (as the turn runner does for its own), for the consoles and the web chat. */
  emitTranscript(conversationId: string, entries: readonly TranscriptEntry[]): void {
    for (const entry of entries) this.ctx.deps.events.emit('transcript', { conversationId, entry });
  }

  /** Appends transcript entries and emits them. */
  async appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]> {
    const written = await this.ctx.deps.store.appendTranscript(conversationId, entries);
    this.emitTranscript(conversationId, written);
    return written;
  }

  /** Emits the transcript entries of replies just enqueued. */
  async emitReplies(conversationId: string, items: readonly OutboxItem[]): Promise<void> {
    if (items.length === 0 || this.ctx.deps.events.listenerCount('transcript') === 0) return;
    const ids = new Set(items.map((i) => i.id));
    const recent = await this.ctx.deps.store.getTranscript(conversationId, { limit: items.length + 20 });
    this.emitTranscript(
      conversationId,
      recent.filter((e) => e.outboxId !== null && ids.has(e.outboxId)),
    );
  }

  /**
   * Sends a queue notice to the citizen through the durable outbox. A `patch` is applied in the
   * same transaction as the notice (the survey question and the state that expects its answer).
   */
  async notifyCitizen(conversationId: string, message: OutboundMessage, language: Language | null, data: Record<string, unknown> = {}, patch?: ConversationPatch): Promise<OutboxItem[]> {
    const items = await this.ctx.deps.store.enqueueReplies(conversationId, [{ message, author: 'system', language, data: { handoff: true, ...data } }], patch);
    this.ctx.deps.notifyOutbox?.();
    await this.emitReplies(conversationId, items);
    if (patch !== undefined) {
      const updated = await this.ctx.deps.store.getConversation(conversationId);
      if (updated !== undefined) this.ctx.deps.events.emit('conversation', { conversation: updated });
    }
    return items;
  }
}
