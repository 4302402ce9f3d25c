/**
 * Which evidence each check cannot pass without. A check whose listed evidence was unreadable (a `Read`
 * in state `failed`) must not say `pass`: it did not see what a pass claims. Conditional entries follow
 * the check catalogue (docs/domain.md#check-ids-and-statuses): e.g. the egress IPs matter to network.ip-rules only behind a firewall that denies by
 * default, the private-endpoint reads only when the registry has private endpoint connections, the Graph
 * read only on a service-principal cluster (where it gives the objectId the role checks look up;
 * identity.kubelet itself passes on the appId alone).
 */
import type { Evidence, KubeFacts, Read } from '../../src/triage/evidence';
import { registryPullFailures } from '../../src/triage/failing-pods';
import type { CheckId } from '../../src/triage/report';

export type EvidenceField =
  | 'clusterLookup'
  | 'cluster'
  | 'clusterTenantId'
  | 'registryLookup'
  | 'registry'
  | 'pullerAssignments'
  | 'scopeAssignments'
  | 'denyAssignments'
  | 'principals'
  | 'vmss'
  | 'network.egressIps'
  | 'network.privateEndpoints'
  | 'network.clusterVnets'
  | 'network.clusterSubnets'
  | 'network.privateDnsZones'
  | 'kube'
  | 'kube.events'
  | 'kube.nodes'
  | 'kube.serviceAccounts'
  | 'kube.pullSecrets'
  | 'servicePrincipal'
  | 'image';

export function readsOf(e: Evidence): Record<EvidenceField, Read<unknown>> {
  // Pieces of pod evidence are read on their own; without pods they were not read at all.
  const piece = (read: (k: KubeFacts) => Read<unknown>): Read<unknown> =>
    e.kube.state === 'ok' ? read(e.kube.value) : { state: 'skipped', reason: 'no pod evidence' };
  return {
    clusterLookup: e.clusterLookup,
    cluster: e.cluster,
    clusterTenantId: e.clusterTenantId,
    registryLookup: e.registryLookup,
    registry: e.registry,
    pullerAssignments: e.pullerAssignments,
    scopeAssignments: e.scopeAssignments,
    denyAssignments: e.denyAssignments,
    principals: e.principals,
    vmss: e.vmss,
    'network.egressIps': e.network.egressIps,
    'network.privateEndpoints': e.network.privateEndpoints,
    'network.clusterVnets': e.network.clusterVnets,
    'network.clusterSubnets': e.network.clusterSubnets,
    'network.privateDnsZones': e.network.privateDnsZones,
    kube: e.kube,
    'kube.events': piece((k) => k.events),
    'kube.nodes': piece((k) => k.nodes),
    'kube.serviceAccounts': piece((k) => k.serviceAccounts),
    'kube.pullSecrets': piece((k) => k.pullSecrets),
    servicePrincipal: e.servicePrincipal,
    image: e.image,
  };
}

/** Every unreadable piece of evidence: the fields above plus each custom role definition. */
export function failedReads(e: Evidence): string[] {
  const fields = Object.entries(readsOf(e))
    .filter(([, read]) => read.state === 'failed')
    .map(([field]) => field);
  const roles = Object.entries(e.roleDefinitions)
    .filter(([, read]) => read.state === 'failed')
    .map(([guid]) => `roleDefinitions.${guid}`);
  return [...fields, ...roles];
}

const spCluster = (e: Evidence): boolean =>
  e.cluster.state === 'ok' &&
  e.cluster.value.servicePrincipalClientId !== undefined &&
  e.cluster.value.servicePrincipalClientId.toLowerCase() !== 'msi';
const hasPrivateEndpoints = (e: Evidence): boolean => e.registry.state === 'ok' && e.registry.value.privateEndpointConnections.length > 0;
const when = (condition: boolean, ...fields: EvidenceField[]): EvidenceField[] => (condition ? fields : []);
/** The principal the role checks look up: the kubelet identity's objectId, or on SP clusters the SP's objectId from Graph. */
const principal = (e: Evidence): EvidenceField[] => ['cluster', ...when(spCluster(e), 'servicePrincipal')];

/** True when a pod failing on this registry names a pull secret (its own, or its service account's). */
function failingPodsReferenceSecrets(e: Evidence): boolean {
  if (e.kube.state !== 'ok') return false;
  const kube = e.kube.value;
  const accounts = kube.serviceAccounts.state === 'ok' ? kube.serviceAccounts.value : [];
  return registryPullFailures(e).some((f) => {
    const pod = kube.pods.find((p) => p.namespace === f.namespace && p.name === f.pod);
    const sa = accounts.find((a) => a.namespace === f.namespace && a.name === (pod?.serviceAccountName ?? 'default'));
    return (pod?.imagePullSecrets.length ?? 0) > 0 || (sa?.imagePullSecrets.length ?? 0) > 0;
  });
}

