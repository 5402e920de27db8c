/**
 * `/admin/audit`: the access audit as a page for administrators — logins, failed logins, role
 * changes, transcript reads, exports and erasures, newest first, filtered by action and person.
 * Rendered on the server (a table and a GET form, no script), so it works under the staff pages'
 * strict CSP and with any browser or screen reader. The same entries as `ventanilla audit list`
 * and `GET /api/admin/privacy/audit`.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import { isHubError } from '../core/errors.js';
import type { Store } from '../core/store/index.js';
import { PAGE_CSP } from '../http/page-files.js';
import { AUDIT_ACTIONS, listAudit, type AuditRecord } from './audit.js';
import { privacyDb } from './schema.js';

/** What the page needs from the hub. */
export interface AuditPageOptions {
  readonly store: Store;
  /** Lets only administrators through (401 without a session, 403 for another role). */
  readonly guard: preHandlerAsyncHookHandler;
}

/** Each action in the words of the page. */
export const AUDIT_ACTION_NAMES: Readonly<Record<string, string>> = {
  login: 'Inicio de sesión',
  'login.failed': 'Inicio de sesión fallido',
  'role.change': 'Cambio de perfil',
  'transcript.read': 'Lectura de conversación',
  'contact.export': 'Exportación de datos',
  'contact.erase': 'Supresión de datos',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function detailsText(entry: AuditRecord): string {
  const parts: string[] = [];
  if (entry.conversationId !== null) parts.push(`conversación ${entry.conversationId}`);
  if (entry.contactId !== null) parts.push(`contacto ${entry.contactId}`);
  if (entry.details !== null && typeof entry.details === 'object') {
    for (const [key, value] of Object.entries(entry.details as Record<string, unknown>)) parts.push(`${key}: ${String(value)}`);
  }
  if (entry.reason !== null) parts.push(`motivo: ${entry.reason}`);
  return parts.join(' · ');
}

function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="es">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} · Ventanilla</title><link rel="stylesheet" href="/static/site.css"></head>`,
    `<body><main>${body}</main></body></html>`,
    '',
  ].join('\n');
}

/** The page's HTML for `entries` and the filter applied. */
export function renderAuditPage(entries: readonly AuditRecord[], filter: { readonly action?: string; readonly actor?: string }): string {
  const options = ['<option value="">Todas</option>', ...AUDIT_ACTIONS.map((a) => `<option value="${a}"${filter.action === a ? ' selected' : ''}>${escapeHtml(AUDIT_ACTION_NAMES[a] ?? a)}</option>`)].join('');
  const rows = entries
    .map(
      (e) =>
        `<tr><td><time datetime="${escapeHtml(e.at)}">${escapeHtml(e.at.replace('T', ' ').slice(0, 19))} UTC</time></td><td>${escapeHtml(e.actor)}</td><td>${escapeHtml(AUDIT_ACTION_NAMES[e.action] ?? e.action)}</td><td>${escapeHtml(detailsText(e))}</td></tr>`,
    )
    .join('\n');
  return page(
    'Registro de accesos',
    [
      '<h1>Registro de accesos</h1>',
      '<p>Quién entró, quién lo intentó sin éxito, qué perfiles cambiaron y quién leyó, exportó o suprimió datos de la ciudadanía. Lo más reciente primero.</p>',
      '<form method="get" action="/admin/audit">',
      `<label for="action">Acción</label> <select id="action" name="action">${options}</select>`,
      ` <label for="actor">Persona</label> <input id="actor" name="actor" value="${escapeHtml(filter.actor ?? '')}" maxlength="64">`,
      ' <button type="submit">Filtrar</button>',
      '</form>',
      entries.length === 0
        ? '<p>No hay entradas con este filtro.</p>'
        : `<table><caption>${entries.length} entradas</caption><thead><tr><th scope="col">Cuándo</th><th scope="col">Quién</th><th scope="col">Acción</th><th scope="col">Detalles</th></tr></thead><tbody>\n${rows}\n</tbody></table>`,
      '<p><a href="/agent">Volver a la consola de agentes</a></p>',
    ].join('\n'),
  );
}

/** The audit page plugin (register with `{ prefix: '/admin/audit' }`). */
export const auditPage: FastifyPluginAsync<AuditPageOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const db = privacyDb(options.store);
  app.get(
    '/',
    {
      schema: {
        hide: true,
        querystring: Type.Object({ action: Type.Optional(Type.String({ maxLength: 40 })), actor: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request, reply) => {
      try {
        await options.guard.call(fastify, request, reply);
      } catch (error) {
        // A browser without a session is sent to log in (the console's form), not shown a JSON 401.
        if (!isHubError(error, 'HUB_ERR_UNAUTHENTICATED')) throw error;
        return reply
          .status(401)
          .header('content-type', 'text/html; charset=utf-8')
          .header('content-security-policy', PAGE_CSP)
          .send(page('Inicia sesión', `<h1>Inicia sesión</h1><p>${escapeHtml(error.message)}</p><p>Este registro es para administración: <a href="/agent">inicia sesión en la consola</a> y vuelve a esta página.</p>`));
      }
      const action = request.query.action === undefined || request.query.action === '' ? undefined : request.query.action;
      const actor = request.query.actor === undefined || request.query.actor.trim() === '' ? undefined : request.query.actor.trim().toLowerCase();
      const entries = await listAudit(db, { limit: request.query.limit ?? 200, ...(action === undefined ? {} : { action }), ...(actor === undefined ? {} : { actor }) });
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', PAGE_CSP)
        .header('cache-control', 'no-store')
        .send(renderAuditPage(entries, { ...(action === undefined ? {} : { action }), ...(actor === undefined ? {} : { actor }) }));
    },
  );
};
