/** Bot Framework channel: the only folder that imports botbuilder. */
export { BOTFRAMEWORK_ANONYMOUS_WARNING, BOTFRAMEWORK_LOOPBACK_ONLY, loadBotFrameworkConfig, type BotFrameworkConfig, type MicrosoftAppType } from './config.js';
export { createBotFrameworkChannel, type BotFrameworkChannelModule, type HandoffEventName } from './channel.js';
export { BOTFRAMEWORK_WELCOME_PAYLOAD, checkActivity, decodeBotFrameworkActivity } from './inbound.js';
export { BOTFRAMEWORK_CAPABILITIES, botFrameworkSendError, buildBotFrameworkActivity } from './outbound.js';
