/**
 * The Store contract: everything the hub keeps durably. Two implementations share one
 * Kysely code path: SQLite (embedded default, better-sqlite3 in WAL mode) and PostgreSQL.
 */
import type {
  ChannelId,
  ConversationMode,
  InboundMessage,
  Language,
  OutboundMessage,
  Participant,
  Recipient,
} from '../message.js';
import type { CompiledQuery, Kysely } from 'kysely';
import type { DeliveryFailure } from '../delivery-failure.js';
import type { Database } from './schema.js';

export type TranscriptAuthor = 'citizen' | 'bot' | 'agent' | 'system';

/** Per-conversation memory the turn pipeline keeps between turns (JSON). */
export interface ConversationState {
  /** Consecutive turns the bot did not understand (for "rephrase once, then offer a person"). */
  readonly misunderstood?: number;
  /** The choices last offered, so "2" or a button payload maps back to one. */
  readonly pendingChoices?: readonly { readonly title: string; readonly payload: string }[];
  readonly [key: string]: unknown;
}

export interface Conversation {
  readonly id: string;
  readonly channel: ChannelId;
  readonly conversationKey: string;
  readonly contactId: string;
  readonly participant: Participant;
  readonly mode: ConversationMode;
  readonly language: Language | null;
  readonly urgent: boolean;
  /** The citizen blocked the bot or the platform refused for good: do not retry sending. */
  readonly unreachable: boolean;
  readonly replyContext: Readonly<Record<string, string>> | null;
  readonly state: ConversationState;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lastInboundAt: Date | null;
}

export interface ConversationPatch {
  readonly mode?: ConversationMode;
  readonly language?: Language | null;
  readonly urgent?: boolean;
  readonly unreachable?: boolean;
  readonly state?: ConversationState;
}

export interface TranscriptEntry {
  readonly id: string;
  readonly conversationId: string;
  readonly author: TranscriptAuthor;
  /** For citizen entries: the inbound kind; for bot/agent: the outbound kind; for system: the event name. */
  readonly kind: string;
  readonly text: string | null;
  /** Structured extras: choices offered, attachment metadata, agent id, event data. */
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly intent: string | null;
  readonly score: number | null;
  readonly language: Language | null;
  /** For bot/agent entries: the outbox id that delivers it. */
  readonly outboxId: string | null;
  readonly createdAt: Date;
}

export interface TranscriptDraft {
  readonly author: TranscriptAuthor;
  readonly kind: string;
  readonly text?: string | null;
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly intent?: string | null;
  readonly score?: number | null;
  readonly language?: Language | null;
}

export type InboundStatus = 'pending' | 'processed';

export interface StoredInbound {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: ChannelId;
  readonly channelMessageId: string;
  readonly message: InboundMessage;
  readonly status: InboundStatus;
  readonly receivedAt: Date;
}

export interface IngestResult {
  readonly inbound: StoredInbound;
  readonly conversation: Conversation;
  /** True when this channel message id was already stored: the caller must not process it again. */
  readonly duplicate: boolean;
  /**
   * The citizen's transcript entry this ingest wrote, as written (absent for a duplicate): what
   * the `transcript` event carries, so no listener reads it back.
   */
  readonly entry?: TranscriptEntry;
}

/**
 * `held`: refused because the channel's reply window is closed (WhatsApp 24 h) and waiting for
 * the citizen to write again, which releases it (`pending`, with the new message's routing data).
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'held';

export interface OutboxItem {
  readonly id: string;
  readonly conversationId: string;
  readonly channel: ChannelId;
  readonly recipient: Recipient;
  readonly message: OutboundMessage;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly channelMessageId: string | null;
  /** Platform delivery status (WhatsApp sent/delivered/read/failed), when the channel reports one. */
  readonly deliveryStatus: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  /** Parts of a split reply already accepted by the platform: a retry sends only the rest. */
  readonly partsSent: number;
  /** The last failure in a form people can read (kept until the item is sent). */
  readonly failure: DeliveryFailure | null;
}

