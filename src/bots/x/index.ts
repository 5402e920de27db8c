/** X channel: configuration, channel factory and the privacy helpers it applies to public replies. */
export { loadXConfig, type XConfig, type XMode } from './config.js';
export { createXChannel, X_DM_CURSOR, X_MENTIONS_CURSOR } from './channel.js';
export { createXAdapter, publicReplyText, X_DM_CAPABILITIES, X_PUBLIC_CAPABILITIES, type XChannelAdapter } from './outbound.js';
export { createXClient, rewriteXUrl, xApiError } from './client.js';
export { decodeAccountActivity, decodeV2DmEvent, decodeV2Mention, xSignature, xWebhookInbound } from './inbound.js';
export { detectPersonalData, maskPersonalData, needsPrivateChannel, PRIVACY_WARNING, DM_INVITATION, privacyWarning, dmInvitation, type PersonalDataKind } from './privacy.js';
