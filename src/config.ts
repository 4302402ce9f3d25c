/**
 * Typed settings from the environment, validated once at start-up. Every problem names the variable and
 * says what a valid value looks like. Parts (Azure, triage; the bot adds its own) are separate functions
 * so each entry point reads only what it needs.
 */
import { isGuid } from './primitives/guid';
import { parseSwitch } from './primitives/switch';

export class ConfigError extends Error {
  readonly code = 'InvalidConfig';
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads one variable; empty and whitespace-only count as unset. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = envValue(env, name);
  if (value === undefined) return fallback;
  const on = parseSwitch(value);
  if (on !== undefined) return on;
  throw new ConfigError(`${name} must be true or false (got "${value}").`, name);
}

export function parsePositiveInt(env: Env, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = envValue(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0 || Number(value) > max) {
    throw new ConfigError(`${name} must be a whole number between 1 and ${max} (got "${value}").`, name);
  }
  return Number(value);
}

export function parseGuid(env: Env, name: string): string | undefined {
  const value = envValue(env, name);
  if (value === undefined) return undefined;
  if (!isGuid(value)) throw new ConfigError(`${name} must be a GUID like 00000000-0000-0000-0000-000000000000 (got "${value}").`, name);
  return value.toLowerCase();
}

export function parseHttpsUrl(env: Env, name: string, fallback: string): string {
  const value = envValue(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an https URL such as ${fallback} (got "${value}").`, name);
  }
  if (url.protocol !== 'https:') throw new ConfigError(`${name} must use https (got "${value}"); Azure SDKs refuse to send tokens over http.`, name);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${name} must be a plain endpoint without query, fragment or credentials (got "${value}").`, name);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export interface AzureSettings {
  /** ARM endpoint without trailing slash; the token scope is `<endpoint>/.default`. */
  resourceManagerEndpoint: string;
  /** Default subscription for bare names. */
  subscriptionId?: string;
  /** User-assigned managed identity to use (DefaultAzureCredential's managedIdentityClientId). */
  clientId?: string;
}

export interface TriageSettings {
  /** Read pods/events through run command. */
  pods: boolean;
  podDeadlineMs: number;
}

export interface Settings {
  azure: AzureSettings;
  triage: TriageSettings;
}

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';
export const DEFAULT_POD_DEADLINE_MS = 90_000;

export function azureSettings(env: Env = process.env): AzureSettings {
  const subscriptionId = parseGuid(env, 'AZURE_SUBSCRIPTION_ID');
  const clientId = parseGuid(env, 'AZURE_CLIENT_ID');
  return {
    resourceManagerEndpoint: parseHttpsUrl(env, 'AZURE_RESOURCE_MANAGER_ENDPOINT', DEFAULT_ARM_ENDPOINT),
    ...(subscriptionId ? { subscriptionId } : {}),
    ...(clientId ? { clientId } : {}),
  };
}

export function triageSettings(env: Env = process.env): TriageSettings {
  return {
    pods: parseBoolean(env, 'TRIAGE_PODS', true),
    podDeadlineMs: parsePositiveInt(env, 'TRIAGE_POD_DEADLINE_MS', DEFAULT_POD_DEADLINE_MS, 600_000),
  };
}

export function loadSettings(env: Env = process.env): Settings {
  return { azure: azureSettings(env), triage: triageSettings(env) };
}
