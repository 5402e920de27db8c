/**
 * PostgreSQL LISTEN/NOTIFY for the cross-instance event relay: a dedicated listener connection
 * (a `pg.Client`, never a pooled one: a pool would hand the LISTEN session to other queries and
 * drop it when idle) that reconnects with backoff, and the NOTIFY side through the store's pool.
 */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { EventTransport } from '../event-bridge.js';

/** Largest payload PostgreSQL accepts in a NOTIFY (bytes, exclusive). */
export const NOTIFY_PAYLOAD_LIMIT = 8000;

/**
 * The channel the hub's events travel on for the database `url` names. Instances pointed at
 * different schemas of one database (`options=-c search_path=…`) are different hubs: they get
 * different channels. `schema` overrides what the URL says (tests).
 */
export function eventChannelName(url: string, schema?: string): string {
  let name = schema;
  if (name === undefined) {
    try {
      const options = new URL(url).searchParams.get('options') ?? '';
      name = /search_path=([A-Za-z0-9_]+)/.exec(options)?.[1];
    } catch {
      name = undefined;
    }
  }
  return name === undefined ? 'ventanilla_events' : `ventanilla_events_${name.toLowerCase()}`.slice(0, 63);
}

/** Sends `payload` on `channel` (delivered at commit; here: at once, outside any transaction). */
export async function pgNotify(db: Kysely<unknown>, channel: string, payload: string): Promise<void> {
  await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db);
}

export interface PgListenerOptions {
  readonly url: string;
  readonly channel: string;
  /** Each notification's payload on `channel`, in the order PostgreSQL delivers them. */
  readonly onNotify: (payload: string) => void;
  /**
   * Called after a dropped connection is listening again: notifications sent meanwhile are lost,
   * the caller catches up from the store.
   */
  readonly onReconnect: () => void;
  readonly onError?: (error: unknown) => void;
  /** First retry delay (default 100 ms), doubled per failure up to `maxBackoffMs` (default 5 s). */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** One LISTEN session that stays up: reconnects with exponential backoff until stopped. */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private connectedOnce = false;
  private backendPid: number | undefined;

  constructor(private readonly options: PgListenerOptions) {
    this.backoffMs = options.minBackoffMs ?? 100;
  }

  /** The listening session's backend pid (tests terminate it), undefined while disconnected. */
  get pid(): number | undefined {
    return this.backendPid;
  }

  /** Resolves once listening; the first connection's failure rejects (a wrong URL is said at start-up). */
  async start(): Promise<void> {
    this.stopped = false;
    try {
      await this.connect();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    this.backendPid = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    let dropped = false;
    const drop = (error?: unknown): void => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) {
        this.client = undefined;
        this.backendPid = undefined;
      }
      if (error !== undefined) this.options.onError?.(error);
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('notification', (message) => {
      if (message.channel === this.options.channel && message.payload !== undefined) this.options.onNotify(message.payload);
    });
    client.on('error', (error) => drop(error));
    client.on('end', () => drop());
    await client.connect();
    await client.query(`LISTEN "${this.options.channel.replace(/"/g, '""')}"`);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    if (this.stopped) {
      dropped = true;
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backendPid = rows[0]?.pid;
    this.backoffMs = this.options.minBackoffMs ?? 100;
    if (this.connectedOnce) this.options.onReconnect();
    this.connectedOnce = true;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer !== undefined) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.connect().catch((error: unknown) => {
        this.options.onError?.(error);
        this.scheduleReconnect();
      });
    }, delay);
    this.timer.unref();
  }
}

/**
 * The {@link EventTransport} of the cross-instance relay on PostgreSQL: NOTIFY through the
 * store's pool, LISTEN on a dedicated {@link PgListener}.
 */
export function pgEventTransport(options: {
  readonly url: string;
  readonly channel: string;
  readonly db: Kysely<unknown>;
  readonly onError?: (error: unknown) => void;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}): EventTransport & { readonly listener: () => PgListener | undefined } {
  let listener: PgListener | undefined;
  return {
    maxPayloadBytes: NOTIFY_PAYLOAD_LIMIT,
    listener: () => listener,
    publish: (payload) => pgNotify(options.db, options.channel, payload),
    async start(onMessage, onReconnect) {
      listener = new PgListener({
        url: options.url,
        channel: options.channel,
        onNotify: onMessage,
        onReconnect,
        ...(options.onError === undefined ? {} : { onError: options.onError }),
        ...(options.minBackoffMs === undefined ? {} : { minBackoffMs: options.minBackoffMs }),
        ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
      });
      await listener.start();
    },
    async stop() {
      await listener?.stop();
    },
  };
}
