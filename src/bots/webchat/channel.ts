/**
 * The self-hosted web chat channel: a JSON + Server-Sent Events API under `/webchat` that the page
 * at `/` and the embeddable widget (`src/web/static/widget.js`) talk to. It needs no credentials:
 * a browser session is an unguessable random id the browser keeps in localStorage.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ChannelAdapter, ChannelDeps, ChannelModule, SendContext } from '../../core/channel-port.js';
import { HubError } from '../../core/errors.js';
import { feedbackChoices } from '../../core/feedback-payload.js';
import type { HubEventMap, HubEvents } from '../../core/events.js';
import type { OutboundMessage, Recipient } from '../../core/message.js';
import type { TranscriptEntry } from '../../core/store/types.js';
import { WEBCHAT_HISTORY_LIMIT, WEBCHAT_LIMIT_DEFAULTS, WEBCHAT_PREFIX, type WebchatLimits } from './config.js';
import { decodeWebchatMessage, MessageBody, SESSION_ID, webchatConversationKey } from './inbound.js';
import { registerWebchatLimits, STREAM_RETRY_AFTER_MS } from './limits.js';
import { isCitizenVisible, itemFromEntry, itemFromMessage, WEBCHAT_CAPABILITIES, WebchatItem, withLanguage } from './outbound.js';
import { WIDGET_TEXTS_RESPONSE, widgetTexts } from './texts.js';
import { ReplyReconciler } from './reconcile.js';
import { SseStreams } from './streams.js';
import { TypingRelay } from './typing.js';

export interface WebchatDeps extends ChannelDeps {
  /** The transcript of a conversation by key, oldest first; empty when the conversation does not exist. */
  readonly history: (conversationKey: string) => Promise<readonly TranscriptEntry[]>;
  /** Committed transcript entries are streamed to the browser from here (agent replies included). */
  readonly events: HubEvents;
  /**
   * Origins allowed to call the API from another site (the embeddable widget). Default `'*'`:
   * safe because nothing is authorised by cookies; the session id travels in the body or query.
   */
  readonly allowedOrigins?: '*' | readonly string[];
  /** Request limits (config `webchat.limits`); each missing one takes its {@link WEBCHAT_LIMIT_DEFAULTS} value. */
  readonly limits?: Partial<WebchatLimits>;
  /** Where the limits count (@fastify/rate-limit store); default: this process's memory. */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor;
  /** Records 👍/👎 on a bot answer (`POST /api/feedback`); without it that route answers 404. */
  readonly feedback?: (conversationKey: string, outboxId: string, value: 'up' | 'down') => Promise<'recorded' | 'changed' | 'unchanged' | 'unknown-answer'>;
}

/**
 * `text` with every web chat session id replaced by `[redacted]` (in `webchat:<id>` conversation
 * keys and `sessionId=<id>` query strings): the id is the citizen's only credential and must not
 * reach a log.
 */
