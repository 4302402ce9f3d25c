/**
 * Reads Azure into Evidence for one triage, as a graph of reads that each start as soon as their inputs are
 * known. Round 1 finds the cluster and registry (one Resource Graph query, or direct GETs for ids); its
 * rows already name the kubelet identity, node resource group and egress IPs, so round 2 (GETs, role
 * assignments, deny assignments, VMSS, public IPs) runs in parallel without waiting for the GETs. Reads
 * that only some worlds need (custom roles, private endpoints, VNets, DNS zones, Graph, the image) chain
 * off what they need. Pod evidence runs beside all of it and never delays the ARM evidence.
 *
 * The reads live with their evidence family: gather-identity, gather-authorization, gather-network,
 * gather-image and gather-pods; this file wires their named inputs together.
 */
import { ok, skipped, type ClusterFacts, type Evidence, type ImageFact, type KubeFacts, type Read, type RegistryFacts } from '../triage/evidence';
import type { Target } from '../triage/refs';
import type { AzureClients } from './clients';
import { RegistryTokens } from './data-plane';
import { gatherAuthorization } from './gather-authorization';
import { gatherIdentity } from './gather-identity';
import { failingImageOf, imageRead } from './gather-image';
import { gatherNetwork } from './gather-network';
import { gatherPods, PODS_OFF, PODS_PENDING } from './gather-pods';
import type { Spec } from './gather-shared';
import { readCluster, readRegistry, resolveTarget, type Resolution } from './resolve';

export { PODS_OFF, PODS_PENDING } from './gather-pods';

export interface GatherOptions {
  signal?: AbortSignal;
  /** Per-read deadline for ARM reads. */
  readDeadlineMs?: number;
  /** Read pods/events through run command. Default true. */
  pods?: boolean;
  podDeadlineMs?: number;
  podPollIntervalMs?: number;
  onProgress?: (message: string) => void;
  /** Pod evidence read before (by readClusterPods): not read again. */
  kube?: Read<KubeFacts>;
  /** Clock for `collectedAt` (tests). */
  now?: () => Date;
}

export interface Gathered {
  /** ARM evidence; `kube` (and an image found only through pods) are `skipped` with "pending" until `withPods`. */
  evidence: Promise<Evidence>;
  /** The same evidence with pod evidence folded in (resolves after `evidence`). */
  withPods: Promise<Evidence>;
}

/** Starts a triage's reads; both promises never reject (failures are inside the Evidence). */
export function gatherEvidence(target: Target, clients: AzureClients, options: GatherOptions = {}): Gathered {
  const collectedAt = (options.now ?? (() => new Date()))().toISOString();
  const spec = { signal: options.signal, deadlineMs: options.readDeadlineMs };
  const progress = options.onProgress ?? (() => undefined);

  // Data-plane tokens need only the login server and repository: fetch them beside the ARM reads.
  const tokens = new RegistryTokens(clients);
  if (target.image && target.registry.kind === 'acr-host' && target.image.host === target.registry.loginServer) {
    tokens.warm(target.registry.loginServer, target.image.repository, { signal: options.signal });
  }
  const resolution = (async () => {
    progress(`looking up ${describeTarget(target)}…`);
    return resolveTarget(target, clients, spec);
  })();

  // Pod evidence already read (a triage from the cluster alone reads the pods once for every registry).
  const given = options.kube;
  const kube: Promise<Read<KubeFacts>> = given
    ? Promise.resolve(given)
    : resolution.then((r) => gatherPods({ ...options, clients, cluster: r.cluster }));

  // With pod evidence coming, a failing pod's image will be read: have the registry's refresh token ready.
  const warmRegistryToken = options.pods !== false && !target.image;
  const arm = resolution.then((r) => gatherArm(target, r, clients, { ...spec, tokens, warmRegistryToken }, collectedAt, progress));
  const evidence = arm.then(({ evidence: e }) => ({
    ...e,
    kube: options.pods === false ? skipped<KubeFacts>(PODS_OFF, 'turned-off') : skipped<KubeFacts>(PODS_PENDING, 'pending'),
  }));

  const withPods = Promise.all([arm, kube]).then(async ([{ evidence: e, registryBasis }, kubeRead]) => {
    const merged: Evidence = { ...e, kube: kubeRead };
    if (target.image || kubeRead.state !== 'ok' || e.image.state !== 'skipped') return merged;
    const failing = failingImageOf(kubeRead.value, registryBasis);
    if (!failing || !registryBasis) return merged;
    progress(`checking image ${failing.raw}…`);
    return { ...merged, image: await imageRead(clients, registryBasis, failing, { ...spec, tokens }) };
  });
  return { evidence, withPods };
}

function describeTarget(target: Target): string {
  const registry =
    target.registry.kind === 'acr-host'
      ? target.registry.loginServer
      : target.registry.kind === 'external'
        ? target.registry.host
        : target.registry.name;
  return `${target.cluster.name} and ${registry}`;
}

interface ArmGathered {
  evidence: Omit<Evidence, 'kube'>;
  registryBasis?: RegistryFacts;
}

