/**
 * Why a reply was not delivered, kept with the outbox item so people can read it: the agent
 * console words it in Spanish, `ventanilla outbox list` shows the English detail.
 */
import { isHubError, REPLY_WINDOW_CLOSED } from './errors.js';
import { describeNetworkError, type NetworkFailureKind } from './network-error.js';

export type DeliveryFailureKind =
  | NetworkFailureKind
  /** The platform answered with an HTTP error status (`status`, with its own description in `detail`). */
  | 'http'
  /** The platform asked to slow down (429 or a throttling code). */
  | 'throttled'
  /** Outside the platform's reply window (WhatsApp 24 h): held for the citizen's answer, or dead without a reopen template. */
  | 'window-closed'
  /** The invitation to reopen the window (an approved template) could not be sent. */
  | 'reopen-failed'
  /** The citizen blocked the bot or left. */
  | 'unreachable-citizen'
  /** The channel is not configured in the instance that delivers. */
  | 'not-configured'
  | 'unknown';

export interface DeliveryFailure {
  readonly kind: DeliveryFailureKind;
  /** One English sentence: what the platform or the network said. */
  readonly detail: string;
  /** HTTP status, when the platform answered. */
  readonly status?: number;
  /** The platform's own error code (Meta `code`, …), when it gave one. */
  readonly platformCode?: number;
  /** For a held reply: when the invitation to reopen the conversation went out (ISO time). */
  readonly reopenSentAt?: string;
}

/** `details.reason` when the instance that delivers has no adapter for the item's channel. */
export const CHANNEL_NOT_CONFIGURED = 'channel-not-configured';

const NETWORK_KINDS: ReadonlySet<string> = new Set<NetworkFailureKind>(['refused', 'timeout', 'dns', 'tls', 'bad-port', 'reset', 'unreachable', 'network']);

/** Classifies a send error (a channel's HubError, or anything an SDK threw) for the outbox. */
export function deliveryFailureOf(error: unknown): DeliveryFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (isHubError(error)) {
    const details = error.details ?? {};
    const platformCode = typeof details.code === 'number' ? { platformCode: details.code } : {};
    if (details.reason === REPLY_WINDOW_CLOSED) return { kind: 'window-closed', detail, ...platformCode };
    if (details.reason === CHANNEL_NOT_CONFIGURED) return { kind: 'not-configured', detail };
    if (typeof details.transport === 'string' && NETWORK_KINDS.has(details.transport)) {
      return { kind: details.transport as NetworkFailureKind, detail };
    }
    const status = typeof details.status === 'number' ? details.status : undefined;
    if (status !== undefined && status > 0) {
      return { kind: status === 429 || details.throttled === true ? 'throttled' : 'http', detail, status, ...platformCode };
    }
  }
  const network = describeNetworkError(error);
  if (network !== undefined) return { kind: network.kind, detail: isHubError(error) ? detail : `${network.text} (${detail})` };
  return { kind: 'unknown', detail };
}

/** Parses a stored failure; `null` for nothing stored or an unreadable value. */
export function parseDeliveryFailure(json: string | null): DeliveryFailure | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null) return null;
    const record = value as Record<string, unknown>;
    if (typeof record.kind !== 'string' || typeof record.detail !== 'string') return null;
    return value as DeliveryFailure;
  } catch {
    return null;
  }
}
