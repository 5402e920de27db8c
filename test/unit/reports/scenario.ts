/**
 * Shared driver for the reports tests: citizen turns through the store's real ingest and
 * completeTurn (emitting the transcript like the turn runner does) and the real handoff queue.
 */
import type { ReplyDraft } from '../../../src/core/store/types.js';
import type { Harness } from '../../helpers/handoff-hub.js';
import { citizenMessage } from '../../helpers/handoff-hub.js';

export interface TurnSpec {
  readonly intent: string | null;
  /** The bot's reply and the intent it answers (null: a reply that answers no intent). */
  readonly reply?: { readonly intent: string | null } | false;
}

/** One citizen message and the bot's reply, emitted on `h.events` as the runner emits them. */
export async function turn(h: Harness, key: string, text: string, spec: TurnSpec): Promise<string> {
  const { conversation, inbound, entry } = await h.store.ingest({ ...citizenMessage(key, text), receivedAt: h.clock() });
  if (entry !== undefined) h.events.emit('transcript', { conversationId: conversation.id, entry });
  const replies: ReplyDraft[] =
    spec.reply === false
      ? []
      : [{ message: { kind: 'text', text: `respuesta a ${text}` }, author: 'bot', intent: spec.reply === undefined ? spec.intent : spec.reply.intent, language: 'es' }];
  const result = await h.store.completeTurn({
    inboundId: inbound.id,
    conversationId: conversation.id,
    inboundAnnotation: { intent: spec.intent, score: 0.9, language: 'es' },
    replies,
  });
  if (result.applied) {
    if (result.citizen !== undefined) h.events.emit('turn', { conversationId: conversation.id, entry: result.citizen });
    for (const written of result.transcript) h.events.emit('transcript', { conversationId: conversation.id, entry: written });
  }
  return conversation.id;
}
