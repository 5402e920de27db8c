/**
 * The web chat's configuration: where its API lives, how much it accepts and the request limits
 * (config `webchat.limits`). It needs no credentials: a browser session is an unguessable id.
 */
import { INBOUND_TEXT_LIMITS } from '../../core/channel-limits.js';

/** Route prefix of the web chat API. */
export const WEBCHAT_PREFIX = '/webchat';
/** Longest citizen message accepted, in characters: longer text is refused with a 400 (the widget says so first). */
export const WEBCHAT_MAX_TEXT = INBOUND_TEXT_LIMITS.webchat;
/** Most items `GET /api/history` returns (the newest ones). */
export const WEBCHAT_HISTORY_LIMIT = 500;

/** The web chat's limits (config `webchat.limits`). */
export interface WebchatLimits {
  /** Requests to any web chat API route from one client per minute (offices share one address). */
  readonly requestsPerClientPerMinute: number;
  /** Messages posted in one session per minute. */
  readonly messagesPerSessionPerMinute: number;
  /** New sessions from one client per hour: created, or first seen in a message. */
  readonly sessionsPerClientPerHour: number;
  /** Event streams (tabs) one session may hold open at once. */
  readonly streamsPerSession: number;
}

/** Generous for a real citizen (who writes a few messages a minute from one or two tabs). */
export const WEBCHAT_LIMIT_DEFAULTS: WebchatLimits = {
  requestsPerClientPerMinute: 600,
  messagesPerSessionPerMinute: 30,
  sessionsPerClientPerHour: 100,
  streamsPerSession: 8,
};
