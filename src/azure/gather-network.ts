/**
 * Evidence family "network": the node scale sets, egress IPs, the registry's private endpoints, the cluster's
 * VNets and subnets, and the private DNS zones, each started as soon as the cluster or registry it needs is known.
 */
import type { VirtualMachineScaleSet } from '@azure/arm-compute';
import {
  failed,
  ok,
  skipped,
  type ClusterFacts,
  type EgressIpFact,
  type NetworkEvidence,
  type PrivateDnsZoneFact,
  type PrivateEndpointFact,
  type Read,
  type RegistryFacts,
  type SubnetFact,
  type VmssFact,
  type VnetFact,
} from '../triage/evidence';
import { privateLinkZoneFor } from '../triage/acr-hosts';
import type { AzureClients } from './clients';
import { parseArmId, parseTypedId, quoteLiteral } from './arm-id';
import { egressIpFromAddress, egressIpFromPrefix, privateEndpointFact, str, subnetFacts, vmssFact, vnetFact, vnetIdOfSubnet } from './facts';
import { allOk, CLUSTER_NOT_READ, graphQuery, NO_PRIVATE_ENDPOINTS, REGISTRY_NOT_READ, type Spec } from './gather-shared';
import { collect, readArm } from './read';

export interface NetworkInputs {
  clients: AzureClients;
  spec: Spec;
  /** The cluster as first known (search row or GET). */
  cluster: Promise<ClusterFacts | undefined>;
  registry: Promise<RegistryFacts | undefined>;
}

export interface NetworkGathered {
  vmss: Promise<Read<VmssFact[]>>;
  network: Promise<NetworkEvidence>;
}

export function gatherNetwork({ clients, spec, cluster, registry }: NetworkInputs): NetworkGathered {
  const vmss = cluster.then((c) => vmssRead(clients, c, spec));
  const egressIps = cluster.then((c) => egressRead(clients, c, spec));
  const privateEndpoints = registry.then((r) => privateEndpointsRead(clients, r, spec));
  const vnets = Promise.all([cluster, registry]).then(([c, r]) => clusterVnetsRead(clients, c, r, spec));
  const privateDnsZones = registry.then((r) => privateDnsRead(clients, r, spec));
  const network = Promise.all([egressIps, privateEndpoints, vnets, privateDnsZones]).then(([egress, pe, v, dns]) => ({
    egressIps: egress,
    privateEndpoints: pe,
    clusterVnets: v.vnets,
    clusterSubnets: v.subnets,
    privateDnsZones: dns,
  }));
  return { vmss, network };
}

function vmssRead(clients: AzureClients, cluster: ClusterFacts | undefined, spec: Spec): Promise<Read<VmssFact[]>> {
  if (!cluster) return Promise.resolve(skipped(CLUSTER_NOT_READ, 'missing-input'));
  const nodeRg = cluster.nodeResourceGroup;
  if (
    !nodeRg ||
    !parseArmId(`/subscriptions/${cluster.subscriptionId}/resourceGroups/${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/x`)
  ) {
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
        return readArm(
          { ...spec, what, needs },
          (abortSignal) => clients.network(ip.subscriptionId).publicIPAddresses.get(ip.resourceGroup, ip.name, { abortSignal }),
          (r) => egressIpFromAddress(r, id),
        );
      }
      if (prefix) {
        return readArm(
          { ...spec, what, needs },
          (abortSignal) => clients.network(prefix.subscriptionId).publicIPPrefixes.get(prefix.resourceGroup, prefix.name, { abortSignal }),
          (r) => egressIpFromPrefix(r, id),
        );
      }
      return failed({ kind: 'malformed', message: `The cluster names an outbound IP that is not a public IP or prefix id: ${id}` });
    }),
  );
  return allOk(reads);
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
  const customEgress =
    outbound === 'userDefinedRouting' || outbound === 'userAssignedNATGateway' || outbound === 'none' || cluster.network.httpProxy !== undefined;
  if (!privateEndpoint && !customEgress) {
    return both(
      skipped(
        `not needed: the registry has no private endpoint and the cluster egresses through its ${outbound ?? 'default'} outbound`,
        'not-applicable',
      ),
    );
  }
  const subnetIds = [...new Set(cluster.agentPools.map((p) => p.vnetSubnetId).filter((s): s is string => s !== undefined))];
  const vnetIds = [
    ...new Set(
      subnetIds
        .map((s) => vnetIdOfSubnet(s))
        .filter((v): v is string => v !== undefined)
        .map((v) => v),
    ),
  ];
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
    const subnets = read.value.flatMap((v) =>
      subnetFacts(
        v,
        (v.subnets ?? []).map((s) => s.id ?? ''),
      ),
    );
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
  // Data endpoints resolve in their own zone, <region>.data.privatelink.azurecr.io, when one is linked.
  const regions = new Set(
    [registry.location, ...registry.dataEndpointHostNames.map((h) => h.toLowerCase().split('.')[1])].filter((r): r is string => !!r),
  );
  const names = [zoneName, ...[...regions].map((r) => `${r.toLowerCase()}.data.${zoneName}`)];
  const zones = await graphQuery(
    clients,
    `resources | where type =~ 'microsoft.network/privatednszones' and name in~ (${names.map(quoteLiteral).join(', ')}) | project id, name, subscriptionId, resourceGroup`,
    { ...spec, what: `private DNS zones ${names.join(', ')} (Resource Graph)`, needs: `Reader on the subscription holding the ${zoneName} zone` },
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
        aRecords: records.value.map((r) => ({
          name: r.name ?? '',
          ipv4Addresses: (r.aRecords ?? []).map((a) => a.ipv4Address ?? '').filter((a) => a !== ''),
        })),
      });
    }),
  );
  return allOk(reads);
}
