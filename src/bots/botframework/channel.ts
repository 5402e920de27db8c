/**
 * Microsoft Bot Framework channel (Azure Bot Service, Teams, Emulator) on botbuilder's
 * `CloudAdapter`. botbuilder is archived (support ended December 2025): every import of it stays
 * in this folder, so moving to the Microsoft 365 Agents SDK touches only `src/bots/botframework/`.
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference
 */
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TurnContext as BotTurnContext,
  type Activity,
  type CardAction,
  type ConversationReference,
} from 'botbuilder';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChannelAdapter, ChannelCapabilities, ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import { channelHttpError, channelNetworkError, HubError } from '../../core/errors.js';
import type { InboundMessage, OutboundMessage, Recipient } from '../../core/message.js';
import { capInboundText } from '../inbound-values.js';
import { checkActivity, isLoopbackUrl } from './activity-schema.js';
import { BOTFRAMEWORK_ANONYMOUS_WARNING, BOTFRAMEWORK_LOOPBACK_ONLY, type BotFrameworkConfig } from './config.js';

/** Suggested actions for choices, plain text, files as attachments. */
export const BOTFRAMEWORK_CAPABILITIES: ChannelCapabilities = {
  choices: 10,
  attachments: true,
  maxTextLength: CHANNEL_TEXT_LIMITS.botframework,
  markup: 'none',
};

/** Payload of the inbound postback emitted when a citizen joins a conversation (greet them). */
export const BOTFRAMEWORK_WELCOME_PAYLOAD = 'welcome';

export type HandoffEventName = 'handoff.initiate' | 'handoff.status';

/** The Bot Framework channel module, plus the handoff events Bot Framework hubs follow. */
export interface BotFrameworkChannelModule extends ChannelModule {
  /**
   * Sends an `event` activity named `handoff.initiate` (conversation escalated) or
   * `handoff.status` (accepted / closed: `value` like `{ state: 'accepted' }`) to the conversation.
   * Throws like `adapter.send`.
   */
  emitHandoffEvent(recipient: Recipient, name: HandoffEventName, value: Readonly<Record<string, unknown>>): Promise<{ readonly id: string }>;
}

