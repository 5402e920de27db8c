/**
 * People and sessions: users with roles (agent, supervisor, editor, admin), argon2id password
 * hashes, presence/capacity/languages/queues for agents, and server-side sessions stored in the
 * database (so any instance behind the load balancer accepts them).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { HubError } from '../core/errors.js';
import { isLanguage, type Language } from '../core/message.js';
import { PasswordHasher } from './password-hash.js';
import type { AccountsDb, UsersTable } from './schema.js';

export const ROLES = ['agent', 'supervisor', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const PRESENCES = ['available', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** Roles that work conversations in the agent console. */
export const CONSOLE_ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];
/** Roles that see every queue. */
export const SUPERVISING_ROLES: readonly Role[] = ['supervisor', 'admin'];

export const MIN_PASSWORD_LENGTH = 10;

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly presence: Presence;
  readonly capacity: number;
  readonly languages: readonly Language[];
  readonly queues: readonly string[];
  readonly idleSince: string;
  readonly disabled: boolean;
  /** ISO time of the last successful login; null when never. */
  readonly lastLoginAt: string | null;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isPresence(value: unknown): value is Presence {
  return typeof value === 'string' && (PRESENCES as readonly string[]).includes(value);
}

export function toUser(row: Selectable<UsersTable>): User {
  const languages = (JSON.parse(row.languages) as unknown[]).filter(isLanguage);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: isRole(row.role) ? row.role : 'agent',
    presence: isPresence(row.presence) ? row.presence : 'offline',
    capacity: Number(row.capacity),
    languages,
    queues: (JSON.parse(row.queues) as unknown[]).filter((q): q is string => typeof q === 'string'),
    idleSince: row.idle_since,
    disabled: Number(row.disabled) === 1,
    lastLoginAt: row.last_login_at ?? null,
  };
}

/** True when the user sees every queue (supervisors and admins). */
export function seesAllQueues(user: Pick<User, 'role'>): boolean {
  return SUPERVISING_ROLES.includes(user.role);
}

export interface NewUser {
  readonly username: string;
  readonly role: Role;
  readonly password: string;
  readonly displayName?: string;
  readonly capacity?: number;
  readonly languages?: readonly Language[];
  readonly queues?: readonly string[];
}

export interface UserChanges {
  readonly role?: Role;
  readonly displayName?: string;
  readonly capacity?: number;
  readonly languages?: readonly Language[];
  readonly queues?: readonly string[];
  readonly disabled?: boolean;
}

export interface SessionInfo {
  readonly user: User;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

/** How long a session lives: `idleMs` without a request, and `absoluteMs` at most whatever happens. */
export interface SessionLimits {
  readonly idleMs: number;
  readonly absoluteMs: number;
}

/** A cookie token looked up: the session, or why it is no longer one. */
export type SessionLookup =
  | { readonly status: 'valid'; readonly session: SessionInfo }
  /** Idle too long, or past its absolute end: the person must log in again, and should be told so. */
  | { readonly status: 'expired'; readonly why: 'idle' | 'absolute' }
  /** Unknown token, or its user is disabled. */
  | { readonly status: 'none' };

/** A session's last request is written at most this often: an idle limit in minutes needs no finer grain. */
const TOUCH_EVERY_MS = 30_000;

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time string comparison (for CSRF tokens). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const USERNAME = /^[a-z0-9._-]{2,64}$/;

/** Validates a password for a new or changed account; throws `HUB_ERR_BAD_PAYLOAD` saying why. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new HubError('HUB_ERR_BAD_PAYLOAD', `the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > 1024) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'the password is longer than 1024 characters');
}

/** Users, password checks and sessions over the accounts' tables. */
export class UserDirectory {
  // A real argon2 hash of a random secret: unknown usernames cost the same time as wrong passwords.
  private dummyHash: Promise<string> | undefined;

  /**
   * `hasher` writes new hashes at the configured argon2 cost (`VENTANILLA_PASSWORD_HASH_MEMORY_KIB`);
   * stored hashes verify with the parameters written into them.
   */
  constructor(
    private readonly db: AccountsDb,
    private readonly clock: () => Date,
    private readonly hasher: PasswordHasher = new PasswordHasher(),
  ) {}

  /**
   * Creates a user with an argon2id hash of `password`. Throws `HUB_ERR_BAD_PAYLOAD` for a bad
   * username/role/password and `HUB_ERR_CONFLICT` when the username exists.
   */
  async create(input: NewUser): Promise<User> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) throw new HubError('HUB_ERR_BAD_PAYLOAD', 'username: use 2–64 lowercase letters, digits, ".", "_" or "-"');
    if (!isRole(input.role)) throw new HubError('HUB_ERR_BAD_PAYLOAD', `role: use one of ${ROLES.join(', ')}`);
    checkPassword(input.password);
    const existing = await this.db.selectFrom('handoff_users').select('id').where('username', '=', username).executeTakeFirst();
    if (existing !== undefined) throw new HubError('HUB_ERR_CONFLICT', `the user "${username}" already exists`);
    const now = this.clock().toISOString();
    const row: Selectable<UsersTable> = {
      id: randomUUID(),
      username,
      display_name: input.displayName ?? username,
      password_hash: await this.hasher.hash(input.password),
      role: input.role,
      presence: 'offline',
      capacity: input.capacity ?? 3,
      languages: JSON.stringify(input.languages ?? ['es']),
      queues: JSON.stringify(input.queues ?? []),
      idle_since: now,
      last_seen_at: null,
      last_login_at: null,
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('handoff_users').values(row).execute();
    return toUser(row);
  }

