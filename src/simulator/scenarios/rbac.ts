/**
 * Authorisation causes (docs/domain.md#cause-inventory: a missing or misassigned role, ABAC, deny assignments, cross
 * tenant, ARM-audience tokens): the nodes reach the registry, which refuses their token — pods show
 * `401 Unauthorized` on the anonymous-token request.
 */
import type { Scenario } from '../scenario';
import {
  denyAssignment,
  managedCluster,
  nodeResourceGroupOf,
  pullErrors,
  registry,
  repositoryPrefixCondition,
  roleAssignment,
  userAssignedIdentity,
} from './builders';
import { ACRABAC, ACRDEMO, controlPlaneOf, kubeletGrant, kubeletOf, portalUrl, pullScenario, shopBatchNeighbour, shopContent } from './compose';
import { SUBS } from './estate';

const API = 'acrdemo.azurecr.io/shop/api:1.4.2';

function missingRole(): Scenario {
  const cluster = managedCluster({ name: 'aks-missing-role' });
  return pullScenario({
    name: 'aks-missing-role',
    description:
      "The kubelet identity has no role on acrdemo (the registry was never attached; only aks-shop-batch's kubelet has AcrPull there): pulls get 401.",
    target: { cluster: 'aks-missing-role', registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    neighbours: [shopBatchNeighbour()],
    workloads: [
      { ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) },
      {
        ns: 'shop',
        app: 'web',
        image: 'acrdemo.azurecr.io/shop/web:2.0.1',
        error: pullErrors.unauthorized('acrdemo.azurecr.io/shop/web:2.0.1'),
        replicas: 1,
      },
    ],
    expect: {
      verdict: 'problems',
      statuses: {
        'target.cluster': 'pass',
        'target.registry': 'pass',
        'identity.kubelet': 'pass',
        'registry.auth-mode': 'pass',
        'rbac.pull-role': 'fail',
        'rbac.misassigned': 'pass',
        'network.public-access': 'pass',
        'pods.pull-errors': 'fail',
      },
    },
  });
}

function abacAcrPull(): Scenario {
  const cluster = managedCluster({ name: 'aks-abac-acrpull' });
  const image = 'acrabac.azurecr.io/team-a/api:1.0';
  return pullScenario({
    name: 'aks-abac-acrpull',
    description: 'acrabac uses ABAC repository permissions; the kubelet holds AcrPull (from --attach-acr), which ABAC registries ignore.',
    target: { cluster: 'rg-aks-abac-acrpull/aks-abac-acrpull', registry: 'acrabac.azurecr.io' },
    cluster,
    registries: [ACRABAC],
    grants: [kubeletGrant(cluster, ACRABAC, 'AcrPull')],
    workloads: [{ ns: 'team-a', app: 'api', image, error: pullErrors.unauthorized(image) }],
    expect: {
      verdict: 'problems',
      statuses: { 'registry.auth-mode': 'pass', 'rbac.pull-role': 'fail', 'identity.kubelet': 'pass', 'pods.pull-errors': 'fail' },
    },
  });
}

function abacCondition(): Scenario {
  const cluster = managedCluster({ name: 'aks-abac-condition' });
  const image = 'acrabac.azurecr.io/team-b/api:2.0';
  return pullScenario({
    name: 'aks-abac-condition',
    description: 'Repository Reader on acrabac is limited by its ABAC condition to repositories under team-a/; the failing image is team-b/api.',
    target: { cluster: 'aks-abac-condition', registry: image },
    cluster,
    registries: [ACRABAC],
    grants: [
      roleAssignment({
        role: 'RepositoryReader',
        principal: kubeletOf(cluster).principalId,
        scope: ACRABAC.id,
        condition: repositoryPrefixCondition('team-a/'),
        description: 'team-a images only',
      }),
    ],
    workloads: [
      { ns: 'team-a', app: 'api', image: 'acrabac.azurecr.io/team-a/api:1.0' },
      { ns: 'team-b', app: 'api', image, error: pullErrors.unauthorized(image) },
    ],
    expect: {
      verdict: 'problems',
      statuses: { 'registry.auth-mode': 'pass', 'rbac.abac-condition': 'fail', 'rbac.pull-role': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function wrongPrincipal(): Scenario {
  const cluster = managedCluster({ name: 'aks-wrong-principal' });
  return pullScenario({
    name: 'aks-wrong-principal',
    description: "AcrPull on acrdemo was given to the cluster's control-plane identity, which never pulls images; the kubelet identity has none.",
    target: { cluster: portalUrl(cluster.id), registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [roleAssignment({ role: 'AcrPull', principal: controlPlaneOf(cluster), scope: ACRDEMO.id })],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) }],
    expect: {
      verdict: 'problems',
      statuses: { 'identity.kubelet': 'pass', 'rbac.pull-role': 'fail', 'rbac.misassigned': 'warn', 'pods.pull-errors': 'fail' },
    },
  });
}

function oldKubelet(): Scenario {
  const name = 'aks-old-kubelet';
  const rg = `rg-${name}`;
  // The cluster was moved to its own kubelet identity (--assign-kubelet-identity); the AKS-created one still exists and still holds the grant.
  const current = userAssignedIdentity({ name: `id-${name}-kubelet`, rg, sub: SUBS.apps });
  const controlPlane = userAssignedIdentity({ name: `id-${name}-control-plane`, rg, sub: SUBS.apps });
  const old = userAssignedIdentity({ name: `${name}-agentpool`, rg: nodeResourceGroupOf(name, rg), sub: SUBS.apps });
  const cluster = managedCluster({ name, rg, kubelet: current, controlPlane });
  return pullScenario({
    name,
    description: 'AcrPull on acrdemo belongs to the replaced kubelet identity aks-old-kubelet-agentpool; the current kubelet identity has none.',
    target: { cluster: name, registry: ACRDEMO.id },
    cluster,
    registries: [ACRDEMO],
    grants: [roleAssignment({ role: 'AcrPull', principal: old.principalId, scope: ACRDEMO.id })],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) }],
    world: { resources: [old.resource] },
    expect: {
      verdict: 'problems',
      statuses: {
        'identity.kubelet': 'pass',
        'identity.kubelet-on-nodes': 'pass',
        'rbac.pull-role': 'fail',
        'rbac.misassigned': 'warn',
        'pods.pull-errors': 'fail',
      },
    },
  });
}

