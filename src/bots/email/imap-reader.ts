/**
 * Reading one mailbox over IMAP with imapflow, exactly once across restarts: messages are taken
 * in UID order above the durable cursor (UIDVALIDITY + last UID) in batches; each is handed to
 * `handle` (which stores it), and only after the batch's stored messages is the cursor advanced
 * past them and they are moved to the processed folder (or flagged). A crash before that
 * re-reads the batch, and the inbox's dedupe on message ids answers each once; a new UIDVALIDITY
 * re-reads the folder the same way. New mail is waited for with IDLE (NOOP polling where the server has no
 * IDLE, imapflow's fallback) and a poll timer; a dropped connection reconnects with backoff.
 */
import { ImapFlow } from 'imapflow';
import type { ChannelLogger } from '../../core/channel-port.js';
import type { MailboxConfig } from './config.js';
import { describeMailbox } from './config.js';
import type { EmailState } from './state.js';

/** One message as read from the server. */
export interface FetchedMail {
  readonly uid: number;
  readonly uidValidity: string;
  readonly size: number;
  /** The whole message; absent when it is over the size limit (then `headers` holds its header block). */
  readonly source?: Buffer;
  readonly headers?: Buffer;
}

export interface MailboxReaderOptions {
  readonly pollIntervalMs: number;
  readonly maxMessageBytes: number;
  /** Messages fetched per FETCH command (their bodies are held in memory together). */
  readonly batchSize?: number;
  /** Flag used when no processed folder is configured. */
  readonly storedFlag?: string;
}

export interface MailboxReaderDeps {
  readonly state: EmailState;
  readonly logger: ChannelLogger;
  /** Stores (or deliberately ignores) one message; throws only when it could not be stored (the cursor then stays before it). */
  handle(mailbox: MailboxConfig, mail: FetchedMail): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

/** Reads one mailbox until stopped. */
export class MailboxReader {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private client: ImapFlow | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly mailbox: MailboxConfig,
    private readonly options: MailboxReaderOptions,
    private readonly deps: MailboxReaderDeps,
  ) {}

  /** Starts reading in the background; resolves at once. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops reading, lets the message in hand finish and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const client = this.client;
    if (client !== undefined) {
      try {
        await client.logout();
      } catch {
        client.close();
      }
    }
    await this.loop;
    this.loop = undefined;
  }

  private newClient(): ImapFlow {
    const { imap } = this.mailbox;
    return new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: { user: imap.user, pass: imap.password },
      // imapflow's own logger would print server lines; the channel logs what matters.
      logger: false,
      disableAutoIdle: true,
      // STARTTLS when offered; loopback test servers run without TLS.
      doSTARTTLS: imap.secure ? undefined : imap.host === '127.0.0.1' || imap.host === 'localhost' ? false : undefined,
    });
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (!this.stopped) {
      const client = this.newClient();
      this.client = client;
      client.on('error', (error: Error) => this.deps.logger.warn({ channel: 'email', ...describeMailbox(this.mailbox), err: error.message }, 'imap connection error'));
      client.on('exists', () => this.wake?.());
      client.on('close', () => this.wake?.());
      try {
        await client.connect();
        const lock = await client.getMailboxLock(this.mailbox.imap.folder);
        try {
          await this.tidyLeftovers(client);
          backoff = 500;
          while (!this.stopped && client.usable) {
            await this.round(client);
            if (this.stopped) break;
            await this.waitForMail(client);
          }
        } finally {
          lock.release();
        }
      } catch (error) {
        if (this.stopped) break;
        this.deps.logger.warn({ channel: 'email', ...describeMailbox(this.mailbox), err: error instanceof Error ? error.message : String(error), retryInMs: backoff }, 'imap intake interrupted; reconnecting');
        client.close();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      client.close();
    }
    this.client = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async waitForMail(client: ImapFlow): Promise<void> {
    const waiting = this.sleep(this.options.pollIntervalMs);
    // IDLE until new mail, the poll timer or stop; the next command ends it.
    client.idle().catch(() => undefined);
    await waiting;
  }

  /** Moves messages already stored but not moved before a crash (their UIDs are ≤ the cursor). */
  private async tidyLeftovers(client: ImapFlow): Promise<void> {
    const folder = this.mailbox.processedFolder;
    const cursor = await this.deps.state.getCursor(this.mailbox.name);
    const box = client.mailbox;
    if (folder === undefined || cursor === undefined || box === false || cursor.uidValidity !== String(box.uidValidity) || cursor.lastUid === 0 || box.exists === 0) return;
    const leftovers = await client.search({ uid: `1:${cursor.lastUid}` }, { uid: true });
    const lastUid = cursor.lastUid;
    const uids = (leftovers === false || leftovers === undefined ? [] : leftovers).filter((uid) => uid <= lastUid);
    if (uids.length > 0) await client.messageMove(uids.join(','), folder, { uid: true });
  }

