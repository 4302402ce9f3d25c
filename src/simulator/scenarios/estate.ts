/**
 * The simulated Azure estate every scenario lives in: two tenants, four subscriptions, one location and
 * the bot's own identity. Scenarios only pick from these, so worlds merge without clashes.
 */
import { guid } from './ids';

export const LOCATION = 'westeurope';

export const TENANTS = {
  contoso: guid('tenant', 'contoso'),
  /** A partner tenant: its registries cannot be granted to Contoso's managed identities. */
  fabrikam: guid('tenant', 'fabrikam'),
} as const;

export interface SubscriptionInfo {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
}

export const SUBS = {
  /** Where the clusters run. */
  apps: guid('subscription', 'contoso-apps'),
  /** Where the registries and the bot live. */
  platform: guid('subscription', 'contoso-platform'),
  /** A subscription the bot has no role in. */
  finance: guid('subscription', 'contoso-finance'),
  /** A partner's subscription in another tenant, readable by the bot (e.g. through Azure Lighthouse). */
  partner: guid('subscription', 'fabrikam-partner'),
} as const;

export const SUBSCRIPTIONS: readonly SubscriptionInfo[] = [
  { subscriptionId: SUBS.apps, tenantId: TENANTS.contoso, displayName: 'Contoso Apps' },
  { subscriptionId: SUBS.platform, tenantId: TENANTS.contoso, displayName: 'Contoso Platform' },
  { subscriptionId: SUBS.finance, tenantId: TENANTS.contoso, displayName: 'Contoso Finance' },
  { subscriptionId: SUBS.partner, tenantId: TENANTS.fabrikam, displayName: 'Fabrikam Partner Images' },
];

/** Subscriptions that exist but answer 403 to the bot. */
export const UNREADABLE_SUBSCRIPTIONS: readonly string[] = [SUBS.finance];

export function subscriptionInfo(subscriptionId: string): SubscriptionInfo {
  const found = SUBSCRIPTIONS.find((s) => s.subscriptionId === subscriptionId.toLowerCase());
  if (!found) throw new Error(`Subscription ${subscriptionId} is not part of the simulated estate (see estate.ts SUBSCRIPTIONS)`);
  return found;
}

/** Resource group of the shared registries. */
export const REGISTRY_RG = 'rg-registries';

/** The bot runs as a user-assigned managed identity in the platform subscription. */
export const BOT = {
  name: 'id-registry-triage',
  resourceGroup: 'rg-registry-triage',
  subscriptionId: SUBS.platform,
  principalId: guid('bot', 'principal'),
  clientId: guid('bot', 'client'),
  tenantId: TENANTS.contoso,
} as const;

/** Fixed instants, so the JSON of a scenario never changes between runs. */
export const TIMES = {
  created: '2026-03-02T08:15:00Z',
  assigned: '2026-06-11T14:20:00Z',
  podStart: '2026-11-28T07:00:00Z',
  failing: '2026-11-28T09:12:00Z',
  lastSeen: '2026-11-28T09:41:00Z',
} as const;