/** A reply produced by a turn (or an agent): goes to the outbox and to the transcript together. */
export interface ReplyDraft {
  readonly message: OutboundMessage;
  readonly author: 'bot' | 'agent' | 'system';
  readonly intent?: string | null;
  readonly score?: number | null;
  readonly language?: Language | null;
  readonly data?: Readonly<Record<string, unknown>> | null;
}

export interface CompleteTurnInput {
  readonly inboundId: string;
  readonly conversationId: string;
  /** The conversation as the turn read it (saves a read when building reply recipients). */
  readonly conversation?: Conversation;
  /**
   * Routing data of the message this turn answers: its replies thread under it (an X mention,
   * a Bot Framework activity) even if the citizen wrote again meanwhile. Defaults to the
   * conversation's latest.
   */
  readonly replyContext?: Readonly<Record<string, string>>;
  /** Annotations of the citizen's own transcript entry (detected intent, score, language). */
  readonly inboundAnnotation?: { readonly intent?: string | null; readonly score?: number | null; readonly language?: Language | null };
  readonly replies: readonly ReplyDraft[];
  /** Extra transcript entries (system events such as `handoff.requested`). */
  readonly events?: readonly TranscriptDraft[];
  readonly patch?: ConversationPatch;
  /**
   * The lease owner running this turn (PostgreSQL, {@link Store.claimTurn}): when this commit
   * leaves nothing pending and the lease is still theirs, the lease is given back in it.
   */
  readonly leaseOwner?: string;
}

/**
 * `applied` false when the inbound was already processed (a resumed or duplicated turn): nothing
 * was written. When applied, the transcript entries the commit wrote come back as written, so the
 * caller's events carry them without a read-back.
 */
export type CompleteTurnResult =
  | { readonly applied: false; readonly outbox: readonly OutboxItem[]; readonly pending: number }
  | {
      readonly applied: true;
      readonly outbox: readonly OutboxItem[];
      /** Messages of the conversation still pending after this commit. */
      readonly pending: number;
      /** The new entries (the turn's events, then its replies), in the order they were written. */
      readonly transcript: readonly TranscriptEntry[];
      /** The citizen's own entry with the turn's annotations (absent without `inboundAnnotation`). */
      readonly citizen?: TranscriptEntry;
    };

/** A conversation whose lease this instance holds, with its oldest pending message. */
export interface TurnClaim {
  readonly conversation: Conversation;
  /**
   * The oldest pending message (in the order messages were stored), or undefined when a message
   * counted as pending was not visible yet to the claim (stored at that very moment): claim again.
   */
  readonly inbound: StoredInbound | undefined;
}

export interface ListConversationsQuery {
  readonly modes?: readonly ConversationMode[];
  /** Only conversations last updated before this instant (the store's system time). */
  readonly updatedBefore?: Date;
  readonly limit?: number;
}

