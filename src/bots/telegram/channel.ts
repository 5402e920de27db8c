/**
 * The Telegram channel: webhook routes or long-polling intake, and the sending adapter.
 * Calls the Bot API through telegraf's `Telegram` client (`apiRoot` points tests at loopback).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Telegraf, TelegramError } from 'telegraf';
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { HubError, channelHttpError, channelNetworkError, isHubError } from '../../core/errors.js';
import type { InboundMessage, OutboundMessage, Recipient } from '../../core/message.js';
import type { TelegramConfig } from './config.js';
import { decodeTelegramUpdate, isGroupUpdate, parseTelegramUpdate, type TelegramBotIdentity } from './decode.js';

/** Cursor name under which polling keeps the next `getUpdates` offset. */
export const TELEGRAM_OFFSET_CURSOR = 'telegram:getUpdates:offset';

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  // Inline keyboards: we lay out one button per row; Telegram allows up to 100 buttons.
  choices: 10,
  attachments: true,
  maxTextLength: CHANNEL_TEXT_LIMITS.telegram,
  markup: 'markdown-v2',
  // `callback_data` is limited to 1-64 bytes: https://core.telegram.org/bots/api#inlinekeyboardbutton
  buttons: { payloadMaxBytes: 64 },
};

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

type TelegramApi = Telegraf['telegram'];
type TelegrafCallOptions = NonNullable<Parameters<TelegramApi['callApi']>[2]>;

/** telegraf types its `signal` with the old `abort-controller` shim; node-fetch accepts the native one. */
function withSignal(signal: AbortSignal): TelegrafCallOptions {
  return { signal: signal as unknown as TelegrafCallOptions['signal'] };
}

function secretMatches(expected: Buffer, received: string | string[] | undefined): boolean {
  if (typeof received !== 'string') return false;
  const given = Buffer.from(received, 'utf8');
  // timingSafeEqual needs equal lengths; comparing against itself keeps the time flat on a length mismatch.
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}

/** Maps a Bot API failure to the outbox policy (429/5xx/network → retryable; others permanent), the cause in plain words. */
export function telegramSendError(error: unknown, method: string): HubError {
  if (isHubError(error)) return error;
  if (error instanceof TelegramError) {
    const retryAfter = error.parameters?.retry_after;
    return channelHttpError('telegram', error.code, `${method}: ${error.description}`, retryAfter === undefined ? undefined : retryAfter * 1000);
  }
  // No HTTP answer: say why (refused, timeout, DNS, TLS) instead of node-fetch's bare message.
  return channelNetworkError('telegram', method, error);
}

function chatIdOf(to: Recipient): string {
  const fromContext = to.replyContext?.chatId;
  if (fromContext !== undefined) return fromContext;
  const prefix = 'telegram:';
  if (!to.conversationKey.startsWith(prefix)) {
    throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `conversation key "${to.conversationKey}" is not a Telegram chat`);
  }
  return to.conversationKey.slice(prefix.length);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * Builds the Telegram channel. In `webhook` mode `routes` registers POST `/webhooks/telegram`
 * (secret header checked in constant time before the body is read; 200 only after
 * `deps.sink.accept` resolved). In `polling` mode `start()` runs a `getUpdates` loop whose offset
 * is kept in `deps.cursors`, so a restart neither re-answers nor skips; `stop()` ends it.
 * `adapter.send` throws retryable HubErrors on 429 (with `retryAfterMs`), 5xx and timeouts, and a
 * permanent one on 403 after calling `deps.markUnreachable`.
 */
