/**
 * The terminal channel behind `ventanilla chat`: one local citizen, replies written as text
 * blocks. It needs no credentials, which makes it the quickest way to try the bot and to script it.
 */
import type { ChannelAdapter, ChannelCapabilities, ChannelModule } from '../../core/channel-port.js';
import { CHANNEL_TEXT_LIMITS } from '../../core/channel-limits.js';
import type { OutboundMessage, Recipient } from '../../core/message.js';

export const TERMINAL_CAPABILITIES: ChannelCapabilities = { choices: false, attachments: false, maxTextLength: CHANNEL_TEXT_LIMITS.terminal, markup: 'none' };

/** Creates the terminal channel; every reply is passed to `write` as one block of text. */
export function createTerminalChannel(write: (block: string) => void): ChannelModule {
  let sent = 0;
  const adapter: ChannelAdapter = {
    channel: 'terminal',
    capabilities: TERMINAL_CAPABILITIES,
    async send(_to: Recipient, message: OutboundMessage) {
      // degrade() already turned choices and attachments into text for this channel.
      write(message.kind === 'attachment' ? message.url : message.text);
      sent += 1;
      return { id: `terminal-${sent}` };
    },
  };
  return { adapter };
}
