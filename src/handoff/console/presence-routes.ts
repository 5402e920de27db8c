/**
 * `/agent/presence` (read, with the user's last own choice; set), `/agent/queues`, `/agent/agents`:
 * who is working, and how full the queues are.
 */
import { Type } from '@sinclair/typebox';
import type { SessionAuth } from '../../accounts/sessions.js';
import { isOpen } from '../business-hours.js';
import type { HandoffConfig } from '../config.js';
import type { HandoffQueue } from '../queue.js';
import type { Store } from '../../core/store/index.js';
import { PresenceMemory } from './presence-memory.js';
import { CONSOLE_ROLES, PRESENCES } from '../../accounts/users.js';
import { CannedSchema, ERROR_RESPONSES, UserSchema, publicUser, type ApiApp } from './api-schemas.js';

export interface PresenceRouteDeps {
  readonly queue: HandoffQueue;
  readonly auth: SessionAuth;
  readonly config: HandoffConfig;
  readonly clock: () => Date;
  readonly store: Store;
}

const PresenceSchema = Type.Union(PRESENCES.map((p) => Type.Literal(p)));

/** Registers the presence and roster routes on the guarded `/agent` scope. */
export function registerPresenceRoutes(app: ApiApp, deps: PresenceRouteDeps): void {
  const { queue, auth, config } = deps;
  const memory = new PresenceMemory(deps.store);

  app.get(
    '/presence',
    {
      schema: {
        tags: ['agent'],
        summary: 'Current presence and the one the user last chose themselves (the console offers it back at login)',
        response: {
          200: Type.Object({
            presence: PresenceSchema,
            lastChosen: Type.Union([PresenceSchema, Type.Null()], { description: 'What the user last chose in the console; null if never' }),
            chosenAt: Type.Union([Type.String(), Type.Null()]),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const user = auth.require(request).user;
      const chosen = await memory.lastChosen(user.id);
      return { presence: user.presence, lastChosen: chosen?.presence ?? null, chosenAt: chosen?.chosenAt ?? null };
    },
  );

  app.put(
    '/presence',
    {
      schema: {
        tags: ['agent'],
        summary: 'Set presence (offline returns open chats to the head of the queue)',
        body: Type.Object({ status: PresenceSchema }, { additionalProperties: false }),
        response: { 200: UserSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const user = auth.require(request).user;
      await queue.setPresence(user, request.body.status);
      // The user's own choice, kept apart from what the hub sets (logout, timeout) to offer it back.
      await memory.remember(user.id, request.body.status, deps.clock());
      const updated = await auth.users.get(user.id);
      return publicUser(updated ?? user);
    },
  );

  app.get(
    '/queues',
    {
      schema: {
        tags: ['agent'],
        summary: 'Queues with waiting counts, opening state and canned responses',
        response: {
          200: Type.Object({
            queues: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), waiting: Type.Integer(), open: Type.Boolean(), canned: Type.Array(CannedSchema) })),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async () => {
      const waiting = await queue.waitingCounts();
      const now = deps.clock();
      return {
        queues: config.queues.map((q) => ({ id: q.id, name: q.name, waiting: waiting.get(q.id) ?? 0, open: isOpen(q, config, now), canned: [...q.canned] })),
      };
    },
  );

  app.get(
    '/agents',
    {
      schema: {
        tags: ['agent'],
        summary: 'Colleagues (for transfers): presence, queues and open chats',
        response: {
          200: Type.Object({
            agents: Type.Array(
              Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String(), presence: Type.String(), queues: Type.Array(Type.String()), active: Type.Integer() }),
            ),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async () => {
      const users = (await auth.users.list()).filter((u) => CONSOLE_ROLES.includes(u.role) && !u.disabled);
      const active = await queue.activeCounts();
      return {
        agents: users.map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, presence: u.presence, queues: [...u.queues], active: active.get(u.id) ?? 0 })),
      };
    },
  );
}