  async get(userId: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('handoff_users').selectAll().where('id', '=', userId).executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  async byUsername(username: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('handoff_users').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  /** Display names of the given users (unknown ids are left out). */
  async displayNames(userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('handoff_users').select(['id', 'display_name']).where('id', 'in', [...userIds]).execute();
    return new Map(rows.map((row) => [row.id, row.display_name]));
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('handoff_users').selectAll().orderBy('username').execute();
    return rows.map(toUser);
  }

  async update(userId: string, changes: UserChanges): Promise<User> {
    const set: Partial<UsersTable> = { updated_at: this.clock().toISOString() };
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.displayName !== undefined) set.display_name = changes.displayName;
    if (changes.capacity !== undefined) set.capacity = changes.capacity;
    if (changes.languages !== undefined) set.languages = JSON.stringify(changes.languages);
    if (changes.queues !== undefined) set.queues = JSON.stringify(changes.queues);
    if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
    await this.db.updateTable('handoff_users').set(set).where('id', '=', userId).execute();
    if (changes.disabled === true) await this.db.deleteFrom('handoff_sessions').where('user_id', '=', userId).execute();
    const user = await this.get(userId);
    if (user === undefined) throw new HubError('HUB_ERR_NOT_FOUND', `user ${userId} does not exist`);
    return user;
  }

  async setPassword(userId: string, password: string): Promise<void> {
    checkPassword(password);
    const hash = await this.hasher.hash(password);
    await this.db.updateTable('handoff_users').set({ password_hash: hash, updated_at: this.clock().toISOString() }).where('id', '=', userId).execute();
    // A changed password ends every open session of that user.
    await this.db.deleteFrom('handoff_sessions').where('user_id', '=', userId).execute();
  }

  /** The user when username and password match an enabled account; `undefined` otherwise (same time either way). */
  async verify(username: string, password: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('handoff_users').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst();
    if (row === undefined || Number(row.disabled) === 1) {
      this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
      await this.hasher.verify(await this.dummyHash, password);
      return undefined;
    }
    const ok = await this.hasher.verify(row.password_hash, password);
    return ok ? toUser(row) : undefined;
  }

  /** Opens a session; returns the cookie token (only its hash is stored) and the CSRF token. */
  async openSession(userId: string, hours: number): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + hours * 3_600_000);
    await this.db
      .insertInto('handoff_sessions')
      .values({ id: sha256(token), user_id: userId, csrf_token: csrfToken, created_at: now.toISOString(), expires_at: expiresAt.toISOString(), last_seen_at: now.toISOString() })
      .execute();
    await this.db.updateTable('handoff_users').set({ last_login_at: now.toISOString() }).where('id', '=', userId).execute();
    return { token, csrfToken, expiresAt };
  }

  /** The session of a cookie token, when it exists, has not expired and its user is enabled. */
  async session(token: string): Promise<SessionInfo | undefined> {
    const found = await this.lookupSession(token);
    return found.status === 'valid' ? found.session : undefined;
  }

  /**
   * Looks a cookie token up against the absolute end stored with the session and, when `limits`
   * are given, the idle limit. An expired session is deleted (any instance may see it first) and
   * reported as `expired`, so the person is told why they must log in again; a valid one has its
   * last request time moved on (at most every 30 s).
   */
  async lookupSession(token: string, limits?: SessionLimits): Promise<SessionLookup> {
    const id = sha256(token);
    const row = await this.db
      .selectFrom('handoff_sessions')
      .innerJoin('handoff_users', 'handoff_users.id', 'handoff_sessions.user_id')
      .selectAll('handoff_users')
      .select(['handoff_sessions.csrf_token', 'handoff_sessions.expires_at', 'handoff_sessions.created_at as session_created_at', 'handoff_sessions.last_seen_at as session_seen_at'])
      .where('handoff_sessions.id', '=', id)
      .executeTakeFirst();
    if (row === undefined || Number(row.disabled) === 1) return { status: 'none' };
    const now = this.clock().getTime();
    const createdAt = Date.parse(row.session_created_at);
    const seenAt = row.session_seen_at === null ? createdAt : Date.parse(row.session_seen_at);
    const expiresAt = new Date(row.expires_at);
    let why: 'idle' | 'absolute' | undefined;
    if (expiresAt.getTime() <= now || (limits !== undefined && createdAt + limits.absoluteMs <= now)) why = 'absolute';
    else if (limits !== undefined && seenAt + limits.idleMs <= now) why = 'idle';
    if (why !== undefined) {
      await this.db.deleteFrom('handoff_sessions').where('id', '=', id).execute();
      return { status: 'expired', why };
    }
    if (now - seenAt >= TOUCH_EVERY_MS) {
      await this.db.updateTable('handoff_sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', id).execute();
    }
    return { status: 'valid', session: { user: toUser(row), csrfToken: row.csrf_token, expiresAt } };
  }

  async closeSession(token: string): Promise<void> {
    await this.db.deleteFrom('handoff_sessions').where('id', '=', sha256(token)).execute();
  }

  /** Deletes expired sessions. */
  async purgeSessions(): Promise<number> {
    const result = await this.db.deleteFrom('handoff_sessions').where('expires_at', '<=', this.clock().toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