export function createTelegramChannel(config: TelegramConfig, deps: ChannelDeps): ChannelModule {
  const telegram: TelegramApi = new Telegraf(config.botToken, { telegram: { apiRoot: config.apiRoot } }).telegram;
  const log = deps.logger;
  let botIdentity: TelegramBotIdentity | undefined;
  let botIdentityPromise: Promise<TelegramBotIdentity> | undefined;

  function callTimeout(): AbortSignal {
    return AbortSignal.timeout(config.requestTimeoutMs);
  }

  function loadBotIdentity(): Promise<TelegramBotIdentity> {
    botIdentityPromise ??= telegram
      .callApi('getMe', {}, withSignal(callTimeout()))
      .then((me) => {
        botIdentity = { id: me.id, username: me.username };
        return botIdentity;
      })
      .catch((error: unknown) => {
        botIdentityPromise = undefined; // try again on the next group message
        throw telegramSendError(error, 'getMe');
      });
    return botIdentityPromise;
  }

  /** Decodes and stores one update; returns the decoded message (undefined when ignored). */
  async function ingest(update: Record<string, unknown>): Promise<InboundMessage | undefined> {
    // Group messages count only when addressed to the bot, which needs its username.
    const identity = isGroupUpdate(update) ? await loadBotIdentity() : botIdentity;
    const decoded = decodeTelegramUpdate(update, identity);
    if (decoded.status === 'ignored') {
      log.debug({ channel: 'telegram', updateId: update.update_id, reason: decoded.reason }, 'telegram update ignored');
      return undefined;
    }
    await deps.sink.accept(decoded.message);
    if (decoded.callbackQueryId !== undefined) {
      // Stops the button's spinner. Done after storing, and never allowed to fail the intake.
      telegram.callApi('answerCallbackQuery', { callback_query_id: decoded.callbackQueryId }, withSignal(callTimeout())).catch((error: unknown) => {
        log.warn({ channel: 'telegram', err: telegramSendError(error, 'answerCallbackQuery').message }, 'answerCallbackQuery failed');
      });
    }
    return decoded.message;
  }

  async function callSend<M extends 'sendMessage' | 'sendPhoto' | 'sendDocument'>(method: M, payload: Parameters<TelegramApi['callApi']>[1] & object, to: Recipient): Promise<{ readonly id: string }> {
    try {
      const result = (await telegram.callApi(method, payload as never, withSignal(callTimeout()))) as { message_id: number };
      return { id: String(result.message_id) };
    } catch (error) {
      const hubError = telegramSendError(error, method);
      const status = hubError.details?.status;
      if (status === 403) {
        // The citizen blocked the bot (or left the group): stop here rather than retrying forever.
        await deps.markUnreachable?.(to.conversationKey);
      }
      throw hubError;
    }
  }

  const adapter: ChannelAdapter = {
    channel: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    async send(to: Recipient, message: OutboundMessage) {
      const chatId = chatIdOf(to);
      if (message.kind === 'attachment') {
        // Attachments pass degrade untouched: the caption is plain text, sent without a parse mode.
        const caption = message.caption === undefined ? {} : { caption: message.caption };
        if (message.mimeType.startsWith('image/')) {
          return callSend('sendPhoto', { chat_id: chatId, photo: message.url, ...caption }, to);
        }
        return callSend('sendDocument', { chat_id: chatId, document: message.url, ...caption }, to);
      }
      if (message.kind === 'choices') {
        // degrade() already sent choices whose payloads exceed 64 bytes as a numbered list.
        return callSend('sendMessage', {
          chat_id: chatId,
          text: message.text,
          parse_mode: 'MarkdownV2',
          reply_markup: { inline_keyboard: message.choices.map((choice) => [{ text: choice.title, callback_data: choice.payload }]) },
        }, to);
      }
      // Text arrives rendered as MarkdownV2 by degrade() (capabilities.markup), escapes included.
      return callSend('sendMessage', { chat_id: chatId, text: message.text, parse_mode: 'MarkdownV2' }, to);
    },
  };

  if (config.mode === 'polling') {
    let abort: AbortController | undefined;
    let loop: Promise<void> | undefined;

    async function pollOnce(signal: AbortSignal, offset: number): Promise<number> {
      const updates = await telegram.callApi(
        'getUpdates',
        { offset, timeout: config.pollTimeoutSeconds, allowed_updates: ['message', 'edited_message', 'callback_query'] },
        withSignal(AbortSignal.any([signal, AbortSignal.timeout(config.pollTimeoutSeconds * 1000 + config.requestTimeoutMs)])),
      );
      let next = offset;
      for (const update of updates) {
        const raw = update as unknown as Record<string, unknown>;
        try {
          await ingest(raw);
        } catch (error) {
          if (isHubError(error, 'HUB_ERR_BAD_PAYLOAD')) {
            log.warn({ channel: 'telegram', updateId: update.update_id, err: error.message }, 'malformed telegram update skipped');
          } else {
            // Not stored: keep the offset before this update so it is fetched again.
            if (next !== offset) await deps.cursors.set(TELEGRAM_OFFSET_CURSOR, String(next));
            throw error;
          }
        }
        next = update.update_id + 1;
      }
      // Persisted once the whole batch is durable; a crash before this re-fetches it and the store dedupes.
      if (next !== offset) await deps.cursors.set(TELEGRAM_OFFSET_CURSOR, String(next));
      if (updates.length === 0) await sleep(config.pollIdleDelayMs, signal);
      return next;
    }

    async function run(signal: AbortSignal): Promise<void> {
      const stored = await deps.cursors.get(TELEGRAM_OFFSET_CURSOR);
      let offset = stored === undefined ? 0 : Number(stored);
      let failures = 0;
      while (!signal.aborted) {
        try {
          offset = await pollOnce(signal, offset);
          failures = 0;
        } catch (error) {
          if (signal.aborted) break;
          failures += 1;
          const hubError = telegramSendError(error, 'getUpdates');
          const wait = hubError.retryAfterMs ?? Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
          log.warn({ channel: 'telegram', err: hubError.message, waitMs: wait }, 'telegram polling failed; retrying');
          await sleep(wait, signal);
        }
      }
    }

    return {
      adapter,
      async start() {
        if (loop !== undefined) return;
        // A webhook and getUpdates exclude each other: drop a stale webhook (keeping pending updates).
        await telegram.callApi('deleteWebhook', { drop_pending_updates: false }, withSignal(callTimeout())).catch((error: unknown) => {
          log.warn({ channel: 'telegram', err: telegramSendError(error, 'deleteWebhook').message }, 'deleteWebhook failed');
        });
        await loadBotIdentity().catch((error: unknown) => {
          log.warn({ channel: 'telegram', err: error instanceof Error ? error.message : String(error) }, 'getMe failed; will retry on the first group message');
        });
        abort = new AbortController();
        const signal = abort.signal;
        loop = run(signal).catch((error: unknown) => {
          log.error({ channel: 'telegram', err: error instanceof Error ? error.message : String(error) }, 'telegram polling stopped');
        });
      },
      async stop() {
        abort?.abort();
        await loop;
        loop = undefined;
        abort = undefined;
      },
    };
  }

  const secret = Buffer.from(config.webhookSecret ?? '', 'utf8');
  if (secret.length === 0) {
    throw new HubError('HUB_ERR_CONFIG', 'Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET; set it or use TELEGRAM_MODE=polling.');
  }

  async function plugin(app: FastifyInstance): Promise<void> {
    // The raw bytes stay available and JSON parsing stays under our control (a bad body is our 400).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => {
      done(null, body);
    });

    // Checked before the body is read: an unsigned request costs nothing and stores nothing.
    app.addHook('onRequest', async (request, reply: FastifyReply) => {
      if (!secretMatches(secret, request.headers[SECRET_HEADER])) {
        return reply.code(401).send({ error: 'HUB_ERR_WEBHOOK_AUTH', message: 'missing or wrong X-Telegram-Bot-Api-Secret-Token' });
      }
      return undefined;
    });

    app.post('/', async (request, reply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) {
        return reply.code(400).send({ error: 'HUB_ERR_BAD_PAYLOAD', message: 'empty body' });
      }
      try {
        await ingest(parseTelegramUpdate(body));
      } catch (error) {
        if (isHubError(error, 'HUB_ERR_BAD_PAYLOAD')) {
          return reply.code(400).send({ error: error.code, message: error.message });
        }
        // Not stored: a non-2xx makes Telegram retry the same update later.
        log.error({ channel: 'telegram', err: error instanceof Error ? error.message : String(error) }, 'telegram update not stored');
        return reply.code(500).send({ error: isHubError(error) ? error.code : 'HUB_ERR_STORE', message: 'update not stored; retry' });
      }
      return reply.code(200).send({ ok: true });
    });
  }

  return {
    adapter,
    routes: { prefix: '/webhooks/telegram', plugin },
    async start() {
      await loadBotIdentity().catch((error: unknown) => {
        log.warn({ channel: 'telegram', err: error instanceof Error ? error.message : String(error) }, 'getMe failed; will retry on the first group message');
      });
    },
    async stop() {
      // Nothing to release: webhook intake lives in the fastify routes.
    },
  };
}
