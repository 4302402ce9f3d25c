/**
 * Finds the cluster and the registry a person named. ARM ids are read directly; anything else costs ONE
 * Resource Graph query for both, whose rows carry full `properties` so the next round of reads can start
 * without waiting for the GETs. When Resource Graph fails, every visible subscription is listed instead.
 *
 * A registry that no search finds is "not visible to the bot", never "does not exist": other tenants and
 * subscriptions without a role are invisible.
 */
import type { ManagedCluster } from '@azure/arm-containerservice';
import type { Registry } from '@azure/arm-containerregistry';
import {
  failed,
  ok,
  skipped,
  type ClusterFacts,
  type Lookup,
  type PrincipalFact,
  type Read,
  type RegistryFacts,
  type ResourceLocator,
} from '../triage/evidence';
import { hostsOfRegistry, servedBy } from '../triage/failing-pods';
import type { ClusterRef, RegistryRef, Target } from '../triage/refs';
import type { AzureClients } from './clients';
import { clusterFactsFromRow, clusterFactsFromSdk, obj, registryFactsFromRow, registryFactsFromSdk, str } from './facts';
import { isResourceGroupName, isResourceName, parseArmId, quoteLiteral } from './arm-id';
import { collect, readArm, type ReadSpec } from './read';
import { queryAllPages } from './resource-graph';

export const CLUSTER_READ = 'Microsoft.ContainerService/managedClusters/read (e.g. Reader) on the cluster';
export const REGISTRY_READ = 'Microsoft.ContainerRegistry/registries/read (e.g. Reader) on the registry';
const GRAPH_READ = 'Reader on the subscriptions to search (Resource Graph only returns what the bot may read)';

/** What resolution found for one side: where it is, and the facts the search row (or a direct GET) already told. */
export interface Found<F> {
  locator: ResourceLocator;
  /** Facts from the Resource Graph row or subscription listing: enough to start the next reads. */
  hint?: F;
  /** Set when the resource was read directly by id in this round. */
  read?: Read<F>;
}

export interface Resolution {
  clusterLookup: Read<Lookup>;
  registryLookup: Read<Lookup>;
  cluster?: Found<ClusterFacts>;
  registry?: Found<RegistryFacts>;
  /** Tenants by subscription id (lowercase), as far as the lookup told them. */
  tenants: Map<string, string>;
  /**
   * Managed identities named `<cluster>-agentpool` (AKS's kubelet identity name), found by the same Resource
   * Graph query: a pull role held by one that is not the current kubelet identity is an old kubelet identity
   * of this cluster (rbac.misassigned), and knowing them here saves a third round trip. Absent when the
   * lookup did not go through Resource Graph.
   */
  kubeletNamedIdentities?: PrincipalFact[];
}

export interface ResolveOptions {
  signal?: AbortSignal;
  deadlineMs?: number;
}

