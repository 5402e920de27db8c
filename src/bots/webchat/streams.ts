/**
 * Open Server-Sent Events streams of the web chat, per session. In-process only: a reply reaches a
 * browser when this process holds its stream; otherwise the browser gets it from history when it
 * (re)connects, which is why a push that finds no stream is not an error.
 */
import type { ServerResponse } from 'node:http';
import { openSseStream, type SseEvent, type SseStream } from '../../http/sse.js';

export { formatSse, type SseEvent } from '../../http/sse.js';

/** Comment line sent every {@link HEARTBEAT_MS} so proxies and browsers keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;

export class SseStreams {
  private readonly bySession = new Map<string, Set<SseStream>>();
  private closed = false;

  /**
   * Takes over `response` as an event stream for `sessionId`: writes the headers, keeps it alive with
   * heartbeats and forgets it when the client goes away. After {@link closeAll} it ends it at once.
   * The caller keeps the number of streams per session bounded ({@link count}).
   */
  open(sessionId: string, response: ServerResponse, extraHeaders: Readonly<Record<string, string>> = {}): void {
    let streams = this.bySession.get(sessionId);
    const stream: SseStream = openSseStream(response, {
      retryMs: 3000,
      heartbeatMs: HEARTBEAT_MS,
      headers: extraHeaders,
      onClose: () => this.forget(sessionId, stream),
    });
    if (this.closed) {
      stream.end();
      return;
    }
    if (streams === undefined) {
      streams = new Set();
      this.bySession.set(sessionId, streams);
    }
    streams.add(stream);
  }

  /**
   * Writes `event` to every open stream of the session; returns how many received it. Messages
   * carry their item id; signals that are not history (typing) carry none.
   */
  push(sessionId: string, event: SseEvent): number {
    const streams = this.bySession.get(sessionId);
    if (streams === undefined) return 0;
    let written = 0;
    for (const stream of streams) {
      if (stream.closed) continue;
      stream.send(event);
      written += 1;
    }
    return written;
  }

  /** Number of open streams (all sessions, or one). */
  count(sessionId?: string): number {
    if (sessionId !== undefined) return this.bySession.get(sessionId)?.size ?? 0;
    let total = 0;
    for (const streams of this.bySession.values()) total += streams.size;
    return total;
  }

  /**
   * Ends every stream and refuses new ones. Called before the HTTP server closes: an open stream
   * is an active connection that would otherwise keep `close()` waiting forever.
   */
  closeAll(): void {
    this.closed = true;
    for (const [sessionId, streams] of this.bySession) {
      for (const stream of streams) this.end(sessionId, stream);
    }
    this.bySession.clear();
  }

  private end(sessionId: string, stream: SseStream): void {
    this.forget(sessionId, stream);
    stream.end();
  }

  private forget(sessionId: string, stream: SseStream): void {
    const streams = this.bySession.get(sessionId);
    if (streams === undefined) return;
    streams.delete(stream);
    if (streams.size === 0) this.bySession.delete(sessionId);
  }
}
