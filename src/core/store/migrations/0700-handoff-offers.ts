/**
 * `0700_handoff_offers`: what honest assignment and transfers that land need on a ticket.
 * - `offer_agent_id` / `offer_expires_at`: a waiting ticket offered to one agent until then (it
 *   stays `queued`, the citizen keeps their place); the timer pass withdraws expired offers, so an
 *   offer outlives a restart.
 * - `offer_skips`: JSON `{agentId: untilIso}` of agents who declined or let the offer lapse, not
 *   offered the same chat again before then.
 * - `transferred_from`: the agent who transferred it to a queue, never picked for it again.
 * - `announced_at`: when the citizen was told a person attends them (NULL while not yet told);
 *   tickets assigned before this migration were told at assignment.
 * - `wait_announced_at`: when the citizen was last told `notified_wait`, to tell them a new
 *   estimate once that one is exceeded.
 * Shipped once released: never edit it, add a new migration.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectMigration } from './types.js';

export const handoffOffers0700: DialectMigration = () => ({
  async up(db: Kysely<unknown>) {
    for (const column of ['offer_agent_id', 'offer_expires_at', 'offer_skips', 'transferred_from', 'announced_at', 'wait_announced_at']) {
      await db.schema.alterTable('handoff_tickets').addColumn(column, 'text').execute();
    }
    await sql`update handoff_tickets set announced_at = assigned_at where status = 'assigned'`.execute(db);
    // The timer pass looks for lapsed offers; most tickets have none.
    await db.schema.createIndex('handoff_tickets_offer').on('handoff_tickets').columns(['offer_expires_at']).execute();
    // An agent's load (assigned plus offered) is counted in every decision and guarded write.
    await db.schema.createIndex('handoff_tickets_offer_agent').on('handoff_tickets').columns(['offer_agent_id', 'status']).execute();
  },
});
