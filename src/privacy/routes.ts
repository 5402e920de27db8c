/**
 * The admin API of the privacy module: a citizen's data export and erasure (RGPD arts. 15, 17) and
 * the access audit list. The caller supplies the guard (admin role, CSRF on POST) and who the
 * acting user is; every export and erasure is audited with the reason given.
 *
 * Routes (under the prefix the caller registers, e.g. `/api/admin/privacy`):
 * - `GET  /contacts/:channel/:id?reason=` → the export JSON (404 for an unknown contact);
 * - `POST /contacts/:channel/:id/erase?reason=` → the erasure record (404 unknown; a second call answers
 *   with the first record, `erasedNow: false`);
 * - `GET  /audit?limit&conversation&actor` → the newest audit entries.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HubError } from '../core/errors.js';
import type { Store } from '../core/store/index.js';
import { listAudit, recordAudit } from './audit.js';
import { eraseContact, exportContact } from './rights.js';
import { privacyDb } from './schema.js';

/** What the routes need from the hub. */
export interface PrivacyRoutesOptions {
  readonly store: Store;
  /** Lets only administrators through (e.g. the console's `auth.guard(['admin'])`). */
  readonly guard: preHandlerAsyncHookHandler;
  /** The acting user's name for the audit (e.g. `auth.require(request).user.username`). */
  readonly actorOf: (request: FastifyRequest) => string;
  readonly now?: () => Date;
  /** The server secret keying the erasure record's hash (`privacy/secret.ts`). */
  readonly secret: string;
}

const Subject = Type.Object({ channel: Type.String({ minLength: 1, maxLength: 40 }), id: Type.String({ minLength: 1, maxLength: 200 }) });
const Reason = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
const ErrorBody = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });
const ErasureBody = Type.Object({
  id: Type.String(),
  contactId: Type.String(),
  erasedAt: Type.String(),
  actor: Type.String(),
  erasedNow: Type.Boolean(),
  counts: Type.Record(Type.String(), Type.Integer()),
});
const AuditBody = Type.Object({
  entries: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      at: Type.String(),
      actor: Type.String(),
      action: Type.String(),
      conversationId: Type.Union([Type.String(), Type.Null()]),
      contactId: Type.Union([Type.String(), Type.Null()]),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/** The privacy admin routes as a fastify plugin. */
export const privacyRoutes: FastifyPluginAsync<PrivacyRoutesOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = privacyDb(options.store);
  const now = options.now ?? (() => new Date());
  app.addHook('preHandler', options.guard);

  app.get(
    '/contacts/:channel/:id',
    {
      schema: {
        tags: ['admin'],
        summary: "Everything kept about one citizen (RGPD art. 15): conversations, messages, replies, tickets, surveys and handoff events, as JSON",
        params: Subject,
        querystring: Reason,
        response: { 200: Type.Object({ contact: Type.Object({}, { additionalProperties: true }), conversations: Type.Array(Type.Unknown()) }), 404: ErrorBody },
      },
    },
    async (request) => {
      const exported = await exportContact(db, request.params);
      if (exported === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no contact ${request.params.channel}:${request.params.id} (never seen, or erased)`);
      await recordAudit(db, { actor: options.actorOf(request), action: 'contact.export', contactId: exported.contact.id, ...(request.query.reason === undefined ? {} : { reason: request.query.reason }), at: now() });
      return { contact: exported.contact, conversations: [...exported.conversations] };
    },
  );

  app.post(
    '/contacts/:channel/:id/erase',
    {
      schema: {
        tags: ['admin'],
        summary: "Erase one citizen's data (RGPD art. 17): transcripts pseudonymised, identifiers removed, an erasure record kept; idempotent",
        params: Subject,
        querystring: Reason,
        response: { 200: ErasureBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const actor = options.actorOf(request);
      const record = await eraseContact(db, request.params, actor, now(), options.secret);
      if (record === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no contact ${request.params.channel}:${request.params.id}: nothing to erase`);
      if (record.erasedNow) {
        const reason = request.query.reason;
        await recordAudit(db, { actor, action: 'contact.erase', contactId: record.contactId, ...(reason === undefined ? {} : { reason }), details: record.counts, at: now() });
      }
      return record;
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'Who read which conversation, exported or erased whose data; logins, failed logins and role changes (newest first)',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          conversation: Type.Optional(Type.String()),
          actor: Type.Optional(Type.String()),
          action: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: { 200: AuditBody },
      },
    },
    async (request) => {
      const { limit, conversation, actor, action } = request.query;
      const entries = await listAudit(db, {
        limit: limit ?? 100,
        ...(conversation === undefined ? {} : { conversationId: conversation }),
        ...(actor === undefined ? {} : { actor }),
        ...(action === undefined ? {} : { action }),
      });
      return { entries };
    },
  );
};