function denied(): Scenario {
  const cluster = managedCluster({ name: 'aks-deny-assignment' });
  const kubelet = kubeletOf(cluster);
  return pullScenario({
    name: 'aks-deny-assignment',
    description: 'The kubelet holds AcrPull on acrdemo, but a deny assignment from a managed application denies it registry pulls.',
    target: { cluster: 'aks-deny-assignment', registry: 'acrdemo.azurecr.io' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) }],
    world: {
      denyAssignments: [
        denyAssignment({
          denyAssignmentName: 'Deny image pulls to unattested clusters (managed application contoso-image-governance)',
          description: 'Created by managed application contoso-image-governance: clusters not yet attested may not pull images.',
          scope: ACRDEMO.id,
          actions: ['Microsoft.ContainerRegistry/registries/pull/read'],
          dataActions: ['Microsoft.ContainerRegistry/registries/repositories/content/read'],
          principals: [{ id: kubelet.principalId, type: 'ServicePrincipal' }],
        }),
      ],
    },
    expect: {
      verdict: 'problems',
      statuses: { 'rbac.pull-role': 'pass', 'rbac.deny': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function crossTenant(): Scenario {
  const cluster = managedCluster({ name: 'aks-cross-tenant' });
  const partner = registry({
    name: 'acrpartner',
    rg: 'rg-partner-images',
    sub: SUBS.partner,
    content: { repositories: { 'fabrikam/telemetry-agent': { '5.0.1': [{ os: 'linux', architecture: 'amd64' }] } } },
  });
  const image = 'acrpartner.azurecr.io/fabrikam/telemetry-agent:5.0.1';
  return pullScenario({
    name: 'aks-cross-tenant',
    description: "acrpartner lives in Fabrikam's tenant; the cluster's managed kubelet identity (Contoso tenant) cannot be granted there.",
    target: { cluster: 'aks-cross-tenant', registry: image },
    cluster,
    registries: [partner],
    workloads: [{ ns: 'monitoring', app: 'telemetry-agent', image, error: pullErrors.unauthorized(image) }],
    expect: {
      verdict: 'problems',
      statuses: { 'target.registry': 'pass', 'identity.cross-tenant': 'fail', 'rbac.pull-role': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function armAudienceOff(): Scenario {
  const cluster = managedCluster({ name: 'aks-arm-audience-off' });
  const reg = registry({ name: 'acrarmoff', armAudience: false, content: shopContent() });
  const image = 'acrarmoff.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name: 'aks-arm-audience-off',
    description: 'acrarmoff refuses ARM-audience Entra tokens (azureADAuthenticationAsArmPolicy disabled) although the kubelet holds AcrPull.',
    target: { cluster: 'aks-arm-audience-off', registry: 'acrarmoff' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.unauthorized(image) }],
    expect: {
      verdict: 'problems',
      statuses: { 'registry.arm-audience': 'warn', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'fail' },
    },
  });
}

export const RBAC_SCENARIOS: readonly Scenario[] = [
  missingRole(),
  abacAcrPull(),
  abacCondition(),
  wrongPrincipal(),
  oldKubelet(),
  denied(),
  crossTenant(),
  armAudienceOff(),
];
