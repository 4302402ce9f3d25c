/**
 * Alert settings from the environment, validated once with errors that name the variable:
 * TRIAGE_ALERT_TOKEN, TRIAGE_ALERT_ENTRA_AUDIENCE / _TENANT / _JWKS_URL, TRIAGE_ALERT_CHANNEL,
 * TRIAGE_ALERT_ROUTES (JSON), TRIAGE_ALERT_WINDOW.
 */
import { ConfigError, envValue, type Env } from '../config';
import { parseDuration } from '../primitives/duration';
import type { AlertAuthSettings } from './auth';
import { parseDestination, ROUTE_NAME, RouteError, type Destination, type Route } from './routing';

export interface AlertSettings {
  auth: AlertAuthSettings;
  defaultDestination?: Destination;
  routes: Route[];
  /** Alerts for the same cluster and registry within this window update one card. */
  windowMs: number;
}

export const DEFAULT_ALERT_WINDOW_MS = 60 * 60 * 1000;
/** The alert token of demo mode: the demo bot listens on loopback only, and `npm run demo:alert` sends it. */
export const DEMO_ALERT_TOKEN = 'demo-alert-token-for-loopback-only';
const MIN_TOKEN_LENGTH = 24;
import { GUID } from '../primitives/guid';

export function alertSettingsFromEnv(env: Env = process.env): AlertSettings {
  const token = envValue(env, 'TRIAGE_ALERT_TOKEN');
  if (token !== undefined && (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))) {
    throw new ConfigError(
      `TRIAGE_ALERT_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. from \`openssl rand -hex 32\`).`,
      'TRIAGE_ALERT_TOKEN',
    );
  }
  const audiences = (envValue(env, 'TRIAGE_ALERT_ENTRA_AUDIENCE') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const tenantId = envValue(env, 'TRIAGE_ALERT_ENTRA_TENANT') ?? envValue(env, 'MicrosoftAppTenantId');
  if (audiences.length > 0 && (!tenantId || !GUID.test(tenantId))) {
    throw new ConfigError(
      'TRIAGE_ALERT_ENTRA_TENANT must be the tenant id (GUID) of the app registration that TRIAGE_ALERT_ENTRA_AUDIENCE names.',
      'TRIAGE_ALERT_ENTRA_TENANT',
    );
  }
  const tenant = tenantId?.toLowerCase();
  const jwksUrl = envValue(env, 'TRIAGE_ALERT_ENTRA_JWKS_URL') ?? `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`;
  const channel = envValue(env, 'TRIAGE_ALERT_CHANNEL');
  const window = envValue(env, 'TRIAGE_ALERT_WINDOW');
  return {
    auth: {
      ...(token ? { token } : {}),
      ...(audiences.length > 0 && tenant ? { entra: { tenantId: tenant, audiences, jwksUrl } } : {}),
    },
    ...(channel ? { defaultDestination: named('TRIAGE_ALERT_CHANNEL', () => parseDestination(channel)) } : {}),
    routes: parseRoutes(envValue(env, 'TRIAGE_ALERT_ROUTES')),
    windowMs: window ? windowOf(window) : DEFAULT_ALERT_WINDOW_MS,
  };
}

function windowOf(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 60_000 || ms > 7 * 86_400_000) {
    throw new ConfigError(
      `TRIAGE_ALERT_WINDOW must be a duration from 1 minute to 7 days, such as 30m or 1h (got "${value.slice(0, 40)}").`,
      'TRIAGE_ALERT_WINDOW',
    );
  }
  return ms;
}

function named<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RouteError) throw new ConfigError(`${variable}: ${error.message}`, variable);
    throw error;
  }
}

/**
 * `[{"name":"payments","channel":"slack:C0123ABCD"}, {"cluster":"aks-prod","channel":"teams:19:…"},
 *   {"resourceGroup":"rg-shop","channel":"…"}, {"subscription":"<guid>","channel":"…"}]`.
 * JSON because Teams conversation ids contain `:`, `;` and `@`.
 */
export function parseRoutes(value: string | undefined): Route[] {
  if (value === undefined) return [];
  const variable = 'TRIAGE_ALERT_ROUTES';
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    throw new ConfigError(`${variable} must be a JSON array of routes such as [{"cluster":"aks-prod","channel":"slack:C0123ABCD"}].`, variable);
  }
  if (!Array.isArray(list)) throw new ConfigError(`${variable} must be a JSON array of routes.`, variable);
  return list.map((raw: unknown, i) => {
    const at = `${variable}[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new ConfigError(`${at} must be an object.`, variable);
    const r = raw as Record<string, unknown>;
    const str = (k: string) => (typeof r[k] === 'string' && (r[k] as string).trim() !== '' ? (r[k] as string).trim() : undefined);
    const unknownKeys = Object.keys(r).filter((k) => !['name', 'subscription', 'resourceGroup', 'cluster', 'channel'].includes(k));
    if (unknownKeys.length > 0)
      throw new ConfigError(
        `${at} has unknown keys ${unknownKeys.join(', ')} (allowed: name, subscription, resourceGroup, cluster, channel).`,
        variable,
      );
    const channel = str('channel');
    if (!channel) throw new ConfigError(`${at} has no "channel" (teams:<conversation id> or slack:<channel id>).`, variable);
    const name = str('name');
    if (name !== undefined && !ROUTE_NAME.test(name))
      throw new ConfigError(`${at}.name must be lowercase letters, digits and dashes (it appears in /api/alerts/<name>).`, variable);
    const subscription = str('subscription');
    if (subscription !== undefined && !GUID.test(subscription))
      throw new ConfigError(`${at}.subscription must be a subscription id (GUID).`, variable);
    const route: Route = {
      ...(name ? { name } : {}),
      ...(subscription ? { subscription: subscription.toLowerCase() } : {}),
      ...(str('resourceGroup') ? { resourceGroup: str('resourceGroup') } : {}),
      ...(str('cluster') ? { cluster: str('cluster') } : {}),
      destination: named(variable, () => parseDestination(channel)),
    };
    if (!route.name && !route.subscription && !route.resourceGroup && !route.cluster) {
      throw new ConfigError(`${at} matches nothing: give a name, subscription, resourceGroup or cluster.`, variable);
    }
    return route;
  });
}
