/**
 * The web chat's outbound side: its capabilities, and what the browser sees of a conversation: a flat, render-ready item per visible message.
 * History (`GET /api/history`) and the live stream (`GET /api/events`) use this one shape, and the
 * same `id` for the same message, so the widget can merge both without doubling anything.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ChannelCapabilities } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { LANGUAGES, type Choice, type Language, type OutboundMessage } from '../../core/message.js';
import type { TranscriptAuthor, TranscriptEntry } from '../../core/store/types.js';

export const WEBCHAT_CAPABILITIES: ChannelCapabilities = { choices: true, attachments: true, maxTextLength: CHANNEL_TEXT_LIMITS.webchat, markup: 'none' };

/** One message as the web chat renders it (the response schema of history and of stream events). */
export const WebchatItem = Type.Object({
  id: Type.String({ description: '`t<transcript entry id>` for stored entries, `s<random>` for sends the transcript feed did not cover' }),
  author: Type.Union([Type.Literal('citizen'), Type.Literal('bot'), Type.Literal('agent'), Type.Literal('system')]),
  text: Type.Union([Type.String(), Type.Null()]),
  choices: Type.Optional(Type.Array(Type.Object({ title: Type.String(), payload: Type.String() }))),
  attachment: Type.Optional(Type.Object({ url: Type.String(), mimeType: Type.String(), caption: Type.Optional(Type.String()) })),
  createdAt: Type.String({ description: 'ISO 8601' }),
  lang: Type.Optional(Type.Union(LANGUAGES.map((language) => Type.Literal(language)), { description: 'Language of the text, when known: the widget sets it as the element\'s `lang`' })),
  feedbackRef: Type.Optional(Type.String({ description: 'Present on bot answers the citizen may rate: the `ref` to send to POST /api/feedback' })),
});
export type WebchatItem = Static<typeof WebchatItem>;

/**
 * True for entries the citizen should see: their own messages and every reply that went through the
 * outbox (bot, agent or system notices). Internal notes and system events have no outbox id.
 */
export function isCitizenVisible(entry: TranscriptEntry): boolean {
  return entry.author === 'citizen' || entry.outboxId !== null;
}

/** Maps a transcript entry to the item the browser renders. */
export function itemFromEntry(entry: TranscriptEntry): WebchatItem {
  const createdAt = entry.createdAt.toISOString();
  const id = `t${entry.id}`;
  const message = entry.author === 'citizen' ? undefined : outboundFromData(entry.data);
  const item = message !== undefined ? itemFromMessage(id, entry.author, message, createdAt) : { id, author: entry.author, text: entry.text, createdAt };
  // A rateable bot answer is rated by its outbox id (the same on every path that shows it).
  const rated = message !== undefined && entry.author === 'bot' && entry.outboxId !== null && isRateable(entry.data) ? { ...item, feedbackRef: entry.outboxId } : item;
  return withLanguage(rated, entry.language);
}

/** `item` with its language (WCAG 3.1.2: a Basque answer in a Spanish page says it is Basque). */
export function withLanguage(item: WebchatItem, language: Language | null | undefined): WebchatItem {
  return language === null || language === undefined ? item : { ...item, lang: language };
}

function isRateable(data: Readonly<Record<string, unknown>> | null): boolean {
  const message = data?.message;
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>).rateable === true;
}

/** Maps an outbound message (as `send` receives it) to the item the browser renders. */
export function itemFromMessage(id: string, author: TranscriptAuthor, message: OutboundMessage, createdAt: string): WebchatItem {
  const toChoices = (choices: readonly Choice[]): WebchatItem['choices'] => choices.map((c) => ({ title: c.title, payload: c.payload }));
  switch (message.kind) {
    case 'text':
      return { id, author, text: message.text, createdAt };
    case 'choices':
      return { id, author, text: message.text, choices: toChoices(message.choices), createdAt };
    case 'attachment': {
      const attachment = message.caption === undefined
        ? { url: message.url, mimeType: message.mimeType }
        : { url: message.url, mimeType: message.mimeType, caption: message.caption };
      return { id, author, text: message.caption ?? null, attachment, createdAt };
    }
  }
}

/**
 * The store keeps a reply's full message under `data.message`; read it defensively because the
 * transcript is JSON written by other modules (and older versions of them).
 */
export function outboundFromData(data: Readonly<Record<string, unknown>> | null): OutboundMessage | undefined {
  const candidate = data?.message;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const record = candidate as Record<string, unknown>;
  if (record.kind === 'text' && typeof record.text === 'string') return { kind: 'text', text: record.text };
  if (record.kind === 'choices' && typeof record.text === 'string' && Array.isArray(record.choices)) {
    const choices: Choice[] = [];
    for (const choice of record.choices as unknown[]) {
      if (typeof choice !== 'object' || choice === null) continue;
      const { title, payload } = choice as Record<string, unknown>;
      if (typeof title === 'string' && typeof payload === 'string') choices.push({ title, payload });
    }
    return { kind: 'choices', text: record.text, choices };
  }
  if (record.kind === 'attachment' && typeof record.url === 'string' && typeof record.mimeType === 'string') {
    return typeof record.caption === 'string'
      ? { kind: 'attachment', url: record.url, mimeType: record.mimeType, caption: record.caption }
      : { kind: 'attachment', url: record.url, mimeType: record.mimeType };
  }
  return undefined;
}
