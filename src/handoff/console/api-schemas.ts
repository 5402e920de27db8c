/**
 * The agent API's TypeBox schemas (they appear in the OpenAPI at `/docs`) and the public view of
 * a console user.
 */
import { ErrorBodySchema } from '../../http/errors.js';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PRESENCES, ROLES, type User } from '../../accounts/users.js';

/** A fastify instance with the TypeBox type provider, as the route modules receive it. */
export type ApiApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
export const NullableString = Nullable(Type.String());

/** Error replies of the console API (the hub's one error body). */
export const ErrorSchema = ErrorBodySchema;

/** The error replies every guarded route may give. */
export const ERROR_RESPONSES = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  presence: Type.Union(PRESENCES.map((p) => Type.Literal(p))),
  capacity: Type.Integer(),
  languages: Type.Array(Type.String()),
  queues: Type.Array(Type.String()),
});

export const SessionSchema = Type.Object({
  user: UserSchema,
  csrfToken: Type.String({ description: 'Send it back in the x-csrf-token header on every POST/PUT/DELETE' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const SummarySchema = Type.Object({
  conversationId: Type.String(),
  ticketId: Type.String(),
  status: Type.String(),
  queueId: Type.String(),
  queueName: Type.String(),
  priority: Type.String(),
  reason: Type.String(),
  intent: NullableString,
  language: NullableString,
  channel: Type.String(),
  citizenName: NullableString,
  agentId: NullableString,
  agentName: NullableString,
  enqueuedAt: Type.String(),
  assignedAt: NullableString,
  closedAt: NullableString,
  position: Type.Optional(Type.Integer()),
  waitingSeconds: Type.Integer({ description: 'Seconds since it entered the queue (by the hub clock)' }),
  outOfHours: Type.Boolean(),
  slaBreached: Type.Boolean(),
  satisfaction: Type.Union([Type.Integer(), Type.Null()]),
  risk: Type.Union([Type.String(), Type.Null()], { description: 'Possible-risk line the safety net marked on the conversation (emergencia.112/016/024), or null' }),
  undelivered: Type.Integer({ description: 'Replies of this conversation that are not delivered: dead-lettered, or held outside the reply window' }),
  citizenLabel: Type.String({ description: 'The citizen\'s name, else their channel handle, else "Ciudadano/a de <canal>": never empty' }),
  firstWords: Type.Union([Type.String(), Type.Null()], { description: 'First words of the citizen\'s latest text message, or null' }),
  reasonLabel: Type.String({ description: 'Why it went to a person, in words (emergency line, "pidió una persona", intent…)' }),
  maxWaitSeconds: Type.Union([Type.Integer(), Type.Null()], { description: 'The queue\'s maximum wait; null while its clock does not run (closed queue, not urgent)' }),
  overWait: Type.Boolean({ description: 'Queued longer than its queue\'s maximum wait (or flagged so by the timer)' }),
});
export type Summary = Static<typeof SummarySchema>;

export const CannedSchema = Type.Object({ id: Type.String(), title: Type.String(), text: Type.String() });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }) });
export const OutboxParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' }),
  outboxId: Type.String({ minLength: 1, maxLength: 20, pattern: '^[0-9]+$' }),
});

export const MAX_REPLY_LENGTH = 4000;

/** A console user as the API shows it (no password hash, no timestamps). */
export function publicUser(user: User): Static<typeof UserSchema> {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    presence: user.presence,
    capacity: user.capacity,
    languages: [...user.languages],
    queues: [...user.queues],
  };
}
