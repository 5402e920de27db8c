/** E-mail channel: configuration, channel factory, parsing, threading and the loop guard. */
export { describeMailbox, loadEmailConfig, type EmailConfig, type MailboxConfig } from './config.js';
export { createEmailChannel, EMAIL_CAPABILITIES, type EmailChannelDeps, type EmailChannelModule } from './channel.js';
export { bounceOf, classifyEmail, emailConversationKey, nluText, parseEmail, toInboundMessage, type ParsedEmail } from './inbound.js';
export { composeReply, smtpError } from './outbound.js';
export { KyselyEmailState, type EmailState } from './state.js';
