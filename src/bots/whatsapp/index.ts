/** WhatsApp channels: the official Cloud API (`cloud/`) and whatsapp-web.js (`web/`, unofficial, paired phone). */
export { DEFAULT_GRAPH_BASE_URL, loadWhatsAppCloudConfig, type WhatsAppCloudConfig } from './cloud/config.js';
export { createWhatsAppCloudChannel, WHATSAPP_CLOUD_CAPABILITIES, type WhatsAppCloudOptions } from './cloud/channel.js';
export { buildGraphPayload, WHATSAPP_LIMITS } from './cloud/outbound.js';
export { decodeWhatsAppWebhook, verifyWhatsAppSignature, whatsappCloudInbound, type DecodedWhatsAppWebhook, type WhatsAppStatus } from './cloud/inbound.js';
export { WHATSAPP_WINDOW_CLOSED_REASON, WHATSAPP_WINDOW_MS, whatsappWindowOpen } from './window.js';
export { DEFAULT_CHROMIUM_PATH, loadWhatsAppWebConfig, type WhatsAppWebConfig } from './web/config.js';
export {
  createWhatsAppWebChannel,
  WHATSAPP_WEB_CHROMIUM_ARGS,
  type WhatsAppWebChannelModule,
  type WhatsAppWebClientFactory,
  type WhatsAppWebClientLike,
  type WhatsAppWebClientOptions,
  type WhatsAppWebDeps,
  type WhatsAppWebPairingState,
  type WhatsAppWebStatus,
} from './web/channel.js';
export { decodeWhatsAppWebMessage, type WhatsAppWebMessageLike } from './web/inbound.js';
export { WHATSAPP_WEB_CAPABILITIES } from './web/outbound.js';
export { whatsappWebAdminRoutes, type WhatsAppWebAdminRoutesOptions } from './web/admin-routes.js';
