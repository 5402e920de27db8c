/**
 * What a person logged in with the wrong role is told (an agent opening `/editor` or `/reports`):
 * in Spanish, the words the staff use, and where they can go instead. API clients get the usual
 * JSON error body (`error: HUB_ERR_FORBIDDEN`, `reason: "role"`, a Spanish `message`); a browser
 * navigating to the page gets a small HTML page with a link back to its console.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../core/errors.js';
import { PAGE_CSP } from '../http/page-files.js';
import type { SessionAuth } from './sessions.js';
import type { Role } from './users.js';

/** Each role as the staff call it. */
export const ROLE_NAMES: Readonly<Record<Role, string>> = { agent: 'agente', supervisor: 'supervisión', editor: 'edición de contenidos', admin: 'administración' };

/** The page each role works in, and how the link back to it reads. */
export function homeOf(role: Role): { readonly path: string; readonly label: string } {
  return role === 'editor' ? { path: '/editor', label: 'Volver al editor de contenidos' } : { path: '/agent', label: 'Volver a la consola de agentes' };
}

function list(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} o ${names[names.length - 1] ?? ''}`;
}

/** The 403 for a session whose role may not use what it asked for (`reason: "role"`). */
export function roleError(role: Role, allowed: readonly Role[]): HubError {
  const home = homeOf(role);
  return new HubError(
    'HUB_ERR_FORBIDDEN',
    `No tienes permiso para ver esto: es para perfiles de ${list(allowed.map((r) => ROLE_NAMES[r]))}, y tu perfil es de ${ROLE_NAMES[role]}. Tu página es ${home.path}; si necesitas este acceso, pídeselo a una persona de administración.`,
    { details: { reason: 'role', role, home: home.path } },
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML page of a role error, with a link back to the person's own page. */
export function roleErrorPage(message: string, role: Role): string {
  const home = homeOf(role);
  return [
    '<!doctype html>',
    '<html lang="es">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Sin permiso · Ventanilla</title><link rel="stylesheet" href="/static/site.css"></head>',
    '<body><main>',
    '<h1>No tienes permiso para ver esta página</h1>',
    `<p>${escapeHtml(message)}</p>`,
    `<p><a href="${home.path}">${escapeHtml(home.label)}</a></p>`,
    '</main></body></html>',
    '',
  ].join('\n');
}

/** Whether the request comes from a browser navigating (it prefers HTML to JSON). */
export function prefersHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  return html !== -1 && (json === -1 || html < json);
}

/** The staff pages and the roles each is for. Pages load without a session (they show the login form). */
export interface RolePages {
  readonly [path: string]: readonly Role[];
}

/**
 * Guards the staff pages by role and turns every role error into a page for browsers:
 * - a GET of one of `pages` with a valid session of another role answers 403 instead of the page
 *   (without a session the page loads and asks to log in);
 * - any 403 with `reason: "role"` (a guard on an API or a page) becomes the HTML page when the
 *   request prefers HTML; API clients keep the JSON body.
 * Registered on the root instance, so it sees every route.
 */
export function registerRolePages(app: FastifyInstance, auth: SessionAuth, pages: RolePages): void {
  const roleOf = new WeakMap<FastifyRequest, Role>();
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '') || '/';
    const allowed = pages[path];
    if (allowed === undefined) return;
    const session = await auth.sessionOf(request);
    if (session === undefined || allowed.includes(session.user.role)) return;
    throw roleError(session.user.role, allowed);
  });
  app.addHook('onError', async (request, _reply, error) => {
    const details = (error as { details?: { reason?: unknown; role?: unknown } }).details;
    if (details?.reason === 'role' && typeof details.role === 'string') roleOf.set(request, details.role as Role);
  });
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const role = roleOf.get(request);
    if (role === undefined || reply.statusCode !== 403 || !prefersHtml(request) || typeof payload !== 'string') return payload;
    let message: string;
    try {
      message = (JSON.parse(payload) as { message?: string }).message ?? '';
    } catch {
      return payload;
    }
    void reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', PAGE_CSP);
    return roleErrorPage(message, role);
  });
}
