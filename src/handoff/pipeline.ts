/**
 * The handoff's two pipeline steps and its after-turn hook (the {@link HandoffPort}):
 * - `mode` (step 2): while queued or with an agent the bot is silent, except "¿cuánto falta?"
 *   and a cancel while queued; after a close it records the satisfaction answer.
 * - `escalate` (last step): when the turn asked for a person, tells the citizen their place and
 *   wait (or the hours when closed) and patches the mode to `queued`.
 * - `afterTurn`: after the commit, opens the ticket (idempotent), records cancels, ratings and
 *   activity, and runs the assignment.
 * The steps write nothing themselves: they add replies, events and a patch the runner commits.
 */
import type { HandoffPort } from '../core/handoff-port.js';
import type { Language } from '../core/message.js';
import type { HandoffRequest, Middleware, TurnContext } from '../core/pipeline.js';
import { replyWindowOf, type ReplyWindow } from '../core/reply-window.js';
import type { Conversation } from '../core/store/types.js';
import { describeHours, formatWhen, isOpen, nextOpening } from './business-hours.js';
import { queueById } from './config.js';
import { QUEUE_TEXT, isCancelRequest, isHowLongQuestion, parseRating } from './messages.js';
import type { HandoffLogger, HandoffQueue } from './queue.js';
import { PRIORITY_RANK, resolvePriority, resolveQueue, type Priority } from './routing.js';

type PendingAction =
  | { readonly kind: 'enqueue'; readonly queueId: string; readonly priority: Priority; readonly reason: string; readonly intent: string | null; readonly language: Language; readonly outOfHours: boolean; readonly announcedWaitMinutes?: number }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'rating'; readonly ticketId: string; readonly rating: number }
  | { readonly kind: 'activity' };

/** What escalation decided, before anything is written. */
export interface EscalationPlan {
  readonly queueId: string;
  readonly priority: Priority;
  readonly outOfHours: boolean;
  readonly position: number;
  readonly waitMinutes: number;
  readonly text: string;
}

function surveyState(conversation: Conversation): { ticketId: string } | undefined {
  const survey = conversation.state.handoffSurvey;
  if (typeof survey === 'object' && survey !== null && typeof (survey as { ticketId?: unknown }).ticketId === 'string') {
    return { ticketId: (survey as { ticketId: string }).ticketId };
  }
  return undefined;
}

