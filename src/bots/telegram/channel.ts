/**
 * The Telegram channel: webhook routes (through `../webhook.ts`) or long-polling intake, wired to
 * the sending adapter of `outbound.ts`.
 */
import { Telegraf } from 'telegraf';
import type { ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import { HubError, isHubError } from '../../core/errors.js';
import type { InboundMessage } from '../../core/message.js';
import { webhookPlugin } from '../webhook.js';
import type { TelegramConfig } from './config.js';
import { decodeTelegramUpdate, isGroupUpdate, telegramWebhookInbound, type TelegramBotIdentity } from './inbound.js';
import { createTelegramAdapter, telegramSendError, withSignal, type TelegramApi } from './outbound.js';
import { TelegramTyping } from './typing.js';
import type { HubEvents } from '../../core/events.js';

/** Cursor name under which polling keeps the next `getUpdates` offset. */
export const TELEGRAM_OFFSET_CURSOR = 'telegram:getUpdates:offset';

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
export function createTelegramChannel(config: TelegramConfig, deps: ChannelDeps & { readonly events?: HubEvents }): ChannelModule {
  const telegram: TelegramApi = new Telegraf(config.botToken, { telegram: { apiRoot: config.apiRoot } }).telegram;
  const log = deps.logger;
  // "Escribiendo…" while a slow bot turn runs or the agent types (only with the hub's events).
  const typing =
    deps.events === undefined
      ? undefined
      : new TelegramTyping({
          events: deps.events,
          logger: log,
          api: { sendChatAction: async (chatId) => void (await telegram.callApi('sendChatAction', { chat_id: chatId, action: 'typing' }, withSignal(callTimeout()))) },
        });
  typing?.start();
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
    const { conversationId } = await deps.sink.accept(decoded.message);
    typing?.learn(conversationId, decoded.message.conversationKey);
    if (decoded.callbackQueryId !== undefined) {
      // Stops the button's spinner. Done after storing, and never allowed to fail the intake.
      telegram.callApi('answerCallbackQuery', { callback_query_id: decoded.callbackQueryId }, withSignal(callTimeout())).catch((error: unknown) => {
        log.warn({ channel: 'telegram', err: telegramSendError(error, 'answerCallbackQuery').message }, 'answerCallbackQuery failed');
      });
    }
    return decoded.message;
  }

  const adapter = createTelegramAdapter(telegram, config.requestTimeoutMs, deps);

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
        typing?.stop();
        abort?.abort();
        await loop;
        loop = undefined;
        abort = undefined;
      },
    };
  }

  const secret = config.webhookSecret ?? '';
  if (secret.length === 0) {
    typing?.stop();
    throw new HubError('HUB_ERR_CONFIG', 'Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET; set it or use TELEGRAM_MODE=polling.');
  }
  const plugin = webhookPlugin({
    channel: 'telegram',
    logger: log,
    ...telegramWebhookInbound(secret),
    store: async (update) => {
      await ingest(update);
    },
  });

  return {
    adapter,
    routes: { prefix: '/webhooks/telegram', plugin },
    async start() {
      await loadBotIdentity().catch((error: unknown) => {
        log.warn({ channel: 'telegram', err: error instanceof Error ? error.message : String(error) }, 'getMe failed; will retry on the first group message');
      });
    },
    async stop() {
      // Webhook intake lives in the fastify routes; only the typing listener is ours.
      typing?.stop();
    },
  };
}
