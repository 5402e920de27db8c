/**
 * Plain words for a request that never got an HTTP answer. Node's fetch (undici) throws
 * `TypeError: fetch failed` and keeps the reason in `error.cause` (`ECONNREFUSED`, `ENOTFOUND`,
 * `bad port`, a TLS code); node-fetch (telegraf) and node:http clients (twitter-api-v2,
 * botbuilder) put the code on the error itself; timeouts are `TimeoutError`/`AbortError`.
 * This reads the whole cause chain and names what happened.
 */

/** What kind of network failure it was. */
export type NetworkFailureKind = 'refused' | 'timeout' | 'dns' | 'tls' | 'bad-port' | 'reset' | 'unreachable' | 'network';

export interface NetworkFailure {
  readonly kind: NetworkFailureKind;
  /** One English sentence for logs, `ventanilla outbox list` and the outbox's `last_error`. */
  readonly text: string;
  /** The system or library code that decided the kind (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`…). */
  readonly code?: string;
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ABORT_ERR', 'ECONNABORTED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|HOSTNAME_MISMATCH)/;

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly type?: unknown;
  readonly hostname?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly cause?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null;
}

/** The error and its causes, outermost first (bounded: cause chains can be cyclic). */
function chain(error: unknown): ErrorLike[] {
  const links: ErrorLike[] = [];
  let current: unknown = error;
  while (isErrorLike(current) && links.length < 8 && !links.includes(current)) {
    links.push(current);
    current = current.cause;
  }
  return links;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** `host:port` when the error says where it tried to connect. */
function target(link: ErrorLike): string {
  const host = text(link.address) || text(link.hostname);
  const port = typeof link.port === 'number' || typeof link.port === 'string' ? String(link.port) : '';
  if (host !== '') return port === '' ? host : `${host}:${port}`;
  // undici and node-fetch say it only in the message: "connect ECONNREFUSED 127.0.0.1:9".
  const match = /\b(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\s+(\S+)/.exec(text(link.message));
  return match?.[1] ?? '';
}

function classify(link: ErrorLike): NetworkFailure | undefined {
  const code = text(link.code);
  const name = text(link.name);
  const message = text(link.message);
  const where = target(link);
  const at = where === '' ? '' : ` ${where}`;
  if (code === 'ECONNREFUSED' || /\bECONNREFUSED\b/.test(message)) {
    return { kind: 'refused', code: 'ECONNREFUSED', text: `connection refused by${at === '' ? ' the server' : at} (nothing listens there: check the API URL and that the service is up)` };
  }
  if (DNS_CODES.has(code) || /\b(ENOTFOUND|EAI_AGAIN)\b/.test(message)) {
    const dnsCode = DNS_CODES.has(code) ? code : (/\b(ENOTFOUND|EAI_AGAIN)\b/.exec(message)?.[1] ?? 'ENOTFOUND');
    return { kind: 'dns', code: dnsCode, text: `DNS lookup failed for${at === '' ? ' the host' : at} (${dnsCode}): check the host name and the DNS server` };
  }
  if (message === 'bad port' || code === 'ERR_BAD_PORT') {
    return { kind: 'bad-port', code: 'bad port', text: 'the URL uses a port that fetch refuses to connect to ("bad port", e.g. 6000 or 25): use another port' };
  }
  if (TLS_CODE.test(code) || /\b(SSL|TLS|certificate)\b/i.test(message)) {
    const reason = message.split('\n')[0]?.replace(/^[0-9A-F]+:error:[0-9A-F]+:/, '').trim() ?? '';
    return { kind: 'tls', ...(code === '' ? {} : { code }), text: `TLS error${at === '' ? '' : ` with${at}`}${code === '' ? '' : ` (${code})`}${reason === '' ? '' : `: ${reason}`}` };
  }
  if (TIMEOUT_CODES.has(code) || name === 'TimeoutError' || name === 'AbortError' || link.type === 'aborted' || /\btime(d)?\s?out\b/i.test(message)) {
    return { kind: 'timeout', ...(code === '' ? {} : { code }), text: `no answer before the request timeout${at === '' ? '' : ` from${at}`}` };
  }
  if (RESET_CODES.has(code) || /other side closed|socket hang up/i.test(message)) {
    return { kind: 'reset', ...(code === '' ? {} : { code }), text: `the connection was closed before an answer${code === '' ? '' : ` (${code})`}` };
  }
  if (UNREACHABLE_CODES.has(code)) {
    return { kind: 'unreachable', code, text: `no network route to${at === '' ? ' the host' : at} (${code})` };
  }
  return undefined;
}

/**
 * Names a network failure from the error and its `cause` chain (innermost cause wins when it is
 * more specific). Returns `undefined` when nothing in the chain looks like a network failure.
 */
export function describeNetworkError(error: unknown): NetworkFailure | undefined {
  const links = chain(error);
  // Innermost first: "fetch failed" on the outside says nothing, its cause says why.
  for (const link of [...links].reverse()) {
    const found = classify(link);
    if (found !== undefined) return found;
  }
  if (links.length === 0) return undefined;
  const innermost = links[links.length - 1];
  const message = text(innermost?.message);
  if (text(links[0]?.message) === 'fetch failed' || text(links[0]?.name) === 'FetchError') {
    return { kind: 'network', text: `the request failed before an answer${message === '' || message === 'fetch failed' ? '' : `: ${message}`}` };
  }
  return undefined;
}
