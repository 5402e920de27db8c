/**
 * `POST /agent/conversations/:id/typing`: the agent holding a conversation is typing a reply. The
 * hub emits the channel-neutral {@link AGENT_TYPING} event (conversation id, agent id and display name);
 * channels that can show it (the web chat) tell the citizen "<name> está escribiendo…". The
 * console sends it at most every few seconds while the agent types; the hub drops anything more
 * frequent per conversation, so a noisy client cannot flood the citizen's stream.
 */
import { Type } from '@sinclair/typebox';
import type { HubEvents } from '../../core/events.js';
import type { SessionAuth } from '../../accounts/sessions.js';
import { HubError } from '../../core/errors.js';
import { AGENT_TYPING } from '../../core/typing.js';
import type { HandoffQueue } from '../queue.js';
import { ERROR_RESPONSES, IdParams, type ApiApp } from './api-schemas.js';

/** Shortest interval between two `typing.agent` events of one conversation. */
export const AGENT_TYPING_MIN_INTERVAL_MS = 2000;

export interface TypingRouteDeps {
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly events: HubEvents;
}

/** Registers the typing route on the guarded `/agent` scope. */
export function registerTypingRoute(app: ApiApp, deps: TypingRouteDeps): void {
  const { queue, auth, events } = deps;
  // conversation id → when its last typing event went out (bounded: entries older than the interval are useless).
  const lastSent = new Map<string, number>();

  app.post(
    '/conversations/:id/typing',
    {
      schema: {
        tags: ['agent'],
        summary: 'The agent holding the conversation is typing (the citizen sees it where the channel can show it)',
        params: IdParams,
        response: { 204: Type.Null({ description: 'Noted (or dropped as too frequent)' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const user = auth.require(request).user;
      const ticket = await queue.requireVisibleOpen(request.params.id, user);
      if (ticket.status !== 'assigned' || ticket.agentId !== user.id) {
        throw new HubError('HUB_ERR_CONFLICT', 'only the agent holding the conversation types to the citizen', { details: { reason: ticket.status === 'queued' ? 'not-claimed' : 'held' } });
      }
      // Wall time, not the hub clock: this limits a rate, and a pinned hub clock (tests, replays) would stop it.
      const now = Date.now();
      const last = lastSent.get(ticket.conversationId);
      if (last === undefined || now - last >= AGENT_TYPING_MIN_INTERVAL_MS || now < last) {
        if (lastSent.size > 10_000) lastSent.clear();
        lastSent.set(ticket.conversationId, now);
        events.emit('custom', { type: AGENT_TYPING, conversationId: ticket.conversationId, data: { agentId: user.id, agentName: user.displayName } });
      }
      return reply.status(204).send(null);
    },
  );
}
