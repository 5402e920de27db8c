/**
 * The turn's commit on PostgreSQL in one statement (one round trip, no BEGIN/COMMIT): the inbound
 * marked processed (the guard that makes a repeated turn a no-op), its transcript entry
 * annotated, the replies into the outbox, every new transcript entry, and the conversation's
 * patch, pending count and lease, each table written once with all its rows.
 */
import { sql, type RawBuilder } from 'kysely';
import type { StoreContext } from './context.js';
import { eventColumns, patchColumns, pendingOutboxItem, recipientOf, replyColumns, toTranscriptEntry, type TranscriptContentColumns } from './rows.js';
import type { CompleteTurnInput, CompleteTurnResult, Conversation, OutboxItem } from './types.js';

interface TranscriptRow extends TranscriptContentColumns {
  /** 1-based index of the reply whose outbox row this entry points at, or null. */
  readonly reply: number | null;
}

/**
 * Commits `input` in one statement. `conversation` is the turn's copy (routing data only changes
 * on ingest, which the lease orders before the turn).
 */
export async function completeTurnInOneStatement(ctx: StoreContext, input: CompleteTurnInput, conversation: Conversation): Promise<CompleteTurnResult> {
  const now = new Date().toISOString();
  const owner = input.leaseOwner ?? null;
  const created = new Date(now);
  const items: Omit<OutboxItem, 'id'>[] = input.replies.map((reply) =>
    pendingOutboxItem(
      {
        conversationId: input.conversationId,
        channel: conversation.channel,
        // Per reply: its own language (a turn may answer in another one than the conversation had).
        recipient: recipientOf(conversation, input.replyContext ?? conversation.replyContext, reply.language ?? conversation.language),
        message: reply.message,
      },
      created,
    ),
  );
  // Events first, then the replies: the order the transcript shows them in.
  const entries: TranscriptRow[] = [
    ...(input.events ?? []).map((entry) => ({ ...eventColumns(entry), reply: null })),
    ...input.replies.map((reply, index) => ({ ...replyColumns(reply), reply: index + 1 })),
  ];
  const patch = input.patch === undefined ? {} : patchColumns(input.patch, now);
  const patchSets = Object.entries(patch).map(([column, value]) => sql`${sql.ref(column)} = ${value as string | number | null}`);
  const annotation = input.inboundAnnotation;

  const outboxCte: RawBuilder<unknown> =
    items.length === 0
      ? sql`o as (select null::int as seq where false)`
      : sql`o as (
          insert into outbox (conversation_id, channel, recipient, message, status, attempts, next_attempt_at, last_error, channel_message_id, delivery_status, created_at, sent_at)
          select ${input.conversationId}, ${conversation.channel}, v.recipient, v.message, 'pending', 0, ${now}, null, null, null, ${now}, null
          from (values ${sql.join(items.map((item, index) => sql`(${index + 1}::int, ${JSON.stringify(item.recipient)}::text, ${JSON.stringify(item.message)}::text)`))}) as v(ord, recipient, message)
          where exists (select 1 from i)
          order by v.ord
          returning seq
        )`;
  const transcriptCte: RawBuilder<unknown> =
    entries.length === 0
      ? sql`t as (select 1 where false)`
      : sql`t as (
          insert into transcript (conversation_id, author, kind, text, data, intent, score, language, outbox_id, inbound_id, created_at)
          select ${input.conversationId}, v.author, v.kind, v.text, v.data, v.intent, v.score, v.language, n.seq, null, ${now}
          from (values ${sql.join(
            entries.map(
              (entry, index) =>
                sql`(${index + 1}::int, ${entry.author}::text, ${entry.kind}::text, ${entry.text}::text, ${entry.data}::text, ${entry.intent}::text, ${entry.score}::real, ${entry.language}::text, ${entry.reply}::int)`,
            ),
          )}) as v(ord, author, kind, text, data, intent, score, language, reply)
          left join (select seq, row_number() over (order by seq) as n from o) n on n.n = v.reply
          where exists (select 1 from i)
          order by v.ord
          returning seq
        )`;
  const { rows } = await sql<{
    applied: string | number;
    pending: number | null;
    seqs: number[] | null;
    entry_seqs: (number | string)[] | null;
    citizen: { seq: number | string; kind: string; text: string | null; data: string | null; created_at: string } | null;
  }>`
    with i as (
      update inbound set status = 'processed', processed_at = ${now}
      where id = ${input.inboundId} and status = 'pending'
      returning id, conversation_id
    ),
    a as (
      update transcript set intent = ${annotation?.intent ?? null}, score = ${annotation?.score ?? null}::real, language = ${annotation?.language ?? null}
      where ${annotation === undefined} = false and inbound_id = (select id from i)
      returning seq, kind, text, data, created_at
    ),
    c as (
      update conversations set ${sql.join([
        ...patchSets,
        sql`pending_inbound = case when pending_inbound > 0 then pending_inbound - 1 else 0 end`,
        sql`lease_owner = case when lease_owner = ${owner} and pending_inbound <= 1 then null else lease_owner end`,
        sql`lease_until = case when lease_owner = ${owner} and pending_inbound <= 1 then null else lease_until end`,
      ])}
      where id = (select conversation_id from i)
      returning pending_inbound
    ),
    ${outboxCte},
    ${transcriptCte}
    select (select count(*) from i) as applied, (select pending_inbound from c) as pending,
      (select array_agg(seq order by seq) from o) as seqs,
      (select array_agg(seq order by seq) from t) as entry_seqs,
      (select row_to_json(a) from a) as citizen`.execute(ctx.db);
  const row = rows[0];
  if (row === undefined || Number(row.applied) === 0) return { applied: false, outbox: [], pending: 0 };
  const seqs = row.seqs ?? [];
  const entrySeqs = row.entry_seqs ?? [];
  // Built from what was written (the values above, the sequence numbers from the statement): the
  // runner's events carry them and nothing reads them back.
  const transcript = entries.map(({ reply, ...columns }, index) =>
    toTranscriptEntry({
      ...columns,
      // The column is a `real`: what a read would give back.
      score: columns.score === null ? null : Math.fround(columns.score),
      seq: Number(entrySeqs[index]),
      conversation_id: input.conversationId,
      outbox_id: reply === null ? null : Number(seqs[reply - 1]),
      inbound_id: null,
      created_at: now,
    }),
  );
  const citizen = row.citizen;
  return {
    applied: true,
    outbox: items.map((item, index) => ({ ...item, id: String(seqs[index]) })),
    pending: Number(row.pending ?? 0),
    transcript,
    ...(citizen === null || annotation === undefined
      ? {}
      : {
          citizen: toTranscriptEntry({
            seq: Number(citizen.seq),
            conversation_id: input.conversationId,
            author: 'citizen',
            kind: citizen.kind,
            text: citizen.text,
            data: citizen.data,
            intent: annotation.intent ?? null,
            score: annotation.score === undefined || annotation.score === null ? null : Math.fround(annotation.score),
            language: annotation.language ?? null,
            outbox_id: null,
            inbound_id: input.inboundId,
            created_at: citizen.created_at,
          }),
        }),
  };
}
