/**
 * Admin-only page showing the whatsapp-web.js pairing QR / code. The caller supplies the
 * authorization preHandler (the agent console's admin check); without it the plugin refuses to
 * register, because the QR grants control of the hub's WhatsApp number.
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import QRCode from 'qrcode';
import { HubError } from '../../../core/errors.js';
import type { WhatsAppWebPairingState } from './channel.js';

export interface WhatsAppWebAdminRoutesOptions {
  /** Rejects non-admins (reply 401/403); runs before every route of the plugin. */
  readonly authorize: preHandlerAsyncHookHandler;
  readonly getPairingState: () => WhatsAppWebPairingState;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Fastify plugin (register it with a prefix, e.g. `/admin/whatsapp-web`): `GET /` an HTML page
 * with the QR as inline SVG, the pairing code and the status (refreshes every 5 s);
 * `GET /state` the same as JSON. Responses are `no-store`.
 */
export async function whatsappWebAdminRoutes(app: FastifyInstance, options: WhatsAppWebAdminRoutesOptions): Promise<void> {
  if (typeof options.authorize !== 'function') {
    throw new HubError('HUB_ERR_CONFIG', 'whatsappWebAdminRoutes needs an authorize preHandler: the pairing QR must be admin-only');
  }
  app.addHook('preHandler', options.authorize);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.get('/state', async () => options.getPairingState());

  app.get('/', async (_request, reply) => {
    const state = options.getPairingState();
    const qrSvg = state.qr === undefined ? '' : await QRCode.toString(state.qr, { type: 'svg', margin: 2, width: 280 });
    const code = state.pairingCode === undefined ? '' : `<p>Código de vinculación: <strong>${escapeHtml(state.pairingCode)}</strong></p>`;
    const html = `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>WhatsApp Web: vinculación</title></head>
<body><main>
<h1>WhatsApp Web</h1>
<p>Estado: <strong>${escapeHtml(state.status)}</strong></p>
${qrSvg === '' ? '' : `<figure aria-label="Código QR de vinculación">${qrSvg}<figcaption>WhatsApp → Dispositivos vinculados → Vincular un dispositivo</figcaption></figure>`}
${code}
</main></body></html>`;
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