async function gatherArm(
  target: Target,
  resolution: Resolution,
  clients: AzureClients,
  { tokens, warmRegistryToken, ...spec }: Spec & { tokens: RegistryTokens; warmRegistryToken: boolean },
  collectedAt: string,
  progress: (message: string) => void,
): Promise<ArmGathered> {
  const clusterFound = resolution.cluster;
  const registryFound = resolution.registry;
  progress('reading cluster, registry and role assignments…');

  // --- the GETs (round 2, or already done in round 1 for ids)
  const clusterRead: Promise<Read<ClusterFacts>> = clusterFound
    ? clusterFound.read
      ? Promise.resolve(clusterFound.read)
      : readCluster(clients, clusterFound.locator.subscriptionId, clusterFound.locator.resourceGroup, clusterFound.locator.name, spec)
    : Promise.resolve(notIdentified('cluster', resolution.clusterLookup));
  const registryTenant = registryFound ? (registryFound.locator.tenantId ?? resolution.tenants.get(registryFound.locator.subscriptionId)) : undefined;
  const registryRead: Promise<Read<RegistryFacts>> = registryFound
    ? registryFound.read
      ? Promise.resolve(withTenant(registryFound.read, registryTenant))
      : readRegistry(
          clients,
          registryFound.locator.subscriptionId,
          registryFound.locator.resourceGroup,
          registryFound.locator.name,
          spec,
          registryTenant,
        )
    : Promise.resolve(notIdentified('registry', resolution.registryLookup));

  // What the families start from: the search row when there is one, else the GET.
  const cluster: Promise<ClusterFacts | undefined> = clusterFound?.hint
    ? Promise.resolve(clusterFound.hint)
    : clusterRead.then((r) => (r.state === 'ok' ? r.value : undefined));
  const registryHint = registryFound?.hint;
  const registry: Promise<RegistryFacts | undefined> = registryHint
    ? Promise.resolve(registryHint)
    : registryRead.then((r) => (r.state === 'ok' ? r.value : undefined));
  if (warmRegistryToken) {
    void registry.then((r) => {
      if (r)
        tokens.warm(r.loginServer, undefined, { armAudienceDisabled: r.armAudienceTokens === 'disabled', tenantId: r.tenantId, signal: spec.signal });
    });
  }

  const identity = gatherIdentity({
    clients,
    spec,
    cluster,
    clusterRead,
    fromSearchRow: clusterFound?.hint !== undefined,
    tenants: resolution.tenants,
  });
  const authorization = gatherAuthorization({
    clients,
    spec,
    ...(registryFound ? { registryLocator: registryFound.locator } : {}),
    registry,
    cluster,
    puller: identity.puller,
    ...(resolution.kubeletNamedIdentities ? { kubeletNamedIdentities: resolution.kubeletNamedIdentities } : {}),
  });
  const network = gatherNetwork({ clients, spec, cluster, registry });
  const image: Promise<Read<ImageFact>> = target.image
    ? registry.then((r) =>
        r
          ? imageRead(clients, r, target.image!, { ...spec, tokens })
          : skipped<ImageFact>('the registry could not be read, so the image could not be checked', 'missing-input'),
      )
    : Promise.resolve(skipped<ImageFact>('no image was named and no pod is failing to pull', 'not-applicable'));

  const [clusterR, registryR, pullerR, scopeR, defsR, denyR, principalsR, vmssR, networkR, tenantR, spR, imageR] = await Promise.all([
    clusterRead,
    registryRead,
    authorization.pullerAssignments,
    authorization.scopeAssignments,
    authorization.roleDefinitions,
    authorization.denyAssignments,
    authorization.principals,
    network.vmss,
    network.network,
    identity.clusterTenantId,
    identity.servicePrincipal,
    image,
  ]);
  return {
    evidence: {
      target,
      collectedAt,
      clusterLookup: resolution.clusterLookup,
      cluster: clusterR,
      clusterTenantId: tenantR,
      registryLookup: resolution.registryLookup,
      registry: registryR,
      pullerAssignments: pullerR,
      scopeAssignments: scopeR,
      roleDefinitions: defsR,
      denyAssignments: denyR,
      principals: principalsR,
      vmss: vmssR,
      network: networkR,
      servicePrincipal: spR,
      image: imageR,
    },
    registryBasis: registryR.state === 'ok' ? registryR.value : registryHint,
  };
}

function notIdentified<T>(what: 'cluster' | 'registry', lookup: Read<{ candidates: unknown[] }>): Read<T> {
  if (lookup.state === 'failed') return skipped(`the ${what} could not be looked up: ${lookup.failure.message}`, 'missing-input');
  if (lookup.state === 'skipped') return lookup;
  const n = lookup.value.candidates.length;
  return skipped(
    n === 0 ? `no ${what} matching the name is visible to the bot` : `${n} ${what === 'cluster' ? 'clusters' : 'registries'} match the name`,
    'missing-input',
  );
}

function withTenant(read: Read<RegistryFacts>, tenantId: string | undefined): Read<RegistryFacts> {
  return read.state === 'ok' && tenantId && !read.value.tenantId ? ok({ ...read.value, tenantId }) : read;
}
