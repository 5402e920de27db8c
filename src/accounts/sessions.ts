/**
 * Sessions over HTTP: an httpOnly, SameSite=Strict session cookie whose token is looked up in
 * `handoff_sessions` (any instance accepts it), and CSRF protection by a synchronizer token:
 * login returns a per-session `csrfToken`; every unsafe request must echo it in the
 * `x-csrf-token` header. A cross-site page can neither read that token nor send the cookie
 * (SameSite=Strict), so both defences hold on their own.
 *
 * The guard parses the Cookie header itself, so other plugins (the editor API) reuse it
 * without registering anything: `preHandler`/`onRequest: auth.guard(['editor', 'admin'])`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../core/errors.js';
import { roleError } from './role-errors.js';
import { safeEqual, type Role, type SessionInfo, type UserDirectory } from './users.js';

export const SESSION_COOKIE = 'ventanilla_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The value of one cookie in a Cookie header (RFC 6265 syntax). */
export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function cookieHeader(value: string, options: { secure: boolean; maxAge: number }): string {
  // Our tokens are base64url: no encoding needed, but never trust that silently.
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export interface GuardOptions {
  /** Check the CSRF header on unsafe methods (default true). */
  readonly csrf?: boolean;
}

/** What {@link SessionAuth} needs to know about the sessions it hands out. */
export interface SessionAuthOptions {
  /** Absolute lifetime: a session ends this long after login, however busy. */
  readonly sessionHours: number;
  /** Idle lifetime: a session ends after this long without a request (default: no idle limit). */
  readonly idleMinutes?: number;
  readonly cookieSecure: boolean;
}

/** How long, and for how many tokens, an instance keeps saying why a session ended. */
const RECENTLY_EXPIRED_MS = 10 * 60_000;
const RECENTLY_EXPIRED_MAX = 1_000;

/** The 401 of a session that ran out: the console shows "Sesión caducada" and the login form. */
function expiredError(why: 'idle' | 'absolute', options: SessionAuthOptions): HubError {
  const text =
    why === 'idle'
      ? `Sesión caducada: más de ${options.idleMinutes ?? 0} minutos sin actividad. Vuelve a iniciar sesión.`
      : `Sesión caducada: las sesiones duran como máximo ${options.sessionHours} horas. Vuelve a iniciar sesión.`;
  return new HubError('HUB_ERR_UNAUTHENTICATED', text, { details: { reason: 'session-expired' } });
}

/** Cookie sessions and role guards. */
export class SessionAuth {
  private readonly sessions = new WeakMap<FastifyRequest, SessionInfo>();
  private readonly expired = new WeakMap<FastifyRequest, 'idle' | 'absolute'>();
  /** Tokens whose session this instance found expired lately, and why (bounded, oldest dropped). */
  private readonly recentlyExpired = new Map<string, { readonly why: 'idle' | 'absolute'; readonly at: number }>();

  constructor(
    readonly users: UserDirectory,
    private readonly options: SessionAuthOptions,
  ) {}

  /** The cookie token of a request, if any. */
  tokenOf(request: FastifyRequest): string | undefined {
    const header = request.headers.cookie;
    if (header === undefined || header === '') return undefined;
    const value = readCookie(header, SESSION_COOKIE);
    return value === undefined || value === '' ? undefined : value;
  }

  /**
   * Resolves (and caches per request) the session of a request, enforcing the idle and absolute
   * limits; a session that just ran out is remembered so the guard's 401 says so.
   */
  async sessionOf(request: FastifyRequest): Promise<SessionInfo | undefined> {
    const cached = this.sessions.get(request);
    if (cached !== undefined) return cached;
    const token = this.tokenOf(request);
    if (token === undefined) return undefined;
    const limits = {
      idleMs: this.options.idleMinutes === undefined ? Number.POSITIVE_INFINITY : this.options.idleMinutes * 60_000,
      absoluteMs: this.options.sessionHours * 3_600_000,
    };
    const found = await this.users.lookupSession(token, limits);
    if (found.status === 'expired') {
      this.expired.set(request, found.why);
      this.rememberExpired(token, found.why);
    } else if (found.status === 'none') {
      // The row is deleted by the first request that finds it expired; the console's other
      // requests of that moment (feed, polls, a click) must say why too, not just "log in".
      const recent = this.recentlyExpired.get(token);
      if (recent !== undefined && Date.now() - recent.at < RECENTLY_EXPIRED_MS) this.expired.set(request, recent.why);
    }
    if (found.status !== 'valid') return undefined;
    this.sessions.set(request, found.session);
    return found.session;
  }

  private rememberExpired(token: string, why: 'idle' | 'absolute'): void {
    if (this.recentlyExpired.size >= RECENTLY_EXPIRED_MAX) {
      const oldest = this.recentlyExpired.keys().next();
      if (oldest.done !== true) this.recentlyExpired.delete(oldest.value);
    }
    this.recentlyExpired.set(token, { why, at: Date.now() });
  }

  /** The session a guard accepted for this request; throws 401 when there is none. */
  require(request: FastifyRequest): SessionInfo {
    const session = this.sessions.get(request);
    if (session === undefined) throw new HubError('HUB_ERR_UNAUTHENTICATED', 'log in first: POST /api/auth/login');
    return session;
  }

  /**
   * A hook that lets through only a valid session with one of `roles` (401 without a session,
   * saying "Sesión caducada" when it ran out; 403 for another role, in Spanish, or a missing/wrong
   * CSRF header on unsafe methods).
   */
  guard(roles: readonly Role[], options: GuardOptions = {}): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
    const checkCsrf = options.csrf ?? true;
    return async (request) => {
      const session = await this.sessionOf(request);
      if (session === undefined) {
        const why = this.expired.get(request);
        if (why !== undefined) throw expiredError(why, this.options);
        throw new HubError('HUB_ERR_UNAUTHENTICATED', 'no valid session: log in with POST /api/auth/login');
      }
      if (!roles.includes(session.user.role)) throw roleError(session.user.role, roles);
      if (checkCsrf && !SAFE_METHODS.has(request.method)) {
        const header = request.headers[CSRF_HEADER];
        const sent = Array.isArray(header) ? header[0] : header;
        if (sent === undefined || !safeEqual(sent, session.csrfToken)) {
          throw new HubError('HUB_ERR_FORBIDDEN', `missing or wrong ${CSRF_HEADER} header: send the csrfToken returned by login`);
        }
      }
    };
  }

  /** Sets the session cookie. */
  setSessionCookie(reply: FastifyReply, token: string): void {
    // Max-Age, not Expires: relative, so a browser with another clock (or VENTANILLA_NOW pinned) keeps it.
    reply.header('set-cookie', cookieHeader(token, { secure: this.options.cookieSecure, maxAge: Math.round(this.options.sessionHours * 3600) }));
  }

  /** Clears the session cookie. */
  clearSessionCookie(reply: FastifyReply): void {
    reply.header('set-cookie', cookieHeader('', { secure: this.options.cookieSecure, maxAge: 0 }));
  }

  get sessionHours(): number {
    return this.options.sessionHours;
  }
}
