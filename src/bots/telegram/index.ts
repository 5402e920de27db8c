/** Telegram channel: configuration, channel factory and CLI. */
export { loadTelegramConfig, type TelegramConfig, type TelegramMode } from './config.js';
export { createTelegramChannel, TELEGRAM_OFFSET_CURSOR } from './channel.js';
export { createTelegramAdapter, TELEGRAM_CAPABILITIES, telegramSendError } from './outbound.js';
export { decodeTelegramUpdate, parseTelegramUpdate, type TelegramBotIdentity, type TelegramDecodeResult } from './inbound.js';
export { escapeMarkdownV2 } from './markdown.js';
export { runTelegramCli, telegramWebhookUrl, type CliOutput } from './cli.js';
