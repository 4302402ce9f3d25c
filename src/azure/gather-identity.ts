/**
 * Evidence family "identity": who pulls for the cluster (its kubelet identity, or the service principal of
 * an SP cluster, read from Microsoft Graph) and the tenant the cluster lives in.
 */
import { ok, skipped, type ClusterFacts, type Read, type ServicePrincipalFact } from '../triage/evidence';
import { migratingFromServicePrincipal } from '../triage/principal';
import type { AzureClients } from './clients';
import { isGuid } from './arm-id';
import { readServicePrincipal } from './data-plane';
import { str } from './facts';
import { CLUSTER_NOT_READ, type Spec } from './gather-shared';
import { readArm } from './read';

/** The pulling identity's object id: as first known (search row), and as settled once the cluster GET is in. */
export interface Puller {
  first: Promise<string | undefined>;
  settled: Promise<string | undefined>;
}

export interface IdentityInputs {
  clients: AzureClients;
  spec: Spec;
  /** The cluster as first known (search row, else the GET). */
  cluster: Promise<ClusterFacts | undefined>;
  /** The cluster GET itself. */
  clusterRead: Promise<Read<ClusterFacts>>;
  /** True when `cluster` came from a search row, so the GET may still name another kubelet identity. */
  fromSearchRow: boolean;
  /** Tenants by subscription id, as the lookup told them. */
  tenants: ReadonlyMap<string, string>;
}

export interface IdentityGathered {
  puller: Puller;
  servicePrincipal: Promise<Read<ServicePrincipalFact>>;
  clusterTenantId: Promise<Read<string>>;
}

export function gatherIdentity({ clients, spec, cluster, clusterRead, fromSearchRow, tenants }: IdentityInputs): IdentityGathered {
  const servicePrincipal: Promise<{ objectId?: string; fact: Read<ServicePrincipalFact> }> = cluster.then((c) => {
    if (!c) return { fact: skipped(CLUSTER_NOT_READ, 'missing-input') };
    if (!isServicePrincipalCluster(c)) return { fact: skipped('the cluster uses a managed identity', 'not-applicable') };
    return readServicePrincipal(clients, c.servicePrincipalClientId!, spec);
  });
  const pullerOf = async (c: ClusterFacts | undefined): Promise<string | undefined> => {
    if (!c) return undefined;
    if (isServicePrincipalCluster(c)) return (await servicePrincipal).objectId;
    return isGuid(c.kubeletIdentity?.objectId) ? c.kubeletIdentity!.objectId!.toLowerCase() : undefined;
  };
  const first = cluster.then(pullerOf);
  // Rare third trip: the GET names another kubelet identity than the search row did (it was just replaced).
  const settled = Promise.all([first, clusterRead]).then(async ([p, read]) => {
    if (read.state !== 'ok' || !fromSearchRow) return p;
    return (await pullerOf(read.value)) ?? p;
  });

  const clusterTenantId = Promise.all([cluster, clusterRead]).then(async ([c, read]): Promise<Read<string>> => {
    const basis = read.state === 'ok' ? read.value : c;
    if (!basis) return skipped(CLUSTER_NOT_READ, 'missing-input');
    const known = tenants.get(basis.subscriptionId) ?? basis.identity?.tenantId;
    if (known) return ok(known);
    return readArm(
      { ...spec, what: `subscription ${basis.subscriptionId}`, needs: `Reader on subscription ${basis.subscriptionId}` },
      (abortSignal) => clients.subscriptions().subscriptions.get(basis.subscriptionId, { abortSignal }),
      (s) => {
        const tenant = str(s.tenantId);
        if (!tenant) throw new Error('subscription without tenantId');
        return tenant.toLowerCase();
      },
    );
  });
  return { puller: { first, settled }, servicePrincipal: servicePrincipal.then((s) => s.fact), clusterTenantId };
}

/** Nodes pull with a service principal: an SP cluster, or one moving to managed identity (node pools not upgraded). */
export function isServicePrincipalCluster(c: ClusterFacts): boolean {
  const clientId = c.servicePrincipalClientId;
  return (!c.identity || migratingFromServicePrincipal(c)) && clientId !== undefined && clientId.toLowerCase() !== 'msi';
}
