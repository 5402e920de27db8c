/**
 * The e-mail channel's durable state (tables of migration `0500_email`): per-mailbox IMAP cursor,
 * Message-ID → thread map and the intake log. {@link EmailState} is the port the channel uses;
 * {@link KyselyEmailState} implements it over the hub's store (SQLite or PostgreSQL).
 */
import type { Kysely } from 'kysely';
import type { Store } from '../../core/store/index.js';

/** Where a mailbox's intake stands: UIDVALIDITY and the highest UID already stored. */
export interface MailboxCursor {
  readonly uidValidity: string;
  readonly lastUid: number;
}

/** A Message-ID the hub saw (`in`) or sent (`out`), and the thread it belongs to. */
export interface ThreadEntry {
  readonly messageId: string;
  readonly mailbox: string;
  readonly threadId: string;
  /** The citizen's address (lower case) on either direction. */
  readonly address: string;
  readonly direction: 'in' | 'out';
}

export type IntakeStatus = 'accepted' | 'ignored' | 'bounce' | 'failed';

/** One IMAP message read: what became of it and why. */
export interface IntakeRecord {
  readonly mailbox: string;
  readonly uidValidity: string;
  readonly uid: number;
  readonly messageId?: string;
  readonly sender: string;
  readonly status: IntakeStatus;
  readonly reason?: string;
}

export interface IntakeRow extends IntakeRecord {
  readonly createdAt: Date;
}

/** Durable state of the e-mail channel. Every method is safe to call concurrently. */
export interface EmailState {
  getCursor(mailbox: string): Promise<MailboxCursor | undefined>;
  /** Stores the cursor (a new UIDVALIDITY replaces the old one with its own last UID). */
  setCursor(mailbox: string, cursor: MailboxCursor): Promise<void>;
  /** Records a Message-ID's thread; a Message-ID already known keeps its first thread. */
  rememberMessage(entry: ThreadEntry): Promise<void>;
  findMessage(messageId: string): Promise<ThreadEntry | undefined>;
  /** The citizen address of a thread (its first message), if the thread exists. */
  threadAddress(mailbox: string, threadId: string): Promise<string | undefined>;
  /** Records what became of one IMAP message (idempotent on mailbox + UIDVALIDITY + UID). */
  recordIntake(record: IntakeRecord): Promise<void>;
  /** Messages from `sender` accepted since `since` (the per-sender hourly cap). */
  countAccepted(sender: string, since: Date): Promise<number>;
  /** The intake log, newest first (the inbox state an operator reads). */
  listIntake(limit: number): Promise<IntakeRow[]>;
}

interface EmailTables {
  email_mailboxes: { mailbox: string; uid_validity: string; last_uid: number | string; updated_at: string };
  email_messages: { message_id: string; mailbox: string; thread_id: string; address: string; direction: string; created_at: string };
  email_intake: {
    seq?: number;
    mailbox: string;
    uid_validity: string;
    uid: number | string;
    message_id: string | null;
    sender: string;
    status: string;
    reason: string | null;
    created_at: string;
  };
}

/** {@link EmailState} over the hub's store. */
export class KyselyEmailState implements EmailState {
  private readonly db: Kysely<EmailTables>;

  constructor(store: Pick<Store, 'kysely'>) {
    this.db = store.kysely as unknown as Kysely<EmailTables>;
  }

  async getCursor(mailbox: string): Promise<MailboxCursor | undefined> {
    const row = await this.db.selectFrom('email_mailboxes').selectAll().where('mailbox', '=', mailbox).executeTakeFirst();
    // PostgreSQL returns bigint as a string.
    return row === undefined ? undefined : { uidValidity: row.uid_validity, lastUid: Number(row.last_uid) };
  }

  async setCursor(mailbox: string, cursor: MailboxCursor): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto('email_mailboxes')
      .values({ mailbox, uid_validity: cursor.uidValidity, last_uid: cursor.lastUid, updated_at: now })
      .onConflict((oc) => oc.column('mailbox').doUpdateSet({ uid_validity: cursor.uidValidity, last_uid: cursor.lastUid, updated_at: now }))
      .execute();
  }

  async rememberMessage(entry: ThreadEntry): Promise<void> {
    await this.db
      .insertInto('email_messages')
      .values({ message_id: entry.messageId, mailbox: entry.mailbox, thread_id: entry.threadId, address: entry.address, direction: entry.direction, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('message_id').doNothing())
      .execute();
  }

  async findMessage(messageId: string): Promise<ThreadEntry | undefined> {
    const row = await this.db.selectFrom('email_messages').selectAll().where('message_id', '=', messageId).executeTakeFirst();
    if (row === undefined) return undefined;
    return { messageId: row.message_id, mailbox: row.mailbox, threadId: row.thread_id, address: row.address, direction: row.direction === 'out' ? 'out' : 'in' };
  }

  async threadAddress(mailbox: string, threadId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('email_messages')
      .select('address')
      .where('mailbox', '=', mailbox)
      .where('thread_id', '=', threadId)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row?.address;
  }

  async recordIntake(record: IntakeRecord): Promise<void> {
    await this.db
      .insertInto('email_intake')
      .values({
        mailbox: record.mailbox,
        uid_validity: record.uidValidity,
        uid: record.uid,
        message_id: record.messageId ?? null,
        sender: record.sender,
        status: record.status,
        reason: record.reason ?? null,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.columns(['mailbox', 'uid_validity', 'uid']).doNothing())
      .execute();
  }

  async countAccepted(sender: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('email_intake')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('sender', '=', sender)
      .where('status', '=', 'accepted')
      .where('created_at', '>=', since.toISOString())
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async listIntake(limit: number): Promise<IntakeRow[]> {
    const rows = await this.db.selectFrom('email_intake').selectAll().orderBy('seq', 'desc').limit(limit).execute();
    return rows.map((row) => ({
      mailbox: row.mailbox,
      uidValidity: row.uid_validity,
      uid: Number(row.uid),
      ...(row.message_id === null ? {} : { messageId: row.message_id }),
      sender: row.sender,
      status: row.status as IntakeStatus,
      ...(row.reason === null ? {} : { reason: row.reason }),
      createdAt: new Date(row.created_at),
    }));
  }
}
