/**
 * The roll-up reducer: one event of one conversation, plus what the reports remember about that
 * conversation, gives the roll-up increments. Pure and synchronous, so the live writer and the
 * rebuild (`ventanilla reports rebuild`) compute the same figures by construction.
 */
import {
  hourBucket,
  NEW_CONTACT_GAP_MS,
  reasonCategory,
  RECONTACT_WINDOW_MS,
  serviceLevelMs,
  UNRECOGNISED_INTENT,
  waitBucket,
  type Delta,
  type ReportsConfig,
  type Slice,
} from './definitions.js';

/** A stored fact, in the shape the reducer reads (from a transcript row or a handoff event row). */
export type ReportEvent =
  | { readonly kind: 'citizen'; readonly at: string; readonly conversationId: string; readonly language: string | null; readonly intent: string | null }
  | {
      readonly kind: 'reply';
      readonly author: 'bot' | 'agent';
      readonly at: string;
      readonly conversationId: string;
      readonly language: string | null;
      readonly intent: string | null;
      readonly agentId: string | null;
    }
  | {
      readonly kind: 'handoff';
      readonly type: string;
      readonly at: string;
      readonly conversationId: string;
      readonly ticketId: string | null;
      readonly queueId: string | null;
      readonly agentId: string | null;
      readonly data: Readonly<Record<string, unknown>>;
    };

/** An outcome counted as good that a re-contact within 72 h may still take back. */
export interface PendingOutcome {
  readonly at: string;
  readonly slice: Slice;
}

export interface TicketMemory {
  readonly id: string;
  queueId: string;
  readonly intent: string;
  readonly language: string;
  urgent: boolean;
  readonly enqueuedAt: string;
  assignedAt: string | null;
  answeredAt: string | null;
  agentId: string | null;
}

/** What the reports remember about one conversation (`report_state.data`). */
export interface ConversationReportState {
  channel: string;
  language: string;
  lastCitizenAt: string | null;
  /** The bot already answered the latest citizen message (one answer per message counts). */
  answered: boolean;
  ticket: TicketMemory | null;
  /** The latest closed ticket, for the survey that follows it. */
  lastTicket: { readonly id: string; readonly queueId: string; readonly intent: string; readonly language: string; readonly agentId: string | null } | null;
  contained: Record<string, PendingOutcome>;
  fcr: Record<string, PendingOutcome>;
}

/** A fresh state for a conversation on `channel`. */
export function newState(channel: string, language: string | null): ConversationReportState {
  return { channel, language: language ?? '', lastCitizenAt: null, answered: false, ticket: null, lastTicket: null, contained: {}, fcr: {} };
}

const ms = (iso: string): number => new Date(iso).getTime();

function isRecognised(intent: string | null): intent is string {
  return intent !== null && intent !== '' && intent !== UNRECOGNISED_INTENT;
}

/**
 * Applies one event: mutates `state` and returns the increments. Events of one conversation must
 * come in the order they happened.
 */
export function reduceEvent(state: ConversationReportState, event: ReportEvent, config: ReportsConfig): Delta[] {
  const deltas: Delta[] = [];
  const bucket = hourBucket(event.at);
  const add = (slice: Slice, metric: string, n = 1, value = 0, at = bucket): void => {
    deltas.push({ bucket: at, slice, metric, n, total: value, peak: value });
  };
  const takeBack = (pending: Record<string, PendingOutcome>, key: string, metric: string): void => {
    const outcome = pending[key];
    if (outcome === undefined) return;
    if (ms(event.at) - ms(outcome.at) <= RECONTACT_WINDOW_MS) add(outcome.slice, metric, -1, 0, hourBucket(outcome.at));
    delete pending[key];
  };
  // Outcomes older than the window are final: forget them (the state stays small).
  for (const pending of [state.contained, state.fcr]) {
    for (const [key, outcome] of Object.entries(pending)) if (ms(event.at) - ms(outcome.at) > RECONTACT_WINDOW_MS) delete pending[key];
  }

  switch (event.kind) {
    case 'citizen': {
      if (event.language !== null && event.language !== '') state.language = event.language;
      const slice: Slice = { channel: state.channel, queue: '', language: state.language, intent: event.intent ?? '', agent: '' };
      if (state.lastCitizenAt === null || ms(event.at) - ms(state.lastCitizenAt) >= NEW_CONTACT_GAP_MS) add(slice, 'conversations');
      state.lastCitizenAt = event.at;
      state.answered = false;
      add(slice, 'citizen_messages');
      if (event.intent !== null && event.intent !== '') {
        add(slice, 'classified');
        if (event.intent === UNRECOGNISED_INTENT) add(slice, 'unrecognised');
        if (event.intent.startsWith('emergencia.')) add(slice, `emergency:${event.intent.slice('emergencia.'.length)}`);
      }
      if (isRecognised(event.intent)) {
        takeBack(state.contained, event.intent, 'contained');
        takeBack(state.fcr, event.intent, 'fcr');
      }
      break;
    }
    case 'reply': {
      if (event.author === 'agent') {
        const ticket = state.ticket;
        add({ channel: state.channel, queue: ticket?.queueId ?? '', language: state.language, intent: ticket?.intent ?? '', agent: event.agentId ?? '' }, 'agent_replies');
        break;
      }
      const slice: Slice = { channel: state.channel, queue: '', language: state.language, intent: event.intent ?? '', agent: '' };
      add(slice, 'bot_replies');
      if (!state.answered && state.ticket === null && isRecognised(event.intent) && !event.intent.startsWith('emergencia.')) {
        state.answered = true;
        add(slice, 'bot_answers');
        add(slice, 'contained');
        state.contained[event.intent] = { at: event.at, slice };
      }
      break;
    }
    case 'handoff':
      reduceHandoff(state, event, config, add, takeBack);
      break;
  }
  return deltas;
}

