/**
 * Bot Framework channel configuration, with the variable names of Microsoft's samples and docs.
 * https://learn.microsoft.com/azure/bot-service/bot-builder-authentication
 */
import { HubError } from '../../core/errors.js';

export type MicrosoftAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface BotFrameworkConfig {
  /** Empty in anonymous mode (Emulator on loopback only): no token is checked or sent. */
  readonly appId: string;
  readonly appPassword: string;
  readonly appType: MicrosoftAppType;
  readonly tenantId: string;
  readonly anonymous: boolean;
}

const APP_TYPES: readonly MicrosoftAppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];

/**
 * Reads the Bot Framework configuration. Enabled by `BOTFRAMEWORK_ENABLED=true` or by a
 * `MicrosoftAppId`; returns `undefined` otherwise. Without an app id the channel runs in anonymous
 * mode (the caller should log {@link BOTFRAMEWORK_ANONYMOUS_WARNING}). Throws `HUB_ERR_CONFIG`
 * for an app id without password (except UserAssignedMSI), a SingleTenant without tenant, or an
 * unknown `MicrosoftAppType`.
 */
export function loadBotFrameworkConfig(env: Readonly<Record<string, string | undefined>>): BotFrameworkConfig | undefined {
  const appId = env.MicrosoftAppId?.trim() ?? '';
  const enabled = env.BOTFRAMEWORK_ENABLED?.trim().toLowerCase() === 'true' || appId !== '';
  if (!enabled) return undefined;
  const appPassword = env.MicrosoftAppPassword?.trim() ?? '';
  const tenantId = env.MicrosoftAppTenantId?.trim() ?? '';
  const rawType = env.MicrosoftAppType?.trim() || 'MultiTenant';
  const appType = APP_TYPES.find((type) => type.toLowerCase() === rawType.toLowerCase());
  if (appType === undefined) {
    throw new HubError('HUB_ERR_CONFIG', `MicrosoftAppType "${rawType}" is not one of ${APP_TYPES.join(', ')}: fix MicrosoftAppType`);
  }
  if (appId === '') return { appId, appPassword: '', appType, tenantId: '', anonymous: true };
  if (appPassword === '' && appType !== 'UserAssignedMSI') {
    throw new HubError(
      'HUB_ERR_CONFIG',
      'MicrosoftAppId is set but MicrosoftAppPassword is missing: set MicrosoftAppPassword (the bot registration\'s client secret) or unset MicrosoftAppId',
    );
  }
  if (tenantId === '' && appType !== 'MultiTenant') {
    throw new HubError('HUB_ERR_CONFIG', `MicrosoftAppType ${appType} needs MicrosoftAppTenantId: set it to the Entra ID tenant of the bot`);
  }
  return { appId, appPassword, appType, tenantId, anonymous: false };
}

/** Logged once at start in anonymous mode. */
export const BOTFRAMEWORK_ANONYMOUS_WARNING =
  'Bot Framework channel in anonymous mode (no MicrosoftAppId): requests are not authenticated and only loopback serviceUrls are accepted. Use only with the Emulator on this machine; set MicrosoftAppId/MicrosoftAppPassword for Azure Bot Service';

/**
 * Why an activity or a reply is refused in anonymous mode: an unauthenticated `serviceUrl` would
 * let anyone make the hub POST wherever they like, so only this machine's addresses are used.
 */
export const BOTFRAMEWORK_LOOPBACK_ONLY =
  'in anonymous mode (no MicrosoftAppId) the serviceUrl must be a loopback address (localhost, 127.0.0.1, [::1]: the Bot Framework Emulator on this machine); set MicrosoftAppId/MicrosoftAppPassword to serve Azure Bot Service';
