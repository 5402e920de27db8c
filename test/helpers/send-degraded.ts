/** Sends a message through an adapter the way the outbox does: degraded to its capabilities first. */
import type { ChannelAdapter } from '../../src/core/channel-port.js';
import { degrade } from '../../src/core/degrade.js';
import type { OutboundMessage, Recipient } from '../../src/core/message.js';

/** Degrades `message` for `to`, sends every part in order, and returns the last part's result. */
export async function sendDegraded(adapter: ChannelAdapter, to: Recipient, message: OutboundMessage): Promise<{ readonly id: string }> {
  const parts = degrade(message, adapter.capabilitiesFor?.(to) ?? adapter.capabilities);
  let last: { readonly id: string } = { id: '' };
  for (const [part, sent] of parts.entries()) last = await adapter.send(to, sent, { outboxId: 'test-outbox', part, parts: parts.length });
  return last;
}
