/**
 * Who pulls, and the resources every authorisation check judges against. Nodes pull with the kubelet identity on
 * managed-identity clusters and with the cluster's service principal on SP clusters — never with the control-plane
 * identity (docs/domain.md#kubelet-identity). Checks and the grant planner ask here so they all name the same principal.
 */
import type { ClusterFacts, Evidence, Read, RegistryFacts } from './evidence';
import type { Outcome } from './report';

export type ClusterAuth = 'msi' | 'service-principal' | 'undetermined';

/** MSI ⇔ identity.type SystemAssigned/UserAssigned (or clientId "msi"); SP ⇔ an appId in servicePrincipalProfile. */
export function clusterAuth(cluster: ClusterFacts): ClusterAuth {
  const type = cluster.identity?.type?.toLowerCase();
  if (type === 'systemassigned' || type === 'userassigned') return 'msi';
  const clientId = cluster.servicePrincipalClientId?.trim().toLowerCase();
  if (clientId === 'msi') return 'msi';
  if (clientId) return 'service-principal';
  return 'undetermined';
}

/**
 * A service-principal cluster moved to managed identity whose nodes may still pull with the SP: after
 * `az aks update --enable-managed-identity` the kubelet keeps the service principal until the node pools are
 * upgraded (docs/azure-behaviours.md). The cluster GET shows it: a managed identity type while
 * servicePrincipalProfile still names an appId (a managed cluster names "msi"). Whether a given pool was
 * upgraded since is not visible there, so this is "the nodes likely still pull with the SP".
 */
export function migratingFromServicePrincipal(cluster: ClusterFacts): boolean {
  const clientId = cluster.servicePrincipalClientId?.trim().toLowerCase();
  return clusterAuth(cluster) === 'msi' && !!clientId && clientId !== 'msi';
}

/** Who the nodes pull with, by kind: as clusterAuth, except that a cluster moving off its SP still pulls with it. */
export function pullAuth(cluster: ClusterFacts): ClusterAuth {
  return migratingFromServicePrincipal(cluster) ? 'service-principal' : clusterAuth(cluster);
}

/** `…/userAssignedIdentities/aks-prod-agentpool` → `aks-prod-agentpool`. */
export function identityName(resourceId: string | undefined): string | undefined {
  const m = /\/userAssignedIdentities\/([^/]+)\/?$/i.exec(resourceId ?? '');
  return m?.[1];
}

export interface PullPrincipal {
  kind: 'kubelet-identity' | 'service-principal';
  /** Lowercase object id: what role assignments name. */
  objectId: string;
  /** For people: the identity's name (`aks-prod-agentpool`) or the SP's appId. */
  name: string;
  clientId?: string;
  resourceId?: string;
  /** The cluster is moving to managed identity: nodes not upgraded since still pull with this SP. */
  migrating?: boolean;
}

export type PrincipalLookup = { state: 'known'; principal: PullPrincipal } | { state: 'unknown'; reason: string; needs?: string };

const CLUSTER_READ = 'Microsoft.ContainerService/managedClusters/read on the cluster (e.g. Reader)';
const GRAPH_READ = "Microsoft Graph Application.Read.All (to resolve the service principal's objectId)";

export function pullPrincipal(evidence: Evidence): PrincipalLookup {
  const c = evidence.cluster;
  if (c.state === 'failed')
    return {
      state: 'unknown',
      reason: `the cluster could not be read (${c.failure.message}), so the identity its nodes pull with is not known`,
      needs: c.failure.needs ?? CLUSTER_READ,
    };
  if (c.state === 'skipped')
    return {
      state: 'unknown',
      reason: `the cluster was not read (${c.reason}), so the identity its nodes pull with is not known`,
      needs: CLUSTER_READ,
    };
  const cluster = c.value;
  const migrating = migratingFromServicePrincipal(cluster);
  const auth = pullAuth(cluster);
  if (auth === 'msi') {
    const kid = cluster.kubeletIdentity;
    if (!kid) return { state: 'unknown', reason: `cluster ${cluster.name} has no kubelet identity (identityProfile.kubeletidentity is missing)` };
    const name = identityName(kid.resourceId) ?? kid.clientId ?? 'kubelet identity';
    if (!kid.objectId)
      return {
        state: 'unknown',
        reason: `the kubelet identity ${name} of cluster ${cluster.name} came without an objectId`,
        needs: kid.resourceId ? `Microsoft.ManagedIdentity/userAssignedIdentities/read on ${kid.resourceId}` : undefined,
      };
    return {
      state: 'known',
      principal: { kind: 'kubelet-identity', objectId: kid.objectId.toLowerCase(), name, clientId: kid.clientId, resourceId: kid.resourceId },
    };
  }
  if (auth === 'service-principal') {
    const appId = cluster.servicePrincipalClientId as string;
    const sp = evidence.servicePrincipal;
    if (sp.state === 'ok' && sp.value.objectId)
      return {
        state: 'known',
        principal: {
          kind: 'service-principal',
          objectId: sp.value.objectId.toLowerCase(),
          name: appId,
          clientId: appId,
          ...(migrating ? { migrating } : {}),
        },
      };
    const why =
      sp.state === 'failed'
        ? `could not be read from Microsoft Graph (${sp.failure.message})`
        : sp.state === 'skipped'
          ? `was not read (${sp.reason})`
          : 'was not in the Graph answer';
    return {
      state: 'unknown',
      reason: `cluster ${cluster.name} pulls with service principal ${appId}, whose objectId ${why}`,
      needs: sp.state === 'failed' ? (sp.failure.needs ?? GRAPH_READ) : GRAPH_READ,
    };
  }
  return { state: 'unknown', reason: `cluster ${cluster.name} reports neither a managed identity nor a service principal` };
}

