/**
 * The Store on Kysely: one query path for SQLite and PostgreSQL. Dialect differences are kept to
 * row locking (PostgreSQL `FOR UPDATE SKIP LOCKED`, advisory locks) and connection setup.
 */
import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import { parseDeliveryFailure, type DeliveryFailure } from '../delivery-failure.js';
import { HubError } from '../errors.js';
import { isLanguage, type ChannelId, type InboundMessage, type OutboundMessage, type Recipient } from '../message.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { MIGRATION_NAMES, migrationProvider, type Dialect } from './migrations/index.js';
import type { ConversationsTable, Database, InboundTable, OutboxTable, TranscriptTable } from './schema.js';
import type {
  CompleteTurnInput,
  CompleteTurnResult,
  Conversation,
  ConversationPatch,
  ConversationState,
  IngestResult,
  ListConversationsQuery,
  OutboxItem,
  OutboxStatus,
  ReplyDraft,
  Store,
  StoredInbound,
  TranscriptDraft,
  TranscriptEntry,
} from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toConversation(row: Selectable<ConversationsTable>, contact: { external_id: string; display_name: string | null; locale: string | null }): Conversation {
  const participant = {
    channel: row.channel as ChannelId,
    id: contact.external_id,
    ...(contact.display_name === null ? {} : { displayName: contact.display_name }),
    ...(contact.locale === null ? {} : { locale: contact.locale }),
  };
  return {
    id: row.id,
    channel: row.channel as ChannelId,
    conversationKey: row.conversation_key,
    contactId: row.contact_id,
    participant,
    mode: row.mode as Conversation['mode'],
    language: isLanguage(row.language) ? row.language : null,
    urgent: Number(row.urgent) === 1,
    unreachable: Number(row.unreachable) === 1,
    replyContext: parseJson<Record<string, string>>(row.reply_context),
    state: parseJson<ConversationState>(row.state) ?? {},
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    lastInboundAt: row.last_inbound_at === null ? null : new Date(row.last_inbound_at),
  };
}

function reviveInbound(json: string): InboundMessage {
  const raw = JSON.parse(json) as InboundMessage & { receivedAt: string };
  return { ...raw, receivedAt: new Date(raw.receivedAt) };
}

function toStoredInbound(row: Selectable<InboundTable>): StoredInbound {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel as ChannelId,
    channelMessageId: row.channel_message_id,
    message: reviveInbound(row.message),
    status: row.status as StoredInbound['status'],
    receivedAt: new Date(row.received_at),
  };
}

function toOutboxItem(row: Selectable<OutboxTable>): OutboxItem {
  return {
    id: String(row.seq),
    conversationId: row.conversation_id,
    channel: row.channel as ChannelId,
    recipient: JSON.parse(row.recipient) as Recipient,
    message: JSON.parse(row.message) as OutboundMessage,
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error,
    channelMessageId: row.channel_message_id,
    deliveryStatus: row.delivery_status,
    createdAt: new Date(row.created_at),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
    partsSent: Number(row.parts_sent),
    failure: parseDeliveryFailure(row.failure),
  };
}

function toTranscriptEntry(row: Selectable<TranscriptTable>): TranscriptEntry {
  return {
    id: String(row.seq),
    conversationId: row.conversation_id,
    author: row.author as TranscriptEntry['author'],
    kind: row.kind,
    text: row.text,
    data: parseJson<Record<string, unknown>>(row.data),
    intent: row.intent,
    score: row.score === null ? null : Number(row.score),
    language: isLanguage(row.language) ? row.language : null,
    outboxId: row.outbox_id === null ? null : String(row.outbox_id),
    createdAt: new Date(row.created_at),
  };
}

function patchColumns(patch: ConversationPatch, now: string): Updateable<ConversationsTable> {
  const columns: Updateable<ConversationsTable> = { updated_at: now };
  if (patch.mode !== undefined) columns.mode = patch.mode;
  if (patch.language !== undefined) columns.language = patch.language;
  if (patch.urgent !== undefined) columns.urgent = patch.urgent ? 1 : 0;
  if (patch.unreachable !== undefined) columns.unreachable = patch.unreachable ? 1 : 0;
  if (patch.state !== undefined) columns.state = JSON.stringify(patch.state);
  return columns;
}

