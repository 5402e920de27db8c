/**
 * The X channel: direct messages and public mentions of the official account, through
 * Account Activity webhooks or v2 polling, answered with twitter-api-v2.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TwitterApi, TwitterRateLimit } from 'twitter-api-v2';
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS, X_DM_TEXT_LIMIT } from '../../core/channel-limits.js';
import { HubError, isHubError } from '../../core/errors.js';
import type { InboundMessage, OutboundMessage, Recipient } from '../../core/message.js';
import { createXClient, xApiError } from './client.js';
import type { XConfig } from './config.js';
import { decodeAccountActivity, decodeV2DmEvent, decodeV2Mention, parseXWebhookBody, type V2DmEvent, type V2Tweet } from './decode.js';
import { DM_INVITATION, fitPublicText, maskPersonalData, needsPrivateChannel, PRIVACY_WARNING } from './privacy.js';

/** Direct messages: long private text, no buttons (v2 DMs have no quick replies). */
export const X_DM_CAPABILITIES: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: X_DM_TEXT_LIMIT, markup: 'none' };

/** Public replies to mentions: one post, the short answer variant. */
export const X_PUBLIC_CAPABILITIES: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: CHANNEL_TEXT_LIMITS.x, markup: 'none', preferShort: true };

export const X_DM_CURSOR = 'x:dm_events:newest_id';
export const X_MENTIONS_CURSOR = 'x:mentions:since_id';
/** Cursor value meaning "baseline taken, nothing existed yet": process everything that comes. */
const EMPTY_BASELINE = '0';
const MAX_PAGES = 10;

/** An X adapter also says which capabilities apply to a given recipient (DM vs public reply). */
export interface XChannelAdapter extends ChannelAdapter {
  capabilitiesFor(to: Recipient): ChannelCapabilities;
}

