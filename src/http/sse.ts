/**
 * Server-Sent Events over a raw Node response: the headers that keep proxies from buffering, the
 * reconnect delay, heartbeats that keep an idle stream open, and the frame format. The web chat
 * and the agent console's live feed both stream through this.
 */
import type { ServerResponse } from 'node:http';

export interface SseEvent {
  /** SSE `id:` line: the browser dedupes and resumes on it. */
  readonly id?: string | number;
  /** SSE `event:` name. */
  readonly event: string;
  readonly data: unknown;
}

/** Formats one SSE frame. `data` is JSON, which never contains a raw newline. */
export function formatSse(event: SseEvent): string {
  const id = event.id === undefined ? '' : `id: ${String(event.id).replace(/[\r\n]/g, '')}\n`;
  return `${id}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export interface SseOptions {
  /** How soon EventSource reconnects after the stream ends (restart, network). */
  readonly retryMs: number;
  /** Interval of the comment line that keeps proxies and browsers from closing an idle stream. */
  readonly heartbeatMs: number;
  /** Headers besides the SSE ones (CORS of the web chat widget). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Called on each heartbeat (the console marks the agent as still there). */
  readonly onHeartbeat?: () => void;
  /** Called once when the client goes away or the stream is ended. */
  readonly onClose?: () => void;
}

/** An open stream. */
export interface SseStream {
  send(event: SseEvent): void;
  /** Ends the stream (idempotent). */
  end(): void;
  /** True once the client went away or the stream was ended. */
  readonly closed: boolean;
}

/** Takes over `response` as an event stream: writes the headers and `retry`, starts the heartbeat. */
export function openSseStream(response: ServerResponse, options: SseOptions): SseStream {
  response.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    // no-transform stops compressing proxies from buffering the stream.
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers responses by default, which would hold events back.
    'x-accel-buffering': 'no',
  });
  response.write(`retry: ${options.retryMs}\n: connected\n\n`);
  let closed = false;
  const heartbeat = setInterval(() => {
    if (closed) return;
    response.write(': heartbeat\n\n');
    options.onHeartbeat?.();
  }, options.heartbeatMs);
  heartbeat.unref();
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    options.onClose?.();
  };
  response.on('close', close);
  return {
    send(event) {
      if (!closed && !response.writableEnded && !response.destroyed) response.write(formatSse(event));
    },
    end() {
      close();
      if (!response.writableEnded) response.end();
    },
    get closed() {
      return closed || response.writableEnded || response.destroyed;
    },
  };
}