/** Where a conversation's replies go, with the given routing data (default: the latest message's). */
function recipientOf(conversation: Conversation, replyContext: Readonly<Record<string, string>> | null = conversation.replyContext): Recipient {
  return {
    participant: conversation.participant,
    conversationKey: conversation.conversationKey,
    ...(replyContext === null ? {} : { replyContext }),
  };
}

/** Text of an outbound message for the transcript. */
function outboundText(message: OutboundMessage): string | null {
  return message.kind === 'attachment' ? (message.caption ?? null) : message.text;
}

export interface KyselyStoreOptions {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Releases the underlying pool / file handle. */
  readonly destroy: () => Promise<void>;
  /** PostgreSQL only: runs `fn` holding a session advisory lock on `key`. */
  readonly advisoryLock?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
  /** PostgreSQL only: takes a session-wide advisory lock without waiting; resolves its release, or undefined if held elsewhere. */
  readonly trySingletonLock?: (key: string) => Promise<(() => Promise<void>) | undefined>;
  /** PostgreSQL only: the schema the store lives in (Kysely's migration tables go there too). */
  readonly schema?: string;
}

/** The Store implementation shared by both dialects. */
export class KyselyStore implements Store {
  readonly dialect: Dialect;
  private readonly db: Kysely<Database>;
  private readonly destroyDb: () => Promise<void>;
  private readonly advisoryLock: KyselyStoreOptions['advisoryLock'];
  private readonly locks = new KeyedMutex();
  private readonly schema: string | undefined;
  private readonly singletonLock: KyselyStoreOptions['trySingletonLock'];
  private closed = false;

  constructor(options: KyselyStoreOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.destroyDb = options.destroy;
    this.advisoryLock = options.advisoryLock;
    this.schema = options.schema;
    this.singletonLock = options.trySingletonLock;
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

  private pendingWrites: { run: (trx: Transaction<Database>) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private flushScheduled = false;

  /**
   * Group commit (SQLite): writes requested in the same tick share one transaction, and each
   * caller resolves only after that transaction committed, so "stored before acknowledged" holds.
   * If the shared transaction fails, each write is retried alone so one bad write fails alone.
   * PostgreSQL runs each write in its own transaction: its pooled connections write in parallel,
   * which a shared transaction would serialise.
   */
  private write<T>(run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    if (this.dialect !== 'sqlite') return this.db.transaction().execute(run);
    return new Promise<T>((resolve, reject) => {
      this.pendingWrites.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flushWrites());
      }
    });
  }

  private async flushWrites(): Promise<void> {
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

  /** The Kysely instance, for modules that own extra tables (handoff, editor). */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  /**
   * Brings the schema to this version's migration list ({@link MIGRATION_NAMES}). Pending migrations apply in one
   * transaction (both dialects), so a failure leaves the database as it was; on PostgreSQL
   * Kysely's migration lock makes concurrent instances apply them once. Throws HUB_ERR_STORE when
   * the database was migrated by a newer version (it names the unknown migration and what to do).
   */
  async migrate(): Promise<void> {
    await this.refuseNewerSchema();
    const schema = await this.migrationSchema();
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider(this.dialect),
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new HubError('HUB_ERR_STORE', `migration ${failed} failed: ${String(error)}`, { cause: error });
    }
  }

