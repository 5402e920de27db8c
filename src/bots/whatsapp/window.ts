/**
 * WhatsApp's 24-hour customer-service window: a business may send free-form messages only within
 * 24 hours of the citizen's last message; after that only approved templates are delivered.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
 */

/** Length of the customer-service window. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Reason given when a free-form message is refused outside the window. */
export const WHATSAPP_WINDOW_CLOSED_REASON =
  "outside WhatsApp's 24-hour customer-service window; the citizen must write first or use an approved template";

/**
 * Whether a free-form message may be sent now. `lastInboundAt === null` (the citizen never wrote)
 * means the window was never opened, so it is closed. The boundary itself (exactly 24 h) is closed.
 */
export function whatsappWindowOpen(lastInboundAt: Date | null, now: Date): boolean {
  if (lastInboundAt === null || Number.isNaN(lastInboundAt.getTime())) return false;
  return now.getTime() - lastInboundAt.getTime() < WHATSAPP_WINDOW_MS;
}