export function redactWebchatSecrets(text: string): string {
  return text.replace(/(webchat:)[A-Za-z0-9_-]+|(sessionId=)[^&#\s"]*/g, (_match, key: string | undefined, query: string | undefined) => `${key ?? query ?? ''}[redacted]`);
}

const ERROR = Type.Object({ statusCode: Type.Number(), code: Type.Optional(Type.String()), error: Type.String(), message: Type.String() });

const SessionQuery = Type.Object({ sessionId: SESSION_ID });
const FeedbackBody = Type.Object(
  {
    sessionId: SESSION_ID,
    ref: Type.String({ pattern: '^[A-Za-z0-9_-]{1,48}$', description: 'The `feedbackRef` of the rated item' }),
    value: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  },
  { additionalProperties: false },
);

/**
 * Builds the web chat channel.
 *
 * - `adapter.send` streams the message to every open event stream of the session and resolves
 *   `{ id }` even when none is open (the browser then reads it from history when it reconnects).
 *   Replies whose transcript entry was already streamed (from the `transcript` event) are not
 *   streamed again.
 * - `routes` (prefix `/webchat`): `POST /api/sessions`, `POST /api/messages` (202 only after
 *   `deps.sink.accept` resolved; deduplicated per session on `clientMessageId`), `GET /api/texts`
 *   (the widget's own texts per language), `GET /api/history`,
 *   `GET /api/events` (SSE; every stream is ended when the app closes).
 */
export function createWebchatChannel(deps: WebchatDeps): ChannelModule {
  const streams = new SseStreams();
  const reconciler = new ReplyReconciler();
  // conversationId → sessionId, learned from accepted messages, history reads and conversation
  // events; the transcript event only names the conversation id. A cache: bounded, rebuilt on use.
  const sessions = new BoundedMap<string, string>(50_000);
  // Session ids this process has issued or seen: a message in any other counts as a new session,
  // so ids made up by a client (any 24 characters pass the schema) are capped like created ones.
  const seenSessions = new BoundedMap<string, true>(50_000);
  const limits: WebchatLimits = { ...WEBCHAT_LIMIT_DEFAULTS, ...deps.limits };

  // "Ventanilla está escribiendo…" only while a bot turn runs; "<agente> está escribiendo…" while the agent types.
  const typing = new TypingRelay({ events: deps.events, sessionOf: (id) => sessions.get(id), push: (sessionId, event) => void streams.push(sessionId, event) });

  const learn = (conversationId: string | undefined, sessionId: string): void => {
    if (conversationId === undefined) return;
    sessions.set(conversationId, sessionId);
    typing.learned(conversationId, sessionId);
  };

  const onTranscript = ({ conversationId, entry }: HubEventMap['transcript'][0]): void => {
    const sessionId = sessions.get(conversationId);
    // Citizen entries are not echoed: the tab that sent one already shows it; history has it.
    if (sessionId === undefined || entry.author === 'citizen' || !isCitizenVisible(entry)) return;
    const item = itemFromEntry(entry);
    if (!reconciler.fromTranscript(entry.outboxId)) return;
    streams.push(sessionId, { id: item.id, event: 'message', data: item });
  };
  const onConversation = ({ conversation }: HubEventMap['conversation'][0]): void => {
    const sessionId = sessionOfKey(conversation.conversationKey);
    if (sessionId !== undefined) learn(conversation.id, sessionId);
  };
  let subscribed = false;
  const subscribe = (): void => {
    if (subscribed) return;
    subscribed = true;
    deps.events.on('transcript', onTranscript);
    deps.events.on('conversation', onConversation);
    typing.start();
  };
  const unsubscribe = (): void => {
    subscribed = false;
    deps.events.off('transcript', onTranscript);
    deps.events.off('conversation', onConversation);
    typing.stop();
  };

  const adapter: ChannelAdapter = {
    channel: 'webchat',
    capabilities: WEBCHAT_CAPABILITIES,
    async send(to: Recipient, message: OutboundMessage, context?: SendContext): Promise<{ readonly id: string }> {
      const id = randomUUID();
      const sessionId = sessionOfKey(to.conversationKey) ?? to.participant.id;
      const sent = withLanguage(itemFromMessage(`s${id}`, 'bot', message, new Date().toISOString()), to.language);
      // A rateable answer streamed by this path is rated by the same ref as its history item.
      const item = feedbackChoices(message, context?.outboxId) === undefined || context === undefined ? sent : { ...sent, feedbackRef: context.outboxId };
      if (reconciler.fromSend(context?.outboxId)) {
        streams.push(sessionId, { id: item.id, event: 'message', data: item });
      }
      return { id };
    },
  };

  const plugin = async (app: FastifyInstance): Promise<void> => {
    subscribe();
    const limiter = await registerWebchatLimits(app, limits, deps.rateLimitStore);
    const api = app.withTypeProvider<TypeBoxTypeProvider>();
    const allowed = deps.allowedOrigins ?? '*';
    const corsHeaders = (request: FastifyRequest): Record<string, string> => {
      const origin = request.headers.origin;
      if (allowed === '*') return { 'access-control-allow-origin': '*' };
      if (origin !== undefined && allowed.includes(origin)) return { 'access-control-allow-origin': origin, vary: 'Origin' };
      return {};
    };
    // The widget runs on other sites' pages: without CORS the browser would hide every answer.
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(corsHeaders(request));
    });
    // preClose runs before the HTTP server waits for open connections: streams must end first.
    app.addHook('preClose', async () => {
      streams.closeAll();
    });
    app.addHook('onClose', async () => {
      streams.closeAll();
      unsubscribe();
    });

    api.options('/api/*', {
      schema: { hide: true, response: { 204: Type.Null() } },
    }, async (_request, reply) => {
      reply
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type')
        .header('access-control-max-age', '600')
        .code(204)
        .send(null);
    });

    api.post('/api/sessions', {
      schema: {
        summary: 'Start a web chat session',
        response: { 200: Type.Object({ sessionId: SESSION_ID }), 429: ERROR },
      },
    }, async (request, reply) => {
      await limiter.takeNewSession(request, reply);
      const sessionId = randomBytes(18).toString('base64url');
      seenSessions.set(sessionId, true);
      return { sessionId };
    });

    api.post('/api/messages', {
      schema: {
        summary: 'Send a citizen message (text or a choice button payload)',
        body: MessageBody,
        response: { 202: Type.Object({ accepted: Type.Literal(true), duplicate: Type.Boolean() }), 400: ERROR, 429: ERROR },
      },
    }, async (request, reply) => {
      const body = request.body;
      await limiter.takeMessage(request, reply);
      if (seenSessions.get(body.sessionId) === undefined) {
        // Behind a load balancer another instance may have seen it: a conversation in the store is
        // not a new one (read once per session and instance; new sessions read an empty transcript).
        const known = (await deps.history(webchatConversationKey(body.sessionId))).length > 0;
        if (!known) await limiter.takeNewSession(request, reply);
        seenSessions.set(body.sessionId, true);
      }
      const inbound = decodeWebchatMessage(body, new Date());
      const conversationKey = inbound.conversationKey;
      const result = await deps.sink.accept(inbound);
      learn(result.conversationId, body.sessionId);
      deps.logger.debug({ conversationKey, duplicate: result.duplicate, kind: inbound.kind }, 'webchat message accepted');
      return reply.code(202).send({ accepted: true, duplicate: result.duplicate });
    });

    api.get('/api/texts', {
      schema: {
        summary: "The widget's own texts in each language (from the message catalogues)",
        response: { 200: WIDGET_TEXTS_RESPONSE },
      },
    }, async (_request, reply) => {
      // The same for every visitor until a restart: let browsers and proxies keep it a while.
      reply.header('cache-control', 'public, max-age=300');
      return widgetTexts();
    });

    api.post('/api/feedback', {
      schema: {
        summary: 'Rate a bot answer 👍/👎 (idempotent: a repeat of the same rating records nothing new)',
        body: FeedbackBody,
        response: { 200: Type.Object({ status: Type.Union([Type.Literal('recorded'), Type.Literal('changed'), Type.Literal('unchanged')]) }), 400: ERROR, 404: ERROR, 429: ERROR },
      },
    }, async (request, reply) => {
      const body = request.body;
      await limiter.takeMessage(request, reply);
      const record = deps.feedback;
      if (record === undefined) throw new HubError('HUB_ERR_NOT_FOUND', 'this hub records no feedback');
      const status = await record(webchatConversationKey(body.sessionId), body.ref, body.value);
      if (status === 'unknown-answer') throw new HubError('HUB_ERR_NOT_FOUND', 'ref: no bot answer with this ref in this conversation');
      return { status };
    });

    api.get('/api/history', {
      schema: {
        summary: 'The visible transcript of a session (empty for an unknown session)',
        querystring: SessionQuery,
        response: { 200: Type.Object({ items: Type.Array(WebchatItem) }) },
      },
    }, async (request) => {
      const sessionId = request.query.sessionId;
      const entries = await deps.history(webchatConversationKey(sessionId));
      learn(entries[0]?.conversationId, sessionId);
      const items: WebchatItem[] = entries.filter(isCitizenVisible).map(itemFromEntry);
      return { items: items.slice(-WEBCHAT_HISTORY_LIMIT) };
    });

    api.get('/api/events', {
      schema: {
        summary: 'Server-Sent Events: `message` events carry one item (`id` is the item id); `typing` events say who is typing (`bot`, `agent` with its name, or `none`)',
        querystring: SessionQuery,
        produces: ['text/event-stream'],
        response: { 429: ERROR },
      },
    }, async (request, reply) => {
      const sessionId = request.query.sessionId;
      if (streams.count(sessionId) >= limits.streamsPerSession) {
        // Refused rather than closing an older tab's stream: that tab would reconnect and refuse back.
        reply.header('retry-after', String(STREAM_RETRY_AFTER_MS / 1000));
        throw new HubError('HUB_ERR_RATE_LIMITED', `this conversation already has ${limits.streamsPerSession} open event streams: close a tab or try again later`, {
          retryAfterMs: STREAM_RETRY_AFTER_MS,
        });
      }
      // From here on the response is ours: fastify must not serialise or end it.
      reply.hijack();
      streams.open(sessionId, reply.raw, corsHeaders(request));
      // After a restart nothing maps this session's conversation id yet; history knows it.
      deps.history(webchatConversationKey(sessionId)).then(
        (entries) => learn(entries[0]?.conversationId, sessionId),
        (error: unknown) => deps.logger.warn({ err: error, sessionIdLength: sessionId.length }, 'webchat: history lookup failed'),
      );
    });
  };

  return {
    adapter,
    routes: { prefix: WEBCHAT_PREFIX, plugin },
    async stop(): Promise<void> {
      streams.closeAll();
      unsubscribe();
    },
  };
}

function sessionOfKey(conversationKey: string): string | undefined {
  return conversationKey.startsWith('webchat:') ? conversationKey.slice('webchat:'.length) : undefined;
}

/** A Map that forgets its least recently set key beyond `limit` entries. */
class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly limit: number) {}
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
}
