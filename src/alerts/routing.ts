/**
 * Where an alert's card goes: a Teams conversation or a Slack channel. A route named in the webhook URL
 * (`/api/alerts/<route>`) wins; otherwise the most specific route that matches the cluster (its name, then
 * its resource group, then its subscription); otherwise TRIAGE_ALERT_CHANNEL.
 */

export type Destination = { channel: 'teams'; conversationId: string } | { channel: 'slack'; channelId: string };

export interface Route {
  /** Set for routes a sender names in the URL. */
  name?: string;
  subscription?: string;
  resourceGroup?: string;
  cluster?: string;
  destination: Destination;
}

/** What is known of the cluster when routing: the name always, the rest when the alert or the lookup told it. */
export interface ClusterPlace {
  name: string;
  resourceGroup?: string;
  subscriptionId?: string;
}

export class RouteError extends Error {
  readonly code = 'InvalidRoute';
  constructor(message: string) {
    super(message);
    this.name = 'RouteError';
  }
}

const TEAMS_CONVERSATION = /^[\x21-\x7e]{1,400}$/;
const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,30}$/;
export const ROUTE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `teams:<conversation id>` or `slack:<channel id>`. */
export function parseDestination(value: string): Destination {
  const v = value.trim();
  const colon = v.indexOf(':');
  const kind = v.slice(0, colon).toLowerCase();
  const id = v.slice(colon + 1);
  if (kind === 'teams' && TEAMS_CONVERSATION.test(id)) return { channel: 'teams', conversationId: id };
  if (kind === 'slack' && SLACK_CHANNEL.test(id)) return { channel: 'slack', channelId: id };
  throw new RouteError(
    `"${v.slice(0, 80)}" is not a destination: use teams:<conversation id> (e.g. teams:19:abc…@thread.tacv2) or slack:<channel id> (e.g. slack:C0123ABCD)`,
  );
}

export function destinationLabel(d: Destination): string {
  return d.channel === 'teams' ? `teams:${d.conversationId}` : `slack:${d.channelId}`;
}

export class AlertRouter {
  constructor(
    private readonly routes: readonly Route[],
    private readonly fallback?: Destination,
  ) {}

  /** True when the URL names a route that exists (unknown names are refused before anything is recorded). */
  hasRoute(name: string): boolean {
    return this.routes.some((r) => r.name === name);
  }

  destinationFor(cluster: ClusterPlace | undefined, routeName?: string): Destination | undefined {
    if (routeName) return this.routes.find((r) => r.name === routeName)?.destination;
    if (cluster) {
      const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
      const byCluster = this.routes.find((r) => same(r.cluster, cluster.name));
      const byGroup = this.routes.find((r) => r.cluster === undefined && same(r.resourceGroup, cluster.resourceGroup));
      const bySubscription = this.routes.find(
        (r) => r.cluster === undefined && r.resourceGroup === undefined && same(r.subscription, cluster.subscriptionId),
      );
      const found = byCluster ?? byGroup ?? bySubscription;
      if (found) return found.destination;
    }
    return this.fallback;
  }
}
