/**
 * The Store on Kysely: one query path for SQLite and PostgreSQL. Dialect differences are kept to
 * row locking (PostgreSQL `FOR UPDATE SKIP LOCKED`, turn leases, one-statement hot paths) and connection setup. The
 * work is done by one part per concern (inbox, conversations, transcript, outbox, migrations);
 * this class holds the connection, the locks and the group commit, and answers the interface.
 */
import { randomUUID } from 'node:crypto';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { DeliveryFailure } from '../delivery-failure.js';
import { KeyedMutex } from '../keyed-mutex.js';
import type { ChannelId, ConversationMode, InboundMessage } from '../message.js';
import { GroupCommit, type StoreContext } from './context.js';
import { ConversationStore } from './conversations.js';
import { InboxStore } from './inbox.js';
import { LeaseStore } from './leases.js';
import { StoreMigrator } from './migrator.js';
import type { Dialect } from './migrations/index.js';
import { OutboxStore } from './outbox-store.js';
import type { Database } from './schema.js';
import { TranscriptStore } from './transcript.js';
import type {
  CompleteTurnInput,
  CompleteTurnResult,
  Conversation,
  ConversationPatch,
  IngestResult,
  ListConversationsQuery,
  OutboxItem,
  OutboxStatus,
  ReplyDraft,
  Store,
  StoredInbound,
  TranscriptDraft,
  TurnClaim,
  TranscriptEntry,
} from './types.js';

export interface KyselyStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Releases the underlying pool / file handle. */
  readonly destroy: () => Promise<void>;
  /** PostgreSQL only: takes a session-wide advisory lock without waiting; resolves its release, or undefined if held elsewhere. */
  readonly trySingletonLock?: (key: string) => Promise<(() => Promise<void>) | undefined>;
  /** PostgreSQL only: a pool of its own for ingest (acknowledgements never queue behind turns). */
  readonly intake?: Kysely<Database>;
  /** PostgreSQL only: the schema the store lives in (Kysely's migration tables go there too). */
  readonly schema?: string;
  /**
   * SQLite only: the rows of a read statement, prepared once and pulled lazily (better-sqlite3's
   * `iterate`). Called only while the connection lock is held.
   */
  readonly iterate?: (sql: string, parameters: readonly unknown[]) => IterableIterator<unknown>;
}

/** The Store implementation shared by both dialects. */
export class KyselyStore implements Store {
  readonly dialect: Dialect;
  private readonly db: Kysely<Database>;
  private readonly destroyDb: () => Promise<void>;
  private readonly locks = new KeyedMutex();
  private readonly singletonLock: KyselyStoreOptions['trySingletonLock'];
  private readonly iterate: KyselyStoreOptions['iterate'];
  private readonly commits: GroupCommit;
  private readonly migrator: StoreMigrator;
  private readonly inbox: InboxStore;
  private readonly conversations: ConversationStore;
  private readonly transcript: TranscriptStore;
  private readonly outbox: OutboxStore;
  private readonly leases: LeaseStore;
  private closed = false;

  constructor(options: KyselyStoreOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.destroyDb = options.destroy;
    this.singletonLock = options.trySingletonLock;
    this.iterate = options.iterate;
    this.commits = new GroupCommit(options.db, options.dialect);
    const ctx: StoreContext = { db: options.db, dialect: options.dialect, write: (run) => this.commits.write(run), ...(options.intake === undefined ? {} : { intake: options.intake }) };
    this.migrator = new StoreMigrator(ctx, options.schema);
    this.transcript = new TranscriptStore(ctx);
    this.outbox = new OutboxStore(ctx);
    this.conversations = new ConversationStore(ctx);
    this.inbox = new InboxStore(ctx, this.transcript, this.outbox);
    this.leases = new LeaseStore(ctx);
  }

  /**
   * Claims a process-wide singleton (the whatsapp-web.js session) across every instance sharing
   * this store. SQLite has one process by construction, so the claim always succeeds there.
   * Resolves a release function, or undefined when another instance holds it.
   */
  async trySingleton(name: string): Promise<(() => Promise<void>) | undefined> {
    if (this.singletonLock === undefined) return async () => undefined;
    return this.singletonLock(name);
  }