  /**
   * The PostgreSQL schema the migration tables live in: the configured one, else the one the
   * search_path selects. Named explicitly because Kysely looks for its tables in every schema: a
   * kysely_migration of another schema in the same database (another app, another instance) would
   * be taken for this one's.
   */
  private async migrationSchema(): Promise<string | undefined> {
    if (this.schema !== undefined || this.dialect !== 'postgres') return this.schema;
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.db);
    return rows[0]?.schema ?? undefined;
  }

  /** Names of the migrations this database has recorded (empty for a new database). */
  async appliedMigrations(): Promise<string[]> {
    const schema = await this.migrationSchema();
    const tables = await this.db.introspection.getTables({ withInternalKyselyTables: true });
    if (!tables.some((table) => table.name === 'kysely_migration' && (schema === undefined || table.schema === schema))) return [];
    const rows = await sql<{ name: string }>`select name from ${sql.table(schema === undefined ? 'kysely_migration' : `${schema}.kysely_migration`)} order by name`.execute(this.db);
    return rows.rows.map((row) => row.name);
  }

  private async refuseNewerSchema(): Promise<void> {
    const known = new Set(MIGRATION_NAMES);
    const unknown = (await this.appliedMigrations()).filter((name) => !known.has(name));
    if (unknown.length === 0) return;
    throw new HubError(
      'HUB_ERR_STORE',
      `this database was created or upgraded by a newer version of Ventanilla (it has migration ${unknown.join(', ')}, which this version does not know). ` +
        'Run the version that upgraded it (or newer), or point VENTANILLA_DATABASE_URL at a backup made before the upgrade.',
    );
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
    while (this.pendingWrites.length > 0) await this.flushWrites();
    this.closed = true;
    await this.destroyDb();
  }

  private async conversationById(db: Db, conversationId: string): Promise<Conversation | undefined> {
    const row = await db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .selectAll('conversations')
      .select(['contacts.external_id', 'contacts.display_name', 'contacts.locale'])
      .where('conversations.id', '=', conversationId)
      .executeTakeFirst();
    return row === undefined ? undefined : toConversation(row, row);
  }

  async ingest(message: InboundMessage): Promise<IngestResult> {
    const channel = message.from.channel;
    return this.write(async (trx) => {
      const existing = await trx
        .selectFrom('inbound')
        .selectAll()
        .where('channel', '=', channel)
        .where('channel_message_id', '=', message.id)
        .executeTakeFirst();
      if (existing !== undefined) {
        const conversation = await this.conversationById(trx, existing.conversation_id);
        if (conversation === undefined) throw new HubError('HUB_ERR_STORE', `conversation ${existing.conversation_id} vanished`);
        return { inbound: toStoredInbound(existing), conversation, duplicate: true };
      }
      const now = new Date().toISOString();
      const replyContext = message.replyContext === undefined ? null : JSON.stringify(message.replyContext);
      // One read finds the conversation and its contact for a citizen who wrote before (the common case).
      const known = await trx
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .selectAll('conversations')
        .select(['contacts.display_name', 'contacts.locale'])
        .where('conversations.conversation_key', '=', message.conversationKey)
        .executeTakeFirst();
      let contact: { id: string; display_name: string | null; locale: string | null } | undefined =
        known === undefined ? undefined : { id: known.contact_id, display_name: known.display_name, locale: known.locale };
      if (contact === undefined) {
        contact = await trx
          .selectFrom('contacts')
          .select(['id', 'display_name', 'locale'])
          .where('channel', '=', channel)
          .where('external_id', '=', message.from.id)
          .executeTakeFirst();
      }
      if (contact === undefined) {
        contact = { id: randomUUID(), display_name: message.from.displayName ?? null, locale: message.from.locale ?? null };
        await trx
          .insertInto('contacts')
          .values({ ...contact, channel, external_id: message.from.id, created_at: now })
          .execute();
      } else if (
        (message.from.displayName !== undefined && message.from.displayName !== contact.display_name) ||
        (message.from.locale !== undefined && message.from.locale !== contact.locale)
      ) {
        contact = { id: contact.id, display_name: message.from.displayName ?? contact.display_name, locale: message.from.locale ?? contact.locale };
        await trx.updateTable('contacts').set({ display_name: contact.display_name, locale: contact.locale }).where('id', '=', contact.id).execute();
      }
      let conversationRow: Selectable<ConversationsTable>;
      let heldReplies = false;
      if (known === undefined) {
        conversationRow = {
          id: randomUUID(),
          channel,
          conversation_key: message.conversationKey,
          contact_id: contact.id,
          mode: 'bot',
          language: null,
          urgent: 0,
          unreachable: 0,
          reply_context: replyContext,
          state: '{}',
          created_at: now,
          updated_at: now,
          last_inbound_at: now,
          held_outbox: 0,
        };
        await trx.insertInto('conversations').values(conversationRow).execute();
      } else {
        const { display_name: _name, locale: _locale, ...row } = known;
        // A citizen writing again is reachable again, and the latest routing data wins.
        conversationRow = { ...row, reply_context: replyContext ?? row.reply_context, unreachable: 0, last_inbound_at: now, updated_at: now };
        // `held_outbox` is read back from the update, not from the read above: a hold committed
        // in between (another connection) is seen, so its replies are released below.
        const updated = await trx
          .updateTable('conversations')
          .set({ reply_context: conversationRow.reply_context, unreachable: 0, last_inbound_at: now, updated_at: now })
          .where('id', '=', conversationRow.id)
          .returning('held_outbox')
          .executeTakeFirst();
        heldReplies = Number(updated?.held_outbox ?? 0) === 1;
      }
      const inboundRow: Selectable<InboundTable> = {
        id: randomUUID(),
        conversation_id: conversationRow.id,
        channel,
        channel_message_id: message.id,
        message: JSON.stringify(message),
        status: 'pending',
        received_at: now,
        processed_at: null,
      };
      await trx.insertInto('inbound').values(inboundRow).execute();
      await trx
        .insertInto('transcript')
        .values({
          conversation_id: conversationRow.id,
          author: 'citizen',
          kind: message.kind,
          text: message.fullText ?? message.text ?? null,
          data: citizenData(message),
          intent: null,
          score: null,
          language: null,
          outbox_id: null,
          inbound_id: inboundRow.id,
          created_at: now,
        })
        .execute();
      const conversation = toConversation(conversationRow, {
        external_id: message.from.id,
        display_name: contact.display_name,
        locale: contact.locale,
      });
      if (heldReplies) await this.releaseHeld(trx, conversation, now);
      return { inbound: toStoredInbound(inboundRow), conversation, duplicate: false };
    });
  }

  async listPendingInbound(limit: number): Promise<StoredInbound[]> {
    const rows = await this.db
      .selectFrom('inbound')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('received_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toStoredInbound);
  }

  async getInbound(inboundId: string): Promise<StoredInbound | undefined> {
    const row = await this.db.selectFrom('inbound').selectAll().where('id', '=', inboundId).executeTakeFirst();
    return row === undefined ? undefined : toStoredInbound(row);
  }

  async completeTurn(input: CompleteTurnInput): Promise<CompleteTurnResult> {
    return this.write(async (trx) => {
      const now = new Date().toISOString();
      // The status guard makes a resumed or concurrent duplicate turn a no-op.
      const updated = await trx
        .updateTable('inbound')
        .set({ status: 'processed', processed_at: now })
        .where('id', '=', input.inboundId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return { applied: false, outbox: [] };
      if (input.inboundAnnotation !== undefined) {
        await trx
          .updateTable('transcript')
          .set({
            intent: input.inboundAnnotation.intent ?? null,
            score: input.inboundAnnotation.score ?? null,
            language: input.inboundAnnotation.language ?? null,
          })
          .where('inbound_id', '=', input.inboundId)
          .execute();
      }
      if (input.events !== undefined && input.events.length > 0) await this.insertTranscript(trx, input.conversationId, input.events, now);
      const outbox = await this.insertReplies(trx, input.conversationId, input.replies, now, input.conversation, input.replyContext);
      if (input.patch !== undefined) {
        await trx.updateTable('conversations').set(patchColumns(input.patch, now)).where('id', '=', input.conversationId).execute();
      }
      return { applied: true, outbox };
    });
  }

  private async insertTranscript(db: Db, conversationId: string, entries: readonly TranscriptDraft[], now: string): Promise<TranscriptEntry[]> {
    const result: TranscriptEntry[] = [];
    for (const entry of entries) {
      const row = await db
        .insertInto('transcript')
        .values({
          conversation_id: conversationId,
          author: entry.author,
          kind: entry.kind,
          text: entry.text ?? null,
          data: entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data),
          intent: entry.intent ?? null,
          score: entry.score ?? null,
          language: entry.language ?? null,
          outbox_id: null,
          inbound_id: null,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      result.push(toTranscriptEntry(row));
    }
    return result;
  }

  private async insertReplies(
    db: Db,
    conversationId: string,
    replies: readonly ReplyDraft[],
    now: string,
    known?: Conversation,
    replyContext?: Readonly<Record<string, string>>,
  ): Promise<OutboxItem[]> {
    if (replies.length === 0) return [];
    // Routing data only changes on ingest, which the turn's lock orders before us: the turn's copy is current.
    const conversation = known?.id === conversationId ? known : await this.conversationById(db, conversationId);
    if (conversation === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `conversation ${conversationId} does not exist`);
    const recipient = recipientOf(conversation, replyContext ?? conversation.replyContext);
    const items: OutboxItem[] = [];
    const recipientJson = JSON.stringify(recipient);
    for (const reply of replies) {
      const { seq } = await db
        .insertInto('outbox')
        .values({
          conversation_id: conversationId,
          channel: conversation.channel,
          recipient: recipientJson,
          message: JSON.stringify(reply.message),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          last_error: null,
          channel_message_id: null,
          delivery_status: null,
          created_at: now,
          sent_at: null,
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('transcript')
        .values({
          conversation_id: conversationId,
          author: reply.author,
          kind: reply.message.kind,
          text: outboundText(reply.message),
          data: JSON.stringify({ ...(reply.data ?? {}), message: reply.message }),
          intent: reply.intent ?? null,
          score: reply.score ?? null,
          language: reply.language ?? null,
          outbox_id: seq,
          inbound_id: null,
          created_at: now,
        })
        .execute();
      // Built from what was written: no read-back and no JSON re-parse on the hot path.
      const created = new Date(now);
      items.push({
        id: String(seq),
        conversationId,
        channel: conversation.channel,
        recipient,
        message: reply.message,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: created,
        lastError: null,
        channelMessageId: null,
        deliveryStatus: null,
        createdAt: created,
        sentAt: null,
        partsSent: 0,
        failure: null,
      });
    }
    return items;
  }

  async enqueueReplies(conversationId: string, replies: readonly ReplyDraft[], patch?: ConversationPatch): Promise<OutboxItem[]> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      const items = await this.insertReplies(trx, conversationId, replies, now);
      if (patch !== undefined) await trx.updateTable('conversations').set(patchColumns(patch, now)).where('id', '=', conversationId).execute();
      return items;
    });
  }

  async appendTranscript(conversationId: string, entries: readonly TranscriptDraft[]): Promise<TranscriptEntry[]> {
    return this.db.transaction().execute((trx) => this.insertTranscript(trx, conversationId, entries, new Date().toISOString()));
  }

  async updateConversation(conversationId: string, patch: ConversationPatch): Promise<Conversation> {
    await this.db.updateTable('conversations').set(patchColumns(patch, new Date().toISOString())).where('id', '=', conversationId).execute();
    const conversation = await this.conversationById(this.db, conversationId);
    if (conversation === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `conversation ${conversationId} does not exist`);
    return conversation;
  }

  getConversation(conversationId: string): Promise<Conversation | undefined> {
    return this.conversationById(this.db, conversationId);
  }

  async getConversationByKey(conversationKey: string): Promise<Conversation | undefined> {
    const row = await this.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .selectAll('conversations')
      .select(['contacts.external_id', 'contacts.display_name', 'contacts.locale'])
      .where('conversations.conversation_key', '=', conversationKey)
      .executeTakeFirst();
    return row === undefined ? undefined : toConversation(row, row);
  }

  async listConversations(query: ListConversationsQuery): Promise<Conversation[]> {
    let q = this.db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .selectAll('conversations')
      .select(['contacts.external_id', 'contacts.display_name', 'contacts.locale']);
    if (query.modes !== undefined && query.modes.length > 0) q = q.where('conversations.mode', 'in', [...query.modes]);
    const rows = await q.orderBy('conversations.updated_at', 'desc').limit(query.limit ?? 100).execute();
    return rows.map((row) => toConversation(row, row));
  }

  async getTranscript(conversationId: string, options: { readonly limit?: number } = {}): Promise<TranscriptEntry[]> {
    const rows = await this.db
      .selectFrom('transcript')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('seq', 'desc')
      .limit(options.limit ?? 1000)
      .execute();
    return rows.reverse().map(toTranscriptEntry);
  }

  async leaseOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    return this.db.transaction().execute(async (trx) => {
      // Due items whose conversation has nothing earlier still in flight or waiting for a retry:
      // replies of one conversation go out in order, and a failing one holds back those after it.
      let select = trx
        .selectFrom('outbox as o')
        .selectAll('o')
        .where((eb) => eb.or([eb('o.status', '=', 'pending'), eb('o.status', '=', 'sending')]))
        .where('o.next_attempt_at', '<=', nowIso)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox as p')
                .select('p.seq')
                .whereRef('p.conversation_id', '=', 'o.conversation_id')
                .whereRef('p.seq', '<', 'o.seq')
                .where((eb) =>
                  eb.or([
                    eb.and([eb('p.status', '=', 'sending'), eb('p.next_attempt_at', '>', nowIso)]),
                    eb.and([eb('p.status', '=', 'pending'), eb('p.next_attempt_at', '>', nowIso)]),
                  ]),
                ),
            ),
          ),
        )
        .orderBy('o.seq')
        .limit(limit);
      if (this.dialect === 'postgres') select = select.forUpdate().skipLocked();
      const rows = await select.execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('outbox')
        .set({ status: 'sending', next_attempt_at: leaseUntil })
        .where(
          'seq',
          'in',
          rows.map((r) => r.seq),
        )
        .execute();
      return rows.map((row) => toOutboxItem({ ...row, status: 'sending', next_attempt_at: leaseUntil }));
    });
  }

  /** Marks several delivered items in one transaction (a delivery round). */
  async markOutboxSentMany(items: readonly { readonly outboxId: string; readonly channelMessageId: string; readonly sentAt: Date }[]): Promise<void> {
    if (items.length === 0) return;
    await this.write(async (trx) => {
      for (const item of items) {
        await trx
          .updateTable('outbox')
          .set({ status: 'sent', channel_message_id: item.channelMessageId, sent_at: item.sentAt.toISOString(), last_error: null, failure: null })
          .where('seq', '=', Number(item.outboxId))
          .execute();
      }
    });
  }

  /** Ids of the given conversations that are unreachable (one query for a delivery round). */
  async unreachableAmong(conversationIds: readonly string[]): Promise<Set<string>> {
    if (conversationIds.length === 0) return new Set();
    const rows = await this.db.selectFrom('conversations').select('id').where('unreachable', '=', 1).where('id', 'in', [...conversationIds]).execute();
    return new Set(rows.map((row) => row.id));
  }

  markOutboxSent(outboxId: string, channelMessageId: string, sentAt: Date): Promise<void> {
    return this.markOutboxSentMany([{ outboxId, channelMessageId, sentAt }]);
  }

  async markOutboxPartsSent(outboxId: string, partsSent: number, channelMessageId: string): Promise<void> {
    await this.write(async (trx) => {
      await trx.updateTable('outbox').set({ parts_sent: partsSent, channel_message_id: channelMessageId }).where('seq', '=', Number(outboxId)).execute();
    });
  }

  async markOutboxRetry(outboxId: string, nextAttemptAt: Date, error: string, failure?: DeliveryFailure): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        status: 'pending',
        next_attempt_at: nextAttemptAt.toISOString(),
        last_error: error,
        failure: failure === undefined ? null : JSON.stringify(failure),
        attempts: eb('attempts', '+', 1),
      }))
      .where('seq', '=', Number(outboxId))
      .execute();
  }

  async markOutboxDead(outboxId: string, error: string, failure?: DeliveryFailure): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ status: 'dead', last_error: error, failure: failure === undefined ? null : JSON.stringify(failure), attempts: eb('attempts', '+', 1) }))
      .where('seq', '=', Number(outboxId))
      .execute();
  }

  async holdOutbox(outboxId: string, failure: DeliveryFailure, attemptStartedAt: Date): Promise<'held' | 'released'> {
    return this.write(async (trx) => {
      const item = await trx.selectFrom('outbox').select('conversation_id').where('seq', '=', Number(outboxId)).executeTakeFirst();
      if (item === undefined) return 'held';
      // Locked, so a message being stored for this conversation either commits first (and is
      // seen here) or waits and then finds the flag this sets.
      let read = trx.selectFrom('conversations').select(['last_inbound_at']).where('id', '=', item.conversation_id);
      if (this.dialect === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirst();
      const now = new Date().toISOString();
      const wroteSince = row?.last_inbound_at !== null && row?.last_inbound_at !== undefined && row.last_inbound_at > attemptStartedAt.toISOString();
      const conversation = wroteSince ? await this.conversationById(trx, item.conversation_id) : undefined;
      if (conversation !== undefined) {
        // The citizen wrote while this send was failing: the window is open again, send now.
        await trx
          .updateTable('outbox')
          .set((eb) => ({ status: 'pending', next_attempt_at: now, recipient: JSON.stringify(recipientOf(conversation)), last_error: failure.detail, failure: JSON.stringify(failure), attempts: eb('attempts', '+', 1) }))
          .where('seq', '=', Number(outboxId))
          .execute();
        return 'released';
      }
      await trx
        .updateTable('outbox')
        .set((eb) => ({ status: 'held', last_error: failure.detail, failure: JSON.stringify(failure), attempts: eb('attempts', '+', 1) }))
        .where('seq', '=', Number(outboxId))
        .execute();
      await trx.updateTable('conversations').set({ held_outbox: 1 }).where('id', '=', item.conversation_id).execute();
      return 'held';
    });
  }

  /**
   * The citizen wrote: the reply window is open again, so held replies go out, in order, through
   * this message's routing data (their stored routing data is the expired one).
   */
  private async releaseHeld(trx: Transaction<Database>, conversation: Conversation, now: string): Promise<void> {
    await trx
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: now, recipient: JSON.stringify(recipientOf(conversation)) })
      .where('conversation_id', '=', conversation.id)
      .where('status', '=', 'held')
      .execute();
    await trx.updateTable('conversations').set({ held_outbox: 0 }).where('id', '=', conversation.id).execute();
  }

  async firstHeldOutbox(conversationId: string): Promise<OutboxItem | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('status', '=', 'held')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toOutboxItem(row);
  }

  /** Puts leased items back without counting an attempt (a sibling failed first). */
  async releaseOutbox(outboxIds: readonly string[], nextAttemptAt: Date): Promise<void> {
    if (outboxIds.length === 0) return;
    await this.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: nextAttemptAt.toISOString() })
      .where('seq', 'in', outboxIds.map(Number))
      .where('status', '=', 'sending')
      .execute();
  }

  /**
   * Puts every leased (`sending`) item back to pending. Only safe when this process is the only
   * one delivering (SQLite): at start-up it resumes sends that a crash interrupted without waiting
   * for their leases to expire. On PostgreSQL, leases expire instead.
   */
  async releaseAllLeases(): Promise<number> {
    const result = await this.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: new Date().toISOString() })
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setOutboxDeliveryStatus(channel: ChannelId, channelMessageId: string, status: string): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ delivery_status: status })
      .where('channel', '=', channel)
      .where('channel_message_id', '=', channelMessageId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async listOutbox(status: OutboxStatus, limit: number): Promise<OutboxItem[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('status', '=', status).orderBy('seq').limit(limit).execute();
    return rows.map(toOutboxItem);
  }

  async getOutbox(outboxId: string): Promise<OutboxItem | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('seq', '=', Number(outboxId)).executeTakeFirst();
    return row === undefined ? undefined : toOutboxItem(row);
  }

  async getOutboxMany(outboxIds: readonly string[]): Promise<OutboxItem[]> {
    if (outboxIds.length === 0) return [];
    const rows = await this.db.selectFrom('outbox').selectAll().where('seq', 'in', outboxIds.map(Number)).orderBy('seq').execute();
    return rows.map(toOutboxItem);
  }

  async retryDeadOutbox(ids?: readonly string[]): Promise<number> {
    if (ids !== undefined && ids.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      // Replies that died outside the reply window go out through the citizen's latest message.
      let windowClosed = trx.selectFrom('outbox').select(['seq', 'conversation_id']).where('status', '=', 'dead').where('failure', 'like', '%"kind":"window-closed"%');
      if (ids !== undefined) windowClosed = windowClosed.where('seq', 'in', ids.map(Number));
      for (const row of await windowClosed.execute()) {
        const conversation = await this.conversationById(trx, row.conversation_id);
        if (conversation !== undefined) await trx.updateTable('outbox').set({ recipient: JSON.stringify(recipientOf(conversation)) }).where('seq', '=', row.seq).execute();
      }
      let q = trx.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: now }).where('status', '=', 'dead');
      if (ids !== undefined) q = q.where('seq', 'in', ids.map(Number));
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

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

  async withConversationLock<T>(conversationId: string, fn: () => Promise<T>): Promise<T> {
    const advisory = this.advisoryLock;
    return this.locks.run(conversationId, advisory === undefined ? fn : () => advisory(conversationId, fn));
  }
}

function citizenData(message: InboundMessage): string | null {
  const data: Record<string, unknown> = {};
  if (message.payload !== undefined) data.payload = message.payload;
  if (message.attachments !== undefined) data.attachments = message.attachments;
  if (message.location !== undefined) data.location = message.location;
  if (message.subject !== undefined) data.subject = message.subject;
  return Object.keys(data).length === 0 ? null : JSON.stringify(data);
}

