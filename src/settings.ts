/**
 * The bot's settings, read once from the environment and validated with an error that names the variable.
 * Azure settings (endpoint, subscription, client id) live in src/config.ts; storage reads its own part.
 */
import { ConfigError } from './config';
import { DEFAULT_APPROVAL_TTL_MS } from './conversation/approvals';
import { parseDuration } from './primitives/duration';
import { isGuid } from './primitives/guid';
import { parseSwitch } from './primitives/switch';
/** A ConfigError (one kind of configuration failure for every entry point), worded "<variable>: <problem>". */
export class BotSettingsError extends ConfigError {
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`, variable);
    this.name = 'BotSettingsError';
  }
}

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface BotSettings {
  /** Empty = unauthenticated local mode (Agents Playground, Bot Framework Emulator). */
  appId?: string;
  appPassword?: string;
  appType: AppType;
  appTenantId?: string;
  port: number;
  /** Loopback unless an app id is configured or HOST says otherwise. */
  host: string;
  /** Entra object ids (Teams) and `slack:<user id>` entries. */
  approvers: string[];
  allowSelfApproval: boolean;
  approvalTtlMs: number;
  /** Who may run `audit`: approvers only (default) or everyone in the conversation (TRIAGE_AUDIT=everyone). */
  auditAudience: 'approvers' | 'everyone';
  /** botbuilder's own cloud settings (CHANNEL_ENDPOINT_KEYS), for sovereign and private Bot Framework clouds. */
  channelEndpoints?: Record<string, string>;
}

/**
 * botbuilder's configuration keys for a Bot Framework cloud other than the public one (all together: botbuilder
 * uses them as one set once any is given). Passed through unchanged, never defaulted here.
 */
export const CHANNEL_ENDPOINT_KEYS = [
  'ChannelService',
  'ValidateAuthority',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'OAuthUrl',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'CallerId',
] as const;

function approvalTtl(variable: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new BotSettingsError(variable, `"${value}" is not a duration; use e.g. 30m, 1h or 90s.`);
  if (ms < 60_000 || ms > 7 * 86_400_000) throw new BotSettingsError(variable, `"${value}" is outside 1 minute … 7 days.`);
  return ms;
}

function bool(variable: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  const on = parseSwitch(value);
  if (on === undefined) throw new BotSettingsError(variable, `"${value}" is not true or false.`);
  return on;
}

function approvers(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of entries) {
    if (!isGuid(e) && !/^slack:[A-Z0-9]+$/i.test(e)) {
      throw new BotSettingsError('TRIAGE_APPROVERS', `"${e}" is neither an Entra object id (GUID) nor slack:<user id>.`);
    }
  }
  return entries.map((e) => (isGuid(e) ? e.toLowerCase() : e));
}

export function botSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): BotSettings {
  const appId = env.MicrosoftAppId?.trim() || undefined;
  const rawType = env.MicrosoftAppType?.trim() || 'MultiTenant';
  const types: AppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];
  const appType = types.find((t) => t.toLowerCase() === rawType.toLowerCase());
  if (!appType) throw new BotSettingsError('MicrosoftAppType', `"${rawType}" is not one of ${types.join(', ')}.`);
  const appTenantId = env.MicrosoftAppTenantId?.trim() || undefined;
  const appPassword = env.MicrosoftAppPassword || undefined;
  if (appId && (appType === 'SingleTenant' || appType === 'UserAssignedMSI') && !appTenantId) {
    throw new BotSettingsError('MicrosoftAppTenantId', `required when MicrosoftAppType is ${appType}.`);
  }
  if (appId && appType !== 'UserAssignedMSI' && !appPassword) {
    throw new BotSettingsError('MicrosoftAppPassword', `required when MicrosoftAppType is ${appType} (or use UserAssignedMSI).`);
  }
  const portText = env.PORT?.trim() || '3978';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BotSettingsError('PORT', `"${portText}" is not a TCP port.`);
  const audit = (env.TRIAGE_AUDIT?.trim() || 'approvers').toLowerCase();
  if (audit !== 'approvers' && audit !== 'everyone') throw new BotSettingsError('TRIAGE_AUDIT', `"${audit}" is not approvers or everyone.`);
  return {
    appId,
    appPassword,
    appType,
    appTenantId,
    port,
    // Without an app id nothing authenticates callers: listen where only this machine can reach it.
    host: env.HOST?.trim() || (appId ? '0.0.0.0' : '127.0.0.1'),
    approvers: approvers(env.TRIAGE_APPROVERS),
    allowSelfApproval: bool('TRIAGE_ALLOW_SELF_APPROVAL', env.TRIAGE_ALLOW_SELF_APPROVAL, false),
    approvalTtlMs: env.TRIAGE_APPROVAL_TTL?.trim() ? approvalTtl('TRIAGE_APPROVAL_TTL', env.TRIAGE_APPROVAL_TTL) : DEFAULT_APPROVAL_TTL_MS,
    auditAudience: audit,
    channelEndpoints: Object.fromEntries(CHANNEL_ENDPOINT_KEYS.flatMap((key) => (env[key]?.trim() ? [[key, env[key]!.trim()]] : []))),
  };
}

/** The botbuilder auth configuration (ConfigurationBotFrameworkAuthentication's keys). */
export function authConfiguration(settings: BotSettings): Record<string, string | undefined> {
  return {
    MicrosoftAppId: settings.appId,
    MicrosoftAppPassword: settings.appType === 'UserAssignedMSI' ? undefined : settings.appPassword,
    MicrosoftAppType: settings.appType,
    MicrosoftAppTenantId: settings.appTenantId,
    ...settings.channelEndpoints,
  };
}
