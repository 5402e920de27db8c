/**
 * Safe reading of values from platform payloads, shared by every channel's decoder: citizen text
 * capped to the channel's limit before anything processes it, and dates that cannot be invalid.
 */
import { INBOUND_TEXT_LIMITS } from '../core/channel-limits.js';
import type { ChannelId, InboundMessage } from '../core/message.js';

/** Longest whole-message text (`fullText`, e-mail with its quoted history) kept in the transcript. */
export const FULL_TEXT_LIMIT = 100_000;

/** Longest display name kept from a platform profile. */
export const DISPLAY_NAME_LIMIT = 200;

/** Appended to a text cut at its channel's limit, so an agent reading the transcript knows. */
export const TRUNCATION_MARK = ' […]';

/**
 * `text` when it fits in `limit` code units; otherwise its start (never half a surrogate pair)
 * followed by {@link TRUNCATION_MARK}, `limit` code units in all.
 */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = Math.max(0, limit - TRUNCATION_MARK.length);
  // A high surrogate at the cut would leave half a character.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end) + TRUNCATION_MARK;
}

/** {@link capText} with the channel's {@link INBOUND_TEXT_LIMITS} entry. */
export function capInboundText(text: string, channel: ChannelId): string {
  return capText(text, INBOUND_TEXT_LIMITS[channel]);
}

// ECMAScript dates span ±8.64e15 ms around the epoch; beyond that `new Date()` is invalid and
// `toISOString()` throws a RangeError.
const MAX_EPOCH_MS = 8.64e15;

/**
 * The date `value` seconds or milliseconds after the epoch (a number or a numeric string, as
 * platforms send both), or `fallback` when it is absent, not a positive finite number, or outside
 * the range a Date can hold (a signed payload with `"timestamp": 1e20` must not become a 500).
 */
export function dateFromEpoch(value: unknown, unit: 'seconds' | 'milliseconds', fallback: Date): Date {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  const millis = unit === 'seconds' ? number * 1000 : number;
  return Number.isFinite(millis) && millis > 0 && millis <= MAX_EPOCH_MS ? new Date(millis) : fallback;
}

/** The date an ISO 8601 (or RFC 2822) string names, or `fallback` when it names none. */
export function dateFromText(value: unknown, fallback: Date): Date {
  if (typeof value !== 'string') return fallback;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? fallback : date;
}

/** What {@link boundInbound} returns: the bounded message and the names of the fields it had to fix. */
export interface BoundedInbound {
  readonly message: InboundMessage;
  readonly fixed: readonly string[];
}

/**
 * The hub's own check on every decoded message, whatever channel produced it: text and payload
 * within the channel's {@link INBOUND_TEXT_LIMITS}, the display name within
 * {@link DISPLAY_NAME_LIMIT}, and a `receivedAt` that is a valid date (`now` otherwise). A
 * well-behaved adapter has already done all this at its edge; `fixed` names what it missed.
 */
export function boundInbound(message: InboundMessage, now: Date): BoundedInbound {
  const limit = INBOUND_TEXT_LIMITS[message.from.channel];
  const fixed: string[] = [];
  let bounded: InboundMessage = message;
  if (message.text !== undefined && message.text.length > limit) {
    bounded = { ...bounded, text: capText(message.text, limit) };
    fixed.push('text');
  }
  if (message.payload !== undefined && message.payload.length > limit) {
    bounded = { ...bounded, payload: capText(message.payload, limit) };
    fixed.push('payload');
  }
  if (message.fullText !== undefined && message.fullText.length > FULL_TEXT_LIMIT) {
    bounded = { ...bounded, fullText: capText(message.fullText, FULL_TEXT_LIMIT) };
    fixed.push('fullText');
  }
  if (message.subject !== undefined && message.subject.length > DISPLAY_NAME_LIMIT * 5) {
    bounded = { ...bounded, subject: capText(message.subject, DISPLAY_NAME_LIMIT * 5) };
    fixed.push('subject');
  }
  const name = message.from.displayName;
  if (name !== undefined && name.length > DISPLAY_NAME_LIMIT) {
    bounded = { ...bounded, from: { ...bounded.from, displayName: capText(name, DISPLAY_NAME_LIMIT) } };
    fixed.push('from.displayName');
  }
  if (!(message.receivedAt instanceof Date) || Number.isNaN(message.receivedAt.getTime())) {
    bounded = { ...bounded, receivedAt: now };
    fixed.push('receivedAt');
  }
  return { message: bounded, fixed };
}
