/**
 * The editor REST API under `/api/editor` (TypeBox schemas, in the OpenAPI at /docs) and the
 * static editor page at `/editor`. Every API route requires the `editor` or `admin` role.
 */
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, isHubError } from '../core/errors.js';
import { CHANNEL_IDS, LANGUAGES, type ChannelId } from '../core/message.js';
import { ANSWER_CHANNEL_LIMITS, ANSWER_TEXT_MAX, INTENT_ID_PATTERN, SHORT_ANSWER_MAX, TITLE_MAX } from '../intents/content/schema.js';
import { exportContentFiles, exportUtterancesCsv, parseImport } from './content-io.js';
import type { EditorStore } from './content-store.js';
import type { EditorService } from './service.js';
import { PREVIEW_CHANNELS } from './channel-preview.js';
import { IntentInputSchema, IntentSchema, blockingLanguages, intentFromInput, type EditorIntent } from './types.js';
import type { UnrecognizedInbox } from './unrecognized.js';
import { ErrorBodySchema, sendError } from '../http/errors.js';
import { servePageFiles, UI_TEXTS_SCRIPT } from '../http/page-files.js';
import { isKnownLanguage, validateIntentInput, type FieldProblem } from './validate.js';

/** The user an authorizer accepted. */
export interface EditorPrincipal {
  readonly userId: string;
  readonly role: string;
}

/** Resolves the caller; throws HubError 401 (no session) or 403 (wrong role, bad CSRF token). */
export type Authorize = (request: FastifyRequest, roles: readonly string[]) => Promise<EditorPrincipal>;

export const EDITOR_ROLES = ['editor', 'admin'] as const;

export interface EditorRoutesDeps {
  readonly service: EditorService;
  readonly editorStore: EditorStore;
  readonly inbox: UnrecognizedInbox;
  readonly authorize: Authorize;
  readonly staticDir: string;
  /** The handoff queues intents may name (`config/queues.yaml`), for the page's queue field. */
  readonly queues: readonly EditorQueue[];
}

/** A handoff queue as the editor offers it. */
export interface EditorQueue {
  readonly id: string;
  readonly name: string;
}

const ErrorSchema = ErrorBodySchema;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
const Completeness = Type.Object(Object.fromEntries(LANGUAGES.map((l) => [l, Type.Object({ utterances: Type.Number(), answer: Type.Boolean(), fallback: Type.Optional(Type.String()) })])));
const IntentSummary = Type.Object({ id: Type.String(), domain: Type.String(), enabled: Type.Boolean(), title: Type.String(), complete: Type.Boolean(), completeness: Completeness });
const PreviewMessageSchema = Type.Object({ text: Type.String(), buttons: Type.Optional(Type.Array(Type.String())) });
const TryOutcomeSchema = Type.Object({
  intent: Type.String(),
  score: Type.Number(),
  language: Type.Union([Type.String(), Type.Null()]),
  answers: Type.Array(Type.String()),
  handoff: Type.Boolean(),
  fallback: Type.Boolean(),
  queue: Type.Optional(Type.String()),
  languageFallback: Type.Optional(Type.Union([Type.Literal('es'), Type.Literal('handoff')])),
  channels: Type.Object(Object.fromEntries(PREVIEW_CHANNELS.map((channel) => [channel, Type.Array(PreviewMessageSchema)]))),
});
const DiffSchema = Type.Object({}, { additionalProperties: true });
const VersionSchema = Type.Object({
  number: Type.Number(),
  kind: Type.String(),
  author: Type.String(),
  authorName: Type.String(),
  message: Type.String(),
  createdAt: Type.String(),
  diff: DiffSchema,
  sourceVersion: Type.Union([Type.Number(), Type.Null()]),
  accuracy: Type.Union([Type.Number(), Type.Null()]),
  live: Type.Boolean(),
});
const StatusSchema = Type.Object({}, { additionalProperties: true });
const IdParams = Type.Object({ id: Type.String({ maxLength: 120 }) });
// The intent body is validated field by field by validateIntentInput (so unknown languages and
// over-long answers get a 400 naming the field instead of being stripped); the schema documents it.
const passThrough = () => () => true;

function badRequest(reply: FastifyReply, problems: readonly FieldProblem[]): FastifyReply {
  const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  return sendError(reply, new HubError('HUB_ERR_BAD_PAYLOAD', message, { reply: { problems } }));
}

