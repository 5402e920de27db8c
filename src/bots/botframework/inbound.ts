/**
 * Bot Framework's inbound side, pure: what an activity must look like before botbuilder or the
 * decoder reads it, and activity → {@link InboundMessage}. The JWT check is botbuilder's
 * (`CloudAdapter.process` in `channel.ts`). What an activity must look like: the fields either of them uses, with their types (other fields pass untouched), a nesting
 * limit, and an absolute http(s) `serviceUrl`. Shapes:
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object
 */
import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ActivityTypes, type Activity } from 'botbuilder';
import type { InboundMessage } from '../../core/message.js';
import { capInboundText } from '../inbound-values.js';

/** Deepest nesting of objects and arrays accepted (Teams' channelData stays well under 20). */
export const MAX_ACTIVITY_DEPTH = 64;

const Text = Type.String();
const ChannelAccount = Type.Object({ id: Text, name: Type.Optional(Text), role: Type.Optional(Text), aadObjectId: Type.Optional(Text) });
const ConversationAccount = Type.Object({
  id: Text,
  name: Type.Optional(Text),
  isGroup: Type.Optional(Type.Boolean()),
  conversationType: Type.Optional(Text),
  tenantId: Type.Optional(Text),
  role: Type.Optional(Text),
  aadObjectId: Type.Optional(Text),
});
const Attachment = Type.Object({ contentType: Text, contentUrl: Type.Optional(Text), name: Type.Optional(Text), thumbnailUrl: Type.Optional(Text) });

export const ActivitySchema = Type.Object({
  type: Type.String({ minLength: 1 }),
  serviceUrl: Text,
  id: Type.Optional(Text),
  channelId: Type.Optional(Text),
  timestamp: Type.Optional(Text),
  localTimestamp: Type.Optional(Text),
  expiration: Type.Optional(Text),
  from: Type.Optional(ChannelAccount),
  recipient: Type.Optional(ChannelAccount),
  conversation: Type.Optional(ConversationAccount),
  text: Type.Optional(Text),
  textFormat: Type.Optional(Text),
  locale: Type.Optional(Text),
  replyToId: Type.Optional(Text),
  deliveryMode: Type.Optional(Text),
  name: Type.Optional(Text),
  callerId: Type.Optional(Text),
  membersAdded: Type.Optional(Type.Array(ChannelAccount)),
  membersRemoved: Type.Optional(Type.Array(ChannelAccount)),
  attachments: Type.Optional(Type.Array(Attachment)),
  entities: Type.Optional(Type.Array(Type.Object({ type: Text }))),
});
export type CheckedActivity = Static<typeof ActivitySchema>;

export type ActivityCheck = { readonly ok: true; readonly activity: CheckedActivity } | { readonly ok: false; readonly reason: string };

/** Nesting depth of a parsed JSON value, counted without recursion (a deep value cannot overflow the stack). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Checks a parsed request body; the reason names the first field that is wrong. */
export function checkActivity(body: unknown): ActivityCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, reason: 'the body must be a JSON activity object' };
  if (deeperThan(body, MAX_ACTIVITY_DEPTH)) return { ok: false, reason: `objects nested deeper than ${MAX_ACTIVITY_DEPTH} levels` };
  const error = Value.Errors(ActivitySchema, body).First();
  if (error !== undefined) return { ok: false, reason: `${error.path || '/'}: ${error.message}` };
  const activity = body as CheckedActivity;
  if (!isHttpUrl(activity.serviceUrl)) return { ok: false, reason: '/serviceUrl: must be an absolute http(s) URL' };
  return { ok: true, activity };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** True for an http(s) URL on this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Payload of the inbound postback emitted when a citizen joins a conversation (greet them). */
export const BOTFRAMEWORK_WELCOME_PAYLOAD = 'welcome';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function replyContextOf(activity: Partial<Activity>, withActivityId: boolean): Record<string, string> {
  const context: Record<string, string> = {};
  if (activity.serviceUrl) context.serviceUrl = activity.serviceUrl;
  if (activity.conversation?.id) context.conversationId = activity.conversation.id;
  if (withActivityId && activity.id) context.activityId = activity.id;
  if (activity.channelId) context.channelId = activity.channelId;
  if (activity.recipient?.id) context.botId = activity.recipient.id;
  if (activity.recipient?.name) context.botName = activity.recipient.name;
  const tenantId = activity.conversation?.tenantId;
  if (tenantId) context.tenantId = tenantId;
  return context;
}

/**
 * Decodes one activity into inbound messages: `message` → text / postback (a suggested action
 * carries `value.payload`) / attachment; `conversationUpdate` adding a member other than the bot →
 * one `postback` with payload {@link BOTFRAMEWORK_WELCOME_PAYLOAD} per member (so the pipeline
 * greets); everything else → nothing.
 */
export function decodeBotFrameworkActivity(activity: Partial<Activity>, now: Date): InboundMessage[] {
  const channelId = activity.channelId ?? 'unknown';
  const conversationId = activity.conversation?.id;
  if (conversationId === undefined || conversationId === '') return [];
  const conversationKey = `botframework:${channelId}:${conversationId}`;
  const receivedAt = activity.timestamp === undefined ? now : new Date(activity.timestamp);
  const at = Number.isNaN(receivedAt.getTime()) ? now : receivedAt;

  if (activity.type === ActivityTypes.ConversationUpdate) {
    const botId = activity.recipient?.id;
    return (activity.membersAdded ?? [])
      .filter((member) => member.id !== botId)
      .map((member) => ({
        id: `${activity.id ?? `update:${conversationId}`}:welcome:${member.id}`,
        conversationKey,
        from: member.name ? { channel: 'botframework' as const, id: member.id, displayName: member.name } : { channel: 'botframework' as const, id: member.id },
        receivedAt: at,
        kind: 'postback' as const,
        payload: BOTFRAMEWORK_WELCOME_PAYLOAD,
        // A welcome is not a reply to the update: send it to the conversation.
        replyContext: replyContextOf(activity, false),
      }));
  }
  if (activity.type !== ActivityTypes.Message || activity.from?.id === undefined || activity.id === undefined) return [];

  const from = {
    channel: 'botframework' as const,
    id: activity.from.id,
    ...(activity.from.name ? { displayName: activity.from.name } : {}),
    ...(activity.locale ? { locale: activity.locale } : {}),
  };
  const base = { id: activity.id, conversationKey, from, receivedAt: at, replyContext: replyContextOf(activity, true) };
  const value: unknown = activity.value;
  // Capped before anything reads it (Bot Framework itself sets no limit on text).
  const rawText = activity.text === undefined ? '' : capInboundText(activity.text, 'botframework');
  if (isRecord(value) && typeof value.payload === 'string') {
    return [{ ...base, kind: 'postback', payload: value.payload, ...(rawText === '' ? {} : { text: rawText }) }];
  }
  const text = rawText.trim();
  // Teams and Web Chat send cards' thumbnails etc. as attachments; only files count.
  const files = (activity.attachments ?? []).filter((attachment) => attachment.contentUrl !== undefined);
  if (files.length > 0) {
    const attachments = files.map((attachment) => ({
      type: attachment.contentType.split('/')[0] === 'image' ? 'photo' : 'document',
      mimeType: attachment.contentType,
      ...(attachment.name ? { fileName: attachment.name } : {}),
    }));
    return [{ ...base, kind: 'attachment', attachments, ...(text === '' ? {} : { text }) }];
  }
  if (text === '') return [{ ...base, kind: 'unsupported' }];
  return [{ ...base, kind: 'text', text }];
}
