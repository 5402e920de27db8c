/**
 * Keeps a reply from reaching the browser twice. A web-chat reply can arrive by two paths: the
 * `transcript` event (fired when the turn commits; carries the transcript id that history also
 * uses) and the outbox's `send` (carries only the message). Whichever comes first is streamed; the
 * other is recognised here by its text and skipped. When the degrade step split a long reply, each
 * sent part is struck from the streamed entry's text until nothing is left.
 */

/** Per session, how many unmatched items to remember before forgetting the oldest. */
const MAX_PENDING = 50;

interface SessionLedger {
  /** Texts streamed from the transcript whose `send` has not come yet (what is left of them). */
  readonly streamed: string[];
  /** Texts streamed by `send` whose transcript event has not come yet. */
  readonly sent: string[];
}

export class ReplyReconciler {
  private readonly ledgers = new Map<string, SessionLedger>();

  constructor(private readonly maxSessions = 10_000) {}

  /** A committed reply entry: true when it must be streamed (its `send` has not streamed it already). */
  fromTranscript(sessionId: string, text: string): boolean {
    const ledger = this.ledger(sessionId);
    const index = ledger.sent.indexOf(normalise(text));
    if (index !== -1) {
      ledger.sent.splice(index, 1);
      return false;
    }
    pushBounded(ledger.streamed, normalise(text));
    return true;
  }

  /** A `send` from the outbox: true when it must be streamed (no transcript entry streamed it). */
  fromSend(sessionId: string, text: string): boolean {
    const ledger = this.ledger(sessionId);
    const part = normalise(text);
    for (let index = 0; index < ledger.streamed.length; index += 1) {
      const remaining = ledger.streamed[index] ?? '';
      if (remaining === part || (part.length > 0 && remaining.includes(part))) {
        const left = remaining === part ? '' : normalise(remaining.replace(part, ' '));
        if (left === '') ledger.streamed.splice(index, 1);
        else ledger.streamed[index] = left;
        return false;
      }
    }
    pushBounded(ledger.sent, part);
    return true;
  }

  private ledger(sessionId: string): SessionLedger {
    let ledger = this.ledgers.get(sessionId);
    if (ledger === undefined) {
      ledger = { streamed: [], sent: [] };
      if (this.ledgers.size >= this.maxSessions) {
        const oldest = this.ledgers.keys().next().value;
        if (oldest !== undefined) this.ledgers.delete(oldest);
      }
    } else {
      // Re-insert so the Map's insertion order works as least-recently-used.
      this.ledgers.delete(sessionId);
    }
    this.ledgers.set(sessionId, ledger);
    return ledger;
  }
}

// The split step may trim or re-space at sentence boundaries; compare on collapsed whitespace.
function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function pushBounded(list: string[], value: string): void {
  list.push(value);
  if (list.length > MAX_PENDING) list.shift();
}
