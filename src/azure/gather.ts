/**
 * Reads Azure into Evidence for one triage, as a graph of reads that each start as soon as their inputs are
 * known. Round 1 finds the cluster and registry (one Resource Graph query, or direct GETs for ids); its
 * rows already name the kubelet identity, node resource group and egress IPs, so round 2 (GETs, role
 * assignments, deny assignments, VMSS, public IPs) runs in parallel without waiting for the GETs. Reads
 * that only some worlds need (custom roles, private endpoints, VNets, DNS zones, Graph, the image) chain
 * off what they need. Pod evidence (run command) runs beside all of it and never delays the ARM evidence.
 */
import type { RoleAssignment, RoleDefinition, DenyAssignment } from '@azure/arm-authorization';
import type { VirtualMachineScaleSet } from '@azure/arm-compute';
import type { AbortSignalLike } from '@azure/ms-rest-js';
import {
  failed,
  ok,
  skipped,
  type ClusterFacts,
  type DenyAssignmentFact,
  type EgressIpFact,
  type Evidence,
  type ImageFact,
  type KubeFacts,
  type NetworkEvidence,
  type PrincipalFact,
  type PrivateDnsZoneFact,
  type PrivateEndpointFact,
  type Read,
  type RegistryFacts,
  type RoleAssignmentFact,
  type RoleDefinitionFact,
  type ServicePrincipalFact,
  type SubnetFact,
  type VmssFact,
  type VnetFact,
  scopeCovers,
} from '../triage/evidence';
import type { ImageRef, Target } from '../triage/refs';
import { privateLinkZoneFor } from '../triage/acr-hosts';
import { failingPullsOf, hostsOfRegistry, servedBy } from '../triage/failing-pods';
import { builtInRole, judgeRole } from '../triage/roles';
import { parseImageRef } from '../triage/target';
import type { AzureClients } from './clients';
import { guidOrThrow, isGuid, parseArmId, parseTypedId, quoteLiteral } from './arm-id';
import {
  denyAssignmentFact,
  egressIpFromAddress,
  egressIpFromPrefix,
  obj,
  privateEndpointFact,
  roleAssignmentFact,
  roleDefinitionFact,
  str,
  subnetFacts,
  vmssFact,
  vnetFact,
  vnetIdOfSubnet,
} from './facts';
import { readImage, readServicePrincipal, RegistryTokens } from './data-plane';
import { readKubeEvidence } from './kube-evidence';
import { collect, readArm, type ReadSpec } from './read';
import { readCluster, readRegistry, resolveTarget, type Resolution } from './resolve';

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

export const PODS_PENDING = 'pod evidence is still being read through run command';
export const PODS_OFF = 'pod evidence was turned off (--no-pods / TRIAGE_PODS=false)';

const CLUSTER_NOT_READ = 'the cluster could not be read';
const REGISTRY_NOT_READ = 'the registry could not be read';
const REGISTRY_NOT_IDENTIFIED = 'the registry could not be identified';
const NO_PRIVATE_ENDPOINTS = 'the registry has no private endpoint connections';

const RA_READ = (registry: string) => `Microsoft.Authorization/roleAssignments/read on ${registry} (any Reader role)`;
const DENY_READ = (registry: string) => `Microsoft.Authorization/denyAssignments/read on ${registry} (any Reader role)`;

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

  const given = options.kube;
  const kube: Promise<Read<KubeFacts>> = given ? Promise.resolve(given) : resolution.then((r) => startKube(r, clients, options));

  // With pod evidence coming, a failing pod's image will be read: have the registry's refresh token ready.
  const warmRegistryToken = options.pods !== false && !target.image;
  const arm = resolution.then((r) => gatherArm(target, r, clients, { ...spec, tokens, warmRegistryToken }, collectedAt, progress));
  const evidence = arm.then(({ evidence: e }) => ({ ...e, kube: options.pods === false ? skipped<KubeFacts>(PODS_OFF, 'turned-off') : skipped<KubeFacts>(PODS_PENDING, 'pending') }));

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
    target.registry.kind === 'acr-host' ? target.registry.loginServer : target.registry.kind === 'external' ? target.registry.host : target.registry.name;
  return `${target.cluster.name} and ${registry}`;
}

// ---------------------------------------------------------------------------------------------
// Pods

