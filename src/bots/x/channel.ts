/**
 * The X channel: direct messages and public mentions of the official account, through
 * Account Activity webhooks (`../webhook.ts`) or v2 polling, answered by `outbound.ts`.
 */
import type { TwitterApi, TwitterRateLimit } from 'twitter-api-v2';
import type { ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import type { InboundMessage } from '../../core/message.js';
import { webhookPlugin } from '../webhook.js';
import { createXClient, xApiError } from './client.js';
import type { XConfig } from './config.js';
import { decodeV2DmEvent, decodeV2Mention, xWebhookInbound, type V2DmEvent, type V2Tweet } from './inbound.js';
import { createXAdapter, type XChannelAdapter } from './outbound.js';

export const X_DM_CURSOR = 'x:dm_events:newest_id';
export const X_MENTIONS_CURSOR = 'x:mentions:since_id';
/** Cursor value meaning "baseline taken, nothing existed yet": process everything that comes. */
const EMPTY_BASELINE = '0';
const MAX_PAGES = 10;

/** Snowflake ids as numbers (they exceed 2^53, so compare as BigInt). */
function compareIds(a: string, b: string): number {
  const left = BigInt(a);
  const right = BigInt(b);
  return left === right ? 0 : left < right ? -1 : 1;
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
 * carried personal data (`replyContext.privacy = 'warn'`) gets only the privacy warning, once, in the mention's language.
 */
export function createXChannel(config: XConfig, deps: ChannelDeps, client: TwitterApi = createXClient(config)): ChannelModule & { readonly adapter: XChannelAdapter } {
  const log = deps.logger;
  const adapter = createXAdapter(client, deps);

  async function acceptAll(messages: readonly InboundMessage[]): Promise<void> {
    for (const message of messages) await deps.sink.accept(message);
  }

  if (config.mode === 'webhook') {
    const plugin = webhookPlugin({ channel: 'x', logger: log, ...xWebhookInbound(config.appSecret, config.accountId), store: acceptAll });
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