  /** The Kysely instance, for modules that own extra tables (handoff, editor). */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  /** See {@link StoreMigrator.migrate}. */
  migrate(): Promise<void> {
    return this.migrator.migrate();
  }

  appliedMigrations(): Promise<string[]> {
    return this.migrator.appliedMigrations();
  }

  /** See {@link Store.readRows}. */
  async readRows<R>(query: CompiledQuery<R>, visit: (row: R) => boolean): Promise<void> {
    const iterate = this.iterate;
    if (iterate === undefined) {
      const { rows } = await this.db.executeQuery(query);
      for (const row of rows) if (!visit(row)) return;
      return;
    }
    // Kysely's lock on the one SQLite connection: the statement runs when no transaction or
    // other query holds it, exactly when Kysely itself would run it. Leaving the loop early
    // returns the iterator, which resets the statement.
    await this.db.connection().execute(async () => {
      for (const row of iterate(query.sql, query.parameters)) if (!visit(row as R)) return;
    });
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes already promised to callers commit before the database goes away.
    while (this.commits.pending) await this.commits.flush();
    this.closed = true;
    await this.destroyDb();
  }

  // ── inbox and turns ──

  ingest(message: InboundMessage): Promise<IngestResult> {
    return this.inbox.ingest(message);
  }

  listPendingInbound(limit: number): Promise<StoredInbound[]> {
    return this.inbox.listPendingInbound(limit);
  }

  getInbound(inboundId: string): Promise<StoredInbound | undefined> {
    return this.inbox.getInbound(inboundId);
  }

  completeTurn(input: CompleteTurnInput): Promise<CompleteTurnResult> {
    return this.inbox.completeTurn(input);
  }

  // ── conversations ──

  updateConversation(conversationId: string, patch: ConversationPatch): Promise<Conversation> {
    return this.conversations.updateConversation(conversationId, patch);
  }

  getConversation(conversationId: string): Promise<Conversation | undefined> {
    return this.conversations.getConversation(conversationId);
  }

  getConversationByKey(conversationKey: string): Promise<Conversation | undefined> {
    return this.conversations.getConversationByKey(conversationKey);
  }

  listConversations(query: ListConversationsQuery): Promise<Conversation[]> {
    return this.conversations.listConversations(query);
  }

  getConversations(conversationIds: readonly string[]): Promise<Conversation[]> {
    return this.conversations.getConversations(conversationIds);
  }

  setModeIf(conversationId: string, to: ConversationMode, from: readonly ConversationMode[]): Promise<Conversation | undefined> {
    return this.conversations.setModeIf(conversationId, to, from);
  }

  unreachableAmong(conversationIds: readonly string[]): Promise<Set<string>> {
    return this.conversations.unreachableAmong(conversationIds);
  }

  // ── transcript ──

  appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]> {
    return this.transcript.appendTranscript(conversationId, entries);
  }

  getTranscript(conversationId: string, options: { readonly limit?: number } = {}): Promise<TranscriptEntry[]> {
    return this.transcript.getTranscript(conversationId, options);
  }

  getTranscriptEntries(entryIds: readonly string[]): Promise<TranscriptEntry[]> {
    return this.transcript.getTranscriptEntries(entryIds);
  }

  transcriptAfter(afterId: string, limit: number): Promise<TranscriptEntry[]> {
    return this.transcript.transcriptAfter(afterId, limit);
  }

  lastTranscriptId(): Promise<string> {
    return this.transcript.lastTranscriptId();
  }

  lastTranscriptEntry(conversationId: string, kind: string): Promise<TranscriptEntry | undefined> {
    return this.transcript.lastTranscriptEntry(conversationId, kind);
  }

  // ── outbox ──

  enqueueReplies(conversationId: string, replies: readonly ReplyDraft[], patch?: ConversationPatch): Promise<OutboxItem[]> {
    return this.outbox.enqueueReplies(conversationId, replies, patch);
  }

  leaseOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    return this.outbox.leaseOutbox(now, limit, leaseMs);
  }

  markOutboxSentMany(items: readonly { readonly outboxId: string; readonly channelMessageId: string; readonly sentAt: Date }[]): Promise<void> {
    return this.outbox.markOutboxSentMany(items);
  }

  markOutboxSent(outboxId: string, channelMessageId: string, sentAt: Date): Promise<void> {
    return this.outbox.markOutboxSent(outboxId, channelMessageId, sentAt);
  }

  markOutboxPartsSent(outboxId: string, partsSent: number, channelMessageId: string): Promise<void> {
    return this.outbox.markOutboxPartsSent(outboxId, partsSent, channelMessageId);
  }

  markOutboxRetry(outboxId: string, nextAttemptAt: Date, error: string, failure?: DeliveryFailure): Promise<void> {
    return this.outbox.markOutboxRetry(outboxId, nextAttemptAt, error, failure);
  }

  markOutboxDead(outboxId: string, error: string, failure?: DeliveryFailure): Promise<void> {
    return this.outbox.markOutboxDead(outboxId, error, failure);
  }

  holdOutbox(outboxId: string, failure: DeliveryFailure, attemptStartedAt: Date): Promise<'held' | 'released'> {
    return this.outbox.holdOutbox(outboxId, failure, attemptStartedAt);
  }

  firstHeldOutbox(conversationId: string): Promise<OutboxItem | undefined> {
    return this.outbox.firstHeldOutbox(conversationId);
  }

  releaseOutbox(outboxIds: readonly string[], nextAttemptAt: Date): Promise<void> {
    return this.outbox.releaseOutbox(outboxIds, nextAttemptAt);
  }

  releaseAllLeases(): Promise<number> {
    return this.outbox.releaseAllLeases();
  }

  setOutboxDeliveryStatus(channel: ChannelId, channelMessageId: string, status: string): Promise<boolean> {
    return this.outbox.setOutboxDeliveryStatus(channel, channelMessageId, status);
  }

  listOutbox(status: OutboxStatus, limit: number): Promise<OutboxItem[]> {
    return this.outbox.listOutbox(status, limit);
  }

  getOutbox(outboxId: string): Promise<OutboxItem | undefined> {
    return this.outbox.getOutbox(outboxId);
  }

  getOutboxMany(outboxIds: readonly string[]): Promise<OutboxItem[]> {
    return this.outbox.getOutboxMany(outboxIds);
  }

  retryDeadOutbox(ids?: readonly string[]): Promise<number> {
    return this.outbox.retryDeadOutbox(ids);
  }

  undeliveredCounts(conversationIds: readonly string[]): Promise<Map<string, number>> {
    return this.outbox.undeliveredCounts(conversationIds);
  }

  // ── cursors and locks ──

  async getCursor(name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('cursors').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  }

  async setCursor(name: string, value: string): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto('cursors')
      .values({ name, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
      .execute();
  }

  /**
   * In process, a keyed mutex; on PostgreSQL also the conversation's turn lease (taken under a
   * holder id of its own, waiting while a turn of any instance runs), so an agent's action and a
   * citizen's turn never interleave across instances. Messages that arrived meanwhile are picked
   * up by the instances' sweep once the lease is back.
   */
  async withConversationLock<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    if (this.dialect !== 'postgres') return this.locks.run(conversationId, fn);
    return this.locks.run(conversationId, async () => {
      const holder = `lock:${randomUUID()}`;
      await this.leases.acquire(conversationId, holder, LOCK_LEASE_MS, LOCK_WAIT_MS);
      try {
        return await fn();
      } finally {
        await this.leases.releaseLease(conversationId, holder);
      }
    });
  }

  // ── turn leases (PostgreSQL) ──

  claimTurn(conversationId: string, owner: string, leaseMs: number): Promise<TurnClaim | undefined> {
    return this.leases.claimTurn(conversationId, owner, leaseMs);
  }

  renewLeases(owner: string, conversationIds: readonly string[], leaseMs: number): Promise<void> {
    return this.leases.renewLeases(owner, conversationIds, leaseMs);
  }

  releaseLease(conversationId: string, owner: string): Promise<boolean> {
    return this.leases.releaseLease(conversationId, owner);
  }

  repairPending(conversationId: string, owner: string): Promise<void> {
    return this.leases.repairPending(conversationId, owner);
  }

  claimableConversations(limit: number): Promise<string[]> {
    return this.leases.claimableConversations(limit);
  }
}

/** How long an agent action's hold on a conversation lasts if its instance dies holding it. */
const LOCK_LEASE_MS = 30_000;
/** How long an agent action waits for a running turn before giving up. */
const LOCK_WAIT_MS = 30_000;