export async function startKube(resolution: Resolution, clients: AzureClients, options: GatherOptions): Promise<Read<KubeFacts>> {
  if (options.pods === false) return skipped(PODS_OFF, 'turned-off');
  const found = resolution.cluster;
  if (!found) return skipped('the cluster could not be identified, so its pods could not be read', 'missing-input');
  const basis = found.hint ?? (found.read?.state === 'ok' ? found.read.value : undefined);
  if (!basis) return skipped('the cluster could not be read, so its pods could not be read', 'missing-input');
  return readKubeEvidence(
    clients,
    {
      subscriptionId: basis.subscriptionId,
      resourceGroup: basis.resourceGroup,
      name: basis.name,
      aadManaged: basis.aad.managed,
      runCommandDisabled: basis.apiServer.disableRunCommand,
    },
    { signal: options.signal, deadlineMs: options.podDeadlineMs, pollIntervalMs: options.podPollIntervalMs },
  );
}

// ---------------------------------------------------------------------------------------------
// ARM

type Spec = Pick<ReadSpec, 'signal' | 'deadlineMs'>;

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
    ? (clusterFound.read ? Promise.resolve(clusterFound.read) : readCluster(clients, clusterFound.locator.subscriptionId, clusterFound.locator.resourceGroup, clusterFound.locator.name, spec))
    : Promise.resolve(notIdentified('cluster', resolution.clusterLookup));
  const registryTenant = registryFound ? (registryFound.locator.tenantId ?? resolution.tenants.get(registryFound.locator.subscriptionId)) : undefined;
  const registryRead: Promise<Read<RegistryFacts>> = registryFound
    ? registryFound.read
      ? Promise.resolve(withTenant(registryFound.read, registryTenant))
      : readRegistry(clients, registryFound.locator.subscriptionId, registryFound.locator.resourceGroup, registryFound.locator.name, spec, registryTenant)
    : Promise.resolve(notIdentified('registry', resolution.registryLookup));

  // What the reads below start from: the search row when there is one, else the GET.
  const clusterBasis: Promise<ClusterFacts | undefined> = clusterFound?.hint
    ? Promise.resolve(clusterFound.hint)
    : clusterRead.then((r) => (r.state === 'ok' ? r.value : undefined));
  const registryBasis: RegistryFacts | undefined = registryFound?.hint;
  const registryBasisP: Promise<RegistryFacts | undefined> = registryBasis
    ? Promise.resolve(registryBasis)
    : registryRead.then((r) => (r.state === 'ok' ? r.value : undefined));
  if (warmRegistryToken) {
    void registryBasisP.then((r) => {
      if (r) tokens.warm(r.loginServer, undefined, { armAudienceDisabled: r.armAudienceTokens === 'disabled', tenantId: r.tenantId, signal: spec.signal });
    });
  }
  const registryScope = registryFound?.locator.id;
  const registryName = registryFound?.locator.name ?? 'the registry';
  const registrySub = registryFound?.locator.subscriptionId;

  // --- who pulls
  const servicePrincipal: Promise<{ objectId?: string; fact: Read<ServicePrincipalFact> }> = clusterBasis.then((c) => {
    if (!c) return { fact: skipped(CLUSTER_NOT_READ, 'missing-input') };
    if (!isServicePrincipalCluster(c)) return { fact: skipped('the cluster uses a managed identity', 'not-applicable') };
    return readServicePrincipal(clients, c.servicePrincipalClientId!, spec);
  });
  const pullerOf = async (c: ClusterFacts | undefined): Promise<string | undefined> => {
    if (!c) return undefined;
    if (isServicePrincipalCluster(c)) return (await servicePrincipal).objectId;
    return isGuid(c.kubeletIdentity?.objectId) ? c.kubeletIdentity!.objectId!.toLowerCase() : undefined;
  };
  const puller = clusterBasis.then(pullerOf);

  // --- authorisation on the registry
  const readPullerAssignments = (principal: string | undefined): Promise<Read<RoleAssignmentFact[]>> => {
    if (!registryScope || !registrySub) return Promise.resolve(skipped(REGISTRY_NOT_IDENTIFIED, 'missing-input'));
    if (!principal) return Promise.resolve(skipped('the identity that pulls (kubelet identity or service principal object id) is not known', 'missing-input'));
    return pullerAssignmentsRead(clients, registrySub, registryScope, registryName, principal, spec);
  };
  const readDeny = (principal: string | undefined): Promise<Read<DenyAssignmentFact[]>> => {
    if (!registryScope || !registrySub) return Promise.resolve(skipped(REGISTRY_NOT_IDENTIFIED, 'missing-input'));
    if (!principal) return Promise.resolve(skipped('the identity that pulls is not known', 'missing-input'));
    const filter = `atScope() and assignedTo(${quoteLiteral(guidOrThrow(principal, 'puller object id'))})`;
    return readArm<DenyAssignment[], DenyAssignmentFact[]>(
      { ...spec, what: `deny assignments on ${registryName}`, needs: DENY_READ(registryName) },
      (abortSignal) => collect(clients.authorization(registrySub).denyAssignments.listForScope(registryScope, { filter, abortSignal })),
      (list) => list.map(denyAssignmentFact),
    );
  };
  const firstPuller = puller.then((p) => ({ principal: p, assignments: readPullerAssignments(p), deny: readDeny(p) }));
  // Rare third trip: the GET names another kubelet identity than the search row did (it was just replaced).
  const settledPuller = Promise.all([firstPuller, clusterRead]).then(async ([first, read]) => {
    if (read.state !== 'ok' || !clusterFound?.hint) return first;
    const fromGet = await pullerOf(read.value);
    if (!fromGet || fromGet === first.principal) return first;
    return { principal: fromGet, assignments: readPullerAssignments(fromGet), deny: readDeny(fromGet) };
  });
  const pullerAssignments = settledPuller.then((p) => p.assignments);
  const denyAssignments = settledPuller.then((p) => p.deny);

  const scopeAssignments: Promise<Read<RoleAssignmentFact[]>> =
    registryScope && registrySub
      ? readArm<RoleAssignment[], RoleAssignmentFact[]>(
          { ...spec, what: `role assignments on ${registryName}`, needs: RA_READ(registryName) },
          (abortSignal) => collect(clients.authorization(registrySub).roleAssignments.listForScope(registryScope, { filter: 'atScope()', abortSignal })),
          (list) => list.map(roleAssignmentFact),
        )
      : Promise.resolve(skipped(REGISTRY_NOT_IDENTIFIED, 'missing-input'));

  const roleDefinitions = Promise.all([pullerAssignments, scopeAssignments]).then(([a, b]) =>
    customRoleDefinitions(clients, registrySub, registryScope, [a, b], spec),
  );
  const principals = Promise.all([scopeAssignments, clusterBasis, settledPuller, registryBasisP, pullerAssignments, roleDefinitions]).then(
    ([assignments, cluster, p, registry, own, definitions]) =>
      pullerHoldsPull(own, registry, definitions)
        ? ok(knownPrincipals(cluster, p.principal))
        : resolution.kubeletNamedIdentities
          ? ok(withKubeletNamed(knownPrincipals(cluster, p.principal), resolution.kubeletNamedIdentities))
          : pullRoleHolders(clients, assignments, cluster, p.principal, registry, spec),
  );

  // --- nodes and network
  const vmss = clusterBasis.then((c) => vmssRead(clients, c, spec));
  const egressIps = clusterBasis.then((c) => egressRead(clients, c, spec));
  const privateEndpoints = registryBasisP.then((r) => privateEndpointsRead(clients, r, spec));
  const vnets = Promise.all([clusterBasis, registryBasisP]).then(([c, r]) => clusterVnetsRead(clients, c, r, spec));
  const privateDnsZones = registryBasisP.then((r) => privateDnsRead(clients, r, spec));

  // --- tenants
  const clusterTenantId = Promise.all([clusterBasis, clusterRead]).then(async ([c, read]): Promise<Read<string>> => {
    const basis = read.state === 'ok' ? read.value : c;
    if (!basis) return skipped(CLUSTER_NOT_READ, 'missing-input');
    const known = resolution.tenants.get(basis.subscriptionId) ?? basis.identity?.tenantId;
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

  // --- the image the user named
  const image: Promise<Read<ImageFact>> = target.image
    ? registryBasisP.then((r) =>
        r ? imageRead(clients, r, target.image!, { ...spec, tokens }) : skipped<ImageFact>('the registry could not be read, so the image could not be checked', 'missing-input'),
      )
    : Promise.resolve(skipped<ImageFact>('no image was named and no pod is failing to pull', 'not-applicable'));

  const [clusterR, registryR, pullerR, scopeR, defsR, denyR, principalsR, vmssR, egressR, peR, vnetR, dnsR, tenantR, spR, imageR] =
    await Promise.all([
      clusterRead,
      registryRead,
      pullerAssignments,
      scopeAssignments,
      roleDefinitions,
      denyAssignments,
      principals,
      vmss,
      egressIps,
      privateEndpoints,
      vnets,
      privateDnsZones,
      clusterTenantId,
      servicePrincipal,
      image,
    ]);

  const network: NetworkEvidence = {
    egressIps: egressR,
    privateEndpoints: peR,
    clusterVnets: vnetR.vnets,
    clusterSubnets: vnetR.subnets,
    privateDnsZones: dnsR,
  };
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
      network,
      servicePrincipal: spR.fact,
      image: imageR,
    },
    registryBasis: registryR.state === 'ok' ? registryR.value : registryBasis,
  };
}

