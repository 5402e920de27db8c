/**
 * Reading a webhook's raw body as JSON, shared by the channels that verify signatures on the raw
 * bytes first and only then parse.
 */
import { HubError } from '../core/errors.js';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a raw body that must be a JSON object.
 * @throws HubError `HUB_ERR_BAD_PAYLOAD` ("<what>: body is not JSON" / "…not a JSON object").
 */
export function parseJsonObject(rawBody: Buffer, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch (cause) {
    throw new HubError('HUB_ERR_BAD_PAYLOAD', `${what}: body is not JSON`, { cause });
  }
  if (!isJsonObject(parsed)) throw new HubError('HUB_ERR_BAD_PAYLOAD', `${what}: body is not a JSON object`);
  return parsed;
}
