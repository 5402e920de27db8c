/**
 * X's outbound side: the capabilities (DMs and public replies differ) and the sending adapter:
 * DMs as DMs; mentions as public replies built by {@link publicReplyText}; a mention that carried
 * personal data (`replyContext.privacy = 'warn'`) gets only the privacy warning, once, in the
 * mention's language.
 */
import type { TwitterApi } from 'twitter-api-v2';
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS, X_DM_TEXT_LIMIT } from '../../core/channel-limits.js';
import { HubError } from '../../core/errors.js';
import { isLanguage, type Language, type OutboundMessage, type Recipient } from '../../core/message.js';
import { xApiError } from './client.js';
import { dmInvitation, fitPublicText, maskPersonalData, needsPrivateChannel, privacyWarning } from './privacy.js';

/** Direct messages: long private text, no buttons (v2 DMs have no quick replies). */
export const X_DM_CAPABILITIES: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: X_DM_TEXT_LIMIT, markup: 'none' };

/** Public replies to mentions: one post, the short answer variant. */
export const X_PUBLIC_CAPABILITIES: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: CHANNEL_TEXT_LIMITS.x, markup: 'none', preferShort: true };

/** An X adapter also says which capabilities apply to a given recipient (DM vs public reply). */
export interface XChannelAdapter extends ChannelAdapter {
  capabilitiesFor(to: Recipient): ChannelCapabilities;
}

/** X's language tag of the mention (`lang`, e.g. `eu`), when it is one of the hub's languages. */
function mentionLocale(to: Recipient): Language | undefined {
  const tag = (to.replyContext?.lang ?? to.participant.locale)?.slice(0, 2).toLowerCase();
  return isLanguage(tag) ? tag : undefined;
}

function isMention(to: Recipient): boolean {
  return to.conversationKey.startsWith('x:mention:');
}

function plainText(message: OutboundMessage, preferShort: boolean): string {
  if (message.kind !== 'text') {
    // X has no buttons and no attachments here: degrade() made both text (a numbered list, a link).
    throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `X sends text only; a ${message.kind} message was not degraded`);
  }
  return preferShort && message.short !== undefined && message.short !== '' ? message.short : message.text;
}

/**
 * What may be said in public for `message`: the short variant, never personal data, and an
 * invitation to continue by DM when the answer would ask for data or pass to a person.
 */
export function publicReplyText(message: OutboundMessage, language: Language = 'es'): string {
  const text = plainText(message, true);
  if (needsPrivateChannel(text)) return dmInvitation(language);
  return fitPublicText(maskPersonalData(text), X_PUBLIC_CAPABILITIES.maxTextLength);
}

/** The sending adapter; 403 on a DM marks the conversation unreachable (the citizen blocked us). */
export function createXAdapter(client: TwitterApi, deps: Pick<ChannelDeps, 'markUnreachable'>): XChannelAdapter {
  // One warning per offending tweet even if the pipeline produced several replies (same process).
  const warned = new Map<string, Promise<{ readonly id: string }>>();

  async function sendDm(to: Recipient, message: OutboundMessage): Promise<{ readonly id: string }> {
    const participantId = to.replyContext?.participantId ?? to.conversationKey.slice('x:dm:'.length);
    try {
      const result: unknown = await client.v2.sendDmToParticipant(participantId, { text: plainText(message, false) });
      // The API wraps the ids in `data` (twitter-api-v2 types them unwrapped): accept both.
      const body = (result ?? {}) as { data?: { dm_event_id?: string }; dm_event_id?: string };
      const id = body.data?.dm_event_id ?? body.dm_event_id;
      // Sent either way: never retry (that would send twice) just because the id is missing.
      return { id: id ?? `dm-to:${participantId}` };
    } catch (error) {
      const hubError = xApiError(error, 'send DM');
      // 403: the citizen blocked us or closed their DMs; retrying would only hit the same wall.
      if (hubError.details?.status === 403) await deps.markUnreachable?.(to.conversationKey);
      throw hubError;
    }
  }

  async function reply(tweetId: string, text: string): Promise<{ readonly id: string }> {
    try {
      const result = await client.v2.reply(text, tweetId);
      return { id: result.data.id };
    } catch (error) {
      throw xApiError(error, 'reply to mention');
    }
  }

  return {
    channel: 'x',
    capabilities: X_DM_CAPABILITIES,
    capabilitiesFor: (to) => (isMention(to) ? X_PUBLIC_CAPABILITIES : X_DM_CAPABILITIES),
    async send(to, message) {
      if (!isMention(to)) {
        if (!to.conversationKey.startsWith('x:dm:')) throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `conversation key "${to.conversationKey}" is not an X DM or mention`);
        return sendDm(to, message);
      }
      const tweetId = to.replyContext?.tweetId;
      if (tweetId === undefined) throw new HubError('HUB_ERR_CHANNEL_PERMANENT', 'an X mention reply needs replyContext.tweetId');
      if (to.replyContext?.privacy === 'warn') {
        const previous = warned.get(tweetId);
        if (previous !== undefined) return previous;
        // The mention's text was withheld from the NLU, so X's own language tag is what we know.
        const sending = reply(tweetId, privacyWarning(mentionLocale(to) ?? to.language ?? 'es'));
        warned.set(tweetId, sending);
        sending.catch(() => warned.delete(tweetId));
        return sending;
      }
      return reply(tweetId, publicReplyText(message, to.language ?? mentionLocale(to) ?? 'es'));
    },
  };
}
