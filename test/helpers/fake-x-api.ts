/**
 * A fake X API v2 on loopback: DM events, mentions timeline, DM send and tweet create, with
 * `x-rate-limit-*` headers and programmable failures. Sent DMs and replies show up in the
 * timelines as the account's own events, as on X, so echo filtering is exercised.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export { createMemoryChannelDeps, type MemoryChannelDeps } from './fake-telegram-api.js';

export interface XRecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

export interface XFailure {
  readonly status: number;
  /** For 429: seconds until `x-rate-limit-reset`. */
  readonly resetInSeconds?: number;
}

export interface FakeXApi {
  readonly baseUrl: string;
  readonly accountId: string;
  readonly calls: XRecordedCall[];
  callsTo(method: string, pathPattern: RegExp): XRecordedCall[];
  /** Adds an incoming DM from `senderId`; returns its event id. */
  pushDm(senderId: string, text: string): string;
  /** Adds a mention of the account by `authorId`; returns the tweet id. */
  pushMention(authorId: string, text: string): string;
  /** DMs the account sent, in order. */
  readonly sentDms: { readonly to: string; readonly text: string; readonly id: string }[];
  /** Public replies the account posted, in order. */
  readonly replies: { readonly inReplyTo: string; readonly text: string; readonly id: string }[];
  failNext(method: string, pathPattern: RegExp, failure: XFailure, count?: number): void;
  /** Sets `x-rate-limit-remaining` for the next response of matching requests. */
  setRemaining(pathPattern: RegExp, remaining: number, resetInSeconds: number): void;
  close(): Promise<void>;
}

interface DmEvent { id: string; event_type: 'MessageCreate'; text: string; sender_id: string; created_at: string; dm_conversation_id: string }
interface Tweet { id: string; text: string; author_id: string; created_at: string; lang: string }

export async function startFakeXApi(accountId = '1500000000000000001'): Promise<FakeXApi> {
  const calls: XRecordedCall[] = [];
  const dmEvents: DmEvent[] = [];
  const mentions: Tweet[] = [];
  const sentDms: { to: string; text: string; id: string }[] = [];
  const replies: { inReplyTo: string; text: string; id: string }[] = [];
  const failures: { method: string; pattern: RegExp; failure: XFailure }[] = [];
  const remaining: { pattern: RegExp; remaining: number; resetInSeconds: number }[] = [];
  // Snowflake-like ids above 2^53, increasing.
  let nextId = 1800000000000000000n;
  const newId = (): string => String(nextId++);

  function json(response: ServerResponse, status: number, body: unknown, path: string): void {
    const limit = remaining.find((entry) => entry.pattern.test(path));
    if (limit !== undefined) remaining.splice(remaining.indexOf(limit), 1);
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-rate-limit-limit': '300',
      'x-rate-limit-remaining': String(limit?.remaining ?? 299),
      'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + (limit?.resetInSeconds ?? 900)),
    });
    response.end(text);
  }

  function page<T extends { id: string }>(items: T[], query: Record<string, string>): { data?: T[]; meta: Record<string, unknown> } {
    let list = [...items].reverse(); // newest first, as X returns them
    if (query.since_id !== undefined) list = list.filter((item) => BigInt(item.id) > BigInt(query.since_id ?? '0'));
    const size = Number(query.max_results ?? 100);
    const start = Number(query.pagination_token ?? 0);
    const slice = list.slice(start, start + size);
    const meta: Record<string, unknown> = { result_count: slice.length };
    if (slice.length > 0) {
      meta.newest_id = slice[0]?.id;
      meta.oldest_id = slice[slice.length - 1]?.id;
    }
    if (start + size < list.length) meta.next_token = String(start + size);
    return slice.length === 0 ? { meta } : { data: slice, meta };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    const method = request.method ?? 'GET';
    const path = url.pathname;
    calls.push({ method, path, query: Object.fromEntries(url.searchParams), body, authorization: request.headers.authorization });

    const failure = failures.find((entry) => entry.method === method && entry.pattern.test(path));
    if (failure !== undefined) {
      failures.splice(failures.indexOf(failure), 1);
      if (failure.failure.resetInSeconds !== undefined) remaining.unshift({ pattern: /.*/, remaining: 0, resetInSeconds: failure.failure.resetInSeconds });
      json(response, failure.failure.status, { title: `Error ${failure.failure.status}`, detail: 'programmed failure', status: failure.failure.status }, path);
      return;
    }
    if (!(request.headers.authorization ?? '').startsWith('OAuth ')) {
      json(response, 401, { title: 'Unauthorized', status: 401 }, path);
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    if (method === 'GET' && path === '/2/dm_events') {
      json(response, 200, page(dmEvents, query), path);
      return;
    }
    const mentionsMatch = /^\/2\/users\/(\d+)\/mentions$/.exec(path);
    if (method === 'GET' && mentionsMatch !== null) {
      json(response, 200, page(mentions.filter((tweet) => tweet.author_id !== accountId || tweet.text.includes('@')), query), path);
      return;
    }
    const dmMatch = /^\/2\/dm_conversations\/with\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && dmMatch?.[1] !== undefined) {
      const id = newId();
      const to = dmMatch[1];
      sentDms.push({ to, text: String(body.text), id });
      dmEvents.push({ id, event_type: 'MessageCreate', text: String(body.text), sender_id: accountId, created_at: new Date().toISOString(), dm_conversation_id: `${to}-${accountId}` });
      json(response, 201, { data: { dm_conversation_id: `${to}-${accountId}`, dm_event_id: id } }, path);
      return;
    }
    if (method === 'POST' && path === '/2/tweets') {
      const id = newId();
      const reply = body.reply as { in_reply_to_tweet_id?: string } | undefined;
      replies.push({ inReplyTo: String(reply?.in_reply_to_tweet_id), text: String(body.text), id });
      json(response, 201, { data: { id, text: body.text, edit_history_tweet_ids: [id] } }, path);
      return;
    }
    json(response, 404, { title: 'Not Found', status: 404 }, path);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { title: String(error) }, ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountId,
    calls,
    callsTo: (method, pattern) => calls.filter((call) => call.method === method && pattern.test(call.path)),
    pushDm(senderId, text) {
      const id = newId();
      dmEvents.push({ id, event_type: 'MessageCreate', text, sender_id: senderId, created_at: new Date().toISOString(), dm_conversation_id: `${senderId}-${accountId}` });
      return id;
    },
    pushMention(authorId, text) {
      const id = newId();
      mentions.push({ id, text, author_id: authorId, created_at: new Date().toISOString(), lang: 'es' });
      return id;
    },
    sentDms,
    replies,
    failNext(method, pathPattern, failure, count = 1) {
      for (let index = 0; index < count; index += 1) failures.push({ method, pattern: pathPattern, failure });
    },
    setRemaining(pathPattern, left, resetInSeconds) {
      remaining.push({ pattern: pathPattern, remaining: left, resetInSeconds });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
