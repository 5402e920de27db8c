/** `/auth/*`: log in (session cookie and CSRF token), log out, the current session. */
import { Type } from '@sinclair/typebox';
import { HubError } from '../../core/errors.js';
import type { Store } from '../../core/store/index.js';
import { LOGIN_THROTTLE_DEFAULTS, LoginThrottle } from '../../privacy/login-throttle.js';
import { recordAudit } from '../../privacy/audit.js';
import { privacyDb } from '../../privacy/schema.js';
import type { SessionAuth } from '../../accounts/sessions.js';
import type { HandoffConfig } from '../config.js';
import type { HandoffLogger, HandoffQueue } from '../queue.js';
import { CONSOLE_ROLES, ROLES } from '../../accounts/users.js';
import { ERROR_RESPONSES, ErrorSchema, SessionSchema, publicUser, type ApiApp } from './api-schemas.js';

export interface AuthRouteDeps {
  readonly auth: SessionAuth;
  readonly queue: HandoffQueue;
  readonly config: HandoffConfig;
  readonly logger: HandoffLogger;
  readonly store: Store;
  readonly clock: () => Date;
}

export function registerAuthRoutes(app: ApiApp, deps: AuthRouteDeps): void {
  const { auth, queue, config, logger } = deps;
  const anyUserGuard = auth.guard(ROLES);
  const audit = privacyDb(deps.store);
  const loginThrottle = new LoginThrottle(audit, { ...LOGIN_THROTTLE_DEFAULTS, clientMaxFailures: config.auth.loginMaxPerMinute });

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in: sets the httpOnly session cookie and returns the CSRF token',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionSchema, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      // Only failures count, per client address and per account (src/privacy/login-throttle.ts).
      const now = deps.clock();
      const block = await loginThrottle.blocked(request.ip, request.body.username, now);
      if (block !== undefined) {
        await recordAudit(audit, { actor: request.body.username.trim().toLowerCase().slice(0, 64), action: 'login.failed', details: { ip: request.ip, blocked: block.reason }, at: now });
        void reply.header('retry-after', String(Math.ceil(block.retryAfterMs / 1000)));
        throw new HubError('HUB_ERR_RATE_LIMITED', block.message, { retryAfterMs: block.retryAfterMs, details: { reason: block.reason } });
      }
      const user = await auth.users.verify(request.body.username, request.body.password);
      if (user === undefined) {
        await loginThrottle.failed(request.ip, request.body.username, now);
        // Usernames are not personal data of citizens, but keep even these out of the logs; the
        // audit (admins only) keeps the name tried, to tell a forgotten password from an attack.
        logger.warn({ ip: request.ip }, 'handoff: failed login');
        await recordAudit(audit, { actor: request.body.username.trim().toLowerCase().slice(0, 64), action: 'login.failed', details: { ip: request.ip }, at: now });
        throw new HubError('HUB_ERR_UNAUTHENTICATED', 'wrong username or password');
      }
      await loginThrottle.succeeded(request.body.username);
      await recordAudit(audit, { actor: user.username, action: 'login', details: { ip: request.ip, role: user.role }, at: now });
      const session = await auth.users.openSession(user.id, auth.sessionHours);
      auth.setSessionCookie(reply, session.token);
      await queue.touch(user.id);
      return { user: publicUser(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.post(
    '/auth/logout',
    { onRequest: anyUserGuard, schema: { tags: ['auth'], summary: 'Log out (an agent goes offline: open chats return to the queue)', response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const session = auth.require(request);
      const token = auth.tokenOf(request);
      if (token !== undefined) await auth.users.closeSession(token);
      if (CONSOLE_ROLES.includes(session.user.role) && session.user.presence !== 'offline') await queue.setPresence(session.user, 'offline');
      auth.clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    { onRequest: anyUserGuard, schema: { tags: ['auth'], summary: 'The current session (user and CSRF token)', response: { 200: SessionSchema, ...ERROR_RESPONSES } } },
    async (request) => {
      const session = auth.require(request);
      return { user: publicUser(session.user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );
}
