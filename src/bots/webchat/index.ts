/** The web chat channel: its API, its message and item shapes, and its limits. */
export { WEBCHAT_HISTORY_LIMIT, WEBCHAT_LIMIT_DEFAULTS, WEBCHAT_MAX_TEXT, WEBCHAT_PREFIX, type WebchatLimits } from './config.js';
export { createWebchatChannel, redactWebchatSecrets, type WebchatDeps } from './channel.js';
export { decodeWebchatMessage, MessageBody, webchatConversationKey } from './inbound.js';
export { WEBCHAT_CAPABILITIES, WebchatItem } from './outbound.js';
