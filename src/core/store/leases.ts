/**
 * Turn leases (PostgreSQL): which instance runs a conversation's turns, as two columns of the
 * conversation row instead of a lock held on a pooled connection. Taken with the read the turn
 * needs anyway (conversation + oldest pending message, one statement), given back by the commit
 * that leaves nothing pending, renewed while a turn runs, and lost at expiry when an instance
 * dies. Times come from the database's clock, so the instances' clocks do not matter.
 */
import { sql, type RawBuilder } from 'kysely';
import { HubError } from '../errors.js';
import type { ConversationsTable, InboundTable } from './schema.js';
import type { Selectable } from 'kysely';
import { toConversation, toStoredInbound } from './rows.js';
import type { StoreContext } from './context.js';
import type { TurnClaim } from './types.js';

/** The database's now plus `ms`, as the ISO-8601 UTC text the tables store. */
function dbTime(ms = 0): RawBuilder<string> {
  return sql<string>`to_char((clock_timestamp() + ${ms} * interval '1 millisecond') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

type ClaimRow = Selectable<ConversationsTable> & {
  external_id: string;
  display_name: string | null;
  locale: string | null;
  i_id: string | null;
  i_channel: string | null;
  i_channel_message_id: string | null;
  i_message: string | null;
  i_status: string | null;
  i_received_at: string | null;
};

/** Lease statements; PostgreSQL only (SQLite runs every turn in its one process). */
export class LeaseStore {
  constructor(private readonly ctx: StoreContext) {}

  private requirePostgres(): void {
    if (this.ctx.dialect !== 'postgres') throw new HubError('HUB_ERR_STORE', 'turn leases are for PostgreSQL: on SQLite one process runs every turn');
  }

  async claimTurn(conversationId: string, owner: string, leaseMs: number): Promise<TurnClaim | undefined> {
    this.requirePostgres();
    // Order of the pending messages: the citizen transcript entry's seq, taken by ingest under
    // the conversation row's lock, is the order the messages were stored in.
    const { rows } = await sql<ClaimRow>`
      with c as (
        update conversations set lease_owner = ${owner}, lease_until = ${dbTime(leaseMs)}
        where id = ${conversationId} and pending_inbound > 0
          and (lease_owner is null or lease_owner = ${owner} or lease_until < ${dbTime()})
        returning *
      )
      select c.*, ct.external_id, ct.display_name, ct.locale,
        i.id as i_id, i.channel as i_channel, i.channel_message_id as i_channel_message_id,
        i.message as i_message, i.status as i_status, i.received_at as i_received_at
      from c join contacts ct on ct.id = c.contact_id
      left join lateral (
        select inbound.* from inbound join transcript t on t.inbound_id = inbound.id
        where inbound.conversation_id = c.id and inbound.status = 'pending'
        order by t.seq limit 1
      ) i on true`.execute(this.ctx.db);
    const row = rows[0];
    if (row === undefined) return undefined;
    const conversation = toConversation(row, row);
    if (row.i_id === null) return { conversation, inbound: undefined };
    const inbound: Selectable<InboundTable> = {
      id: row.i_id,
      conversation_id: row.id,
      channel: row.i_channel ?? row.channel,
      channel_message_id: row.i_channel_message_id ?? '',
      message: row.i_message ?? '{}',
      status: row.i_status ?? 'pending',
      received_at: row.i_received_at ?? '',
      processed_at: null,
    };
    return { conversation, inbound: toStoredInbound(inbound) };
  }

  async renewLeases(owner: string, conversationIds: readonly string[], leaseMs: number): Promise<void> {
    this.requirePostgres();
    if (conversationIds.length === 0) return;
    await this.ctx.db
      .updateTable('conversations')
      .set({ lease_until: dbTime(leaseMs) })
      .where('lease_owner', '=', owner)
      .where('id', 'in', [...conversationIds])
      .execute();
  }

  async releaseLease(conversationId: string, owner: string): Promise<boolean> {
    const result = await this.ctx.db
      .updateTable('conversations')
      .set({ lease_owner: null, lease_until: null })
      .where('id', '=', conversationId)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Sets the pending count from the rows and gives the lease back (a count that says pending with
   * no pending row: should never happen, and must not keep a conversation claimed forever).
   */
  async repairPending(conversationId: string, owner: string): Promise<void> {
    await this.ctx.db
      .updateTable('conversations')
      .set((eb) => ({
        pending_inbound: eb
          .selectFrom('inbound')
          .select((inner) => inner.fn.countAll<number>().as('count'))
          .where('inbound.conversation_id', '=', conversationId)
          .where('inbound.status', '=', 'pending'),
        lease_owner: null,
        lease_until: null,
      }))
      .where('id', '=', conversationId)
      .where('lease_owner', '=', owner)
      .execute();
  }

  async claimableConversations(limit: number): Promise<string[]> {
    this.requirePostgres();
    const rows = await this.ctx.db
      .selectFrom('conversations')
      .select('id')
      .where('pending_inbound', '>', 0)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', dbTime())]))
      .orderBy('lease_until')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Takes the lease for `holder` (not a turn: an agent's action that must not interleave with
   * one), waiting while a turn or another holder has it. Resolves once taken.
   */
  async acquire(conversationId: string, holder: string, leaseMs: number, timeoutMs: number): Promise<void> {
    this.requirePostgres();
    const deadline = Date.now() + timeoutMs;
    for (let wait = 5; ; wait = Math.min(100, wait * 2)) {
      const result = await this.ctx.db
        .updateTable('conversations')
        .set({ lease_owner: holder, lease_until: dbTime(leaseMs) })
        .where('id', '=', conversationId)
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_until', '<', dbTime())]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) return;
      const exists = await this.ctx.db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst();
      // Nothing to exclude on a conversation that does not exist (the caller finds that out itself).
      if (exists === undefined) return;
      if (Date.now() > deadline) throw new HubError('HUB_ERR_STORE', `conversation ${conversationId} stayed busy for ${timeoutMs} ms (a turn is running); try again`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
