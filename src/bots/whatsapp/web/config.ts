/**
 * Configuration of the whatsapp-web.js channel (an unofficial client: WhatsApp does not allow
 * it and may block the number; public bodies should prefer the Cloud API).
 */
import { join } from 'node:path';
import { HubError } from '../../../core/errors.js';

export interface WhatsAppWebConfig {
  /** Chromium the client drives (Debian: `apt install chromium`). */
  readonly chromiumPath: string;
  /** Where LocalAuth keeps the session (`<dataDir>/wwebjs`). */
  readonly sessionDir: string;
  /** International number without symbols (e.g. 34600111222) to pair by code instead of QR. */
  readonly pairingPhone?: string;
}

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Reads the whatsapp-web.js configuration. Returns `undefined` unless `WHATSAPP_WEB_ENABLED=true`.
 * `dataDir` is the hub's data directory (the caller's VENTANILLA_DATA_DIR); `WHATSAPP_WEB_DATA_DIR`
 * overrides it. Throws `HUB_ERR_CONFIG` for a pairing phone that is not digits.
 */
export function loadWhatsAppWebConfig(env: Readonly<Record<string, string | undefined>>, dataDir: string): WhatsAppWebConfig | undefined {
  if (env.WHATSAPP_WEB_ENABLED?.trim().toLowerCase() !== 'true') return undefined;
  const chromiumPath = env.WHATSAPP_WEB_CHROMIUM_PATH?.trim() || DEFAULT_CHROMIUM_PATH;
  const base = env.WHATSAPP_WEB_DATA_DIR?.trim() || dataDir;
  const phone = env.WHATSAPP_WEB_PAIRING_PHONE?.replace(/[\s+()-]/g, '');
  if (phone !== undefined && phone !== '' && !/^\d{8,15}$/.test(phone)) {
    throw new HubError(
      'HUB_ERR_CONFIG',
      'WHATSAPP_WEB_PAIRING_PHONE must be an international number, digits only (e.g. 34600111222), or unset to pair by QR',
    );
  }
  return phone === undefined || phone === ''
    ? { chromiumPath, sessionDir: join(base, 'wwebjs') }
    : { chromiumPath, sessionDir: join(base, 'wwebjs'), pairingPhone: phone };
}
