/**
 * A fake Telegram Bot API on loopback for adapter tests: records every call, serves queued
 * updates to `getUpdates` (offset semantics as documented), and fails on demand (429/403/500).
 * https://core.telegram.org/bots/api#making-requests
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelDeps } from '../../src/core/channel-port.js';
import type { InboundMessage } from '../../src/core/message.js';

export interface RecordedCall {
  readonly method: string;
  readonly token: string;
  readonly body: Record<string, unknown>;
}

export interface ProgrammedFailure {
  /** HTTP status to answer with. */
  readonly status: number;
  readonly description?: string;
  /** For 429: `parameters.retry_after` in seconds. */
  readonly retryAfter?: number;
  /** Never answer (the client's timeout fires). */
  readonly hang?: boolean;
}

export interface FakeTelegramApi {
  /** e.g. `http://127.0.0.1:43121` — pass as `TELEGRAM_API_ROOT`. */
  readonly apiRoot: string;
  readonly calls: RecordedCall[];
  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[];
  /** Queues an update for `getUpdates` (`update_id` assigned when absent). Returns the update id. */
  pushUpdate(update: Record<string, unknown>): number;
  /** Makes the next `count` calls of `method` fail. */
  failNext(method: string, failure: ProgrammedFailure, count?: number): void;
  /** Resolves once `method` has been called at least `count` times in total. */
  waitForCalls(method: string, count: number, timeoutMs?: number): Promise<RecordedCall[]>;
  close(): Promise<void>;
}

export const FAKE_BOT = { id: 777000111, is_bot: true, first_name: 'Ventanilla', username: 'ventanilla_test_bot' } as const;

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const type = request.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

/** Starts the fake on 127.0.0.1 with an OS-chosen port. */
export async function startFakeTelegramApi(): Promise<FakeTelegramApi> {
  const calls: RecordedCall[] = [];
  const failures = new Map<string, ProgrammedFailure[]>();
  const pending: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  let nextUpdateId = 1000;
  let nextMessageId = 1;
  let pollWake: (() => void) | undefined;

  function notify(): void {
    for (const waiter of [...waiters]) waiter();
  }

  function json(response: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
    if (match === null || match[1] === undefined || match[2] === undefined) {
      json(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const token = match[1];
    const method = match[2];
    const body = await readBody(request);
    calls.push({ method, token, body });
    notify();

    const queue = failures.get(method);
    const failure = queue?.shift();
    if (failure !== undefined) {
      if (failure.hang === true) {
        hanging.add(response);
        return;
      }
      json(response, failure.status, {
        ok: false,
        error_code: failure.status,
        description: failure.description ?? `Error ${failure.status}`,
        ...(failure.retryAfter === undefined ? {} : { parameters: { retry_after: failure.retryAfter } }),
      });
      return;
    }

    switch (method) {
      case 'getMe':
        json(response, 200, { ok: true, result: FAKE_BOT });
        return;
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument': {
        const messageId = nextMessageId++;
        json(response, 200, {
          ok: true,
          result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(body.chat_id), type: 'private' }, from: FAKE_BOT, text: body.text },
        });
        return;
      }
      case 'getUpdates': {
        const offset = typeof body.offset === 'number' ? body.offset : Number(body.offset ?? 0);
        // Updates below the offset are confirmed: forget them, as Telegram does.
        while (pending.length > 0 && Number(pending[0]?.update_id) < offset) pending.shift();
        if (pending.length === 0) {
          // Hold briefly like long polling, but wake up as soon as an update is pushed.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 200);
            pollWake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          pollWake = undefined;
        }
        json(response, 200, { ok: true, result: pending.slice(0, 100) });
        return;
      }
      case 'answerCallbackQuery':
      case 'setWebhook':
      case 'deleteWebhook':
        json(response, 200, { ok: true, result: true });
        return;
      default:
        json(response, 404, { ok: false, error_code: 404, description: `Not Found: method ${method}` });
    }
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      json(response, 500, { ok: false, error_code: 500, description: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method),
    pushUpdate(update) {
      const updateId = typeof update.update_id === 'number' ? update.update_id : nextUpdateId++;
      pending.push({ ...update, update_id: updateId });
      pollWake?.();
      return updateId;
    },
    failNext(method, failure, count = 1) {
      const queue = failures.get(method) ?? [];
      for (let index = 0; index < count; index += 1) queue.push(failure);
      failures.set(method, queue);
    },
    waitForCalls(method, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const matching = calls.filter((call) => call.method === method);
          if (matching.length >= count) {
            waiters.delete(waiter);
            clearTimeout(timer);
            resolve(matching);
            return true;
          }
          return false;
        };
        const waiter = (): void => {
          check();
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out waiting for ${count} ${method} call(s); saw ${calls.filter((call) => call.method === method).length}`));
        }, timeoutMs);
        waiters.add(waiter);
        check();
      });
    },
    async close() {
      pollWake?.();
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


/** In-memory ChannelDeps: a sink that dedupes on message id like the store, and plain cursors. */
export interface MemoryChannelDeps extends ChannelDeps {
  /** Every accepted message, duplicates included, in order. */
  readonly accepted: InboundMessage[];
  /** Unique messages (first acceptance of each id). */
  readonly stored: InboundMessage[];
  readonly cursorValues: Map<string, string>;
  readonly unreachable: string[];
  /** Makes the next `count` accept() calls reject (store down). */
  failAccept(count?: number): void;
}

export function createMemoryChannelDeps(initialCursors: Record<string, string> = {}): MemoryChannelDeps {
  const accepted: InboundMessage[] = [];
  const stored: InboundMessage[] = [];
  const seen = new Set<string>();
  const cursorValues = new Map(Object.entries(initialCursors));
  const unreachable: string[] = [];
  let failures = 0;
  const noop = (): void => undefined;
  return {
    accepted,
    stored,
    cursorValues,
    unreachable,
    failAccept(count = 1) {
      failures += count;
    },
    sink: {
      async accept(message) {
        if (failures > 0) {
          failures -= 1;
          throw new Error('store unavailable');
        }
        accepted.push(message);
        const duplicate = seen.has(message.id);
        if (!duplicate) {
          seen.add(message.id);
          stored.push(message);
        }
        return { duplicate, conversationId: message.conversationKey };
      },
    },
    logger: { info: noop, warn: noop, error: noop, debug: noop },
    cursors: {
      async get(name) {
        return cursorValues.get(name);
      },
      async set(name, value) {
        cursorValues.set(name, value);
      },
    },
    async markUnreachable(conversationKey) {
      unreachable.push(conversationKey);
    },
  };
}
