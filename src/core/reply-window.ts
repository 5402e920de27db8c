/**
 * A channel whose platform lets the business write only for a while after the citizen's last
 * message (WhatsApp: 24 hours) says so in each inbound message's `replyContext`, so the steps that
 * talk to the citizen (the out-of-hours notice) can tell them truthfully how a late answer reaches
 * them. The channel writes {@link replyWindowContext}; the steps read {@link replyWindowOf}.
 */

export interface ReplyWindow {
  /** How long after the citizen's last message the business may write freely. */
  readonly hours: number;
  /**
   * `template`: after that, the hub sends an approved invitation and the held answer follows the
   * citizen's reply. `citizen`: the citizen has to write again before an answer can reach them.
   */
  readonly reopenBy: 'template' | 'citizen';
}

const HOURS_KEY = 'replyWindowHours';
const REOPEN_KEY = 'reopenBy';

/** The `replyContext` entries that declare a reply window. */
export function replyWindowContext(window: ReplyWindow): Readonly<Record<string, string>> {
  return { [HOURS_KEY]: String(window.hours), [REOPEN_KEY]: window.reopenBy };
}

/** The reply window an inbound message's `replyContext` declares, if any. */
export function replyWindowOf(replyContext: Readonly<Record<string, string>> | null | undefined): ReplyWindow | undefined {
  const hours = Number(replyContext?.[HOURS_KEY]);
  const reopenBy = replyContext?.[REOPEN_KEY];
  if (!Number.isFinite(hours) || hours <= 0 || (reopenBy !== 'template' && reopenBy !== 'citizen')) return undefined;
  return { hours, reopenBy };
}
