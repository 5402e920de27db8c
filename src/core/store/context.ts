/**
 * What the store's parts share: the Kysely instance, the dialect, and the group commit through
 * which the hot-path writes (ingest, turn commit, delivery marks) go.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './migrations/index.js';
import type { Database } from './schema.js';

export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** PostgreSQL: connections reserved for storing inbound messages (the webhook's path to its 200). */
  readonly intake?: Kysely<Database>;
  /** Runs `run` in a transaction (shared with the writes of the same tick on SQLite); resolves after commit. */
  write<T>(run: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/**
 * Group commit (SQLite): writes requested in the same tick share one transaction, and each
 * caller resolves only after that transaction committed, so "stored before acknowledged" holds.
 * If the shared transaction fails, each write is retried alone so one bad write fails alone.
 * PostgreSQL runs each write in its own transaction: its pooled connections write in parallel,
 * which a shared transaction would serialise.
 */
export class GroupCommit {
  private pendingWrites: { run: (trx: Transaction<Database>) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private flushScheduled = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** True while writes promised to callers are waiting for their transaction. */
  get pending(): boolean {
    return this.pendingWrites.length > 0;
  }

  write<T>(run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.dialect !== 'sqlite') return this.db.transaction().execute(run);
    return new Promise<T>((resolve, reject) => {
      this.pendingWrites.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Commits the writes waiting now. */
  async flush(): Promise<void> {
    const batch = this.pendingWrites;
    this.pendingWrites = [];
    this.flushScheduled = false;
    if (batch.length === 0) return;
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const write of batch) out.push(await write.run(trx));
        return out;
      });
    } catch {
      for (const write of batch) {
        try {
          write.resolve(await this.db.transaction().execute(write.run));
        } catch (error) {
          write.reject(error);
        }
      }
      return;
    }
    batch.forEach((write, index) => write.resolve(results[index]));
  }
}
