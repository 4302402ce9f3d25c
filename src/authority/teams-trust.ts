/**
 * Who may talk to the Bot Framework endpoint, and whose word counts. Free of botbuilder on purpose: it judges
 * the activity's plain fields and the claims botbuilder authenticated, so the rules read in one place.
 *
 *  - Before authentication (cheap refusals of what can never be served): replies go only to the channel
 *    service URLs Microsoft runs (loopback only without an app id, where the clients are local), and a Teams
 *    activity must come from an allowed tenant (TRIAGE_ALLOWED_TENANTS, default the bot's own).
 *  - After authentication: `from.aadObjectId` makes someone an approver only on a `msteams` activity that
 *    arrived with a token the Bot Framework channel issued (not the Emulator's token, which anyone holding the
 *    app's credential can mint) from an allowed tenant — or in demo mode, where the endpoint is loopback-only
 *    and Azure is simulated.
 */

export interface TeamsTrustPolicy {
  /** MicrosoftAppId; unset = nothing is authenticated. */
  appId?: string;
  demo: boolean;
  /** Lower-case Entra tenant ids whose Teams users may use the bot. */
  allowedTenants: readonly string[];
  /** Extra service URL origins (sovereign or private channels), beyond Microsoft's own. */
  extraServiceUrls: readonly string[];
}

/** The parts of an activity these rules read (botbuilder's Activity has them all). */
export interface ActivityFields {
  channelId?: unknown;
  serviceUrl?: unknown;
  channelData?: unknown;
}

/** The issuer of tokens the Bot Framework channel (Teams and every Azure Bot Service channel) mints. */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

/** Hosts of the Bot Connector service in Microsoft's clouds (public, GCC, GCC High, DoD, China). */
const CONNECTOR_HOST =
  /^(smba\.trafficmanager\.net|smba\.infra\.(gcc|gov|dod)\.teams\.microsoft\.(com|us)|([a-z0-9-]+\.)*botframework\.(com|us|azure\.us|azure\.cn))$/i;

export interface Refusal {
  status: number;
  message: string;
}

export function tenantOf(activity: ActivityFields): string | undefined {
  const data = activity.channelData;
  if (typeof data !== 'object' || data === null) return undefined;
  const tenant = (data as { tenant?: { id?: unknown } }).tenant;
  return typeof tenant?.id === 'string' ? tenant.id.toLowerCase() : undefined;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether the bot may send to this service URL. */
export function serviceUrlAllowed(serviceUrl: string, policy: Pick<TeamsTrustPolicy, 'appId' | 'extraServiceUrls'>): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (policy.extraServiceUrls.some((allowed) => `${url.origin}${url.pathname}`.toLowerCase().startsWith(allowed.toLowerCase()))) return true;
  // Without an app id the only clients are local ones (Agents Playground, Bot Framework Emulator).
  if (!policy.appId) return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  return url.protocol === 'https:' && CONNECTOR_HOST.test(url.hostname);
}

/** What to refuse before botbuilder sees the activity (the body has passed activityProblem already). */
export function activityRefusal(activity: ActivityFields, policy: TeamsTrustPolicy): Refusal | undefined {
  if (typeof activity.serviceUrl !== 'string' || !serviceUrlAllowed(activity.serviceUrl, policy)) {
    return { status: 403, message: 'The activity names a service URL this bot does not send to.' };
  }
  if (policy.appId && activity.channelId === 'msteams') {
    const tenant = tenantOf(activity);
    if (!tenant || !policy.allowedTenants.includes(tenant)) {
      return { status: 403, message: 'This bot does not serve that Microsoft Entra tenant.' };
    }
  }
  return undefined;
}

/** Whether `from.aadObjectId` on this authenticated activity is an identity rather than a claim. */
export function objectIdVouched(activity: ActivityFields, claims: { issuer?: string }, policy: TeamsTrustPolicy): boolean {
  if (!policy.appId) return policy.demo && (activity.channelId === 'msteams' || activity.channelId === 'emulator');
  if (activity.channelId !== 'msteams' || claims.issuer !== CHANNEL_TOKEN_ISSUER) return false;
  const tenant = tenantOf(activity);
  return tenant !== undefined && policy.allowedTenants.includes(tenant);
}
