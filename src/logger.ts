/**
 * The hub's logger: request lines carry method, URL and status, never bodies (message text
 * travels in bodies), and fields that may hold a credential are censored.
 */
import type { Logger } from 'pino';
import { redactWebchatSecrets } from './bots/webchat/index.js';

/** Log fields that may hold a credential: censored in every line the hub writes. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'conversationKey', '*.conversationKey', 'err.details.conversationKey'];

/**
 * The hub's logger on top of `base`: request lines carry method, URL (web chat session ids
 * redacted: the id is the citizen's only credential) and status, never bodies; authorization and
 * cookie headers are censored, and a web chat conversation key loses its session id.
 */
export function hubLogger(base: Logger): Logger {
  return base.child(
    {},
    {
      serializers: {
        req: (request: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) => ({
          method: request.method,
          url: request.url === undefined ? undefined : redactWebchatSecrets(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        }),
      },
      redact: {
        paths: REDACTED_PATHS,
        censor: (value: unknown, path: string[]) =>
          path[path.length - 1] === 'conversationKey' ? (typeof value === 'string' ? redactWebchatSecrets(value) : value) : '[Redacted]',
      },
    },
  );
}