export async function resolveTarget(target: Target, clients: AzureClients, options: ResolveOptions = {}): Promise<Resolution> {
  const preferred = (target.subscriptionId ?? clients.defaultSubscriptionId)?.toLowerCase();
  const registryNeedsSearch = target.registry.kind === 'acr-name' || target.registry.kind === 'acr-host';
  const clusterNeedsSearch = target.cluster.kind === 'name';

  if (!registryNeedsSearch && !clusterNeedsSearch) return resolveByIds(target, clients, options);

  const graph = await searchResourceGraph(target, clients, options);
  const search = graph.state === 'ok' ? graph : await searchSubscriptions(target, clients, options, graph);

  const tenants = new Map<string, string>();
  const clusterSide = pickCluster(target.cluster, search, preferred, tenants);
  const registrySide = pickRegistry(target.registry, search, preferred, tenants);
  return {
    ...clusterSide,
    ...registrySide,
    tenants,
    ...(search.state === 'ok' && search.identities ? { kubeletNamedIdentities: search.identities } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Ids only: read both directly in one round.

async function resolveByIds(target: Target, clients: AzureClients, options: ResolveOptions): Promise<Resolution> {
  const ref = target.cluster as Extract<ClusterRef, { kind: 'id' }>;
  const clusterId = idOf(ref.subscriptionId, ref.resourceGroup, 'Microsoft.ContainerService/managedClusters', ref.name);
  const clusterRead = readCluster(clients, ref.subscriptionId, ref.resourceGroup, ref.name, options);
  const registryRef = target.registry;
  const registryRead =
    registryRef.kind === 'acr-id'
      ? readRegistry(clients, registryRef.subscriptionId, registryRef.resourceGroup, registryRef.name, options)
      : undefined;
  // Without Resource Graph rows the registry's tenant (identity.cross-tenant) comes from its subscription.
  const tenantRead =
    registryRef.kind === 'acr-id'
      ? readArm(
          { what: `subscription ${registryRef.subscriptionId}`, needs: `Reader on subscription ${registryRef.subscriptionId}`, ...options },
          (abortSignal) => clients.subscriptions().subscriptions.get(registryRef.subscriptionId, { abortSignal }),
        )
      : undefined;
  const [cluster, registryWithoutTenant, subscription] = await Promise.all([clusterRead, registryRead, tenantRead]);
  const tenants = new Map<string, string>();
  const registryTenant = subscription?.state === 'ok' ? subscription.value.tenantId?.toLowerCase() : undefined;
  if (registryRef.kind === 'acr-id' && registryTenant) tenants.set(registryRef.subscriptionId.toLowerCase(), registryTenant);
  const registry =
    registryWithoutTenant?.state === 'ok' && registryTenant
      ? ok({ ...registryWithoutTenant.value, tenantId: registryTenant })
      : registryWithoutTenant;
  const resolution: Resolution = {
    clusterLookup: ok({ candidates: [locatorFromRef(clusterId, ref)], searched: 'the ARM resource id given', truncated: false }),
    registryLookup: skipped('the registry is not an Azure Container Registry', 'not-applicable'),
    cluster: { locator: locatorFromRef(clusterId, ref), read: cluster, ...(cluster.state === 'ok' ? { hint: cluster.value } : {}) },
    tenants,
  };
  if (registryRef.kind === 'acr-id' && registry) {
    const registryId = idOf(registryRef.subscriptionId, registryRef.resourceGroup, 'Microsoft.ContainerRegistry/registries', registryRef.name);
    const locator = { ...locatorFromRef(registryId, registryRef), ...(registry.state === 'ok' ? { loginServer: registry.value.loginServer } : {}) };
    resolution.registryLookup = ok({ candidates: [locator], searched: 'the ARM resource id given', truncated: false });
    resolution.registry = { locator, read: registry, ...(registry.state === 'ok' ? { hint: registry.value } : {}) };
  }
  return resolution;
}

export function readCluster(
  clients: AzureClients,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  options: ResolveOptions,
): Promise<Read<ClusterFacts>> {
  return readArm<ManagedCluster, ClusterFacts>(
    { what: `cluster ${resourceGroup}/${name}`, needs: CLUSTER_READ, ...options },
    (abortSignal) => clients.containerService(subscriptionId).managedClusters.get(resourceGroup, name, { abortSignal }),
    clusterFactsFromSdk,
  );
}

export function readRegistry(
  clients: AzureClients,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  options: ResolveOptions,
  tenantId?: string,
): Promise<Read<RegistryFacts>> {
  return readArm<Registry, RegistryFacts>(
    { what: `registry ${name}`, needs: REGISTRY_READ, ...options },
    (abortSignal) => clients.containerRegistry(subscriptionId).registries.get(resourceGroup, name, { abortSignal }),
    (reg) => registryFactsFromSdk(reg, tenantId),
  );
}

function idOf(subscriptionId: string, resourceGroup: string, type: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${name}`;
}

function locatorFromRef(id: string, ref: { subscriptionId: string; resourceGroup: string; name: string }): ResourceLocator {
  return { id, name: ref.name, subscriptionId: ref.subscriptionId.toLowerCase(), resourceGroup: ref.resourceGroup };
}

// ---------------------------------------------------------------------------------------------
// Searching

/** Rows found by either search, already mapped to facts (a row that cannot be mapped is dropped, not fatal). */
interface SearchResult {
  state: 'ok';
  clusters: ClusterFacts[];
  registries: { facts: RegistryFacts; tenantId?: string }[];
  /** Only from Resource Graph: identities named like the cluster's kubelet identity. */
  identities?: PrincipalFact[];
  tenants: Map<string, string>;
  searched: string;
  truncated: boolean;
}

type SearchRead = SearchResult | { state: 'failed'; failure: Extract<Read<never>, { state: 'failed' }>['failure'] };

/** The one Resource Graph query for both sides. Exported for tests of its text. */
export function resourceGraphQuery(target: Target): string | undefined {
  const clauses: string[] = [];
  const cluster = target.cluster;
  if (!isResourceName(cluster.name)) return undefined;
  clauses.push(`(type =~ 'microsoft.managedidentity/userassignedidentities' and name =~ ${quoteLiteral(`${cluster.name}-agentpool`)})`);
  if (cluster.kind === 'name') {
    if (cluster.resourceGroup !== undefined && !isResourceGroupName(cluster.resourceGroup)) return undefined;
    const rg = cluster.resourceGroup ? ` and resourceGroup =~ ${quoteLiteral(cluster.resourceGroup)}` : '';
    clauses.push(`(type =~ 'microsoft.containerservice/managedclusters' and name =~ ${quoteLiteral(cluster.name)}${rg})`);
  } else {
    const id = idOf(cluster.subscriptionId, cluster.resourceGroup, 'Microsoft.ContainerService/managedClusters', cluster.name);
    if (!parseArmId(id)) return undefined;
    clauses.push(`(type =~ 'microsoft.containerservice/managedclusters' and id =~ ${quoteLiteral(id)})`);
  }
  const registry = target.registry;
  if (registry.kind === 'acr-name') {
    if (!isResourceName(registry.name)) return undefined;
    clauses.push(`(type =~ 'microsoft.containerregistry/registries' and name =~ ${quoteLiteral(registry.name)})`);
  } else if (registry.kind === 'acr-host') {
    if (!/^[a-z0-9.-]+$/.test(registry.loginServer) || !/^[a-z0-9.-]+$/.test(registry.host)) return undefined;
    const dataHost =
      registry.host !== registry.loginServer ? ` or tostring(properties.dataEndpointHostNames) contains ${quoteLiteral(registry.host)}` : '';
    clauses.push(
      `(type =~ 'microsoft.containerregistry/registries' and (tostring(properties.loginServer) =~ ${quoteLiteral(registry.loginServer)}${dataHost}))`,
    );
  } else if (registry.kind === 'acr-id') {
    const id = idOf(registry.subscriptionId, registry.resourceGroup, 'Microsoft.ContainerRegistry/registries', registry.name);
    if (!parseArmId(id)) return undefined;
    clauses.push(`(type =~ 'microsoft.containerregistry/registries' and id =~ ${quoteLiteral(id)})`);
  }
  return (
    `resources | where ${clauses.join(' or ')}` +
    ' | project id, name, type, subscriptionId, resourceGroup, location, tenantId, sku, identity, properties'
  );
}

/** quoteLiteral refuses values no validation should have let through; treat that like an invalid name. */
function safely(build: () => string | undefined): string | undefined {
  try {
    return build();
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

async function searchResourceGraph(target: Target, clients: AzureClients, options: ResolveOptions): Promise<SearchRead> {
  const query = safely(() => resourceGraphQuery(target));
  if (!query) {
    return { state: 'failed', failure: { kind: 'error', message: 'The cluster or registry name is not a valid Azure resource name.' } };
  }
  const spec: ReadSpec = { what: 'Resource Graph (to find the cluster and registry)', needs: GRAPH_READ, ...options };
  const read = await readArm(spec, (abortSignal) => queryAllPages(clients, query, { top: 100, maxPages: 5, abortSignal }));
  if (read.state !== 'ok') return read.state === 'failed' ? read : { state: 'failed', failure: { kind: 'error', message: read.reason } };
  const data = read.value.data;
  const result: SearchResult = {
    state: 'ok',
    clusters: [],
    registries: [],
    identities: [],
    tenants: new Map(),
    searched: 'every subscription visible to the bot (Resource Graph)',
    truncated: read.value.truncated,
  };
  for (const raw of data) {
    const row = obj(raw);
    const type = str(row.type)?.toLowerCase();
    const subscriptionId = str(row.subscriptionId)?.toLowerCase();
    const tenantId = str(row.tenantId)?.toLowerCase();
    if (subscriptionId && tenantId) result.tenants.set(subscriptionId, tenantId);
    try {
      if (type === 'microsoft.containerservice/managedclusters') result.clusters.push(clusterFactsFromRow(row));
      else if (type === 'microsoft.containerregistry/registries') result.registries.push({ facts: registryFactsFromRow(row), tenantId });
      else if (type === 'microsoft.managedidentity/userassignedidentities') {
        const principalId = str(obj(row.properties).principalId)?.toLowerCase();
        const id = str(row.id);
        if (principalId && id) result.identities?.push({ principalId, displayName: str(row.name), resourceId: id });
      }
    } catch {
      // A row we cannot read is left out; the GET of round 2 (or the lookup's count) tells the rest.
    }
  }
  return result;
}

/** Fallback without Resource Graph: GET /subscriptions, then list clusters / registries in each. */
async function searchSubscriptions(target: Target, clients: AzureClients, options: ResolveOptions, graphFailure: SearchRead): Promise<SearchRead> {
  const subs = await readArm(
    { what: 'the subscriptions visible to the bot', needs: 'Reader on at least one subscription', ...options },
    (abortSignal) => collect(clients.subscriptions().subscriptions.list({ abortSignal })),
  );
  if (subs.state !== 'ok') {
    const reason = graphFailure.state === 'failed' ? graphFailure.failure.message : '';
    return subs.state === 'failed'
      ? { state: 'failed', failure: { ...subs.failure, message: `${reason} ${subs.failure.message}`.trim() } }
      : { state: 'failed', failure: { kind: 'error', message: subs.reason } };
  }
  const result: SearchResult = {
    state: 'ok',
    clusters: [],
    registries: [],
    tenants: new Map(),
    searched: `${subs.value.length} subscription${subs.value.length === 1 ? '' : 's'} (listed one by one; Resource Graph was not available)`,
    truncated: false,
  };
  const unreadable: string[] = [];
  const work: Promise<void>[] = [];
  for (const sub of subs.value) {
    const subscriptionId = sub.subscriptionId?.toLowerCase();
    if (!subscriptionId) continue;
    if (sub.tenantId) result.tenants.set(subscriptionId, sub.tenantId.toLowerCase());
    const unlisted = () => void unreadable.push(subscriptionId);
    if (target.cluster.kind === 'name') {
      const ref = target.cluster;
      const list = readArm({ what: `clusters in subscription ${subscriptionId}`, needs: CLUSTER_READ, ...options }, (abortSignal) =>
        collect(clients.containerService(subscriptionId).managedClusters.list({ abortSignal })),
      );
      const pick = (mc: ManagedCluster): ClusterFacts | undefined => {
        if (mc.name?.toLowerCase() !== ref.name.toLowerCase()) return undefined;
        const facts = clusterFactsFromSdk(mc);
        return !ref.resourceGroup || facts.resourceGroup.toLowerCase() === ref.resourceGroup.toLowerCase() ? facts : undefined;
      };
      work.push(picked(list, pick, unlisted).then((found) => void result.clusters.push(...found)));
    }
    if (target.registry.kind === 'acr-name' || target.registry.kind === 'acr-host') {
      const ref = target.registry;
      const tenantId = sub.tenantId?.toLowerCase();
      const list = readArm({ what: `registries in subscription ${subscriptionId}`, needs: REGISTRY_READ, ...options }, (abortSignal) =>
        collect(clients.containerRegistry(subscriptionId).registries.list({ abortSignal })),
      );
      const pick = (reg: Registry): { facts: RegistryFacts; tenantId?: string } | undefined => {
        const facts = registryFactsFromSdk(reg, tenantId);
        return registryMatches(ref, facts) ? { facts, tenantId } : undefined;
      };
      work.push(picked(list, pick, unlisted).then((found) => void result.registries.push(...found)));
    }
  }
  await Promise.all(work);
  if (unreadable.length > 0) result.searched += `; ${new Set(unreadable).size} of them could not be listed`;
  return result;
}

/** The entries of one subscription's list that `pick` keeps; a list that could not be read is reported, an entry that cannot be mapped is left out. */
async function picked<T, F>(list: Promise<Read<T[]>>, pick: (item: T) => F | undefined, unlisted: () => void): Promise<F[]> {
  const read = await list;
  if (read.state !== 'ok') {
    unlisted();
    return [];
  }
  return read.value.flatMap((item) => {
    try {
      const facts = pick(item);
      return facts === undefined ? [] : [facts];
    } catch {
      return [];
    }
  });
}

/** A host names this registry when the registry answers on it (login server or data endpoint), as everywhere else. */
function registryMatches(ref: RegistryRef, facts: RegistryFacts): boolean {
  if (ref.kind === 'acr-name') return facts.name.toLowerCase() === ref.name.toLowerCase();
  if (ref.kind === 'acr-host') {
    const hosts = hostsOfRegistry(facts);
    return servedBy(ref.loginServer, hosts) || servedBy(ref.host, hosts);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Choosing

function preferSubscription<T extends { subscriptionId: string }>(items: T[], preferred: string | undefined): T[] {
  if (items.length <= 1 || !preferred) return items;
  const inPreferred = items.filter((i) => i.subscriptionId.toLowerCase() === preferred);
  return inPreferred.length > 0 ? inPreferred : items;
}

function pickCluster(
  ref: ClusterRef,
  search: SearchRead,
  preferred: string | undefined,
  tenants: Map<string, string>,
): Pick<Resolution, 'clusterLookup' | 'cluster'> {
  if (search.state === 'ok') for (const [s, t] of search.tenants) tenants.set(s, t);
  if (ref.kind === 'id') {
    // The id is authoritative; a row (if Resource Graph had one) only saves waiting for the GET.
    const id = idOf(ref.subscriptionId, ref.resourceGroup, 'Microsoft.ContainerService/managedClusters', ref.name);
    const hint = search.state === 'ok' ? search.clusters.find((c) => c.id.toLowerCase() === id.toLowerCase()) : undefined;
    const locator = locatorFromRef(id, ref);
    return {
      clusterLookup: ok({ candidates: [locator], searched: 'the ARM resource id given', truncated: false }),
      cluster: { locator, ...(hint ? { hint } : {}) },
    };
  }
  if (search.state === 'failed') return { clusterLookup: failed(search.failure) };
  const matches = preferSubscription(search.clusters, preferred);
  const candidates = matches.map((c): ResourceLocator => ({
    id: c.id,
    name: c.name,
    subscriptionId: c.subscriptionId,
    resourceGroup: c.resourceGroup,
    location: c.location,
    ...(tenants.get(c.subscriptionId) ? { tenantId: tenants.get(c.subscriptionId) } : {}),
  }));
  const searched = matches.length < search.clusters.length ? `${search.searched}; preferred subscription ${preferred}` : search.searched;
  return {
    clusterLookup: ok({ candidates, searched, truncated: search.truncated }),
    ...(matches.length === 1 ? { cluster: { locator: candidates[0]!, hint: matches[0]! } } : {}),
  };
}

function pickRegistry(
  ref: RegistryRef,
  search: SearchRead,
  preferred: string | undefined,
  tenants: Map<string, string>,
): Pick<Resolution, 'registryLookup' | 'registry'> {
  if (ref.kind === 'external') return { registryLookup: skipped(`${ref.host} is not an Azure Container Registry`, 'not-applicable') };
  if (ref.kind === 'acr-id') {
    const id = idOf(ref.subscriptionId, ref.resourceGroup, 'Microsoft.ContainerRegistry/registries', ref.name);
    const row = search.state === 'ok' ? search.registries.find((r) => r.facts.id.toLowerCase() === id.toLowerCase()) : undefined;
    const locator = { ...locatorFromRef(id, ref), ...(row ? { loginServer: row.facts.loginServer, tenantId: row.tenantId } : {}) };
    return {
      registryLookup: ok({ candidates: [locator], searched: 'the ARM resource id given', truncated: false }),
      registry: { locator, ...(row ? { hint: row.facts } : {}) },
    };
  }
  if (search.state === 'failed') return { registryLookup: failed(search.failure) };
  // Resource Graph's `contains` is a substring match (myacr.… also finds xmyacr.…): keep whole names only.
  const exact = search.registries.filter((r) => answersFor(ref, r.facts));
  const matches = preferSubscription(
    exact.map((r) => ({ ...r, subscriptionId: r.facts.subscriptionId })),
    preferred,
  );
  const candidates = matches.map((r): ResourceLocator => ({
    id: r.facts.id,
    name: r.facts.name,
    subscriptionId: r.facts.subscriptionId,
    resourceGroup: r.facts.resourceGroup,
    location: r.facts.location,
    loginServer: r.facts.loginServer,
    ...((r.tenantId ?? tenants.get(r.facts.subscriptionId)) ? { tenantId: r.tenantId ?? tenants.get(r.facts.subscriptionId) } : {}),
  }));
  const searched = matches.length < exact.length ? `${search.searched}; preferred subscription ${preferred}` : search.searched;
  return {
    registryLookup: ok({ candidates, searched, truncated: search.truncated }),
    ...(matches.length === 1 ? { registry: { locator: candidates[0]!, hint: matches[0]!.facts } } : {}),
  };
}

/** The registry answers on the host (login server or one of its data endpoints) or has the name, compared whole. */
function answersFor(ref: Extract<RegistryRef, { kind: 'acr-name' | 'acr-host' }>, registry: RegistryFacts): boolean {
  if (ref.kind === 'acr-name') return registry.name.toLowerCase() === ref.name.toLowerCase();
  const host = ref.host.toLowerCase();
  return registry.loginServer.toLowerCase() === ref.loginServer.toLowerCase() || registry.dataEndpointHostNames.some((h) => h.toLowerCase() === host);
}