/** Builds the handoff's pipeline steps over a queue. */
export function createHandoffPipeline(queue: HandoffQueue, logger: HandoffLogger): Required<HandoffPort> {
  const pending = new WeakMap<TurnContext, PendingAction[]>();
  const add = (ctx: TurnContext, action: PendingAction): void => {
    const list = pending.get(ctx) ?? [];
    list.push(action);
    pending.set(ctx, list);
  };
  const config = queue.config;

  const say = (ctx: TurnContext, text: string, language: Language, data: Record<string, unknown>): void => {
    ctx.replies.push({ message: { kind: 'text', text }, author: 'bot', intent: null, score: null, language, data: { handoff: true, ...data } });
  };

  /**
   * Decides queue, priority, hours, place and wait for a request, and the citizen's message
   * (which, on a channel with a reply window, says how a late answer reaches them).
   */
  async function plan(request: HandoffRequest, text: string | undefined, language: Language, now: Date, replyWindow?: ReplyWindow, channelQueue?: string): Promise<EscalationPlan> {
    // A channel entry point with its own queue (an e-mail mailbox's `queue`) routes requests that name none.
    const queueId = resolveQueue(config, request.queue === undefined && channelQueue !== undefined ? { ...request, queue: channelQueue } : request);
    const queueConfig = queueById(config, queueId);
    const priority = resolvePriority(config, request, text);
    const open = isOpen(queueConfig, config, now);
    const strings = QUEUE_TEXT[language];
    if (!open && priority !== 'urgent') {
      const next = nextOpening(queueConfig, config, now);
      return {
        queueId,
        priority,
        outOfHours: true,
        position: await queue.positionForNew(queueId, priority),
        waitMinutes: 0,
        text: strings.outOfHours({
          queue: queueConfig.name,
          hours: describeHours(queueConfig.businessHours, language),
          next: next === undefined ? undefined : formatWhen(next, language, config.timezone),
          ...(replyWindow === undefined ? {} : { replyWindow }),
        }),
      };
    }
    const position = await queue.positionForNew(queueId, priority);
    const waitMinutes = await queue.estimateWait(queueId, position);
    return { queueId, priority, outOfHours: !open, position, waitMinutes, text: strings.queued({ queue: queueConfig.name, position, waitMinutes }) };
  }

  const mode: Middleware = async (ctx, next) => {
    const conversation = ctx.conversation;
    const text = ctx.inbound.text ?? '';
    if (conversation.mode === 'queued' || conversation.mode === 'agent') {
      const language = conversation.language ?? 'es';
      if (conversation.mode === 'queued' && ctx.inbound.kind === 'text') {
        if (isCancelRequest(text)) {
          say(ctx, QUEUE_TEXT[language].cancelled(), language, { event: 'cancelled' });
          ctx.patch.mode = 'bot';
          ctx.events.push({ author: 'system', kind: 'handoff.cancel_requested', data: {} });
          add(ctx, { kind: 'cancel' });
          return;
        }
        if (isHowLongQuestion(text)) {
          const info = await queue.queueInfo(conversation.id);
          if (info !== undefined) {
            say(ctx, QUEUE_TEXT[language].position({ position: info.position, waitMinutes: info.waitMinutes }), language, { event: 'position' });
            add(ctx, { kind: 'activity' });
            return;
          }
        }
      }
      // A person owns (or will own) the conversation: the bot stays silent; the console sees the words.
      add(ctx, { kind: 'activity' });
      return;
    }
    const survey = surveyState(conversation);
    if (survey !== undefined) {
      const state = { ...ctx.state };
      delete state.handoffSurvey;
      ctx.patch.state = state;
      const rating = parseRating(ctx.inbound.text, ctx.inbound.payload);
      if (rating !== undefined) {
        const language = conversation.language ?? 'es';
        say(ctx, QUEUE_TEXT[language].surveyThanks(), language, { event: 'survey', rating });
        add(ctx, { kind: 'rating', ticketId: survey.ticketId, rating });
        return;
      }
      // Not a rating: the citizen moved on, and the bot answers as usual.
    }
    await next();
  };

  const escalate: Middleware = async (ctx, next) => {
    await next();
    const request = ctx.handoff;
    if (request === undefined) return;
    // Already with the queue: the after-turn hook raises the priority if this one is more urgent.
    if (ctx.conversation.mode === 'queued' || ctx.conversation.mode === 'agent') return;
    const language = ctx.language ?? ctx.conversation.language ?? 'es';
    const decided = await plan(request, ctx.inbound.text, language, ctx.now, replyWindowOf(ctx.inbound.replyContext), ctx.inbound.replyContext?.queue);
    say(ctx, decided.text, language, { event: decided.outOfHours ? 'out-of-hours' : 'queued', position: decided.position });
    ctx.events.push({
      author: 'system',
      kind: 'handoff.requested',
      data: {
        queue: decided.queueId,
        priority: decided.priority,
        reason: request.reason,
        intent: request.intent ?? null,
        position: decided.position,
        waitMinutes: decided.waitMinutes,
        outOfHours: decided.outOfHours,
      },
    });
    ctx.patch.mode = 'queued';
    if (decided.priority === 'urgent') ctx.patch.urgent = true;
    add(ctx, {
      kind: 'enqueue',
      queueId: decided.queueId,
      priority: decided.priority,
      reason: request.reason,
      intent: request.intent ?? ctx.nlu?.intent ?? null,
      language,
      outOfHours: decided.outOfHours,
      // The estimate just told, so a new one is given once it runs out (none out of hours).
      ...(decided.outOfHours ? {} : { announcedWaitMinutes: decided.waitMinutes }),
    });
  };

  async function afterTurn(ctx: TurnContext, conversationId: string): Promise<void> {
    const actions = pending.get(ctx) ?? [];
    pending.delete(ctx);
    let enqueued = false;
    let assign = false;
    for (const action of actions) {
      switch (action.kind) {
        case 'enqueue': {
          await queue.enqueue({ conversationId, ...action });
          enqueued = true;
          assign = true;
          break;
        }
        case 'cancel':
          await queue.cancelByCitizen(conversationId);
          break;
        case 'rating':
          await queue.recordSatisfaction(action.ticketId, action.rating);
          break;
        case 'activity':
          await queue.recordActivity(conversationId);
          break;
      }
    }
    const request = ctx.handoff;
    if (request !== undefined && !enqueued) {
      const open = await queue.openTicket(conversationId);
      const language = ctx.language ?? ctx.conversation.language ?? 'es';
      if (open !== undefined) {
        // An emergency while already waiting: the ticket jumps ahead.
        if (PRIORITY_RANK[request.priority] < open.priorityRank) {
          await queue.enqueue({ conversationId, queueId: open.queueId, priority: request.priority, reason: request.reason, intent: request.intent ?? null, language });
          assign = true;
        }
      } else {
        // The escalate step did not run (a step before it ended the turn): do its work now.
        const decided = await plan(request, ctx.inbound.text, language, ctx.now, replyWindowOf(ctx.inbound.replyContext), ctx.inbound.replyContext?.queue);
        await queue.setMode(conversationId, 'queued', ['bot', 'closed', 'queued', 'agent']);
        await queue.notifyCitizen(conversationId, { kind: 'text', text: decided.text }, language, { event: decided.outOfHours ? 'out-of-hours' : 'queued' });
        await queue.enqueue({ conversationId, queueId: decided.queueId, priority: decided.priority, reason: request.reason, intent: request.intent ?? null, language, outOfHours: decided.outOfHours, ...(decided.outOfHours ? {} : { announcedWaitMinutes: decided.waitMinutes }) });
        assign = true;
        logger.info({ conversationId }, 'handoff: enqueued after the turn (escalate step skipped)');
      }
    }
    if (assign) await queue.assignPass();
  }

  return { mode, escalate, afterTurn };
}
