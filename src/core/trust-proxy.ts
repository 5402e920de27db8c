/**
 * `server.trustProxy` (VENTANILLA_TRUST_PROXY) as fastify's `trustProxy` option. Behind a reverse
 * proxy the socket address is the proxy's, so every limit keyed on the client address would be
 * one shared counter. Accepted values: false (default: no proxy), true (trust every hop: only when
 * the hub is reachable solely through the proxy), a number of hops, or addresses/CIDRs of the
 * proxies ("10.0.0.0/8, 127.0.0.1"), the safest.
 */

/** The configured value. */
export type TrustProxySetting = boolean | number | string;

/** What fastify's `trustProxy` takes. */
export type TrustProxyOption = boolean | string | ((address: string, hop: number) => boolean);

/**
 * Converts the setting. A hop count becomes "trust the first `n` hops" explicitly: fastify 5.12
 * treats a bare number as trusting nothing (it cannot check the immediate peer), which would
 * silently turn the setting off.
 */
export function trustProxyOption(setting: TrustProxySetting | undefined): TrustProxyOption {
  if (setting === undefined || setting === false || setting === 0) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

/** Parses VENTANILLA_TRUST_PROXY: true/false, a whole number of hops, or a list of addresses/CIDRs. */
export function parseTrustProxy(raw: string): TrustProxySetting {
  const value = raw.trim();
  if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
