/**
 * Who the bot serves and what it may be asked about, read once from the environment. Every list is checked
 * at start with an error that names the variable; nothing here is decided per request.
 */
import { ConfigError, envValue, parseBoolean, type Env } from '../config';
import { GUID } from '../primitives/guid';

export interface AuthoritySettings {
  /** Teams tenants served (lower-case); empty only without an app id. */
  allowedTenants: string[];
  /** Extra Bot Connector service URLs (https origins + path prefix) for private or sovereign channels. */
  extraServiceUrls: string[];
  /** Slack workspaces (`T…`) and Enterprise Grid organisations (`E…`) served; empty = any workspace the app is installed in. */
  slackTeams: string[];
  /** TRIAGE_ALLOWED_SUBSCRIPTIONS (lower-case GUIDs): the only subscriptions the bot reads or changes; empty = any it can see. */
  allowedSubscriptions: string[];
}

function list(env: Env, name: string): string[] {
  return (envValue(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Is anything configured that only a real deployment would set? Then the simulator must be asked for by name. */
export function productionLike(env: Env): string[] {
  return ['MicrosoftAppId', 'SLACK_BOT_TOKEN', 'TRIAGE_BLOB_URL', 'TRIAGE_BLOB_CONNECTION_STRING'].filter(
    (name) => envValue(env, name) !== undefined,
  );
}

/**
 * Demo mode (the embedded emulator plays Azure, demo approvers, self-approval): only when no Azure is named
 * and nothing production-like is configured, or when TRIAGE_DEMO=true asks for it. A bot with an app id or a
 * Slack token and no subscription is a misconfigured production bot, not a demo: that is an error.
 */
export function demoMode(env: Env): boolean {
  const azureNamed = envValue(env, 'AZURE_SUBSCRIPTION_ID') !== undefined || envValue(env, 'AZURE_RESOURCE_MANAGER_ENDPOINT') !== undefined;
  const explicit = parseBoolean(env, 'TRIAGE_DEMO', false);
  if (explicit && azureNamed)
    throw new ConfigError(
      'TRIAGE_DEMO=true runs on the simulator, but AZURE_SUBSCRIPTION_ID or AZURE_RESOURCE_MANAGER_ENDPOINT names real Azure; set one or the other.',
      'TRIAGE_DEMO',
    );
  if (explicit || azureNamed) return explicit;
  const production = productionLike(env);
  if (production.length > 0) {
    throw new ConfigError(
      `${production.join(' and ')} ${production.length === 1 ? 'is' : 'are'} set but no Azure is: set AZURE_SUBSCRIPTION_ID (or AZURE_RESOURCE_MANAGER_ENDPOINT), or TRIAGE_DEMO=true to run on the simulator on purpose.`,
      'AZURE_SUBSCRIPTION_ID',
    );
  }
  return true;
}

export function authoritySettings(env: Env, bot: { appId?: string; appTenantId?: string }): AuthoritySettings {
  const tenants = list(env, 'TRIAGE_ALLOWED_TENANTS').map((t) => t.toLowerCase());
  for (const t of tenants)
    if (!GUID.test(t)) throw new ConfigError(`TRIAGE_ALLOWED_TENANTS: "${t}" is not a tenant id (GUID).`, 'TRIAGE_ALLOWED_TENANTS');
  const ownTenant = (bot.appTenantId ?? envValue(env, 'AZURE_TENANT_ID'))?.toLowerCase();
  const allowedTenants = tenants.length > 0 ? tenants : ownTenant && GUID.test(ownTenant) ? [ownTenant] : [];
  if (bot.appId && allowedTenants.length === 0) {
    throw new ConfigError(
      'TRIAGE_ALLOWED_TENANTS: with a MicrosoftAppId the bot must know which Teams tenants it serves; set TRIAGE_ALLOWED_TENANTS (or MicrosoftAppTenantId / AZURE_TENANT_ID for your own tenant only).',
      'TRIAGE_ALLOWED_TENANTS',
    );
  }
  const extraServiceUrls = list(env, 'TRIAGE_SERVICE_URLS').map((u) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new ConfigError(`TRIAGE_SERVICE_URLS: "${u}" is not a URL.`, 'TRIAGE_SERVICE_URLS');
    }
    // Plain http only to this machine (a connector relay beside the bot); anything else must be https.
    const local = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
    if ((url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) || url.search || url.username) {
      throw new ConfigError(`TRIAGE_SERVICE_URLS: "${u}" must be a plain https URL (http only on loopback).`, 'TRIAGE_SERVICE_URLS');
    }
    return `${url.origin}${url.pathname}`;
  });
  const slackTeams = list(env, 'TRIAGE_SLACK_TEAMS');
  for (const t of slackTeams)
    if (!/^[TE][A-Z0-9]{2,20}$/.test(t))
      throw new ConfigError(`TRIAGE_SLACK_TEAMS: "${t}" is not a Slack team (T…) or enterprise (E…) id.`, 'TRIAGE_SLACK_TEAMS');
  const allowedSubscriptions = list(env, 'TRIAGE_ALLOWED_SUBSCRIPTIONS').map((sub) => sub.toLowerCase());
  for (const sub of allowedSubscriptions)
    if (!GUID.test(sub))
      throw new ConfigError(`TRIAGE_ALLOWED_SUBSCRIPTIONS: "${sub}" is not a subscription id (GUID).`, 'TRIAGE_ALLOWED_SUBSCRIPTIONS');
  return {
    allowedTenants,
    extraServiceUrls,
    slackTeams,
    allowedSubscriptions,
  };
}
