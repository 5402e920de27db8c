/**
 * Keeps a reply from reaching the browser twice. A web-chat reply can arrive by two paths: the
 * `transcript` event (fired when the turn commits; carries the transcript id that history also
 * uses) and the outbox's `send` (one call per part when the degrade step split the reply). Both
 * name the same outbox id, so whichever path comes first streams the reply and the other is
 * skipped: every part of a reply the transcript already streamed is skipped, and once `send`
 * streamed a reply its transcript entry is not streamed again.
 */

/** Outbox ids remembered (least recently used forgotten first); a few minutes of traffic. */
const DEFAULT_CAPACITY = 100_000;

type Path = 'transcript' | 'send';

export class ReplyReconciler {
  /** outbox id → the path that streamed it first. */
  private readonly firstPath = new Map<string, Path>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /**
   * A committed reply entry: true when it must be streamed (its `send` has not streamed it
   * already). An entry without an outbox id is always streamed.
   */
  fromTranscript(outboxId: string | null | undefined): boolean {
    if (outboxId === null || outboxId === undefined) return true;
    if (this.firstPath.get(outboxId) === 'send') {
      this.firstPath.delete(outboxId);
      return false;
    }
    this.remember(outboxId, 'transcript');
    return true;
  }

  /**
   * One part sent by the outbox: true when it must be streamed (the transcript did not stream
   * the reply). A `send` without an outbox id (called outside the outbox) is always streamed.
   */
  fromSend(outboxId: string | undefined): boolean {
    if (outboxId === undefined) return true;
    const first = this.firstPath.get(outboxId);
    if (first === 'transcript') return false;
    if (first === undefined) this.remember(outboxId, 'send');
    return true;
  }

  private remember(outboxId: string, path: Path): void {
    // Re-insert so the Map's insertion order works as least-recently-used.
    this.firstPath.delete(outboxId);
    if (this.firstPath.size >= this.capacity) {
      const oldest = this.firstPath.keys().next().value;
      if (oldest !== undefined) this.firstPath.delete(oldest);
    }
    this.firstPath.set(outboxId, path);
  }
}
