/**
 * The stored facts the roll-ups are computed from: transcript rows (citizen, bot and agent
 * messages with the NLU's annotations) and handoff event rows, turned into {@link ReportEvent}s.
 * The live writer takes transcript entries from its events ({@link entryEvent}) and reads only
 * handoff rows back; the rebuild reads them all.
 */
import type { Selectable } from 'kysely';
import type { TranscriptTable } from '../core/store/schema.js';
import type { TranscriptEntry } from '../core/store/types.js';
import type { HandoffEventsTable } from '../handoff/schema.js';
import type { ReportEvent } from './reducer.js';
import type { ReportsDb } from './schema.js';

/** The report event of a transcript row, or undefined for rows the reports do not count (system). */
export function transcriptEvent(row: Pick<Selectable<TranscriptTable>, 'conversation_id' | 'author' | 'data' | 'intent' | 'language' | 'created_at'>): ReportEvent | undefined {
  if (row.author === 'citizen') return { kind: 'citizen', at: row.created_at, conversationId: row.conversation_id, language: row.language, intent: row.intent };
  if (row.author === 'bot' || row.author === 'agent') {
    let agentId: string | null = null;
    if (row.author === 'agent' && row.data !== null) {
      const data = JSON.parse(row.data) as { agentId?: unknown };
      if (typeof data.agentId === 'string') agentId = data.agentId;
    }
    return { kind: 'reply', author: row.author, at: row.created_at, conversationId: row.conversation_id, language: row.language, intent: row.intent, agentId };
  }
  return undefined;
}

/**
 * The report event of a transcript entry as an event carries it (no read-back): the same fields
 * {@link transcriptEvent} takes from the row, so the live writer and the rebuild agree.
 */
export function entryEvent(entry: TranscriptEntry): ReportEvent | undefined {
  const at = entry.createdAt.toISOString();
  if (entry.author === 'citizen') return { kind: 'citizen', at, conversationId: entry.conversationId, language: entry.language, intent: entry.intent };
  if (entry.author === 'bot' || entry.author === 'agent') {
    const agentId = entry.author === 'agent' && typeof entry.data?.agentId === 'string' ? entry.data.agentId : null;
    return { kind: 'reply', author: entry.author, at, conversationId: entry.conversationId, language: entry.language, intent: entry.intent, agentId };
  }
  return undefined;
}

/** The report event of a handoff event row (undefined without a conversation). */
export function handoffEvent(row: Selectable<HandoffEventsTable>): ReportEvent | undefined {
  if (row.conversation_id === null) return undefined;
  return {
    kind: 'handoff',
    type: row.type,
    at: row.created_at,
    conversationId: row.conversation_id,
    ticketId: row.ticket_id,
    queueId: row.queue_id,
    agentId: row.agent_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/** Channel and language of conversations, by id. */
export async function conversationInfo(db: ReportsDb, ids: readonly string[]): Promise<Map<string, { channel: string; language: string | null }>> {
  const info = new Map<string, { channel: string; language: string | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('conversations').select(['id', 'channel', 'language']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) info.set(row.id, { channel: row.channel, language: row.language });
  }
  return info;
}
