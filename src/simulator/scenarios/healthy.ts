/**
 * Healthy variants: every way the kubelet identity can legitimately hold pull, so a triage says so
 * instead of inventing a problem (and warns where the grant works but is not the recommended one).
 */
import type { ArmRoleAssignment, Scenario } from '../scenario';
import { type ClusterBundle, customRole, managedCluster, rgId, roleAssignment, subscriptionScope } from './builders';
import { ACRABAC, ACRDEMO, kubeletGrant, kubeletOf, pullScenario, shopBatchNeighbour } from './compose';
import { REGISTRY_RG, SUBS } from './estate';

/** Everything a triage of a healthy cluster should see, with the rbac.pull-role status this variant earns. */
function healthyStatuses(pullRole: 'pass' | 'warn'): Scenario['expect'] {
  return {
    verdict: 'healthy',
    statuses: {
      'target.cluster': 'pass',
      'target.registry': 'pass',
      'identity.kubelet': 'pass',
      'identity.kubelet-on-nodes': 'pass',
      'registry.auth-mode': 'pass',
      'rbac.pull-role': pullRole,
      'rbac.deny': 'pass',
      'network.public-access': 'pass',
      'pods.pull-errors': 'pass',
    },
  };
}

function healthy(o: {
  name: string;
  description: string;
  target: Scenario['target'];
  grant: (cluster: ClusterBundle) => ArmRoleAssignment;
  pullRole?: 'pass' | 'warn';
  world?: Parameters<typeof pullScenario>[0]['world'];
  neighbours?: Parameters<typeof pullScenario>[0]['neighbours'];
  statuses?: Scenario['expect']['statuses'];
}): Scenario {
  const cluster = managedCluster({ name: o.name });
  return pullScenario({
    name: o.name,
    description: o.description,
    target: o.target,
    cluster,
    registries: [ACRDEMO],
    grants: [o.grant(cluster)],
    workloads: [
      { ns: 'shop', app: 'api', image: 'acrdemo.azurecr.io/shop/api:1.4.2', replicas: 2 },
      { ns: 'shop', app: 'web', image: 'acrdemo.azurecr.io/shop/web:2.0.1' },
    ],
    ...(o.world ? { world: o.world } : {}),
    ...(o.neighbours ? { neighbours: o.neighbours } : {}),
    expect: { verdict: 'healthy', statuses: { ...healthyStatuses(o.pullRole ?? 'pass').statuses, ...o.statuses } },
  });
}

const IMAGE_PULLER = customRole({
  roleName: 'Contoso Image Puller',
  sub: SUBS.platform,
  description: 'Pull images from Contoso registries (nothing else).',
  actions: ['Microsoft.ContainerRegistry/registries/pull/read'],
});

function abacHealthy(): Scenario {
  const name = 'aks-healthy-abac';
  const cluster = managedCluster({ name });
  return pullScenario({
    name,
    description: 'ABAC registry acrabac; the kubelet holds Container Registry Repository Reader with no condition (every repository).',
    target: { cluster: name, registry: 'acrabac' },
    cluster,
    registries: [ACRABAC],
    grants: [kubeletGrant(cluster, ACRABAC, 'RepositoryReader')],
    workloads: [
      { ns: 'team-a', app: 'api', image: 'acrabac.azurecr.io/team-a/api:1.0' },
      { ns: 'team-b', app: 'api', image: 'acrabac.azurecr.io/team-b/api:2.0' },
    ],
    expect: {
      verdict: 'healthy',
      statuses: { ...healthyStatuses('pass').statuses, 'rbac.abac-condition': 'pass' },
    },
  });
}

export const HEALTHY_SCENARIOS: readonly Scenario[] = [
  healthy({
    name: 'aks-healthy',
    description:
      "Healthy: the kubelet identity holds AcrPull on acrdemo itself (what --attach-acr creates); aks-shop-batch's kubelet shares the registry.",
    target: { cluster: 'aks-healthy', registry: 'acrdemo' },
    grant: (c) => kubeletGrant(c, ACRDEMO),
    neighbours: [shopBatchNeighbour()],
    statuses: { 'rbac.misassigned': 'pass' },
  }),
  healthy({
    name: 'aks-healthy-rg-scope',
    description: "Healthy: AcrPull is inherited from the registries' resource group rg-registries.",
    target: { cluster: 'rg-aks-healthy-rg-scope/aks-healthy-rg-scope', registry: 'acrdemo.azurecr.io' },
    grant: (c) => roleAssignment({ role: 'AcrPull', principal: kubeletOf(c).principalId, scope: rgId(SUBS.platform, REGISTRY_RG) }),
  }),
  healthy({
    name: 'aks-healthy-sub-scope',
    description: 'Healthy: AcrPull is inherited from the whole Contoso Platform subscription.',
    target: { cluster: 'aks-healthy-sub-scope', registry: ACRDEMO.id },
    grant: (c) => roleAssignment({ role: 'AcrPull', principal: kubeletOf(c).principalId, scope: subscriptionScope(SUBS.platform) }),
  }),
  healthy({
    name: 'aks-healthy-acrpush',
    description: 'Healthy: the kubelet identity holds AcrPush, which includes pull.',
    target: { cluster: 'aks-healthy-acrpush', registry: 'acrdemo' },
    grant: (c) => kubeletGrant(c, ACRDEMO, 'AcrPush'),
  }),
  healthy({
    name: 'aks-healthy-reader',
    description: 'Works, with a warning: pull comes from Reader on a legacy-mode registry (over-privileged; AcrPull recommended).',
    target: { cluster: 'aks-healthy-reader', registry: 'acrdemo' },
    grant: (c) => kubeletGrant(c, ACRDEMO, 'Reader'),
    pullRole: 'warn',
  }),
  healthy({
    name: 'aks-healthy-custom-role',
    description: 'Healthy: pull comes from a custom role whose actions list Microsoft.ContainerRegistry/registries/pull/read.',
    target: { cluster: 'aks-healthy-custom-role', registry: 'acrdemo.azurecr.io' },
    grant: (c) => roleAssignment({ role: IMAGE_PULLER, principal: kubeletOf(c).principalId, scope: ACRDEMO.id }),
    world: { roleDefinitions: [IMAGE_PULLER] },
  }),
  abacHealthy(),
];
