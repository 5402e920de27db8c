/**
 * `ventanilla reports rebuild`: recomputes every roll-up from the stored facts (transcript and
 * handoff events, in the order they happened; at the same instant transcript rows come first,
 * which is the order the hub writes them), with the same reducer as the live writer.
 */
import { sql } from 'kysely';
import type { Store } from '../core/store/index.js';
import { rebuildDayTier } from './days.js';
import type { ReportsConfig } from './definitions.js';
import { newState, reduceEvent, type ConversationReportState, type ReportEvent } from './reducer.js';
import { DeltaSet, saveStates, upsertDeltas } from './rollup-store.js';
import { reportsDb, type ReportsDb } from './schema.js';
import { handoffEvent, transcriptEvent } from './source.js';

const PAGE = 5000;

interface Cursor {
  at: string;
  seq: number;
}

async function* transcriptRows(db: ReportsDb): AsyncGenerator<{ at: string; seq: number; event: ReportEvent | undefined; channel: string; language: string | null }> {
  let cursor: Cursor = { at: '', seq: 0 };
  for (;;) {
    const rows = await db
      .selectFrom('transcript')
      .innerJoin('conversations', 'conversations.id', 'transcript.conversation_id')
      .select(['transcript.seq', 'transcript.conversation_id', 'transcript.author', 'transcript.data', 'transcript.intent', 'transcript.language', 'transcript.created_at', 'conversations.channel', 'conversations.language as conversationLanguage'])
      .where('transcript.author', 'in', ['citizen', 'bot', 'agent'])
      .where((eb) => eb.or([eb('transcript.created_at', '>', cursor.at), eb.and([eb('transcript.created_at', '=', cursor.at), eb('transcript.seq', '>', cursor.seq)])]))
      .orderBy('transcript.created_at')
      .orderBy('transcript.seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) yield { at: row.created_at, seq: Number(row.seq), event: transcriptEvent(row), channel: row.channel, language: row.conversationLanguage };
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    cursor = { at: last.created_at, seq: Number(last.seq) };
  }
}

async function* handoffRows(db: ReportsDb): AsyncGenerator<{ at: string; seq: number; event: ReportEvent | undefined; channel: string; language: string | null }> {
  let cursor: Cursor = { at: '', seq: 0 };
  for (;;) {
    const rows = await db
      .selectFrom('handoff_events')
      .innerJoin('conversations', 'conversations.id', 'handoff_events.conversation_id')
      .selectAll('handoff_events')
      .select(['conversations.channel', 'conversations.language as conversationLanguage'])
      .where((eb) => eb.or([eb('handoff_events.created_at', '>', cursor.at), eb.and([eb('handoff_events.created_at', '=', cursor.at), eb('handoff_events.seq', '>', cursor.seq)])]))
      .orderBy('handoff_events.created_at')
      .orderBy('handoff_events.seq')
      .limit(PAGE)
      .execute();
    for (const row of rows) yield { at: row.created_at, seq: Number(row.seq), event: handoffEvent(row), channel: row.channel, language: row.conversationLanguage };
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    cursor = { at: last.created_at, seq: Number(last.seq) };
  }
}

/**
 * Deletes the roll-ups and the writer's memory and recomputes them from the stored facts, then the
 * daily tier from the hourly one. Run it with the hub stopped (or accept that events during the
 * rebuild are counted twice or not at all). Raw facts a retention purge removed are gone: after a
 * purge, this recomputes only what is left, so use {@link rebuildDayTier} (`reports rebuild
 * --days`), which reads the hourly tier, unless the hourly tier itself is damaged. Returns how
 * many facts were read.
 */
export async function rebuildRollups(store: Store, config: ReportsConfig, now: Date = new Date()): Promise<{ events: number; rows: number }> {
  const db = reportsDb(store);
  const states = new Map<string, ConversationReportState>();
  let deltas = new DeltaSet();
  let events = 0;
  let rows = 0;
  await db.deleteFrom('report_rollups').execute();
  await db.deleteFrom('report_state').execute();
  const transcript = transcriptRows(db);
  const handoff = handoffRows(db);
  let t = await transcript.next();
  let h = await handoff.next();
  while (!t.done || !h.done) {
    // Transcript first at the same instant: the hub writes an agent's message before its event.
    const takeTranscript = h.done === true || (t.done !== true && t.value.at <= h.value.at);
    const current = takeTranscript ? (t.value as NonNullable<typeof t.value>) : (h.value as NonNullable<typeof h.value>);
    if (takeTranscript) t = await transcript.next();
    else h = await handoff.next();
    if (current.event === undefined) continue;
    events += 1;
    let state = states.get(current.event.conversationId);
    if (state === undefined) {
      state = newState(current.channel, current.language);
      states.set(current.event.conversationId, state);
    }
    for (const delta of reduceEvent(state, current.event, config)) deltas.add(delta);
    if (deltas.size >= 50_000) {
      rows += deltas.size;
      await upsertDeltas(db, store.dialect, deltas);
      deltas = new DeltaSet();
    }
  }
  rows += deltas.size;
  await upsertDeltas(db, store.dialect, deltas);
  await saveStates(db, states, now.toISOString());
  await sql`delete from report_rollups where n = 0 and total = 0 and peak = 0`.execute(db);
  // The daily tier from the hourly one just made (the same sums the live writer adds).
  await rebuildDayTier(db, store.dialect, config.timezone);
  return { events, rows };
}