function reduceHandoff(
  state: ConversationReportState,
  event: Extract<ReportEvent, { kind: 'handoff' }>,
  config: ReportsConfig,
  add: (slice: Slice, metric: string, n?: number, value?: number) => void,
  takeBack: (pending: Record<string, PendingOutcome>, key: string, metric: string) => void,
): void {
  const data = event.data;
  const str = (value: unknown): string => (typeof value === 'string' ? value : '');
  const ticket = state.ticket !== null && state.ticket.id === event.ticketId ? state.ticket : null;
  const sliceOf = (t: { queueId: string; intent: string; language: string }, agent: string | null): Slice => ({
    channel: state.channel,
    queue: t.queueId,
    language: t.language,
    intent: t.intent,
    agent: agent ?? '',
  });
  switch (event.type) {
    case 'queued': {
      const intent = str(data.intent);
      const opened: TicketMemory = {
        id: event.ticketId ?? '',
        queueId: event.queueId ?? '',
        intent,
        language: str(data.language) || state.language,
        urgent: data.priority === 'urgent',
        enqueuedAt: event.at,
        assignedAt: null,
        answeredAt: null,
        agentId: null,
      };
      state.ticket = opened;
      const slice = sliceOf(opened, null);
      add(slice, 'handoffs');
      add(slice, `handoff_reason:${reasonCategory(str(data.reason))}`);
      // A handoff within 72 h means the bot's earlier answers did not resolve.
      for (const key of Object.keys(state.contained)) takeBack(state.contained, key, 'contained');
      // A new handoff on the same intent within 72 h: the earlier closure did not resolve it.
      takeBack(state.fcr, intent, 'fcr');
      break;
    }
    case 'priority':
      if (ticket !== null && data.to === 'urgent') ticket.urgent = true;
      break;
    case 'assigned':
      if (ticket !== null) {
        ticket.assignedAt ??= event.at;
        ticket.agentId = event.agentId;
      }
      break;
    case 'transferred':
      if (ticket !== null) {
        add(sliceOf(ticket, event.agentId), 'transfers');
        if (typeof data.toQueue === 'string') ticket.queueId = data.toQueue;
        if (event.agentId !== null) {
          ticket.agentId = event.agentId;
          ticket.assignedAt ??= event.at;
        }
      }
      break;
    case 'message':
      if (ticket !== null && ticket.answeredAt === null) {
        ticket.answeredAt = event.at;
        const wait = Math.max(0, ms(event.at) - ms(ticket.enqueuedAt));
        const slice = sliceOf(ticket, event.agentId);
        add(slice, 'answered', 1, wait);
        if (wait <= serviceLevelMs(config, ticket.queueId, state.channel)) add(slice, 'answered_in_sl');
        add(slice, waitBucket(wait));
        if (ticket.urgent) add(slice, 'urgent_answered', 1, wait);
      }
      break;
    case 'resolved':
      if (ticket !== null) {
        const slice = sliceOf(ticket, event.agentId);
        add(slice, 'resolved', 1, Math.max(0, ms(event.at) - ms(ticket.assignedAt ?? event.at)));
        add(slice, 'fcr');
        state.fcr[ticket.intent] = { at: event.at, slice };
        if (data.survey === true) add(slice, 'surveys_offered');
        state.lastTicket = { id: ticket.id, queueId: ticket.queueId, intent: ticket.intent, language: ticket.language, agentId: event.agentId };
        state.ticket = null;
      }
      break;
    case 'cancelled':
    case 'abandoned':
      if (ticket !== null) {
        if (ticket.answeredAt === null) add(sliceOf(ticket, null), 'abandoned', 1, Math.max(0, ms(event.at) - ms(ticket.enqueuedAt)));
        state.lastTicket = { id: ticket.id, queueId: ticket.queueId, intent: ticket.intent, language: ticket.language, agentId: ticket.agentId };
        state.ticket = null;
      }
      break;
    case 'survey': {
      const rating = typeof data.rating === 'number' ? data.rating : Number.NaN;
      if (!Number.isInteger(rating) || rating < 1 || rating > 5) break;
      const last = state.lastTicket !== null && state.lastTicket.id === event.ticketId ? state.lastTicket : null;
      const slice: Slice = {
        channel: state.channel,
        queue: last?.queueId ?? event.queueId ?? '',
        language: last?.language ?? state.language,
        intent: last?.intent ?? '',
        agent: event.agentId ?? last?.agentId ?? '',
      };
      add(slice, 'surveys', 1, rating);
      add(slice, `survey:${rating}`);
      break;
    }
    case 'sla_breached':
      if (ticket !== null) add(sliceOf(ticket, null), 'sla_breached');
      break;
    default:
      break;
  }
}
