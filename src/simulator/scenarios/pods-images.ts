/**
 * Causes in what the pods ask for (docs/domain.md#cause-inventory: wrong names, platform, throttling, stale pull secrets and third-party
 * registries): the identity and the network are fine, the image reference, the image itself, kubelet's
 * own throttle or a pull secret is not.
 */
import type { Scenario } from '../scenario';
import { kubeState, managedCluster, missingPullSecretEvent, pullErrors } from './builders';
import { ACRDEMO, kubeletGrant, pullScenario } from './compose';

function imageTypo(): Scenario {
  const name = 'aks-image-typo';
  const cluster = managedCluster({ name });
  const image = 'acrdemo.azureacr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description: 'The deployment names acrdemo.azureacr.io (not azurecr.io): the host does not resolve.',
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [
      { ns: 'shop', app: 'web', image: 'acrdemo.azurecr.io/shop/web:2.0.1' },
      { ns: 'shop', app: 'api', image, error: pullErrors.dns(image) },
    ],
    expect: { verdict: 'problems', statuses: { 'target.image-ref': 'fail', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'fail' } },
  });
}

function tagMissing(): Scenario {
  const name = 'aks-tag-missing';
  const cluster = managedCluster({ name });
  const image = 'acrdemo.azurecr.io/shop/api:1.4.3';
  return pullScenario({
    name,
    description: 'shop/api:1.4.3 was never pushed to acrdemo (it has 1.4.0–1.4.2): not found.',
    target: { cluster: name, registry: image },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [
      { ns: 'shop', app: 'web', image: 'acrdemo.azurecr.io/shop/web:2.0.1' },
      { ns: 'shop', app: 'api', image, error: pullErrors.notFound(image) },
    ],
    expect: { verdict: 'problems', statuses: { 'rbac.pull-role': 'pass', 'image.exists': 'fail', 'pods.pull-errors': 'fail' } },
  });
}

function arm64Image(): Scenario {
  const name = 'aks-arm64-image';
  const cluster = managedCluster({
    name,
    agentPools: [
      { name: 'nodepool1', count: 2, vmSize: 'Standard_D4s_v5', mode: 'System' },
      { name: 'armpool', count: 2, vmSize: 'Standard_D4ps_v5', mode: 'User' },
    ],
  });
  const image = 'acrdemo.azurecr.io/tools/agent:2.1';
  return pullScenario({
    name,
    description: 'tools/agent:2.1 is built for linux/amd64 only; the pods are pinned to the Arm64 pool armpool.',
    target: { cluster: name, registry: image },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [
      { ns: 'shop', app: 'api', image: 'acrdemo.azurecr.io/shop/api:1.4.2', pool: 'armpool' },
      { ns: 'tools', app: 'agent', image, error: pullErrors.platform(image), pool: 'armpool', nodeSelector: { 'kubernetes.io/arch': 'arm64' } },
    ],
    expect: { verdict: 'problems', statuses: { 'rbac.pull-role': 'pass', 'image.platform': 'fail', 'pods.pull-errors': 'fail' } },
  });
}

function pullQps(): Scenario {
  const name = 'aks-pull-qps';
  const cluster = managedCluster({ name });
  const image = 'acrdemo.azurecr.io/shop/web:2.0.1';
  return pullScenario({
    name,
    description: 'A rollout with imagePullPolicy Always hits kubelet\'s registryPullQPS: "pull QPS exceeded".',
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [
      { ns: 'shop', app: 'api', image: 'acrdemo.azurecr.io/shop/api:1.4.2', replicas: 2 },
      { ns: 'shop', app: 'web', image, error: pullErrors.pullQps(), replicas: 3, imagePullPolicy: 'Always' },
    ],
    expect: { verdict: 'problems', statuses: { 'rbac.pull-role': 'pass', 'pull.throttling': 'warn', 'pods.pull-errors': 'fail' } },
  });
}

function pullSecretMissing(): Scenario {
  const name = 'aks-pullsecret-missing';
  const cluster = managedCluster({ name });
  const image = 'acrdemo.azurecr.io/billing/invoice-worker:3.2.0';
  return pullScenario({
    name,
    description:
      'billing pods rely on imagePullSecret acr-cred, which was deleted from namespace billing; the kubelet identity has no role on acrdemo either.',
    target: { cluster: name, registry: 'acrdemo.azurecr.io' },
    cluster,
    registries: [ACRDEMO],
    workloads: [{ ns: 'billing', app: 'invoice-worker', image, error: pullErrors.unauthorized(image), pullSecrets: ['acr-cred'] }],
    kube: (pods) =>
      kubeState(cluster, {
        workloads: pods,
        extraEvents: pods.filter((p) => p.ref.ns === 'billing').map((p) => missingPullSecretEvent(p.ref, 'acr-cred', nodeOfPod(p.pod))),
        // Another namespace's secret exists; billing's does not.
        pullSecrets: [{ namespace: 'reporting', name: 'acr-cred' }],
      }),
    expect: {
      verdict: 'problems',
      statuses: { 'pods.pull-secrets': 'fail', 'rbac.pull-role': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function nodeOfPod(p: Record<string, unknown>): string | undefined {
  const spec = p.spec;
  if (spec && typeof spec === 'object' && 'nodeName' in spec && typeof spec.nodeName === 'string') return spec.nodeName;
  return undefined;
}

function externalRegistry(): Scenario {
  const name = 'aks-ghcr-no-secret';
  const cluster = managedCluster({ name });
  const image = 'ghcr.io/contoso/billing-agent:3.0';
  return pullScenario({
    name,
    description: 'Pods pull a private image from ghcr.io without an imagePullSecret; the kubelet identity is irrelevant for a non-Azure registry.',
    target: { cluster: name, registry: image },
    cluster,
    registries: [],
    workloads: [{ ns: 'billing', app: 'billing-agent', image, error: pullErrors.unauthorizedAt(image, '/token') }],
    expect: { verdict: 'problems', statuses: { 'registry.auth-mode': 'skip', 'rbac.pull-role': 'skip', 'pods.pull-errors': 'fail' } },
  });
}

export const POD_AND_IMAGE_SCENARIOS: readonly Scenario[] = [
  imageTypo(),
  tagMissing(),
  arm64Image(),
  pullQps(),
  pullSecretMissing(),
  externalRegistry(),
];
