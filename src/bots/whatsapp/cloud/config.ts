/**
 * Configuration of the official WhatsApp Cloud API channel, read from the environment.
 */
import { HubError } from '../../../core/errors.js';

export interface WhatsAppCloudConfig {
  /** Permanent (system user) access token for the Graph API. */
  readonly token: string;
  /** App secret: the key of the `X-Hub-Signature-256` HMAC on every webhook POST. */
  readonly appSecret: string;
  /** The string Meta echoes in `hub.verify_token` when the webhook is subscribed. */
  readonly verifyToken: string;
  /** The business phone number id replies are sent from (`/{phone-number-id}/messages`). */
  readonly phoneNumberId: string;
  /** Graph API base URL including the version, without trailing slash. */
  readonly graphBaseUrl: string;
  /**
   * An approved template that invites the citizen to write again, sent when a reply falls outside
   * the 24-hour customer-service window (`WHATSAPP_CLOUD_REOPEN_TEMPLATE=name:language`). The
   * replies wait until the citizen answers. Unset: such replies are dead-lettered, and the agent
   * console says why.
   */
  readonly reopenTemplate?: WhatsAppTemplateRef;
}

/** An approved message template: its name and language code, as in WhatsApp Manager. */
export interface WhatsAppTemplateRef {
  readonly name: string;
  readonly language: string;
}

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com/v21.0';

const REQUIRED = [
  ['WHATSAPP_CLOUD_APP_SECRET', 'the app secret from Meta for Developers → App settings → Basic'],
  ['WHATSAPP_CLOUD_VERIFY_TOKEN', 'any random string, also typed into the webhook configuration in Meta for Developers'],
  ['WHATSAPP_CLOUD_PHONE_NUMBER_ID', 'the phone number id from WhatsApp → API setup'],
] as const;

const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
// Meta's template language codes: `es`, `ca`, `en_US`, `es_ES`, `pt_BR`…
const TEMPLATE_LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

/**
 * Parses `WHATSAPP_CLOUD_REOPEN_TEMPLATE` (`name:language`, e.g. `reabrir_conversacion:es`).
 * Returns undefined when unset or empty; throws HUB_ERR_CONFIG naming the variable and the fix.
 */
export function parseReopenTemplate(raw: string | undefined): WhatsAppTemplateRef | undefined {
  const value = raw?.trim();
  if (value === undefined || value === '') return undefined;
  const colon = value.lastIndexOf(':');
  const name = colon === -1 ? value : value.slice(0, colon).trim();
  const language = colon === -1 ? '' : value.slice(colon + 1).trim();
  if (!TEMPLATE_NAME.test(name) || !TEMPLATE_LANGUAGE.test(language)) {
    throw new HubError(
      'HUB_ERR_CONFIG',
      `WHATSAPP_CLOUD_REOPEN_TEMPLATE="${value}" is not <template name>:<language code>: set it to an approved template of your WhatsApp Business account, ` +
        'e.g. WHATSAPP_CLOUD_REOPEN_TEMPLATE=reabrir_conversacion:es (name: lower-case letters, digits and _, as in WhatsApp Manager; language: a code such as es, ca, es_ES or en_US), ' +
        "or unset it (replies outside the 24-hour window are then dead-lettered and shown to the agent)",
    );
  }
  return { name, language };
}

/**
 * Reads the Cloud API channel configuration. Returns `undefined` when `WHATSAPP_CLOUD_TOKEN` is
 * unset (channel disabled). Throws `HUB_ERR_CONFIG` naming the missing variable when the token is
 * set but the configuration is partial: a half-configured channel would accept unsigned webhooks
 * or fail every send; and naming `WHATSAPP_CLOUD_REOPEN_TEMPLATE` when it is not `name:language`.
 */
export function loadWhatsAppCloudConfig(env: Readonly<Record<string, string | undefined>>): WhatsAppCloudConfig | undefined {
  const token = env.WHATSAPP_CLOUD_TOKEN?.trim();
  if (token === undefined || token === '') return undefined;
  const values: Record<string, string> = {};
  for (const [name, hint] of REQUIRED) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') {
      throw new HubError(
        'HUB_ERR_CONFIG',
        `WHATSAPP_CLOUD_TOKEN is set but ${name} is missing: set ${name} (${hint}), or unset WHATSAPP_CLOUD_TOKEN to disable the WhatsApp Cloud API channel`,
      );
    }
    values[name] = value;
  }
  const base = (env.WHATSAPP_GRAPH_BASE_URL?.trim() || DEFAULT_GRAPH_BASE_URL).replace(/\/+$/, '');
  try {
    new URL(base);
  } catch (cause) {
    throw new HubError('HUB_ERR_CONFIG', `WHATSAPP_GRAPH_BASE_URL is not a URL: set it like ${DEFAULT_GRAPH_BASE_URL}`, { cause });
  }
  const reopenTemplate = parseReopenTemplate(env.WHATSAPP_CLOUD_REOPEN_TEMPLATE);
  return {
    token,
    appSecret: values.WHATSAPP_CLOUD_APP_SECRET ?? '',
    verifyToken: values.WHATSAPP_CLOUD_VERIFY_TOKEN ?? '',
    phoneNumberId: values.WHATSAPP_CLOUD_PHONE_NUMBER_ID ?? '',
    graphBaseUrl: base,
    ...(reopenTemplate === undefined ? {} : { reopenTemplate }),
  };
}