/** `sha256=` + base64 HMAC-SHA256 keyed with the consumer secret: the CRC answer and the webhook signature. */
export function xSignature(consumerSecret: string, data: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(data).digest('base64')}`;
}

function signatureMatches(expected: string, received: string | string[] | undefined): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/** Snowflake ids as numbers (they exceed 2^53, so compare as BigInt). */
function compareIds(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left === right ? 0 : left < right ? -1 : 1;
}

function isMention(to: Recipient): boolean {
  return to.conversationKey.startsWith('x:mention:');
}

function plainText(message: OutboundMessage, preferShort: boolean): string {
  if (message.kind !== 'text') {
    // X has no buttons and no attachments here: degrade() made both text (a numbered list, a link).
    throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `X sends text only; a ${message.kind} message was not degraded`);
  }
  return preferShort && message.short !== undefined && message.short !== '' ? message.short : message.text;
}

/**
 * What may be said in public for `message`: the short variant, never personal data, and an
 * invitation to continue by DM when the answer would ask for data or pass to a person.
 */
export function publicReplyText(message: OutboundMessage): string {
  const text = plainText(message, true);
  if (needsPrivateChannel(text)) return DM_INVITATION;
  return fitPublicText(maskPersonalData(text), X_PUBLIC_CAPABILITIES.maxTextLength);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

interface V2ListResponse<T> {
  readonly data?: readonly T[];
  readonly includes?: { readonly users?: readonly { readonly id: string; readonly name?: string }[] };
  readonly meta?: { readonly next_token?: string; readonly newest_id?: string; readonly result_count?: number };
}

/**
 * Builds the X channel. Webhook mode (`routes`, prefix `/webhooks/x`): GET answers the CRC, POST is
 * verified against `x-twitter-webhooks-signature` on the raw body (401 otherwise) and acknowledged
 * only after every decoded message was accepted by `deps.sink`. Polling mode (`start`/`stop`):
 * v2 DM events and mentions, `since_id` cursors in `deps.cursors` advanced one stored message at
 * a time (a restart neither re-answers nor skips), rate-limit headers respected; the very first
 * run only takes a baseline so years of history are not answered.
 * Sending: DMs as DMs; mentions as public replies built by {@link publicReplyText}; a mention that
 * carried personal data (`replyContext.privacy = 'warn'`) gets only {@link PRIVACY_WARNING}, once.
 */
export function createXChannel(config: XConfig, deps: ChannelDeps, client: TwitterApi = createXClient(config)): ChannelModule & { readonly adapter: XChannelAdapter } {
  const log = deps.logger;
  // One warning per offending tweet even if the pipeline produced several replies (same process).
  const warned = new Map<string, Promise<{ readonly id: string }>>();

  async function sendDm(to: Recipient, message: OutboundMessage): Promise<{ readonly id: string }> {
    const participantId = to.replyContext?.participantId ?? to.conversationKey.slice('x:dm:'.length);
    try {
      const result: unknown = await client.v2.sendDmToParticipant(participantId, { text: plainText(message, false) });
      // The API wraps the ids in `data` (twitter-api-v2 types them unwrapped): accept both.
      const body = (result ?? {}) as { data?: { dm_event_id?: string }; dm_event_id?: string };
      const id = body.data?.dm_event_id ?? body.dm_event_id;
      // Sent either way: never retry (that would send twice) just because the id is missing.
      return { id: id ?? `dm-to:${participantId}` };
    } catch (error) {
      const hubError = xApiError(error, 'send DM');
      // 403: the citizen blocked us or closed their DMs; retrying would only hit the same wall.
      if (hubError.details?.status === 403) await deps.markUnreachable?.(to.conversationKey);
      throw hubError;
    }
  }

  async function reply(tweetId: string, text: string): Promise<{ readonly id: string }> {
    try {
      const result = await client.v2.reply(text, tweetId);
      return { id: result.data.id };
    } catch (error) {
      throw xApiError(error, 'reply to mention');
    }
  }

  const adapter: XChannelAdapter = {
    channel: 'x',
    capabilities: X_DM_CAPABILITIES,
    capabilitiesFor: (to) => (isMention(to) ? X_PUBLIC_CAPABILITIES : X_DM_CAPABILITIES),
    async send(to, message) {
      if (!isMention(to)) {
        if (!to.conversationKey.startsWith('x:dm:')) throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `conversation key "${to.conversationKey}" is not an X DM or mention`);
        return sendDm(to, message);
      }
      const tweetId = to.replyContext?.tweetId;
      if (tweetId === undefined) throw new HubError('HUB_ERR_CHANNEL_PERMANENT', 'an X mention reply needs replyContext.tweetId');
      if (to.replyContext?.privacy === 'warn') {
        const previous = warned.get(tweetId);
        if (previous !== undefined) return previous;
        const sending = reply(tweetId, PRIVACY_WARNING);
        warned.set(tweetId, sending);
        sending.catch(() => warned.delete(tweetId));
        return sending;
      }
      return reply(tweetId, publicReplyText(message));
    },
  };

  async function acceptAll(messages: readonly InboundMessage[]): Promise<void> {
    for (const message of messages) await deps.sink.accept(message);
  }

  if (config.mode === 'webhook') {
    async function plugin(app: FastifyInstance): Promise<void> {
      app.removeAllContentTypeParsers();
      app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => {
        done(null, body);
      });

      // CRC challenge: https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/securing-webhooks
      app.get<{ Querystring: { crc_token?: string } }>('/', {
        schema: { querystring: { type: 'object', properties: { crc_token: { type: 'string', minLength: 1 } }, required: ['crc_token'] } },
      }, async (request) => {
        const token = request.query.crc_token ?? '';
        return { response_token: xSignature(config.appSecret, token) };
      });

      app.post('/', async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (!signatureMatches(xSignature(config.appSecret, body), request.headers['x-twitter-webhooks-signature'])) {
          return reply.code(401).send({ error: 'HUB_ERR_WEBHOOK_AUTH', message: 'missing or wrong x-twitter-webhooks-signature' });
        }
        try {
          await acceptAll(decodeAccountActivity(parseXWebhookBody(body), config.accountId));
        } catch (error) {
          if (isHubError(error, 'HUB_ERR_BAD_PAYLOAD')) return reply.code(400).send({ error: error.code, message: error.message });
          log.error({ channel: 'x', err: error instanceof Error ? error.message : String(error) }, 'x event not stored');
          return reply.code(500).send({ error: isHubError(error) ? error.code : 'HUB_ERR_STORE', message: 'event not stored; retry' });
        }
        return reply.code(200).send({ ok: true });
      });
    }
    return {
      adapter,
      routes: { prefix: '/webhooks/x', plugin },
      async start() {
        // Webhook intake lives in the routes; the subscription is managed in the X developer portal.
      },
      async stop() {
        // Nothing to release.
      },
    };
  }

  const notBefore = new Map<string, number>();

  function noteRateLimit(endpoint: string, rateLimit: TwitterRateLimit | undefined): void {
    // Out of calls for this window: skip the endpoint until X says the window resets.
    if (rateLimit !== undefined && rateLimit.remaining <= 0) notBefore.set(endpoint, rateLimit.reset * 1000);
  }

  function rateLimited(endpoint: string): boolean {
    const until = notBefore.get(endpoint);
    return until !== undefined && Date.now() < until;
  }

  async function fetchNewer<T extends { readonly id: string }>(
    endpoint: string,
    query: Record<string, string | number>,
    since: string | undefined,
    useSinceId: boolean,
  ): Promise<{ readonly items: T[]; readonly newest?: string; readonly names: Map<string, string> }> {
    const items: T[] = [];
    const names = new Map<string, string>();
    let newest: string | undefined;
    let token: string | undefined;
    let pages = 0;
    for (;;) {
      const params = {
        ...query,
        ...(useSinceId && since !== undefined && since !== EMPTY_BASELINE ? { since_id: since } : {}),
        ...(token === undefined ? {} : { pagination_token: token }),
      };
      const response = await client.v2.get<V2ListResponse<T>>(endpoint, params, { fullResponse: true });
      noteRateLimit(endpoint.replace(/\d+/g, ':id'), response.rateLimit);
      pages += 1;
      let reachedCursor = false;
      for (const user of response.data.includes?.users ?? []) if (user.name !== undefined) names.set(user.id, user.name);
      for (const item of response.data.data ?? []) {
        if (newest === undefined || compareIds(item.id, newest) > 0) newest = item.id;
        if (since !== undefined && since !== EMPTY_BASELINE && compareIds(item.id, since) <= 0) {
          reachedCursor = true;
          continue;
        }
        items.push(item);
      }
      token = response.data.meta?.next_token;
      // First run: one page is enough to take the baseline.
      if (since === undefined || reachedCursor || token === undefined || pages >= MAX_PAGES) break;
    }
    items.sort((a, b) => compareIds(a.id, b.id));
    return { items, names, ...(newest === undefined ? {} : { newest }) };
  }

  async function pollStream<T extends { readonly id: string }>(
    cursorName: string,
    endpoint: string,
    query: Record<string, string | number>,
    useSinceId: boolean,
    decode: (item: T, names: ReadonlyMap<string, string>) => InboundMessage | undefined,
  ): Promise<void> {
    if (rateLimited(endpoint.replace(/\d+/g, ':id'))) return;
    const since = await deps.cursors.get(cursorName);
    const { items, newest, names } = await fetchNewer<T>(endpoint, query, since, useSinceId);
    if (since === undefined) {
      await deps.cursors.set(cursorName, newest ?? EMPTY_BASELINE);
      log.info({ channel: 'x', cursor: cursorName, baseline: newest ?? EMPTY_BASELINE }, 'x polling baseline taken; earlier history is not answered');
      return;
    }
    for (const item of items) {
      const message = decode(item, names);
      if (message !== undefined) await deps.sink.accept(message);
      // Advanced per stored item, oldest first: a failure leaves the cursor just before it.
      await deps.cursors.set(cursorName, item.id);
    }
  }

  async function pollRound(): Promise<void> {
    const tasks: [string, () => Promise<void>][] = [
      ['dm_events', () => pollStream<V2DmEvent>(X_DM_CURSOR, 'dm_events', {
        'dm_event.fields': 'id,text,event_type,created_at,sender_id,attachments',
        event_types: 'MessageCreate',
        expansions: 'sender_id',
        'user.fields': 'name',
        max_results: 100,
      }, false, (event, names) => decodeV2DmEvent(event, config.accountId, names))],
      ['mentions', () => pollStream<V2Tweet>(X_MENTIONS_CURSOR, `users/${config.accountId}/mentions`, {
        'tweet.fields': 'id,text,author_id,created_at,lang',
        expansions: 'author_id',
        'user.fields': 'name',
        max_results: 100,
      }, true, (tweet, names) => decodeV2Mention(tweet, config.accountId, names))],
    ];
    for (const [name, task] of tasks) {
      try {
        await task();
      } catch (error) {
        const hubError = xApiError(error, `poll ${name}`);
        if (hubError.retryAfterMs !== undefined) notBefore.set(name === 'dm_events' ? 'dm_events' : 'users/:id/mentions', Date.now() + hubError.retryAfterMs);
        log.warn({ channel: 'x', err: hubError.message }, 'x polling failed; retrying next round');
      }
    }
  }

  let abort: AbortController | undefined;
  let loop: Promise<void> | undefined;
  return {
    adapter,
    /** Polls once right away, then every `pollIntervalMs`. */
    async start() {
      if (loop !== undefined) return;
      abort = new AbortController();
      const signal = abort.signal;
      loop = (async () => {
        while (!signal.aborted) {
          await pollRound();
          await sleep(config.pollIntervalMs, signal);
        }
      })();
    },
    async stop() {
      abort?.abort();
      await loop;
      loop = undefined;
      abort = undefined;
    },
  };
}