  /** Processes everything above the cursor; returns how many messages it handled. */
  async round(client: ImapFlow): Promise<number> {
    const box = client.mailbox;
    if (box === false) return 0;
    const uidValidity = String(box.uidValidity);
    let cursor = await this.deps.state.getCursor(this.mailbox.name);
    if (cursor === undefined || cursor.uidValidity !== uidValidity) {
      if (cursor !== undefined) this.deps.logger.warn({ channel: 'email', ...describeMailbox(this.mailbox), uidValidity }, 'UIDVALIDITY changed: re-reading the folder (messages already stored are not answered again)');
      cursor = { uidValidity, lastUid: 0 };
      await this.deps.state.setCursor(this.mailbox.name, cursor);
    }
    // `uidNext` is only as fresh as the last SELECT (EXISTS does not update it): always ask.
    if (box.exists === 0) return 0;
    const sizes: { uid: number; size: number }[] = [];
    for await (const message of client.fetch(`${cursor.lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
      // `n:*` always includes the last message, even when its UID is below n.
      if (message.uid > cursor.lastUid) sizes.push({ uid: message.uid, size: message.size ?? 0 });
    }
    sizes.sort((a, b) => a.uid - b.uid);
    const batchSize = this.options.batchSize ?? 50;
    let handled = 0;
    for (let start = 0; start < sizes.length && !this.stopped; start += batchSize) {
      const batch = sizes.slice(start, start + batchSize);
      const small = batch.filter((entry) => entry.size <= this.options.maxMessageBytes).map((entry) => entry.uid);
      const large = batch.filter((entry) => entry.size > this.options.maxMessageBytes).map((entry) => entry.uid);
      const sources = new Map<number, Buffer>();
      const headers = new Map<number, Buffer>();
      if (small.length > 0) for await (const message of client.fetch(small.join(','), { uid: true, source: true }, { uid: true })) if (message.source !== undefined) sources.set(message.uid, message.source);
      if (large.length > 0) for await (const message of client.fetch(large.join(','), { uid: true, headers: true }, { uid: true })) if (message.headers !== undefined) headers.set(message.uid, message.headers);
      const done: number[] = [];
      for (const { uid, size } of batch) {
        const source = sources.get(uid);
        const header = headers.get(uid);
        // Expunged between the two FETCH commands: nothing to read.
        if (source === undefined && header === undefined) continue;
        try {
          await this.deps.handle(this.mailbox, { uid, uidValidity, size, ...(source === undefined ? {} : { source }), ...(header === undefined ? {} : { headers: header }) });
        } catch (error) {
          // Not stored: the cursor stops just before it, and the next connection reads it again.
          if (done.length > 0) await this.advance(client, uidValidity, done);
          throw error;
        }
        done.push(uid);
        handled += 1;
      }
      if (done.length > 0) await this.advance(client, uidValidity, done);
    }
    return handled;
  }

  /**
   * One cursor write per batch: a crash before it re-reads at most one batch, whose messages the
   * inbox dedupe (same ids) and the idempotent intake log take once.
   */
  private async advance(client: ImapFlow, uidValidity: string, done: readonly number[]): Promise<void> {
    await this.deps.state.setCursor(this.mailbox.name, { uidValidity, lastUid: Math.max(...done) });
    await this.dispose(client, done);
  }

  private async dispose(client: ImapFlow, uids: readonly number[]): Promise<void> {
    const range = uids.join(',');
    try {
      if (this.mailbox.processedFolder !== undefined) await client.messageMove(range, this.mailbox.processedFolder, { uid: true });
      else await client.messageFlagsAdd(range, ['\\Seen', this.options.storedFlag ?? '$VentanillaStored'], { uid: true });
    } catch (error) {
      // Already stored and past the cursor: a failed move only leaves them in the folder.
      this.deps.logger.warn({ channel: 'email', ...describeMailbox(this.mailbox), err: error instanceof Error ? error.message : String(error) }, 'stored messages could not be moved or flagged');
    }
  }
}
