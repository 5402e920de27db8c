/**
 * The one place that fits a reply to what a channel can show: picks the short variant, turns
 * choices into a numbered list where there are no (or too few) buttons or a choice breaks the
 * platform's button limits, attachments into links,
 * renders the hub's minimal markup (`**bold**`) in the channel's dialect, and splits long text at
 * sentence boundaries. Adapters receive only its output.
 */
import type { OutboundMessage } from './message.js';
import type { ButtonLimits, ChannelCapabilities } from './channel-port.js';
import type { Choice } from './message.js';

const BOLD = /\*\*(.+?)\*\*/g;

/** Characters Telegram MarkdownV2 requires escaped (https://core.telegram.org/bots/api#markdownv2-style). */
const MARKDOWN_V2_SPECIALS = /[_*[\]()~`>#+\-=|{}.!\\]/g;

/** Renders plain text with optional `**bold**` into a channel's markup dialect, escaping the rest. */
export function renderMarkup(text: string, markup: ChannelCapabilities['markup']): string {
  switch (markup) {
    case 'none':
      return text.replace(BOLD, '$1');
    case 'whatsapp':
      return text.replace(BOLD, '*$1*');
    case 'html':
      return text
        .split(BOLD)
        .map((part, index) => {
          const escaped = part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
          return index % 2 === 1 ? `<b>${escaped}</b>` : escaped;
        })
        .join('');
    case 'markdown-v2':
      return text
        .split(BOLD)
        .map((part, index) => {
          const escaped = part.replace(MARKDOWN_V2_SPECIALS, '\\$&');
          return index % 2 === 1 ? `*${escaped}*` : escaped;
        })
        .join('');
  }
}

/**
 * Splits text into chunks of at most `max` characters, preferring paragraph, then sentence,
 * then word boundaries; a single word longer than `max` is cut.
 */
export function splitText(text: string, max: number): string[] {
  if (max <= 0) throw new RangeError('max must be positive');
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut =
      lastBoundary(window, /\n\s*\n/g, max) ??
      lastBoundary(window, /[.!?…](?=\s)/g, max, 1) ??
      lastBoundary(window, /\n/g, max) ??
      lastBoundary(window, /\s/g, max) ??
      max;
    chunks.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

function lastBoundary(window: string, pattern: RegExp, max: number, keep = 0): number | undefined {
  let best: number | undefined;
  for (const match of window.matchAll(pattern)) {
    const end = match.index + keep;
    // A boundary in the first fifth would leave a tiny chunk: only sentence-level cuts beyond it count.
    if (end > 0 && end <= max && end >= max / 5) best = end;
  }
  return best;
}

/** A numbered list a citizen can answer by typing the number. */
export function numberedChoices(text: string, choices: readonly { title: string }[]): string {
  return [text, '', ...choices.map((choice, index) => `${index + 1}. ${choice.title}`)].join('\n');
}

/** Whether `choices` under `text` can be shown as buttons within `capabilities`. */
export function choicesFit(text: string, choices: readonly Choice[], capabilities: ChannelCapabilities): boolean {
  const buttons = capabilities.choices;
  const count = buttons === true || (typeof buttons === 'number' && choices.length <= buttons);
  return count && (capabilities.buttons === undefined || withinLimits(text, choices, capabilities.buttons));
}

function withinLimits(text: string, choices: readonly Choice[], limits: ButtonLimits): boolean {
  if (limits.needsText === true && text.trim() === '') return false;
  if (limits.distinctTitles === true && new Set(choices.map((choice) => choice.title)).size !== choices.length) return false;
  const titleMax = limits.titleMax ?? Number.POSITIVE_INFINITY;
  const payloadMax = limits.payloadMaxBytes ?? Number.POSITIVE_INFINITY;
  return choices.every((choice) => {
    const bytes = Buffer.byteLength(choice.payload, 'utf8');
    return choice.title.length >= 1 && choice.title.length <= titleMax && bytes >= 1 && bytes <= payloadMax;
  });
}

/** Fits one outbound message to a channel; returns the messages to send in order. */
export function degrade(message: OutboundMessage, capabilities: ChannelCapabilities): OutboundMessage[] {
  const markup = capabilities.markup;
  // Leave room for escapes the markup adds: escape first, then split on the escaped length.
  const max = capabilities.maxTextLength;
  const pick = (text: string, short: string | undefined): string =>
    short !== undefined && (capabilities.preferShort === true || text.length > max) ? short : text;

  if (message.kind === 'attachment') {
    if (capabilities.attachments) return [message];
    const text = [message.caption, message.url].filter((part) => part !== undefined && part !== '').join('\n');
    return splitText(renderMarkup(text, markup), max).map((chunk) => ({ kind: 'text', text: chunk }));
  }
  if (message.kind === 'text') {
    const parts = splitText(renderMarkup(pick(message.text, message.short), markup), max);
    // Rating buttons go under the last part, where the answer ends.
    return parts.map((chunk, index) => (message.rateable === true && index === parts.length - 1 ? { kind: 'text', text: chunk, rateable: true } : { kind: 'text', text: chunk }));
  }
  const body = pick(message.text, message.short);
  if (!choicesFit(body, message.choices, capabilities)) {
    const text = numberedChoices(body, message.choices);
    return splitText(renderMarkup(text, markup), max).map((chunk) => ({ kind: 'text', text: chunk }));
  }
  const chunks = splitText(renderMarkup(body, markup), max);
  const last = chunks.pop() ?? '';
  return [...chunks.map((chunk): OutboundMessage => ({ kind: 'text', text: chunk })), { kind: 'choices', text: last, choices: message.choices }];
}
