/**
 * The common shape of a scenario: one cluster, the registries it pulls from, the role assignments that
 * matter, and its workloads (failing replicas with their kubelet events, healthy ones beside them).
 * Also the registries several scenarios share — defined once, so they are identical wherever they appear.
 */
import type { ArmRoleAssignment, Fault, KubeState, RegistryContent, Scenario } from '../scenario';
import {
  type ClusterBundle,
  type Identity,
  type PodBundle,
  type PullError,
  type RegistryBundle,
  failingPod,
  kubeState,
  managedCluster,
  nodeOf,
  registry,
  roleAssignment,
  runningPod,
} from './builders';
import { type WorldParts, assemble } from './world';

const MULTI_ARCH = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];
const AMD64_ONLY = [{ os: 'linux', architecture: 'amd64' }];

const DEMO_CONTENT: RegistryContent = {
  repositories: {
    'shop/api': { '1.4.0': MULTI_ARCH, '1.4.1': MULTI_ARCH, '1.4.2': MULTI_ARCH },
    'shop/web': { '2.0.0': MULTI_ARCH, '2.0.1': MULTI_ARCH },
    'tools/agent': { '2.0': AMD64_ONLY, '2.1': AMD64_ONLY },
    'billing/invoice-worker': { '3.2.0': MULTI_ARCH },
  },
};

/** The demo registry most scenarios pull from: Premium, public, legacy RBAC mode. */
export const ACRDEMO: RegistryBundle = registry({ name: 'acrdemo', sku: 'Premium', content: DEMO_CONTENT });

/** The registry of the ABAC scenarios: repository permissions, so AcrPull is not honoured. */
export const ACRABAC: RegistryBundle = registry({
  name: 'acrabac',
  sku: 'Premium',
  mode: 'abac',
  content: {
    repositories: {
      'team-a/api': { '1.0': MULTI_ARCH },
      'team-b/api': { '2.0': MULTI_ARCH },
    },
  },
});

/** Content for a scenario-specific registry that serves the usual shop images. */
export function shopContent(): RegistryContent {
  return { repositories: { 'shop/api': { '1.4.2': MULTI_ARCH }, 'shop/web': { '2.0.1': MULTI_ARCH } } };
}

export function kubeletOf(cluster: ClusterBundle): Identity {
  if (!cluster.kubelet) throw new Error(`Cluster ${cluster.name} has no kubelet identity`);
  return cluster.kubelet;
}

export function controlPlaneOf(cluster: ClusterBundle): string {
  if (!cluster.controlPlanePrincipalId) throw new Error(`Cluster ${cluster.name} has no control-plane identity`);
  return cluster.controlPlanePrincipalId;
}

/** A neighbour cluster with its kube state, to place beside a scenario's own cluster. */
export interface Neighbour {
  cluster: ClusterBundle;
  state: KubeState;
  grants: ArmRoleAssignment[];
}

/**
 * aks-shop-batch: another team's cluster whose kubelet identity legitimately holds AcrPull on acrdemo, as on
 * any shared registry. Its grant must not be reported as misassigned when another cluster is triaged.
 */
export function shopBatchNeighbour(): Neighbour {
  const cluster = managedCluster({ name: 'aks-shop-batch' });
  const pods = workloads(cluster, [{ ns: 'batch', app: 'nightly-report', image: 'acrdemo.azurecr.io/shop/api:1.4.2' }]);
  return {
    cluster,
    state: kubeState(cluster, { workloads: pods }),
    grants: [roleAssignment({ role: 'AcrPull', principal: kubeletOf(cluster).principalId, scope: ACRDEMO.id })],
  };
}

/** AcrPull (or another role) for the cluster's kubelet identity at the registry — what `az aks update --attach-acr` creates. */
export function kubeletGrant(
  cluster: ClusterBundle,
  reg: RegistryBundle,
  role: 'AcrPull' | 'AcrPush' | 'Reader' | 'RepositoryReader' = 'AcrPull',
): ArmRoleAssignment {
  return roleAssignment({ role, principal: kubeletOf(cluster).principalId, scope: reg.id });
}

export interface Workload {
  ns: string;
  app: string;
  image: string;
  /** Absent: the replicas run. */
  error?: PullError;
  replicas?: number;
  /** Node pool to run on (default: the first Linux pool). */
  pool?: string;
  pullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  imagePullPolicy?: 'Always' | 'IfNotPresent';
}

export function workloads(cluster: ClusterBundle, list: readonly Workload[]): PodBundle[] {
  return list.flatMap((w) => {
    const replicas = w.replicas ?? (w.error ? 2 : 1);
    const node = nodeOf(cluster, w.pool);
    return Array.from({ length: replicas }, (_, i) => {
      const seed = `${cluster.id.toLowerCase()}#${i}`;
      return w.error
        ? failingPod({
            ns: w.ns,
            app: w.app,
            image: w.image,
            node,
            seed,
            error: w.error,
            // The first replica has been failing for a while (back-off); later ones are still in ErrImagePull.
            backOff: i === 0,
            ...(w.pullSecrets ? { pullSecrets: w.pullSecrets } : {}),
            ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
            ...(w.imagePullPolicy ? { imagePullPolicy: w.imagePullPolicy } : {}),
          })
        : runningPod({ ns: w.ns, app: w.app, image: w.image, node, seed, ...(w.pullSecrets ? { pullSecrets: w.pullSecrets } : {}) });
    });
  });
}

export function pullScenario(o: {
  name: string;
  description: string;
  target: Scenario['target'];
  expect: Scenario['expect'];
  cluster: ClusterBundle;
  registries: RegistryBundle[];
  grants?: ArmRoleAssignment[];
  workloads?: Workload[];
  kube?: (pods: PodBundle[]) => KubeState;
  faults?: Fault[];
  /** Other clusters sharing the registry (not triaged; they make the world realistic). */
  neighbours?: Neighbour[];
  world?: Omit<WorldParts, 'clusters' | 'registries' | 'kube'>;
}): Scenario {
  if (o.cluster.name !== o.name && !o.name.startsWith(o.cluster.name)) {
    throw new Error(`Scenario ${o.name}: its cluster should be named after it (got ${o.cluster.name})`);
  }
  const pods = workloads(o.cluster, o.workloads ?? []);
  const state = o.kube ? o.kube(pods) : kubeState(o.cluster, { workloads: pods });
  const neighbours = o.neighbours ?? [];
  const world = assemble({
    ...o.world,
    clusters: [o.cluster, ...neighbours.map((n) => n.cluster)],
    registries: o.registries,
    roleAssignments: [...(o.grants ?? []), ...neighbours.flatMap((n) => n.grants), ...(o.world?.roleAssignments ?? [])],
    kube: [{ cluster: o.cluster, state }, ...neighbours.map((n) => ({ cluster: n.cluster, state: n.state }))],
  });
  return {
    name: o.name,
    description: o.description,
    target: o.target,
    world,
    ...(o.faults ? { faults: o.faults } : {}),
    expect: o.expect,
  };
}

/** The portal's address for a resource, as people paste it from the browser. */
export function portalUrl(resourceId: string): string {
  return `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${resourceId}/overview`;
}
