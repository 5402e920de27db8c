/**
 * Open Server-Sent Events streams of the web chat, per session. In-process only: a reply reaches a
 * browser when this process holds its stream; otherwise the browser gets it from history when it
 * (re)connects, which is why a push that finds no stream is not an error.
 */
import type { ServerResponse } from 'node:http';

/** Comment line sent every {@link HEARTBEAT_MS} so proxies and browsers keep an idle stream open. */
export const HEARTBEAT_MS = 15_000;
interface OpenStream {
  readonly response: ServerResponse;
  readonly heartbeat: NodeJS.Timeout;
}

export interface SseEvent {
  /** SSE `id:` line: the browser dedupes on it. */
  readonly id: string;
  /** SSE `event:` name. */
  readonly event: string;
  readonly data: unknown;
}

/** Formats one SSE frame. `data` is JSON, which never contains a raw newline. */
export function formatSse(event: SseEvent): string {
  return `id: ${event.id.replace(/[\r\n]/g, '')}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export class SseStreams {
  private readonly bySession = new Map<string, Set<OpenStream>>();
  private closed = false;

  /**
   * Takes over `response` as an event stream for `sessionId`: writes the headers, keeps it alive with
   * heartbeats and forgets it when the client goes away. After {@link closeAll} it ends it at once.
   * The caller keeps the number of streams per session bounded ({@link count}).
   */
  open(sessionId: string, response: ServerResponse, extraHeaders: Readonly<Record<string, string>> = {}): void {
    response.writeHead(200, {
      ...extraHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform stops compressing proxies from buffering the stream.
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx buffers responses by default, which would hold events back.
      'x-accel-buffering': 'no',
    });
    // `retry` tells EventSource how soon to reconnect after the stream ends (restart, network).
    response.write('retry: 3000\n: connected\n\n');
    if (this.closed) {
      response.end();
      return;
    }
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const stream: OpenStream = { response, heartbeat };
    let streams = this.bySession.get(sessionId);
    if (streams === undefined) {
      streams = new Set();
      this.bySession.set(sessionId, streams);
    }
    streams.add(stream);
    response.on('close', () => this.forget(sessionId, stream));
  }

  /** Writes `event` to every open stream of the session; returns how many received it. */
  push(sessionId: string, event: SseEvent): number {
    const streams = this.bySession.get(sessionId);
    if (streams === undefined) return 0;
    const frame = formatSse(event);
    let written = 0;
    for (const stream of streams) {
      if (stream.response.writableEnded || stream.response.destroyed) continue;
      stream.response.write(frame);
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

  private end(sessionId: string, stream: OpenStream): void {
    this.forget(sessionId, stream);
    if (!stream.response.writableEnded) stream.response.end();
  }

  private forget(sessionId: string, stream: OpenStream): void {
    clearInterval(stream.heartbeat);
    const streams = this.bySession.get(sessionId);
    if (streams === undefined) return;
    streams.delete(stream);
    if (streams.size === 0) this.bySession.delete(sessionId);
  }
}