/**
 * The identity that pulls, or the `unknown` a check gives without it. `question` is what cannot be told
 * without it: "whether a deny assignment on myacr applies".
 */
export function requirePullPrincipal(evidence: Evidence, question: string): Input<PullPrincipal> {
  const who = pullPrincipal(evidence);
  if (who.state === 'known') return { ok: true, value: who.principal };
  return {
    ok: false,
    outcome: {
      status: 'unknown',
      evidence: `Cannot tell ${question}: ${who.reason}.`,
      remediation: 'Resolve identity.kubelet first, then check again.',
      needs: who.needs ?? 'the objectId of the identity the nodes pull with',
    },
  };
}

/** `kubelet identity aks-prod-agentpool (objectId 9c2e…)` */
export function describePrincipal(p: PullPrincipal): string {
  return p.kind === 'kubelet-identity'
    ? `kubelet identity ${p.name} (objectId ${p.objectId})`
    : `service principal ${p.name} (objectId ${p.objectId})`;
}

// ---------------------------------------------------------------------------------------------
// Inputs most checks depend on: when one could not be read, the check says so instead of guessing.

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

function unseen<T>(read: Exclude<Read<T>, { state: 'ok' }>, what: string, needs: string): Outcome {
  if (read.state === 'failed')
    return {
      status: 'unknown',
      evidence: `${what} could not be read: ${sentence(read.failure.message)}`,
      remediation: `Give the bot the access named under "needs" (or fix ${what.toLowerCase()}), then check again.`,
      needs: read.failure.needs ?? needs,
    };
  return {
    status: 'unknown',
    evidence: `${what} was not read: ${sentence(read.reason)}`,
    remediation: `Resolve what kept ${what.toLowerCase()} from being read (see target.* findings), then check again.`,
    needs,
  };
}

export type Input<T> = { ok: true; value: T } | { ok: false; outcome: Outcome };

/** The registry, or the `unknown` a check gives without it; `unknownWithout` names what that leaves unknown ("its firewall rules"). */
export function requireRegistry(evidence: Evidence, unknownWithout?: string): Input<RegistryFacts> {
  const r = evidence.registry;
  if (r.state === 'ok') return { ok: true, value: r.value };
  const outcome = unseen(r, 'The registry', 'Microsoft.ContainerRegistry/registries/read on the registry (e.g. Reader)');
  if (!unknownWithout) return { ok: false, outcome };
  const consequence = `${unknownWithout.charAt(0).toUpperCase()}${unknownWithout.slice(1)} cannot be known without it.`;
  return { ok: false, outcome: { ...outcome, evidence: `${outcome.evidence} ${consequence}` } };
}

export function requireCluster(evidence: Evidence): Input<ClusterFacts> {
  const c = evidence.cluster;
  if (c.state === 'ok') return { ok: true, value: c.value };
  return { ok: false, outcome: unseen(c, 'The cluster', CLUSTER_READ) };
}

/** Any other read: the check names what it was and what would let it be read. */
export function requireRead<T>(read: Read<T>, what: string, needs: string): Input<T> {
  if (read.state === 'ok') return { ok: true, value: read.value };
  return { ok: false, outcome: unseen(read, what, needs) };
}

// ---------------------------------------------------------------------------------------------
// Tenants: a managed identity cannot be authorised on a registry in another Entra tenant.

export type TenantComparison =
  { state: 'same' | 'different'; clusterTenant: string; registryTenant: string } | { state: 'unknown'; reason: string; needs?: string };

export function compareTenants(evidence: Evidence): TenantComparison {
  if (evidence.registry.state !== 'ok')
    return {
      state: 'unknown',
      reason: 'the registry is not visible to the bot, so its tenant is not known',
      needs: evidence.registry.state === 'failed' ? evidence.registry.failure.needs : undefined,
    };
  const registry = evidence.registry.value;
  const located =
    evidence.registryLookup.state === 'ok'
      ? evidence.registryLookup.value.candidates.find((c) => c.id.toLowerCase() === registry.id.toLowerCase())
      : undefined;
  const registryTenant = registry.tenantId ?? located?.tenantId;
  if (!registryTenant) return { state: 'unknown', reason: `the tenant of registry ${registry.name} was not reported` };
  if (evidence.cluster.state !== 'ok')
    return {
      state: 'unknown',
      reason: 'the cluster could not be read, so its tenant is not known',
      needs: evidence.cluster.state === 'failed' ? (evidence.cluster.failure.needs ?? CLUSTER_READ) : CLUSTER_READ,
    };
  const cluster = evidence.cluster.value;
  const clusterTenant = cluster.identity?.tenantId ?? (evidence.clusterTenantId.state === 'ok' ? evidence.clusterTenantId.value : undefined);
  if (!clusterTenant) {
    const t = evidence.clusterTenantId;
    return {
      state: 'unknown',
      reason: `the tenant of cluster ${cluster.name}'s subscription ${cluster.subscriptionId} could not be read${t.state === 'failed' ? ` (${t.failure.message})` : ''}`,
      needs:
        t.state === 'failed' ? (t.failure.needs ?? `Microsoft.Resources/subscriptions/read on /subscriptions/${cluster.subscriptionId}`) : undefined,
    };
  }
  return {
    state: clusterTenant.toLowerCase() === registryTenant.toLowerCase() ? 'same' : 'different',
    clusterTenant,
    registryTenant,
  };
}