function notIdentified<T>(what: 'cluster' | 'registry', lookup: Read<{ candidates: unknown[] }>): Read<T> {
  if (lookup.state === 'failed') return skipped(`the ${what} could not be looked up: ${lookup.failure.message}`, 'missing-input');
  if (lookup.state === 'skipped') return lookup;
  const n = lookup.value.candidates.length;
  return skipped(n === 0 ? `no ${what} matching the name is visible to the bot` : `${n} ${what === 'cluster' ? 'clusters' : 'registries'} match the name`, 'missing-input');
}

function withTenant(read: Read<RegistryFacts>, tenantId: string | undefined): Read<RegistryFacts> {
  return read.state === 'ok' && tenantId && !read.value.tenantId ? ok({ ...read.value, tenantId }) : read;
}

function isServicePrincipalCluster(c: ClusterFacts): boolean {
  const clientId = c.servicePrincipalClientId;
  return !c.identity && clientId !== undefined && clientId.toLowerCase() !== 'msi';
}

// ---------------------------------------------------------------------------------------------
// Authorisation reads

async function pullerAssignmentsRead(
  clients: AzureClients,
  registrySub: string,
  scope: string,
  registryName: string,
  principal: string,
  spec: Spec,
): Promise<Read<RoleAssignmentFact[]>> {
  const id = guidOrThrow(principal, 'puller object id');
  const list = (filter: string) =>
    readArm<RoleAssignment[], RoleAssignmentFact[]>(
      { ...spec, what: `role assignments of ${id} on ${registryName}`, needs: RA_READ(registryName) },
      (abortSignal) => collect(clients.authorization(registrySub).roleAssignments.listForScope(scope, { filter, abortSignal })),
      (items) => items.map(roleAssignmentFact),
    );
  const read = await list(`atScope() and assignedTo(${quoteLiteral(id)})`);
  // Some scopes refuse the combined filter; principalId eq is always accepted but also returns assignments below the scope.
  if (read.state === 'failed' && read.failure.status === 400) {
    const fallback = await list(`principalId eq ${quoteLiteral(id)}`);
    return fallback.state === 'ok' ? ok(fallback.value.filter((a) => scopeCovers(a.scope, scope))) : fallback;
  }
  return read;
}

