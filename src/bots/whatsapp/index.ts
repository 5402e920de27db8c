/** WhatsApp channels: the official Cloud API and whatsapp-web.js (unofficial, paired phone). */
export { DEFAULT_GRAPH_BASE_URL, loadWhatsAppCloudConfig, type WhatsAppCloudConfig } from './cloud-config.js';
export { createWhatsAppCloudChannel, WHATSAPP_CLOUD_CAPABILITIES, type WhatsAppCloudOptions } from './cloud-channel.js';
export { buildGraphPayload, WHATSAPP_LIMITS } from './cloud-send.js';
export { decodeWhatsAppWebhook, verifyWhatsAppSignature, type DecodedWhatsAppWebhook, type WhatsAppStatus } from './cloud-webhook.js';
export { WHATSAPP_WINDOW_CLOSED_REASON, WHATSAPP_WINDOW_MS, whatsappWindowOpen } from './window.js';
export { DEFAULT_CHROMIUM_PATH, loadWhatsAppWebConfig, type WhatsAppWebConfig } from './web-config.js';
export {
  createWhatsAppWebChannel,
  decodeWhatsAppWebMessage,
  WHATSAPP_WEB_CAPABILITIES,
  WHATSAPP_WEB_CHROMIUM_ARGS,
  type WhatsAppWebChannelModule,
  type WhatsAppWebClientFactory,
  type WhatsAppWebClientLike,
  type WhatsAppWebClientOptions,
  type WhatsAppWebDeps,
  type WhatsAppWebMessageLike,
  type WhatsAppWebPairingState,
  type WhatsAppWebStatus,
} from './web-channel.js';
export { whatsappWebAdminRoutes, type WhatsAppWebAdminRoutesOptions } from './web-admin-routes.js';