export const CHECK_DEPENDENCIES: Record<CheckId, (e: Evidence) => EvidenceField[]> = {
  'target.cluster': () => ['clusterLookup', 'cluster'],
  'target.registry': () => ['registryLookup', 'registry'],
  // With no image named, a pass is a claim about the pod specs.
  'target.image-ref': (e) => when(e.target.image === undefined, 'kube'),
  'identity.kubelet': () => ['cluster'],
  'identity.kubelet-on-nodes': () => ['cluster', 'vmss'],
  'identity.sp-secret': (e) => ['cluster', ...when(spCluster(e), 'servicePrincipal')],
  'identity.cross-tenant': (e) => [
    'cluster',
    'registry',
    ...when(e.cluster.state === 'ok' && e.cluster.value.identity?.tenantId === undefined, 'clusterTenantId'),
  ],
  'registry.auth-mode': () => ['registry'],
  'registry.arm-audience': () => ['registry'],
  'registry.alt-auth': () => ['registry'],
  'rbac.pull-role': (e) => [...principal(e), 'registry', 'pullerAssignments'],
  'rbac.abac-condition': (e) => [...principal(e), 'registry', 'pullerAssignments'],
  // principals is read only when other identities hold pull roles; if it failed, whether they are the wrong ones is unseen.
  'rbac.misassigned': (e) => [...principal(e), 'registry', 'scopeAssignments', 'principals'],
  'rbac.deny': (e) => [...principal(e), 'registry', 'denyAssignments'],
  'network.public-access': (e) => [
    'registry',
    ...when(e.registry.state === 'ok' && e.registry.value.publicNetworkAccess?.toLowerCase() === 'disabled', 'cluster', 'network.privateEndpoints'),
  ],
  'network.ip-rules': (e) => [
    'registry',
    ...when(e.registry.state === 'ok' && e.registry.value.networkRuleSet?.defaultAction.toLowerCase() === 'deny', 'cluster', 'network.egressIps'),
  ],
  'network.private-endpoint': (e) => [
    'registry',
    ...when(hasPrivateEndpoints(e), 'cluster', 'network.privateEndpoints'),
    // Without a custom subnet the cluster VNet (the managed aks-vnet) is known only from reading it.
    ...when(hasPrivateEndpoints(e) && e.cluster.state === 'ok' && e.cluster.value.agentPools.every((p) => !p.vnetSubnetId), 'network.clusterVnets'),
  ],
  'network.private-dns': (e) => [
    'registry',
    ...when(hasPrivateEndpoints(e), 'cluster', 'network.privateEndpoints', 'network.privateDnsZones', 'network.clusterVnets'),
  ],
  'network.data-endpoints': () => ['registry', 'cluster'],
  'network.egress-path': () => ['cluster', 'network.clusterSubnets'],
  'pods.pull-errors': () => ['kube'],
  // Service accounts may add pull secrets to any failing pod; the secrets matter once a failing pod references one.
  'pods.pull-secrets': (e) => [
    'kube',
    ...when(registryPullFailures(e).length > 0, 'kube.serviceAccounts'),
    ...when(failingPodsReferenceSecrets(e), 'kube.pullSecrets'),
  ],
  'image.exists': () => ['image'],
  'image.platform': () => ['image', 'cluster'],
  // kubelet's QPS refusals are events (per node, whatever the image).
  'pull.throttling': () => ['kube', 'kube.events'],
};

/** `check: pass although <field> failed (<message>)` for every check that passed on evidence it could not read. */
export function passesOnUnreadableEvidence(e: Evidence, findings: readonly { check: CheckId; status: string }[]): string[] {
  const reads = readsOf(e);
  return findings.flatMap((f) => {
    if (f.status !== 'pass') return [];
    return CHECK_DEPENDENCIES[f.check](e)
      .filter((field) => reads[field].state === 'failed')
      .map((field) => {
        const read = reads[field];
        return `${f.check}: pass although ${field} failed (${read.state === 'failed' ? read.failure.message : ''})`;
      });
  });
}

/** The failed reads that some check depends on in this evidence (a healthy verdict would overlook them). */
export function failedReadsNeeded(e: Evidence): string[] {
  const reads = readsOf(e);
  const needed = new Set(Object.values(CHECK_DEPENDENCIES).flatMap((deps) => deps(e)));
  return [...needed].filter((field) => reads[field].state === 'failed');
}
