/**
 * Typing signals as hub `custom` events, channel-neutral: channels that can show "is typing"
 * (the web chat; a platform's chat action) listen, the rest ignore them. Emitted only for what is
 * really happening: a bot turn running on a conversation the bot owns (never for a queued one or
 * one an agent holds), and an agent typing in the console.
 */

/** A bot turn started on a conversation in `bot` mode (`conversationId` set, `data` empty). */
export const BOT_TURN_STARTED = 'typing.bot_started';
/** That bot turn ended: committed, failed, or skipped (always follows {@link BOT_TURN_STARTED}). */
export const BOT_TURN_ENDED = 'typing.bot_ended';
/**
 * The agent holding the conversation is typing (`data`: `agentId`, `agentName`; a relayed copy
 * from another instance carries `agentId` only). Repeated every few seconds while they type; no
 * "stopped" event: a channel clears it after {@link AGENT_TYPING_TTL_MS} without a new one.
 */
export const AGENT_TYPING = 'typing.agent';
/** How long one agent typing signal stays shown without another. */
export const AGENT_TYPING_TTL_MS = 6000;