/** Minimal Express-like response botbuilder writes to; fastify sends what it collected. */
class CollectingResponse {
  statusCode = 200;
  body: unknown = undefined;
  readonly headers: Record<string, string> = {};
  readonly socket = null;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }
  send(body: unknown): this {
    this.body = body;
    return this;
  }
  end(): this {
    return this;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
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

/** Builds the outbound activity for a (degraded) message. */
export function buildBotFrameworkActivity(message: OutboundMessage): Partial<Activity> {
  if (message.kind === 'text') return { type: ActivityTypes.Message, text: message.text, textFormat: 'plain' };
  if (message.kind === 'attachment') {
    return {
      type: ActivityTypes.Message,
      textFormat: 'plain',
      ...(message.caption === undefined ? {} : { text: message.caption }),
      attachments: [{ contentType: message.mimeType, contentUrl: message.url }],
    };
  }
  // messageBack: the citizen sees the title, the bot gets `value.payload`; channels without
  // messageBack fall back to sending the title as text.
  const actions: CardAction[] = message.choices.map((choice) => ({
    type: 'messageBack',
    title: choice.title,
    text: choice.title,
    displayText: choice.title,
    value: { payload: choice.payload },
  }));
  return { type: ActivityTypes.Message, text: message.text, textFormat: 'plain', suggestedActions: { actions, to: [] } };
}

/**
 * Classifies a connector failure (botbuilder's RestError) for the outbox: 429/5xx/network →
 * retryable (with `retryAfterMs` from `Retry-After`), other statuses → permanent. Note that the
 * SDK's HTTP pipeline has already retried 429/5xx a few times before this is reached.
 */
export function botFrameworkSendError(error: unknown): HubError {
  if (error instanceof HubError) return error;
  const status =
    isRecord(error) && typeof error.statusCode === 'number'
      ? error.statusCode
      : isRecord(error) && isRecord(error.response) && typeof error.response.status === 'number'
        ? error.response.status
        : 0;
  const retryAfterHeader = isRecord(error) && isRecord(error.response) && isRecord(error.response.headers) ? error.response.headers : undefined;
  const getHeader = retryAfterHeader?.get;
  const retryAfter = typeof getHeader === 'function' ? Number((getHeader as (name: string) => unknown).call(retryAfterHeader, 'retry-after')) : Number.NaN;
  // No HTTP answer: say why (refused, timeout, DNS, TLS) from the error's cause chain.
  if (status === 0) return channelNetworkError('Bot Framework connector', 'send', error);
  const message = error instanceof Error ? error.message : String(error);
  const hubError = channelHttpError('Bot Framework connector', status, message, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  return new HubError(hubError.code, hubError.message, {
    cause: error,
    details: { status },
    ...(hubError.retryAfterMs === undefined ? {} : { retryAfterMs: hubError.retryAfterMs }),
  });
}

/**
 * Creates the Bot Framework channel. Routes (prefix `/api/messages`): `POST /` runs the request
 * through `CloudAdapter.process` (JWT check when an app id is configured → 401 without a valid
 * token), hands decoded messages to `deps.sink` and answers 200 once they are stored.
 *
 * Inbound: conversationKey `botframework:<channelId>:<conversation.id>`, dedupe on `activity.id`;
 * replyContext `{ serviceUrl, conversationId, activityId, channelId, botId, botName, tenantId? }`.
 * Sending is proactive (`continueConversationAsync`) through the stored `serviceUrl`: a reply
 * arrives at `/v3/conversations/{id}/activities/{activityId}`; choices become suggested actions.
 */
export function createBotFrameworkChannel(config: BotFrameworkConfig, deps: ChannelDeps & { readonly now?: () => Date }): BotFrameworkChannelModule {
  const log = deps.logger;
  const now = deps.now ?? (() => new Date());
  const authentication = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appType,
    MicrosoftAppTenantId: config.tenantId,
  });
  const cloudAdapter = new CloudAdapter(authentication);
  if (config.anonymous) log.warn({ channel: 'botframework' }, BOTFRAMEWORK_ANONYMOUS_WARNING);

  async function deliver(to: Recipient, activity: Partial<Activity>): Promise<{ readonly id: string }> {
    const context = to.replyContext ?? {};
    const { serviceUrl, conversationId } = context;
    if (!serviceUrl || !conversationId) {
      throw new HubError('HUB_ERR_CHANNEL_PERMANENT', 'Bot Framework recipient has no serviceUrl/conversationId: the citizen must write first', {
        details: { conversationKey: to.conversationKey },
      });
    }
    // Without an app id nobody proved who sent the serviceUrl: never let it point the hub elsewhere.
    if (config.anonymous && !isLoopbackUrl(serviceUrl)) {
      throw new HubError('HUB_ERR_CHANNEL_PERMANENT', `Bot Framework reply not sent: ${BOTFRAMEWORK_LOOPBACK_ONLY}`, {
        details: { conversationKey: to.conversationKey },
      });
    }
    const reference: Partial<ConversationReference> = {
      serviceUrl,
      channelId: context.channelId ?? to.conversationKey.split(':')[1] ?? 'unknown',
      conversation: { id: conversationId, isGroup: false, conversationType: '', name: '', ...(context.tenantId ? { tenantId: context.tenantId } : {}) },
      bot: { id: context.botId ?? config.appId, name: context.botName ?? '' },
      user: { id: to.participant.id, name: to.participant.displayName ?? '' },
      ...(context.activityId ? { activityId: context.activityId } : {}),
    };
    let sentId: string | undefined;
    try {
      await cloudAdapter.continueConversationAsync(config.appId, reference, async (turn: BotTurnContext) => {
        // turn.sendActivity() would reply to the synthetic continuation event; addressing the
        // activity from the stored reference makes it a reply to the citizen's own activity.
        const outgoing = BotTurnContext.applyConversationReference({ ...activity }, reference);
        const [response] = await turn.adapter.sendActivities(turn, [outgoing]);
        sentId = response?.id;
      });
    } catch (error) {
      throw botFrameworkSendError(error);
    }
    // Some channels (Emulator, Teams) return no id for replies; the outbox only needs something stable.
    return { id: sentId ?? `${conversationId}:${Date.now()}` };
  }

  const adapter: ChannelAdapter = {
    channel: 'botframework',
    capabilities: BOTFRAMEWORK_CAPABILITIES,
    send: (to, message) => deliver(to, buildBotFrameworkActivity(message)),
  };

  async function plugin(app: FastifyInstance): Promise<void> {
    app.post('/', async (request, reply) => {
      const headers = request.headers as Record<string, string | string[] | undefined>;
      // Authenticated mode: a request without a token is refused before its body is looked at.
      if (!config.anonymous && typeof headers.authorization !== 'string') return refuseUnauthenticated(request.ip, reply);
      // botbuilder reads the activity without checking its types and answers 500 ("retry") to
      // whatever breaks it: every malformed activity is refused here with a 400 instead.
      const checked = checkActivity(request.body);
      if (!checked.ok) {
        log.warn({ channel: 'botframework', reason: checked.reason }, 'botframework activity malformed');
        return reply.code(400).send({ error: 'HUB_ERR_BAD_PAYLOAD', message: `malformed Bot Framework activity: ${checked.reason}` });
      }
      if (config.anonymous && !isLoopbackUrl(checked.activity.serviceUrl)) {
        log.warn({ channel: 'botframework', ip: request.ip }, 'botframework activity refused: anonymous mode and a serviceUrl that is not loopback');
        return reply.code(403).send({ error: 'HUB_ERR_FORBIDDEN', message: BOTFRAMEWORK_LOOPBACK_ONLY });
      }
      const response = new CollectingResponse();
      await cloudAdapter.process({ body: checked.activity, headers, method: 'POST' }, response, async (turn: BotTurnContext) => {
        for (const message of decodeBotFrameworkActivity(turn.activity, now())) {
          const { duplicate } = await deps.sink.accept(message);
          log.debug({ channel: 'botframework', messageId: message.id, kind: message.kind, duplicate }, 'botframework activity accepted');
        }
      });
      if (response.statusCode === 401 || response.statusCode === 403) return refuseUnauthenticated(request.ip, reply);
      if (response.statusCode === 501) {
        // botbuilder's answer to an invoke nobody handles: the hub asks for none, so it is not a
        // failure to retry but a request this bot does not serve.
        return reply.code(400).send({ error: 'HUB_ERR_BAD_PAYLOAD', message: `activity type "${checked.activity.type}" is not handled by this bot` });
      }
      if (response.statusCode >= 500) {
        // botbuilder already printed the error; fastify's handler must not see a half-written reply.
        return reply.code(500).send({ error: 'HUB_ERR_STORE', message: 'the activity could not be processed; the channel will retry' });
      }
      for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
      return reply.code(response.statusCode).send(response.body ?? '');
    });
  }

  function refuseUnauthenticated(ip: string, reply: FastifyReply): FastifyReply {
    log.warn({ channel: 'botframework', ip }, 'botframework request refused: no valid token');
    return reply.code(401).send({ error: 'HUB_ERR_WEBHOOK_AUTH', message: 'missing or invalid Bot Framework token' });
  }

  return {
    adapter,
    routes: { prefix: '/api/messages', plugin },
    emitHandoffEvent: (recipient, name, value) => deliver(recipient, { type: ActivityTypes.Event, name, value }),
  };
}
