/** Telegram channel: configuration, channel factory and CLI. */
export { loadTelegramConfig, type TelegramConfig, type TelegramMode } from './config.js';
export { createTelegramChannel, TELEGRAM_CAPABILITIES, TELEGRAM_OFFSET_CURSOR, telegramSendError } from './channel.js';
export { decodeTelegramUpdate, parseTelegramUpdate, type TelegramBotIdentity, type TelegramDecodeResult } from './decode.js';
export { escapeMarkdownV2 } from './markdown.js';
export { runTelegramCli, telegramWebhookUrl, type CliOutput } from './cli.js';
