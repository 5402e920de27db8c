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
  type ConversationReference,
} from 'botbuilder';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ChannelAdapter, ChannelDeps, ChannelModule } from '../../core/channel-port.js';
import { HubError } from '../../core/errors.js';
import type { Recipient } from '../../core/message.js';
import { checkActivity, decodeBotFrameworkActivity, isLoopbackUrl } from './inbound.js';
import { STORE_RETRY_AFTER_S } from '../../core/storage-errors.js';
import { sendWebhookError } from '../webhook.js';
import { BOTFRAMEWORK_CAPABILITIES, botFrameworkSendError, buildBotFrameworkActivity } from './outbound.js';
import { BOTFRAMEWORK_ANONYMOUS_WARNING, BOTFRAMEWORK_LOOPBACK_ONLY, type BotFrameworkConfig } from './config.js';

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
    send: (to, message, context) => deliver(to, buildBotFrameworkActivity(message, context?.outboxId)),
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
        return sendWebhookError(reply, 400, 'HUB_ERR_BAD_PAYLOAD', `malformed Bot Framework activity: ${checked.reason}`);
      }
      if (config.anonymous && !isLoopbackUrl(checked.activity.serviceUrl)) {
        log.warn({ channel: 'botframework', ip: request.ip }, 'botframework activity refused: anonymous mode and a serviceUrl that is not loopback');
        return sendWebhookError(reply, 403, 'HUB_ERR_FORBIDDEN', BOTFRAMEWORK_LOOPBACK_ONLY);
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
        return sendWebhookError(reply, 400, 'HUB_ERR_BAD_PAYLOAD', `activity type "${checked.activity.type}" is not handled by this bot`);
      }
      if (response.statusCode >= 500) {
        // botbuilder already printed the error; fastify's handler must not see a half-written reply.
        reply.header('retry-after', String(STORE_RETRY_AFTER_S));
        return sendWebhookError(reply, 503, 'HUB_ERR_STORE', 'the activity could not be processed; the channel will retry');
      }
      for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
      return reply.code(response.statusCode).send(response.body ?? '');
    });
  }

  function refuseUnauthenticated(ip: string, reply: FastifyReply): FastifyReply {
    log.warn({ channel: 'botframework', ip }, 'botframework request refused: no valid token');
    return sendWebhookError(reply, 401, 'HUB_ERR_WEBHOOK_AUTH', 'missing or invalid Bot Framework token');
  }

  return {
    adapter,
    routes: { prefix: '/api/messages', plugin },
    emitHandoffEvent: (recipient, name, value) => deliver(recipient, { type: ActivityTypes.Event, name, value }),
  };
}
