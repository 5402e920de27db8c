/**
 * The turn step of citizen feedback, first in the pipeline (before the safety net and the handoff
 * mode, so a 👎 pressed while a person holds the chat is still recorded and never forwarded to the
 * agent as a message):
 * - a feedback button payload (`fb:down:<outbox id>`) is recorded and thanked, and the turn ends;
 * - any other turn runs as usual, then its FAQ answer is marked `rateable` so channels that can
 *   show buttons offer 👍/👎 under it.
 */
import type { Language } from '../core/message.js';
import type { Middleware, TurnContext } from '../core/pipeline.js';
import type { ReplyDraft } from '../core/store/types.js';
import { parseFeedbackPayload } from '../core/feedback-payload.js';
import type { FeedbackStore } from './store.js';

/** Said after a rating; after a 👎 it also says how to reach a person. */
export const FEEDBACK_THANKS: Readonly<Record<Language, { readonly up: string; readonly down: string }>> = {
  es: { up: 'Gracias por tu valoración.', down: 'Gracias por decírnoslo: revisaremos esta respuesta. Si quieres, escribe «persona» y te atiende alguien del equipo.' },
  ca: { up: 'Gràcies per la teva valoració.', down: 'Gràcies per dir-nos-ho: revisarem aquesta resposta. Si vols, escriu «persona» i t\'atendrà algú de l\'equip.' },
  gl: { up: 'Grazas pola túa valoración.', down: 'Grazas por dicírnolo: revisaremos esta resposta. Se queres, escribe «persoa» e atenderate alguén do equipo.' },
  eu: { up: 'Eskerrik asko zure balorazioagatik.', down: 'Eskerrik asko esateagatik: erantzun hau berrikusiko dugu. Nahi baduzu, idatzi «pertsona» eta taldeko norbaitek artatuko zaitu.' },
  en: { up: 'Thank you for your feedback.', down: 'Thank you for telling us: we will review this answer. If you like, write "person" and someone from the team will help you.' },
};

/** True for a reply that is an answer to rate: a bot text given for a recognised FAQ intent. */
export function isRateableAnswer(reply: ReplyDraft): boolean {
  if (reply.author !== 'bot' || reply.message.kind !== 'text') return false;
  const intent = reply.intent ?? null;
  if (intent === null || intent === 'None' || intent.startsWith('emergencia.')) return false;
  const data = reply.data ?? {};
  return !['fallback', 'safety', 'handoff', 'error', 'feedback'].some((key) => key in data);
}

function markRateable(ctx: TurnContext): void {
  // A turn that passes the chat to a person, or one a person holds, has no bot answer to rate.
  if (ctx.handoff !== undefined || ctx.conversation.mode === 'queued' || ctx.conversation.mode === 'agent') return;
  for (let index = ctx.replies.length - 1; index >= 0; index -= 1) {
    const reply = ctx.replies[index];
    if (reply === undefined || !isRateableAnswer(reply) || reply.message.kind !== 'text') continue;
    // One rating per turn, under its last answer.
    ctx.replies[index] = { ...reply, message: { ...reply.message, rateable: true } };
    return;
  }
}

/** Builds the feedback step over `store`. */
export function feedbackStep(store: FeedbackStore): Middleware {
  return async (ctx, next) => {
    const feedback = ctx.inbound.kind === 'postback' ? parseFeedbackPayload(ctx.inbound.payload) : undefined;
    if (feedback === undefined) {
      await next();
      markRateable(ctx);
      return;
    }
    const outcome = await store.record({ conversationId: ctx.conversation.id, outboxId: feedback.outboxId, value: feedback.value, channel: ctx.inbound.from.channel });
    const language = ctx.conversation.language ?? 'es';
    ctx.language = language;
    const text = FEEDBACK_THANKS[language][feedback.value];
    ctx.reply({ kind: 'text', text, short: text }, { feedback: feedback.value, outcome: outcome.status });
  };
}