function summary(intent: EditorIntent, service: EditorService) {
  const missing = blockingLanguages(intent, service.languages);
  return {
    id: intent.id,
    domain: intent.domain,
    enabled: intent.enabled,
    title: intent.title.es ?? intent.id,
    complete: missing.utterances.length === 0 && missing.answers.length === 0,
    completeness: Object.fromEntries(
      LANGUAGES.map((l) => {
        const fallback = intent.fallback?.[l];
        return [l, { utterances: intent.utterances[l]?.length ?? 0, answer: intent.answers[l] !== undefined, ...(fallback === undefined ? {} : { fallback }) }];
      }),
    ),
  };
}

/** Registers the editor API (prefix `/api/editor`) and the editor page (`/editor`). */
export async function registerEditorRoutes(app: FastifyInstance, deps: EditorRoutesDeps): Promise<void> {
  const { service, editorStore, inbox, authorize } = deps;
  const principals = new WeakMap<FastifyRequest, EditorPrincipal>();
  const who = (request: FastifyRequest): string => principals.get(request)?.userId ?? 'unknown';

  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request) => {
        principals.set(request, await authorize(request, EDITOR_ROLES));
      });

      api.get(
        '/intents',
        { schema: { tags: ['editor'], summary: 'Draft intents with completeness per language', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })) }), response: { 200: Type.Object({ intents: Type.Array(IntentSummary), languages: Type.Array(Type.String()) }), ...errors } } },
        async (request) => {
          const q = ((request.query as { q?: string }).q ?? '').trim().toLowerCase();
          const intents = (await editorStore.listDraft()).filter((i) => q === '' || i.id.toLowerCase().includes(q) || Object.values(i.title).some((t) => t?.toLowerCase().includes(q)) || Object.values(i.utterances).some((list) => list?.some((u) => u.toLowerCase().includes(q))));
          return { intents: intents.map((i) => summary(i, service)), languages: [...service.languages] };
        },
      );

      api.post(
        '/intents',
        { validatorCompiler: passThrough, schema: { tags: ['editor'], summary: 'Create an intent in the draft', body: IntentInputSchema, response: { 201: IntentSchema, ...errors } } },
        async (request, reply) => {
          const { input, problems } = validateIntentInput(request.body, { languages: service.languages });
          if (input === undefined) return badRequest(reply, problems);
          const intent = await editorStore.createIntent(intentFromInput(input), who(request)).catch((error: unknown) => {
            if (isHubError(error, 'HUB_ERR_BAD_PAYLOAD')) return undefined;
            throw error;
          });
          if (intent === undefined) return badRequest(reply, [{ field: 'id', message: `duplicate intent id "${input.id}": it already exists` }]);
          return reply.status(201).send(intent);
        },
      );

      api.get('/intents/:id', { schema: { tags: ['editor'], summary: 'One draft intent', params: IdParams, response: { 200: IntentSchema, ...errors } } }, async (request) => {
        const { id } = request.params as { id: string };
        const intent = await editorStore.getDraftIntent(id);
        if (intent === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `no intent "${id}" in the draft`);
        return intent;
      });

      api.put(
        '/intents/:id',
        { validatorCompiler: passThrough, schema: { tags: ['editor'], summary: 'Replace a draft intent', params: IdParams, body: IntentInputSchema, response: { 200: IntentSchema, ...errors } } },
        async (request, reply) => {
          const { id } = request.params as { id: string };
          const { input, problems } = validateIntentInput(request.body, { idFromPath: id, languages: service.languages });
          if (input === undefined) return badRequest(reply, problems);
          return editorStore.updateIntent(intentFromInput(input), who(request));
        },
      );

      api.delete('/intents/:id', { schema: { tags: ['editor'], summary: 'Delete a draft intent', params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
        await editorStore.deleteIntent((request.params as { id: string }).id, who(request));
        return reply.status(204).send(null);
      });

      api.post(
        '/try',
        {
          validatorCompiler: passThrough,
          schema: {
            tags: ['editor'],
            summary: 'Try a text against the draft and the published model',
            body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }), lang: Type.Optional(Type.String()), channel: Type.Optional(Type.String()) }),
            response: { 200: Type.Object({ draft: TryOutcomeSchema, published: Type.Intersect([TryOutcomeSchema, Type.Object({ version: Type.Number() })]) }), ...errors },
          },
        },
        async (request, reply) => {
          const body = (request.body ?? {}) as { text?: unknown; lang?: unknown; channel?: unknown };
          const problems: FieldProblem[] = [];
          if (typeof body.text !== 'string' || body.text.trim() === '' || body.text.length > 2000) problems.push({ field: 'text', message: 'a text of 1–2000 characters is required' });
          if (body.lang !== undefined && (typeof body.lang !== 'string' || !isKnownLanguage(body.lang))) problems.push({ field: 'lang', message: `unknown language "${String(body.lang)}": use es, ca, gl, eu or en` });
          if (body.channel !== undefined && !(CHANNEL_IDS as readonly unknown[]).includes(body.channel)) problems.push({ field: 'channel', message: `unknown channel "${String(body.channel)}"` });
          if (problems.length > 0) return badRequest(reply, problems);
          return service.tryText(body.text as string, body.lang as (typeof LANGUAGES)[number] | undefined, (body.channel as ChannelId | undefined) ?? 'webchat');
        },
      );

      api.post(
        '/publish',
        { schema: { tags: ['editor'], summary: 'Publish the draft as a new version (trains off the request path, then swaps the live model)', body: Type.Object({ message: Type.String({ minLength: 1, maxLength: 500 }) }), response: { 201: VersionSchema, ...errors } } },
        async (request, reply) => reply.status(201).send(await service.publish((request.body as { message: string }).message, who(request))),
      );

      api.get('/publish/status', { schema: { tags: ['editor'], summary: 'Progress of the running (or last) publish', response: { 200: StatusSchema, ...errors } } }, async () => ({ ...service.progress }));

      api.get('/versions', { schema: { tags: ['editor'], summary: 'Version history, newest first, and what the draft changes', response: { 200: Type.Object({ live: Type.Number(), versions: Type.Array(VersionSchema), draft: DiffSchema }), ...errors } } }, async () => {
        const live = await editorStore.liveVersion();
        const [versions, liveVersion, draft] = await Promise.all([editorStore.listVersions(), editorStore.getVersion(live), editorStore.draftContent()]);
        const { diffContent } = await import('./diff.js');
        return { live, versions, draft: diffContent(liveVersion?.content, draft) };
      });

      api.post(
        '/versions/:n/rollback',
        {
          schema: {
            tags: ['editor'],
            summary: 'Make an old version live again (as a new version); the draft is kept unless `resetDraft` is true',
            params: Type.Object({ n: Type.Integer({ minimum: 1 }) }),
            // Optional body (older clients send none), checked below; the schema documents it.
            body: Type.Object({ resetDraft: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
            response: { 201: VersionSchema, ...errors },
          },
          validatorCompiler: ({ httpPart }) => (httpPart === 'body' ? () => true : (data: unknown) => ({ value: data })),
        },
        async (request, reply) => {
          const n = Number((request.params as { n: unknown }).n);
          const body = (request.body ?? {}) as { resetDraft?: unknown };
          const problems: FieldProblem[] = [];
          if (!Number.isInteger(n) || n < 1) problems.push({ field: 'n', message: 'the version must be a whole number from 1' });
          if (typeof body !== 'object' || Array.isArray(body)) problems.push({ field: '(root)', message: 'the body must be an object like {"resetDraft": false}' });
          else if (body.resetDraft !== undefined && typeof body.resetDraft !== 'boolean') problems.push({ field: 'resetDraft', message: 'must be true (replace the draft with the restored version) or false (keep the draft)' });
          else if (Object.keys(body).some((key) => key !== 'resetDraft')) problems.push({ field: '(root)', message: 'unknown field: a rollback takes only resetDraft' });
          if (problems.length > 0) return badRequest(reply, problems);
          return reply.status(201).send(await service.rollback(n, who(request), { resetDraft: body.resetDraft === true }));
        },
      );

      api.get('/unrecognized', { schema: { tags: ['editor'], summary: 'Unrecognised questions grouped by similarity', response: { 200: Type.Object({ groups: Type.Array(Type.Object({}, { additionalProperties: true })) }), ...errors } } }, async () => ({ groups: await inbox.groups() }));

      api.post(
        '/unrecognized/:id/assign',
        { schema: { tags: ['editor'], summary: 'Add the group to an intent as training utterances of the draft', params: IdParams, body: Type.Object({ intentId: Type.String({ minLength: 1, maxLength: 120 }) }), response: { 200: Type.Object({ added: Type.Number(), intentId: Type.String() }), ...errors } } },
        async (request) => inbox.assign((request.params as { id: string }).id, (request.body as { intentId: string }).intentId, who(request)),
      );

      api.post('/unrecognized/:id/dismiss', { schema: { tags: ['editor'], summary: 'Dismiss the group', params: IdParams, response: { 200: Type.Object({ dismissed: Type.Number() }), ...errors } } }, async (request) =>
        inbox.dismiss((request.params as { id: string }).id, who(request)),
      );

      api.get('/audit', { schema: { tags: ['editor'], summary: 'Audit log, newest first', response: { 200: Type.Object({ entries: Type.Array(Type.Object({}, { additionalProperties: true })) }), ...errors } } }, async () => ({ entries: await editorStore.listAudit(500) }));

      api.get(
        '/export',
        { schema: { tags: ['editor'], summary: 'Export the draft as config files (yaml/json) or utterances CSV', querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('yaml'), Type.Literal('json'), Type.Literal('csv')])), separator: Type.Optional(Type.Union([Type.Literal(','), Type.Literal(';')])) }), response: { 200: Type.Object({ files: Type.Array(Type.Object({ name: Type.String(), text: Type.String() })) }), ...errors } } },
        async (request) => {
          const { format = 'yaml', separator = ',' } = request.query as { format?: 'yaml' | 'json' | 'csv'; separator?: ',' | ';' };
          const content = await editorStore.draftContent();
          return { files: format === 'csv' ? [{ name: 'utterances.csv', text: exportUtterancesCsv(content, { separator }) }] : exportContentFiles(content, format) };
        },
      );

      api.post(
        '/import',
        { schema: { tags: ['editor'], summary: 'Import YAML/JSON/CSV files into the draft (all or nothing)', body: Type.Object({ files: Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), text: Type.String({ maxLength: 5_000_000 }) }), { minItems: 1, maxItems: 50 }), replace: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ created: Type.Number(), updated: Type.Number() }), ...errors } } },
        async (request, reply) => {
          const body = request.body as { files: { name: string; text: string }[]; replace?: boolean };
          const draftIds = new Set((await editorStore.listDraft()).map((i) => i.id));
          const { parsed, problems } = parseImport(body.files, draftIds, service.languages);
          if (parsed === undefined) {
            const message = problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`).join('; ');
            return sendError(reply, new HubError('HUB_ERR_BAD_PAYLOAD', message, { reply: { problems } }));
          }
          return editorStore.applyImport(parsed, who(request), { replace: body.replace === true, files: body.files.map((f) => f.name) });
        },
      );

      api.get(
        '/queues',
        { schema: { tags: ['editor'], summary: 'The handoff queues (config/queues.yaml) an intent may hand over to', response: { 200: Type.Object({ queues: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }), ...errors } } },
        async () => ({ queues: deps.queues.map((queue) => ({ id: queue.id, name: queue.name })) }),
      );

      api.get(
        '/channels',
        {
          schema: {
            tags: ['editor'],
            summary: "The content schema's limits, for the page's previews and fields",
            response: { 200: Type.Object({ limits: Type.Record(Type.String(), Type.Number()), answerMax: Type.Number(), shortMax: Type.Number(), titleMax: Type.Number(), idPattern: Type.String() }), ...errors },
          },
        },
        async () => ({ limits: { ...ANSWER_CHANNEL_LIMITS }, answerMax: ANSWER_TEXT_MAX, shortMax: SHORT_ANSWER_MAX, titleMax: TITLE_MAX, idPattern: INTENT_ID_PATTERN }),
      );
    },
    { prefix: '/api/editor' },
  );

  // The page and its assets: public files (the data behind them needs a session). The page is
  // served in the staff member's language, with its scripts' texts (see src/http/ui-texts.ts).
  const file = (name: string): string => fileURLToPath(new URL(name, `file://${deps.staticDir.endsWith('/') ? deps.staticDir : `${deps.staticDir}/`}`));
  const js = 'text/javascript; charset=utf-8';
  servePageFiles(app, {
    '/editor': { path: file('index.html'), type: 'text/html; charset=utf-8' },
    '/editor/editor.js': { path: file('editor.js'), type: js },
    '/editor/inbox.js': { path: file('inbox.js'), type: js },
    '/editor/slug.js': { path: file('slug.js'), type: js },
    '/editor/editor.css': { path: file('editor.css'), type: 'text/css; charset=utf-8' },
    '/editor/ui-texts.js': { path: UI_TEXTS_SCRIPT, type: js },
  });
}
