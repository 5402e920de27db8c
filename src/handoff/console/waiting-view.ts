/**
 * How the console names who waits and why, in the console's language (Spanish): the citizen's
 * name or channel handle (never an empty "Sin nombre"), the first words of what they wrote, and
 * the reason the bot passed them to a person. Pure functions: the summaries feed them.
 */
import type { ChannelId } from '../../core/message.js';

/** The citizen as the channel identified them (`Participant` fields the label needs). */
export interface CitizenIdentity {
  readonly displayName?: string | undefined;
  /** The platform's id: an e-mail address or a phone number are handles a person recognises. */
  readonly id?: string | undefined;
}

const ANONYMOUS: Record<ChannelId, string> = {
  webchat: 'Ciudadano/a del chat web',
  telegram: 'Ciudadano/a de Telegram',
  whatsapp: 'Ciudadano/a de WhatsApp',
  x: 'Ciudadano/a de X',
  botframework: 'Ciudadano/a de Teams',
  email: 'Ciudadano/a de correo electrónico',
  terminal: 'Ciudadano/a de la terminal',
};

/** The channel's handle for the citizen when it is something a person recognises (address, phone), else null. */
export function channelHandle(channel: string, id: string | undefined): string | null {
  if (id === undefined || id.trim() === '') return null;
  if (channel === 'email' && id.includes('@')) return id;
  // WhatsApp ids are the number in international form without "+".
  if (channel === 'whatsapp' && /^\d{6,15}$/.test(id)) return `+${id}`;
  return null;
}

/**
 * The name the console shows for a citizen: their display name, else the channel handle, else
 * "Ciudadano/a de <canal>". Never empty.
 */
export function citizenLabel(channel: string, who: CitizenIdentity | undefined): string {
  const name = who?.displayName?.trim();
  if (name !== undefined && name !== '') return name;
  const handle = channelHandle(channel, who?.id);
  if (handle !== null) return handle;
  return (ANONYMOUS as Record<string, string | undefined>)[channel] ?? `Ciudadano/a de ${channel}`;
}

/** Words and characters of a message the list shows at most. */
export const FIRST_WORDS = { words: 12, chars: 90 } as const;

/**
 * The first words of a message on one line: whitespace collapsed, at most {@link FIRST_WORDS}
 * words and characters, "…" when cut. Null for a message without text.
 */
export function firstWords(text: string | null | undefined, limits: { words: number; chars: number } = FIRST_WORDS): string | null {
  if (text === null || text === undefined) return null;
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return null;
  let out = words.slice(0, limits.words).join(' ');
  let cut = words.length > limits.words;
  if (out.length > limits.chars) {
    // Cut at a code point boundary, then at the last space if there is one in the second half.
    const chars = [...out].slice(0, limits.chars).join('');
    const space = chars.lastIndexOf(' ');
    out = space > limits.chars / 2 ? chars.slice(0, space) : chars;
    cut = true;
  }
  return cut ? `${out}…` : out;
}

/**
 * Why the conversation went to a person, in words: the emergency line the safety net matched,
 * "pidió una persona", the intent that always goes to a person, or what the bot could not do.
 */
export function reasonLabel(reason: string, intent: string | null, risk: string | null): string {
  const line = (risk ?? (intent !== null && intent.startsWith('emergencia.') ? intent : null))?.replace(/^emergencia\./, '');
  switch (reason) {
    case 'emergency':
    case 'safety-risk':
      return line === undefined ? 'emergencia' : `emergencia: línea ${line}`;
    case 'citizen':
      return 'pidió una persona';
    case 'intent':
      return intent === null ? 'tema que atiende una persona' : `tema: ${intent}`;
    case 'low-confidence':
      return 'el asistente no entendió la consulta';
    case 'unsupported':
      return 'envió algo que el asistente no puede leer';
    default:
      return reason;
  }
}
