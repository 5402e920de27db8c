/**
 * The handoff event log: every transition is stored in `handoff_events` and emitted as a
 * `custom` hub event (`handoff.<type>`) after it is committed. No message text, no personal data.
 */
import type { HandoffEvent, QueueContext, Ticket } from './types.js';

export class EventLog {
  constructor(private readonly ctx: QueueContext) {}

  /** Stores a transition and emits it as `custom` `handoff.<type>` (no message text, no personal data). */
  async record(
    type: string,
    ticket: Pick<Ticket, 'id' | 'conversationId' | 'queueId' | 'agentId'> | null,
    actorId: string | null,
    data: Record<string, unknown> = {},
    extra: { conversationId?: string; agentId?: string | null } = {},
  ): Promise<HandoffEvent> {
    const createdAt = this.ctx.now().toISOString();
    const conversationId = ticket?.conversationId ?? extra.conversationId ?? null;
    const agentId = extra.agentId !== undefined ? extra.agentId : (ticket?.agentId ?? null);
    const row = await this.ctx.db
      .insertInto('handoff_events')
      .values({
        type,
        ticket_id: ticket?.id ?? null,
        conversation_id: conversationId,
        queue_id: ticket?.queueId ?? null,
        agent_id: agentId,
        actor_id: actorId,
        data: JSON.stringify(data),
        created_at: createdAt,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const event: HandoffEvent = {
      seq: Number(row.seq),
      type,
      ticketId: ticket?.id ?? null,
      conversationId,
      queueId: ticket?.queueId ?? null,
      agentId,
      actorId,
      data,
      createdAt,
    };
    this.ctx.deps.events.emit('custom', {
      type: `handoff.${type}`,
      ...(conversationId === null ? {} : { conversationId }),
      data: { seq: event.seq, ticketId: event.ticketId, queueId: event.queueId, agentId: event.agentId, actorId, ...data },
    });
    return event;
  }

  /** Stored events after `seq`, oldest first. */
  async eventsAfter(seq: number, limit = 500): Promise<HandoffEvent[]> {
    const rows = await this.ctx.db.selectFrom('handoff_events').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
    return rows.map((row) => ({
      seq: Number(row.seq),
      type: row.type,
      ticketId: row.ticket_id,
      conversationId: row.conversation_id,
      queueId: row.queue_id,
      agentId: row.agent_id,
      actorId: row.actor_id,
      data: JSON.parse(row.data) as Record<string, unknown>,
      createdAt: row.created_at,
    }));
  }

  /** The last stored event's sequence number (0 when none). */
  async lastEventSeq(): Promise<number> {
    const row = await this.ctx.db.selectFrom('handoff_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }
}
