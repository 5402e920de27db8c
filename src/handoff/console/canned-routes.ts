/**
 * `/agent/canned/*`: supervisors and admins list, write and delete the canned responses (per
 * queue, response id and language) that agents insert in the console. Agents read them filled in
 * the citizen's language with the conversation (`GET /agent/conversations/:id`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { HubError } from '../../core/errors.js';
import { LANGUAGES, type Language } from '../../core/message.js';
import type { SessionAuth } from '../../accounts/sessions.js';
import type { HandoffConfig } from '../config.js';
import { fillCanned } from '../canned/fill.js';
import type { CannedStore, CannedText } from '../canned/store.js';
import { ERROR_RESPONSES, type ApiApp } from './api-schemas.js';

const LanguageSchema = Type.Union(LANGUAGES.map((language) => Type.Literal(language)));

/** One stored canned text, as supervisors edit it (variables unfilled). */
export const CannedTextSchema = Type.Object({
  queueId: Type.String(),
  id: Type.String(),
  language: LanguageSchema,
  title: Type.String(),
  text: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});

/** A canned response as an agent inserts it: filled for one conversation, in the citizen's language. */
export const FilledCannedSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  text: Type.String({ description: 'Variables filled: citizen name (or a neutral greeting), agent, queue' }),
  language: LanguageSchema,
});
export type FilledCanned = Static<typeof FilledCannedSchema>;

const CannedParams = Type.Object({
  queueId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_-]+$' }),
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$', description: 'lower-case letters, digits and hyphens, e.g. "cita-renta"' }),
  language: LanguageSchema,
});

const CannedBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 80, description: 'What agents see in the list' }),
    text: Type.String({ minLength: 1, maxLength: 2000, description: 'Variables: {nombre} (citizen), {agente} (you), {cola} (queue)' }),
  },
  { additionalProperties: false },
);

export interface CannedRouteDeps {
  readonly auth: SessionAuth;
  readonly config: HandoffConfig;
  readonly canned: CannedStore;
}

function view(canned: CannedText): Static<typeof CannedTextSchema> {
  return { queueId: canned.queueId, id: canned.id, language: canned.language, title: canned.title, text: canned.text, updatedAt: canned.updatedAt, updatedBy: canned.updatedBy };
}

/**
 * The canned responses of a queue for one conversation, each in `language` when written in it
 * (else Spanish), with every variable filled.
 */
export async function cannedForConversation(
  canned: CannedStore,
  input: { queueId: string; queueName: string; language: Language; citizenName: string | null; agentName: string },
): Promise<FilledCanned[]> {
  const texts = await canned.forConversation(input.queueId, input.language);
  return texts.map((text) => ({
    id: text.id,
    title: text.title,
    language: text.language,
    text: fillCanned(text.text, { language: text.language, citizenName: input.citizenName, agentName: input.agentName, queueName: input.queueName }),
  }));
}

/** Registers the canned-response routes on the guarded `/agent` scope. */
export function registerCannedRoutes(app: ApiApp, deps: CannedRouteDeps): void {
  const { auth, config, canned } = deps;
  const supervisor = (request: Parameters<SessionAuth['require']>[0]): string => {
    const user = auth.require(request).user;
    if (user.role !== 'supervisor' && user.role !== 'admin') throw new HubError('HUB_ERR_FORBIDDEN', 'only supervisors and admins edit canned responses');
    return user.username;
  };
  const knownQueue = (queueId: string): void => {
    if (!config.queues.some((queue) => queue.id === queueId)) {
      throw new HubError('HUB_ERR_NOT_FOUND', `queue "${queueId}" does not exist: the queues are ${config.queues.map((queue) => queue.id).join(', ')}`);
    }
  };

  app.get(
    '/canned',
    {
      schema: {
        tags: ['agent'],
        summary: 'Every canned response in every language (supervisors and admins)',
        querystring: Type.Object({ queue: Type.Optional(Type.String({ maxLength: 64 })) }),
        response: { 200: Type.Object({ canned: Type.Array(CannedTextSchema) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      supervisor(request);
      return { canned: (await canned.list(request.query.queue)).map(view) };
    },
  );

  app.put(
    '/canned/:queueId/:id/:language',
    {
      schema: {
        tags: ['agent'],
        summary: 'Create or replace a canned response in one language (400 names a variable the hub cannot fill)',
        params: CannedParams,
        body: CannedBody,
        response: { 200: CannedTextSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = supervisor(request);
      knownQueue(request.params.queueId);
      const title = request.body.title.trim();
      const text = request.body.text.trim();
      if (title === '' || text === '') throw new HubError('HUB_ERR_BAD_PAYLOAD', `body/${title === '' ? 'title' : 'text'} must not be blank`);
      return view(await canned.put({ ...request.params, title, text, actor }));
    },
  );

  app.delete(
    '/canned/:queueId/:id/:language',
    { schema: { tags: ['agent'], summary: 'Delete a canned response in one language', params: CannedParams, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const actor = supervisor(request);
      const { queueId, id, language } = request.params;
      if (!(await canned.remove(queueId, id, language, actor))) throw new HubError('HUB_ERR_NOT_FOUND', `no canned response "${id}" in ${language} for queue "${queueId}"`);
      return reply.code(204).send(null);
    },
  );
}
