/**
 * What "Probar" shows per channel: the replies of a try-it turn fitted to each platform by the
 * production code — `degrade()` (short variant, numbered choices, markup dialect, splitting) with
 * the adapters' own capabilities, and on X the public-reply rules (`publicReplyText`: short text,
 * personal data masked, an invitation to a DM where an answer asks for data). Nothing is sent.
 */
import type { ChannelCapabilities } from '../core/channel-port.js';
import { degrade } from '../core/degrade.js';
import type { Language, OutboundMessage } from '../core/message.js';
import { TELEGRAM_CAPABILITIES } from '../bots/telegram/outbound.js';
import { WEBCHAT_CAPABILITIES } from '../bots/webchat/outbound.js';
import { WHATSAPP_CLOUD_CAPABILITIES } from '../bots/whatsapp/cloud/channel.js';
import { publicReplyText, X_PUBLIC_CAPABILITIES } from '../bots/x/outbound.js';

/** The channels "Probar" previews, in the order the page shows them. */
export const PREVIEW_CHANNELS = ['webchat', 'telegram', 'whatsapp', 'x'] as const;
export type PreviewChannel = (typeof PREVIEW_CHANNELS)[number];

const CAPABILITIES: Readonly<Record<PreviewChannel, ChannelCapabilities>> = {
  webchat: WEBCHAT_CAPABILITIES,
  telegram: TELEGRAM_CAPABILITIES,
  whatsapp: WHATSAPP_CLOUD_CAPABILITIES,
  x: X_PUBLIC_CAPABILITIES,
};

/** One message as the platform would show it: its text (in the channel's markup) and its buttons. */
export interface PreviewMessage {
  readonly text: string;
  /** Button titles, when the channel shows the choices as buttons (else they are in `text`, numbered). */
  readonly buttons?: readonly string[];
}

/** MarkdownV2 escapes (`bicimad\\.com`) are for the API: Telegram shows the character alone. */
const MARKDOWN_V2_ESCAPE = /\\([_*[\]()~`>#+\-=|{}.!\\])/g;

/** What the citizen reads of a rendered text: bold stays marked (`*x*`), escapes are not shown. */
function shown(text: string, capabilities: ChannelCapabilities): string {
  return capabilities.markup === 'markdown-v2' ? text.replace(MARKDOWN_V2_ESCAPE, '$1') : text;
}

/**
 * The replies of one turn as `channel` would deliver them, in order (as the citizen reads them);
 * `language` is the turn's, which X's public-reply notices are said in.
 */
export function previewOn(channel: PreviewChannel, replies: readonly OutboundMessage[], language: Language = 'es'): PreviewMessage[] {
  const capabilities = CAPABILITIES[channel];
  const out: PreviewMessage[] = [];
  for (const reply of replies) {
    for (const part of degrade(reply, capabilities)) {
      if (part.kind === 'text') out.push({ text: channel === 'x' ? publicReplyText(part, language) : shown(part.text, capabilities) });
      else if (part.kind === 'choices') out.push({ text: shown(part.text, capabilities), buttons: part.choices.map((choice) => choice.title) });
      else out.push({ text: [part.caption, part.url].filter((piece) => piece !== undefined && piece !== '').join('\n') });
    }
  }
  return out;
}
