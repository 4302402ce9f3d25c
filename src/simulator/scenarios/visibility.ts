/**
 * What the bot cannot see, and transient faults. The clusters underneath are healthy: what is tested is
 * that a blind spot becomes `unknown` (never `pass`), and that a fault the SDK can ride out (429 with
 * Retry-After, no Resource Graph) still ends in a full answer.
 */
import type { Scenario } from '../scenario';
import { kubeState, managedCluster, pullErrors, registry } from './builders';
import { ACRDEMO, kubeletGrant, pullScenario, shopContent } from './compose';
import { BOT, SUBS } from './estate';

const RUNNING = [{ ns: 'shop', app: 'api', image: 'acrdemo.azurecr.io/shop/api:1.4.2' }];

function registryHidden(): Scenario {
  const name = 'aks-registry-hidden';
  const cluster = managedCluster({ name });
  const hidden = registry({ name: 'acrhidden', rg: 'rg-finance-images', sub: SUBS.finance, content: shopContent() });
  return pullScenario({
    name,
    description: 'acrhidden lives in Contoso Finance, a subscription the bot has no role in: the registry must be reported unknown, not missing.',
    target: { cluster: name, registry: 'acrhidden.azurecr.io' },
    cluster,
    registries: [hidden],
    grants: [kubeletGrant(cluster, hidden)],
    workloads: [{ ns: 'finance', app: 'ledger', image: 'acrhidden.azurecr.io/shop/api:1.4.2' }],
    expect: {
      verdict: 'incomplete',
      statuses: { 'target.cluster': 'pass', 'target.registry': 'unknown', 'identity.kubelet': 'pass', 'pods.pull-errors': 'pass' },
    },
  });
}

function rbacForbidden(): Scenario {
  const name = 'aks-rbac-forbidden';
  const cluster = managedCluster({ name });
  const reg = registry({ name: 'acrnorbac', content: shopContent() });
  const assignments = `${reg.id}/providers/Microsoft.Authorization/roleAssignments`;
  return pullScenario({
    name,
    description: 'Listing role assignments on acrnorbac answers 403 to the bot: rbac.pull-role is unknown (the kubelet does hold AcrPull).',
    target: { cluster: name, registry: 'acrnorbac' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image: 'acrnorbac.azurecr.io/shop/api:1.4.2' }],
    world: { forbiddenScopes: [assignments] },
    faults: [
      {
        method: 'GET',
        path: '/registries/acrnorbac/providers/Microsoft.Authorization/roleAssignments',
        status: 403,
        code: 'AuthorizationFailed',
        message: `The client '${BOT.clientId}' with object id '${BOT.principalId}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '${reg.id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    ],
    expect: {
      verdict: 'incomplete',
      statuses: { 'target.registry': 'pass', 'identity.kubelet': 'pass', 'rbac.pull-role': 'unknown', 'pods.pull-errors': 'pass' },
    },
  });
}

function privateNoRunCommand(): Scenario {
  const name = 'aks-private-norun';
  const cluster = managedCluster({ name, private: true, disableRunCommand: true });
  return pullScenario({
    name,
    description: 'Private cluster with run command disabled: pods and events cannot be read from outside its network.',
    target: { cluster: `rg-${name}/${name}`, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: RUNNING,
    expect: {
      verdict: 'incomplete',
      statuses: { 'target.cluster': 'pass', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'unknown', 'pods.pull-secrets': 'unknown' },
    },
  });
}

function kubeReaderOnly(): Scenario {
  const name = 'aks-kube-reader-only';
  const cluster = managedCluster({ name });
  const image = 'acrdemo.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description:
      "The bot holds only AKS RBAC Reader in the cluster (no secrets, no nodes): pull errors are still read from pods and events; the pods' pull secret is unknown, naming `list secrets`. The kubelet has no role on acrdemo.",
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.unauthorized(image), pullSecrets: ['acr-cred'] }],
    kube: (pods) => ({
      ...kubeState(cluster, { workloads: pods, pullSecrets: [{ namespace: 'shop', name: 'acr-cred' }] }),
      forbidden: ['secrets', 'nodes'],
    }),
    expect: {
      verdict: 'problems',
      statuses: { 'rbac.pull-role': 'fail', 'pods.pull-errors': 'fail', 'pods.pull-secrets': 'unknown', 'image.platform': 'pass' },
    },
  });
}

function noResourceGraph(): Scenario {
  const name = 'aks-no-resource-graph';
  const cluster = managedCluster({ name });
  return pullScenario({
    name,
    description: 'Resource Graph is unavailable: the cluster and acrdemo (another subscription) are found by listing each subscription.',
    target: { cluster: name, registry: 'acrdemo.azurecr.io' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: RUNNING,
    world: { resourceGraphDisabled: true },
    // Without Resource Graph the principals holding pull roles (here only the bot) must still be identified.
    expect: {
      verdict: 'healthy',
      statuses: { 'target.cluster': 'pass', 'target.registry': 'pass', 'rbac.pull-role': 'pass', 'rbac.misassigned': 'pass' },
    },
  });
}

function throttled(): Scenario {
  const name = 'aks-throttled';
  const cluster = managedCluster({ name });
  return pullScenario({
    name,
    description: 'ARM throttles the first read of the cluster (429, Retry-After: 1); the retry succeeds and the triage is complete.',
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: RUNNING,
    faults: [
      {
        method: 'GET',
        // Only the cluster GET itself, not its run-command results.
        path: `^${cluster.id}$`,
        status: 429,
        code: 'SubscriptionRequestsThrottled',
        message: `Number of 'read' requests for subscription '${SUBS.apps}' actor '${BOT.principalId}' exceeded. Please try again after '1' seconds after additional tasks are completed.`,
        retryAfter: 1,
        times: 1,
      },
    ],
    expect: { verdict: 'healthy', statuses: { 'target.cluster': 'pass', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'pass' } },
  });
}

function vmssHang(): Scenario {
  const name = 'aks-vmss-hang';
  const cluster = managedCluster({ name });
  return pullScenario({
    name,
    description: 'The VMSS list in the node resource group never answers: identity.kubelet-on-nodes is unknown, everything else completes.',
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: RUNNING,
    faults: [{ method: 'GET', path: '/providers/Microsoft.Compute/virtualMachineScaleSets', hang: true }],
    expect: {
      verdict: 'incomplete',
      statuses: { 'identity.kubelet': 'pass', 'identity.kubelet-on-nodes': 'unknown', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'pass' },
    },
  });
}

export const VISIBILITY_SCENARIOS: readonly Scenario[] = [
  registryHidden(),
  rbacForbidden(),
  privateNoRunCommand(),
  kubeReaderOnly(),
  noResourceGraph(),
  throttled(),
  vmssHang(),
];
