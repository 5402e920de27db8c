/** Bot Framework channel: the only folder that imports botbuilder. */
export { BOTFRAMEWORK_ANONYMOUS_WARNING, BOTFRAMEWORK_LOOPBACK_ONLY, loadBotFrameworkConfig, type BotFrameworkConfig, type MicrosoftAppType } from './config.js';
export {
  BOTFRAMEWORK_CAPABILITIES,
  BOTFRAMEWORK_WELCOME_PAYLOAD,
  botFrameworkSendError,
  buildBotFrameworkActivity,
  createBotFrameworkChannel,
  decodeBotFrameworkActivity,
  type BotFrameworkChannelModule,
  type HandoffEventName,
} from './channel.js';
