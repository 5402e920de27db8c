/**
 * MarkdownV2 escaping. The hub produces plain text; Telegram parses MarkdownV2 and rejects a
 * message with an unescaped reserved character, so every one is escaped.
 * https://core.telegram.org/bots/api#markdownv2-style
 */
const RESERVED = /[_*[\]()~`>#+\-=|{}.!\\]/g;

/** Escapes plain text so Telegram shows it verbatim under `parse_mode: 'MarkdownV2'`. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(RESERVED, (char) => `\\${char}`);
}