/**
 * Durable store. All methods are safe to call concurrently; multi-row writes are transactional.
 * Implementations: {@link createStore} picks SQLite or PostgreSQL from the URL.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * The Kysely instance, for modules that own extra tables (handoff, editor). They type it with
   * their own tables only (`store.kysely as unknown as Kysely<TheirTables>`): the core's tables are
   * reached through this interface's methods, never queried directly from outside the store.
   */
  readonly kysely: Kysely<Database>;
  /**
   * Runs a compiled read (a hot read a module compiles once and keeps) and hands its rows to
   * `visit` one at a time until it returns `false`. On SQLite the statement stays prepared and
   * rows are read only as far as `visit` goes, under the connection lock every other query takes
   * (so never inside another caller's open transaction); on PostgreSQL the rows come in one round
   * trip and `visit` walks them. `visit` must not query the store (on SQLite it runs while the
   * one connection is held).
   */
  readRows<R>(query: CompiledQuery<R>, visit: (row: R) => boolean): Promise<void>;
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** Names of the migrations this database has recorded (empty for a new database). */
  appliedMigrations(): Promise<string[]>;
  /**
   * Claims a process-wide singleton (the whatsapp-web.js session) across every instance sharing
   * this store; resolves a release function, or undefined when another instance holds it.
   */
  trySingleton(name: string): Promise<(() => Promise<void>) | undefined>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;

  /**
   * Stores an inbound message idempotently on (channel, message id), creating the contact and
   * conversation on first contact, and its citizen transcript entry, in one transaction.
   */
  ingest(message: InboundMessage): Promise<IngestResult>;
  /** Inbound messages stored but not yet processed, oldest first (resumed at start-up). */
  listPendingInbound(limit: number): Promise<StoredInbound[]>;
  getInbound(inboundId: string): Promise<StoredInbound | undefined>;

  /**
   * Atomically: marks the inbound processed, appends transcript entries, enqueues the replies in
   * the outbox and applies the conversation patch. Does nothing if the inbound was already processed.
   */
  completeTurn(input: CompleteTurnInput): Promise<CompleteTurnResult>;

  /** Appends replies written outside a turn (agent messages, queue notices) with transcript entries. */
  enqueueReplies(conversationId: string, replies: readonly ReplyDraft[], patch?: ConversationPatch): Promise<OutboxItem[]>;
  /** Appends transcript entries without a reply (system events, internal notes). */
  appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]>;
  updateConversation(conversationId: string, patch: ConversationPatch): Promise<Conversation>;

  getConversation(conversationId: string): Promise<Conversation | undefined>;
  getConversationByKey(conversationKey: string): Promise<Conversation | undefined>;
  listConversations(query: ListConversationsQuery): Promise<Conversation[]>;
  /** The given conversations (missing ids are left out), in no particular order. */
  getConversations(conversationIds: readonly string[]): Promise<Conversation[]>;
  /**
   * Sets the mode only while it is still one of `from` (a turn may have moved it meanwhile).
   * Resolves the updated conversation when it changed, else undefined.
   */
  setModeIf(conversationId: string, to: ConversationMode, from: readonly ConversationMode[]): Promise<Conversation | undefined>;
  /** The latest transcript entry of this kind (a system event such as `handoff.requested`), if any. */
  lastTranscriptEntry(conversationId: string, kind: string): Promise<TranscriptEntry | undefined>;
  /** Per conversation, how many replies are not delivered (dead-lettered, or held for the reply window); absent means none. */
  undeliveredCounts(conversationIds: readonly string[]): Promise<Map<string, number>>;
  /** The whole transcript, oldest first; `afterId` pages forward. */
  getTranscript(conversationId: string, options?: { readonly limit?: number }): Promise<TranscriptEntry[]>;
  /** The transcript entries with these ids, of any conversation (missing ids left out), oldest first. */
  getTranscriptEntries(entryIds: readonly string[]): Promise<TranscriptEntry[]>;
  /**
   * Entries of every conversation committed with an id after `afterId`, oldest first, at most
   * `limit` (ids grow with commit order; catch-up of the cross-instance event relay).
   */
  transcriptAfter(afterId: string, limit: number): Promise<TranscriptEntry[]>;
  /** The id of the newest transcript entry of any conversation, '0' when there is none. */
  lastTranscriptId(): Promise<string>;

  /**
   * Leases up to `limit` outbox items that are due (pending with nextAttemptAt ≤ now, or sending
   * with an expired lease), oldest first, one conversation's items in order. Leased items are
   * `sending` until `leaseMs` has passed.
   */
  leaseOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]>;
  markOutboxSent(outboxId: string, channelMessageId: string, sentAt: Date): Promise<void>;
  /** Marks several delivered items in one transaction (a delivery round). */
  markOutboxSentMany(items: readonly { readonly outboxId: string; readonly channelMessageId: string; readonly sentAt: Date }[]): Promise<void>;
  /** Ids of the given conversations that are unreachable (one query for a delivery round). */
  unreachableAmong(conversationIds: readonly string[]): Promise<Set<string>>;
  /** Puts leased items back without counting an attempt (a sibling failed first). */
  releaseOutbox(outboxIds: readonly string[], nextAttemptAt: Date): Promise<void>;
  /**
   * Puts every leased (`sending`) item back to pending. Only safe when this process is the only
   * one delivering (SQLite); returns how many items moved.
   */
  releaseAllLeases(): Promise<number>;
  /** Records that the first `partsSent` parts of a split reply were accepted (durable before the next part is sent). */
  markOutboxPartsSent(outboxId: string, partsSent: number, channelMessageId: string): Promise<void>;
  markOutboxRetry(outboxId: string, nextAttemptAt: Date, error: string, failure?: DeliveryFailure): Promise<void>;
  markOutboxDead(outboxId: string, error: string, failure?: DeliveryFailure): Promise<void>;
  /**
   * Holds an item until the citizen writes again (the channel's reply window is closed). The
   * citizen's next stored message releases every held item of the conversation, in order, with
   * that message's routing data. When the citizen already wrote after `attemptStartedAt`, the
   * item is put back to pending with that message's routing data instead (`'released'`).
   */
  holdOutbox(outboxId: string, failure: DeliveryFailure, attemptStartedAt: Date): Promise<'held' | 'released'>;
  /** The oldest reply of the conversation held for the citizen's answer, if any. */
  firstHeldOutbox(conversationId: string): Promise<OutboxItem | undefined>;
  /** Records a platform delivery status (sent/delivered/read/failed) by the platform's message id. */
  setOutboxDeliveryStatus(channel: ChannelId, channelMessageId: string, status: string): Promise<boolean>;
  listOutbox(status: OutboxStatus, limit: number): Promise<OutboxItem[]>;
  getOutbox(outboxId: string): Promise<OutboxItem | undefined>;
  /** The given items (missing ids are left out), for views that show delivery state. */
  getOutboxMany(outboxIds: readonly string[]): Promise<OutboxItem[]>;
  /**
   * Moves dead items back to pending (all when `ids` is omitted); returns how many moved. An item
   * that died outside the channel's reply window is retried with the routing data of the
   * citizen's latest message (the window is open again once they wrote).
   */
  retryDeadOutbox(ids?: readonly string[]): Promise<number>;

  /** Small durable key/value (polling cursors such as X `since_id`). */
  getCursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;

  /**
   * Runs `fn` while no turn of this conversation runs, in any instance: in-process on SQLite; on
   * PostgreSQL it also holds the conversation's turn lease (waiting while a turn holds it).
   */
  withConversationLock<T>(conversationId: string, fn: () => Promise<T>): Promise<T>;

  /**
   * PostgreSQL turn ownership, without a held connection. Takes (or renews) the conversation's
   * lease for `owner` for `leaseMs` when it has pending messages and the lease is free, expired or
   * already `owner`'s, in one statement that also reads the conversation and its oldest pending
   * message. Resolves undefined when another owner holds a live lease or nothing is pending.
   * The lease goes back in the commit that leaves nothing pending (`CompleteTurnInput.leaseOwner`).
   * Lease times are the database's clock, so instances' clocks may differ. Throws on SQLite.
   */
  claimTurn(conversationId: string, owner: string, leaseMs: number): Promise<TurnClaim | undefined>;
  /** Pushes `owner`'s leases on these conversations `leaseMs` into the future (turns still running). */
  renewLeases(owner: string, conversationIds: readonly string[], leaseMs: number): Promise<void>;
  /** Gives `owner`'s lease back (a turn that could not commit); true when it held it. */
  releaseLease(conversationId: string, owner: string): Promise<boolean>;
  /** Recounts the conversation's pending messages from the rows and gives `owner`'s lease back. */
  repairPending(conversationId: string, owner: string): Promise<void>;
  /**
   * Conversations with pending messages and no live lease (their owner died, or no instance took
   * them yet), the longest waiting first, at most `limit`.
   */
  claimableConversations(limit: number): Promise<string[]>;
}