async function customRoleDefinitions(
  clients: AzureClients,
  registrySub: string | undefined,
  scope: string | undefined,
  reads: Read<RoleAssignmentFact[]>[],
  spec: Spec,
): Promise<Record<string, Read<RoleDefinitionFact>>> {
  if (!registrySub || !scope) return {};
  const unknown = new Set<string>();
  for (const read of reads) {
    if (read.state !== 'ok') continue;
    for (const a of read.value) if (!builtInRole(a.roleGuid) && isGuid(a.roleGuid)) unknown.add(a.roleGuid);
  }
  const entries = await Promise.all(
    [...unknown].map(async (guid) => {
      const read = await readArm<RoleDefinition, RoleDefinitionFact>(
        { ...spec, what: `role definition ${guid}`, needs: `Microsoft.Authorization/roleDefinitions/read at ${scope} (any Reader role)` },
        (abortSignal) => clients.authorization(registrySub).roleDefinitions.get(scope, guid, { abortSignal }),
        (def) => roleDefinitionFact(def, guid),
      );
      return [guid, read] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Other holders of pull roles only explain a failure ("but we did attach the registry!") when the pulling
 * identity has no pull grant of its own; otherwise naming them costs a request and tells nothing.
 */
function pullerHoldsPull(
  own: Read<RoleAssignmentFact[]>,
  registry: RegistryFacts | undefined,
  definitions: Record<string, Read<RoleDefinitionFact>>,
): boolean {
  if (own.state !== 'ok' || !registry) return false;
  const mode = registry.roleAssignmentMode === 'AbacRepositoryPermissions' ? 'abac' : 'legacy';
  return own.value.some((a) => scopeCovers(a.scope, registry.id) && !a.condition && judgeRole(a.roleGuid, mode, definitions, registry.id).answer === 'yes');
}

/** The principals the cluster itself names: its pulling identity and its control-plane identity. */
function knownPrincipals(cluster: ClusterFacts | undefined, puller: string | undefined): PrincipalFact[] {
  const known: PrincipalFact[] = [];
  if (puller && cluster) {
    const kidName = cluster.kubeletIdentity?.resourceId?.split('/').pop();
    known.push({
      principalId: puller,
      displayName: kidName ?? `${cluster.name} service principal`,
      ...(cluster.kubeletIdentity?.resourceId ? { resourceId: cluster.kubeletIdentity.resourceId } : {}),
    });
  }
  if (cluster?.identity?.principalId && cluster.identity.principalId !== puller) {
    known.push({ principalId: cluster.identity.principalId, displayName: `${cluster.name} control-plane identity` });
  }
  return known;
}

function withKubeletNamed(known: PrincipalFact[], named: readonly PrincipalFact[]): PrincipalFact[] {
  return [...known, ...named.filter((n) => !known.some((k) => k.principalId === n.principalId))];
}

/** Principals that hold a pull-capable role at the registry, named where we can (for rbac.misassigned). */
async function pullRoleHolders(
  clients: AzureClients,
  assignments: Read<RoleAssignmentFact[]>,
  cluster: ClusterFacts | undefined,
  puller: string | undefined,
  registry: RegistryFacts | undefined,
  spec: Spec,
): Promise<Read<PrincipalFact[]>> {
  if (assignments.state !== 'ok') return skipped('the role assignments on the registry could not be read', 'missing-input');
  const known = knownPrincipals(cluster, puller);
  const mode = registry?.roleAssignmentMode === 'AbacRepositoryPermissions' ? 'abac' : 'legacy';
  const holders = new Set<string>();
  for (const a of assignments.value) {
    // Registry roles (and custom roles) only: Owner/Contributor/Reader holders at subscription scope are
    // administrators, not a pull grant that went to the wrong identity.
    const role = builtInRole(a.roleGuid);
    const registryRole = role === undefined || /^(Acr|Container Registry)/i.test(role.name);
    const grants = registryRole && (!role || role.grantsPull(mode) !== 'no' || role.grantsPull(mode === 'abac' ? 'legacy' : 'abac') === 'yes');
    const servicePrincipal = a.principalType === undefined || a.principalType === 'ServicePrincipal';
    if (grants && servicePrincipal && isGuid(a.principalId)) holders.add(a.principalId.toLowerCase());
  }
  for (const p of known) holders.delete(p.principalId);
  if (holders.size === 0) return ok(known);
  const ids = [...holders].slice(0, 50);
  const query =
    "resources | where type =~ 'microsoft.managedidentity/userassignedidentities'" +
    ` | where ${ids.map((id) => `tostring(properties.principalId) =~ ${quoteLiteral(id)}`).join(' or ')}` +
    ' | project id, name, principalId = tostring(properties.principalId)';
  const found = await graphQuery(clients, query, {
    ...spec,
    what: 'the managed identities holding pull roles on the registry (Resource Graph)',
    needs: 'Reader on the subscriptions holding those identities',
  });
  if (found.state !== 'ok') return found;
  const named = found.value
    .map((row): PrincipalFact | undefined => {
      const principalId = str(row.principalId)?.toLowerCase();
      if (!principalId || !holders.has(principalId)) return undefined;
      return { principalId, ...(str(row.name) ? { displayName: str(row.name) } : {}), ...(str(row.id) ? { resourceId: str(row.id) } : {}) };
    })
    .filter((p): p is PrincipalFact => p !== undefined);
  return ok([...known, ...named]);
}

/** A Resource Graph query returning object rows. */
export function graphQuery(clients: AzureClients, query: string, spec: ReadSpec): Promise<Read<Record<string, unknown>[]>> {
  return readArm(
    spec,
    (abortSignal) =>
      clients.resourceGraph().resources({ query, options: { resultFormat: 'objectArray', top: 1000 } }, { abortSignal: abortSignal as unknown as AbortSignalLike }),
    (response) => {
      if (!Array.isArray(response.data)) throw new Error('Resource Graph answered without a data array');
      return (response.data as unknown[]).map(obj);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Nodes and network reads

function vmssRead(clients: AzureClients, cluster: ClusterFacts | undefined, spec: Spec): Promise<Read<VmssFact[]>> {
  if (!cluster) return Promise.resolve(skipped(CLUSTER_NOT_READ, 'missing-input'));
  const nodeRg = cluster.nodeResourceGroup;
  if (!nodeRg || !parseArmId(`/subscriptions/${cluster.subscriptionId}/resourceGroups/${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/x`)) {
    return Promise.resolve(skipped('the cluster does not report a valid node resource group', 'missing-input'));
  }
  if (cluster.agentPools.length > 0 && cluster.agentPools.every((p) => p.type !== undefined && p.type !== 'VirtualMachineScaleSets')) {
    return Promise.resolve(skipped('the node pools are not VM scale sets', 'not-applicable'));
  }
  return readArm<VirtualMachineScaleSet[], VmssFact[]>(
    { ...spec, what: `VM scale sets in ${nodeRg}`, needs: `Reader on the node resource group ${nodeRg}` },
    (abortSignal) => collect(clients.compute(cluster.subscriptionId).virtualMachineScaleSets.list(nodeRg, { abortSignal })),
    (list) => list.map(vmssFact),
  );
}

async function egressRead(clients: AzureClients, cluster: ClusterFacts | undefined, spec: Spec): Promise<Read<EgressIpFact[]>> {
  if (!cluster) return skipped(CLUSTER_NOT_READ, 'missing-input');
  const ids = cluster.network.effectiveOutboundIpIds;
  if (ids.length === 0) {
    return skipped(`the cluster reports no outbound public IPs (outboundType ${cluster.network.outboundType ?? 'not reported'})`, 'not-applicable');
  }
  const reads = await Promise.all(
    ids.map(async (id): Promise<Read<EgressIpFact>> => {
      const ip = parseTypedId(id, 'Microsoft.Network', 'publicIPAddresses');
      const prefix = parseTypedId(id, 'Microsoft.Network', 'publicIPPrefixes');
      const what = `egress IP ${id.split('/').pop()}`;
      const needs = `Reader on ${id.split('/providers/')[0]}`;
      if (ip) {
        return readArm({ ...spec, what, needs }, (abortSignal) => clients.network(ip.subscriptionId).publicIPAddresses.get(ip.resourceGroup, ip.name, { abortSignal }), (r) =>
          egressIpFromAddress(r, id),
        );
      }
      if (prefix) {
        return readArm({ ...spec, what, needs }, (abortSignal) => clients.network(prefix.subscriptionId).publicIPPrefixes.get(prefix.resourceGroup, prefix.name, { abortSignal }), (r) =>
          egressIpFromPrefix(r, id),
        );
      }
      return failed({ kind: 'malformed', message: `The cluster names an outbound IP that is not a public IP or prefix id: ${id}` });
    }),
  );
  return allOk(reads);
}

function allOk<T>(reads: Read<T>[]): Read<T[]> {
  const bad = reads.find((r) => r.state === 'failed');
  if (bad && bad.state === 'failed') return failed(bad.failure);
  return ok(reads.filter((r): r is { state: 'ok'; value: T } => r.state === 'ok').map((r) => r.value));
}

async function privateEndpointsRead(clients: AzureClients, registry: RegistryFacts | undefined, spec: Spec): Promise<Read<PrivateEndpointFact[]>> {
  if (!registry) return skipped(REGISTRY_NOT_READ, 'missing-input');
  const ids = registry.privateEndpointConnections.map((c) => c.privateEndpointId).filter((id): id is string => id !== undefined);
  if (ids.length === 0) return skipped(NO_PRIVATE_ENDPOINTS, 'not-applicable');
  const reads = await Promise.all(
    ids.map((id): Promise<Read<PrivateEndpointFact>> => {
      const pe = parseTypedId(id, 'Microsoft.Network', 'privateEndpoints');
      if (!pe) return Promise.resolve(failed({ kind: 'malformed', message: `Not a private endpoint id: ${id}` }));
      return readArm(
        { ...spec, what: `private endpoint ${pe.name}`, needs: `Reader on ${pe.resourceGroup} in subscription ${pe.subscriptionId}` },
        (abortSignal) => clients.network(pe.subscriptionId).privateEndpoints.get(pe.resourceGroup, pe.name, { abortSignal }),
        (r) => privateEndpointFact(r, id),
      );
    }),
  );
  return allOk(reads);
}

/** VNets (and the node subnets in them) only matter for private endpoints, custom egress and proxies. */
async function clusterVnetsRead(
  clients: AzureClients,
  cluster: ClusterFacts | undefined,
  registry: RegistryFacts | undefined,
  spec: Spec,
): Promise<{ vnets: Read<VnetFact[]>; subnets: Read<SubnetFact[]> }> {
  if (!cluster) return both(skipped(CLUSTER_NOT_READ, 'missing-input'));
  const privateEndpoint = (registry?.privateEndpointConnections.length ?? 0) > 0;
  const outbound = cluster.network.outboundType;
  const customEgress = outbound === 'userDefinedRouting' || outbound === 'userAssignedNATGateway' || outbound === 'none' || cluster.network.httpProxy !== undefined;
  if (!privateEndpoint && !customEgress) {
    return both(skipped(`not needed: the registry has no private endpoint and the cluster egresses through its ${outbound ?? 'default'} outbound`, 'not-applicable'));
  }
  const subnetIds = [...new Set(cluster.agentPools.map((p) => p.vnetSubnetId).filter((s): s is string => s !== undefined))];
  const vnetIds = [...new Set(subnetIds.map((s) => vnetIdOfSubnet(s)).filter((v): v is string => v !== undefined).map((v) => v))];
  if (vnetIds.length === 0) {
    // AKS-managed VNet: it lives in the node resource group.
    const nodeRg = cluster.nodeResourceGroup;
    if (!nodeRg) return both(skipped('the cluster uses an AKS-managed VNet and reports no node resource group', 'missing-input'));
    const read = await readArm(
      { ...spec, what: `virtual networks in ${nodeRg}`, needs: `Reader on the node resource group ${nodeRg}` },
      (abortSignal) => collect(clients.network(cluster.subscriptionId).virtualNetworks.list(nodeRg, { abortSignal })),
    );
    if (read.state !== 'ok') return both(read);
    const vnets = read.value.filter((v) => v.id).map((v) => vnetFact(v, v.id!));
    const subnets = read.value.flatMap((v) => subnetFacts(v, (v.subnets ?? []).map((s) => s.id ?? '')));
    return { vnets: ok(vnets), subnets: ok(subnets) };
  }
  const reads = await Promise.all(
    vnetIds.map(async (vnetId) => {
      const parsed = parseTypedId(vnetId, 'Microsoft.Network', 'virtualNetworks');
      if (!parsed) return failed<{ vnet: VnetFact; subnets: SubnetFact[] }>({ kind: 'malformed', message: `Not a VNet id: ${vnetId}` });
      return readArm(
        { ...spec, what: `virtual network ${parsed.name}`, needs: `Reader on ${parsed.resourceGroup} in subscription ${parsed.subscriptionId}` },
        (abortSignal) => clients.network(parsed.subscriptionId).virtualNetworks.get(parsed.resourceGroup, parsed.name, { abortSignal }),
        (v) => ({ vnet: vnetFact(v, vnetId), subnets: subnetFacts(v, subnetIds) }),
      );
    }),
  );
  const all = allOk(reads);
  if (all.state !== 'ok') return both(all);
  return { vnets: ok(all.value.map((r) => r.vnet)), subnets: ok(all.value.flatMap((r) => r.subnets)) };
}

function both(read: Read<never>): { vnets: Read<VnetFact[]>; subnets: Read<SubnetFact[]> } {
  return { vnets: read, subnets: read };
}

async function privateDnsRead(clients: AzureClients, registry: RegistryFacts | undefined, spec: Spec): Promise<Read<PrivateDnsZoneFact[]>> {
  if (!registry) return skipped(REGISTRY_NOT_READ, 'missing-input');
  if (registry.privateEndpointConnections.length === 0) return skipped(NO_PRIVATE_ENDPOINTS, 'not-applicable');
  const zoneName = privateLinkZoneFor(registry.loginServer);
  const zones = await graphQuery(
    clients,
    `resources | where type =~ 'microsoft.network/privatednszones' and name =~ ${quoteLiteral(zoneName)} | project id, name, subscriptionId, resourceGroup`,
    { ...spec, what: `private DNS zones ${zoneName} (Resource Graph)`, needs: `Reader on the subscription holding the ${zoneName} zone` },
  );
  if (zones.state !== 'ok') return zones;
  const reads = await Promise.all(
    zones.value.map(async (row): Promise<Read<PrivateDnsZoneFact>> => {
      const id = str(row.id);
      const parsed = parseTypedId(id, 'Microsoft.Network', 'privateDnsZones');
      if (!parsed || !id) return failed({ kind: 'malformed', message: `Not a private DNS zone id: ${String(row.id)}` });
      const needs = `Reader on ${parsed.resourceGroup} in subscription ${parsed.subscriptionId}`;
      const dns = clients.privateDns(parsed.subscriptionId);
      const [links, records] = await Promise.all([
        readArm({ ...spec, what: `links of ${zoneName} in ${parsed.resourceGroup}`, needs }, (abortSignal) =>
          collect(dns.virtualNetworkLinks.list(parsed.resourceGroup, parsed.name, { abortSignal })),
        ),
        readArm({ ...spec, what: `A records of ${zoneName} in ${parsed.resourceGroup}`, needs }, (abortSignal) =>
          collect(dns.recordSets.listByType(parsed.resourceGroup, parsed.name, 'A', { abortSignal })),
        ),
      ]);
      if (links.state !== 'ok') return links;
      if (records.state !== 'ok') return records;
      return ok({
        id,
        name: parsed.name,
        vnetLinks: links.value.map((l) => ({
          name: l.name ?? '',
          vnetId: l.virtualNetwork?.id ?? '',
          ...(l.virtualNetworkLinkState ? { state: l.virtualNetworkLinkState } : {}),
          ...(l.registrationEnabled !== undefined ? { registrationEnabled: l.registrationEnabled } : {}),
        })),
        aRecords: records.value.map((r) => ({ name: r.name ?? '', ipv4Addresses: (r.aRecords ?? []).map((a) => a.ipv4Address ?? '').filter((a) => a !== '') })),
      });
    }),
  );
  return allOk(reads);
}

// ---------------------------------------------------------------------------------------------
// Image

/** The bot reads an image only where the registry answers as named (login server or a data endpoint). */
function imageRead(clients: AzureClients, registry: RegistryFacts, image: ImageRef, spec: Spec & { tokens: RegistryTokens }): Promise<Read<ImageFact>> {
  if (!servedBy(image.host, hostsOfRegistry(registry))) {
    return Promise.resolve(skipped(`the image is on ${image.host}, not on ${registry.loginServer}`, 'not-applicable'));
  }
  return readImage(clients, registry.loginServer, image, {
    ...spec,
    tenantId: registry.tenantId,
    armAudienceDisabled: registry.armAudienceTokens === 'disabled',
  });
}

/** The first image a pod is failing to pull from this registry, where the bot can read it, as an ImageRef. */
function failingImageOf(kube: KubeFacts, registry: RegistryFacts | undefined): ImageRef | undefined {
  if (!registry) return undefined;
  const hosts = hostsOfRegistry(registry);
  for (const failure of failingPullsOf(kube, hosts)) {
    const ref = servedBy(failure.host, hosts) ? simpleImageRef(failure.image) : undefined;
    if (ref) return ref;
  }
  return undefined;
}

function simpleImageRef(raw: string): ImageRef | undefined {
  try {
    return parseImageRef(raw);
  } catch {
    return undefined;
  }
}
