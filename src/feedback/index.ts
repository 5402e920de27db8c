/**
 * Citizen feedback on bot answers (👍/👎): the store (one rating per answer), the turn step that
 * records button payloads and marks answers rateable, and the recorder the web chat route uses.
 */
import type { HubEvents } from '../core/events.js';
import type { Middleware } from '../core/pipeline.js';
import type { Store } from '../core/store/index.js';
import { feedbackStep } from './middleware.js';
import type { FeedbackValue } from '../core/feedback-payload.js';
import { FeedbackStore } from './store.js';

export { FeedbackStore, type FeedbackOutcome } from './store.js';
export { FEEDBACK_EVENT, feedbackPayload, parseFeedbackPayload, FEEDBACK_TITLES, FEEDBACK_VALUES, type FeedbackValue } from '../core/feedback-payload.js';
export { FEEDBACK_THANKS, feedbackStep, isRateableAnswer } from './middleware.js';

export interface FeedbackModule {
  readonly store: FeedbackStore;
  /** The turn step to run before the safety net. */
  readonly step: Middleware;
  /** For channels with their own feedback route (the web chat): by conversation key. */
  record(conversationKey: string, outboxId: string, value: FeedbackValue): Promise<'recorded' | 'changed' | 'unchanged' | 'unknown-answer'>;
}

export function createFeedback(deps: { readonly store: Store; readonly events: HubEvents; readonly clock?: () => Date }): FeedbackModule {
  const store = new FeedbackStore(deps.store, deps.events, deps.clock);
  return {
    store,
    step: feedbackStep(store),
    async record(conversationKey, outboxId, value) {
      const conversation = await deps.store.getConversationByKey(conversationKey);
      if (conversation === undefined) return 'unknown-answer';
      const outcome = await store.record({ conversationId: conversation.id, outboxId, value, channel: conversation.channel });
      return outcome.status;
    },
  };
}
