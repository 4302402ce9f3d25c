/**
 * Network causes (docs/domain.md#cause-inventory: 403s, timeouts, TLS interception, egress and data endpoints): the kubelet holds
 * AcrPull in every one of these, so authorisation passes and the network is what a triage must name.
 */
import type { ArmResource, Scenario } from '../scenario';
import {
  type ClusterBundle,
  type RegistryBundle,
  type VnetBundle,
  armId,
  managedCluster,
  PRIVATELINK_ACR_ZONE,
  privateDnsZone,
  privateDnsZoneId,
  privateEndpoint,
  privateEndpointId,
  pullErrors,
  registry,
  routeTable,
  vnet,
} from './builders';
import { ACRDEMO, kubeletGrant, pullScenario, shopContent } from './compose';
import { LOCATION, SUBS } from './estate';

function firewall(): Scenario {
  const cluster = managedCluster({ name: 'aks-firewall' });
  const reg = registry({ name: 'acrfirewalled', ipRules: ['20.50.1.0/24', '40.113.22.9'], content: shopContent() });
  const image = 'acrfirewalled.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name: 'aks-firewall',
    description: `acrfirewalled allows only selected networks (20.50.1.0/24, 40.113.22.9); the cluster egresses from ${cluster.egressIp}.`,
    target: { cluster: 'aks-firewall', registry: 'acrfirewalled.azurecr.io' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.firewallDenied(image, cluster.egressIp ?? '') }],
    expect: {
      verdict: 'problems',
      statuses: { 'rbac.pull-role': 'pass', 'network.public-access': 'pass', 'network.ip-rules': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function publicDisabled(): Scenario {
  const cluster = managedCluster({ name: 'aks-public-disabled' });
  const reg = registry({ name: 'acrnopublic', publicNetworkAccess: 'Disabled', content: shopContent() });
  const image = 'acrnopublic.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name: 'aks-public-disabled',
    description: 'acrnopublic has public network access Disabled and no private endpoint at all: every pull is refused with 403.',
    target: { cluster: 'aks-public-disabled', registry: 'acrnopublic' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.forbidden(image) }],
    expect: {
      verdict: 'problems',
      statuses: { 'rbac.pull-role': 'pass', 'network.public-access': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

/** A spoke VNet for a BYO-VNet cluster: node subnet plus (optionally) a private-endpoint subnet. */
function spoke(name: string, octet: number, extra: Partial<Parameters<typeof vnet>[0]> = {}): VnetBundle {
  return vnet({
    name: `vnet-${name}`,
    rg: `rg-${name}`,
    sub: SUBS.apps,
    prefix: `10.${octet}.0.0/16`,
    subnets: [
      { name: 'aks-nodes', prefix: `10.${octet}.0.0/20` },
      { name: 'private-endpoints', prefix: `10.${octet}.16.0/24` },
    ],
    ...extra,
  });
}

/** A private-only registry with one endpoint and a DNS zone holding its records. */
function privateRegistry(o: {
  registryName: string;
  peName: string;
  peRg: string;
  peSubnetId: string;
  status: string;
  ips: string[];
  zoneRg: string;
  zoneLinks: { name: string; vnetId: string }[];
  /** Put the data endpoint's record in its own <region>.data.privatelink.azurecr.io zone, as Microsoft Learn now documents. */
  dataZone?: boolean;
}): { reg: RegistryBundle; network: ReturnType<typeof privateEndpoint> } {
  const peId = privateEndpointId(o.peName, o.peRg);
  const reg = registry({
    name: o.registryName,
    publicNetworkAccess: 'Disabled',
    privateEndpointConnections: [
      { privateEndpointId: peId, status: o.status, ...(o.status === 'Pending' ? { description: 'Requested by the platform team (CHG-4411)' } : {}) },
    ],
    content: shopContent(),
  });
  const zoneId = privateDnsZoneId(o.zoneRg);
  const pe = privateEndpoint({ name: o.peName, rg: o.peRg, subnetId: o.peSubnetId, registry: reg, ips: o.ips, status: o.status, dnsZoneId: zoneId });
  const zone = privateDnsZone({
    rg: o.zoneRg,
    links: o.zoneLinks,
    records: [{ name: o.registryName, ip: o.ips[0] }, ...(o.dataZone ? [] : [{ name: `${o.registryName}.${LOCATION}.data`, ip: o.ips[1] }])],
  });
  const dataZone = o.dataZone
    ? privateDnsZone({
        rg: o.zoneRg,
        name: `${LOCATION}.data.${PRIVATELINK_ACR_ZONE}`,
        links: o.zoneLinks,
        records: [{ name: o.registryName, ip: o.ips[1] }],
      })
    : [];
  return { reg, network: [...pe, ...zone, ...dataZone] };
}

function dnsDataZone(): Scenario {
  const name = 'aks-dns-data-zone';
  const net = spoke(name, 33);
  const { reg, network } = privateRegistry({
    registryName: 'acrdatazone',
    peName: 'pe-acrdatazone',
    peRg: `rg-${name}`,
    peSubnetId: net.subnetId('private-endpoints'),
    status: 'Approved',
    ips: ['10.33.16.4', '10.33.16.5'],
    zoneRg: `rg-${name}`,
    zoneLinks: [{ name: `link-vnet-${name}`, vnetId: net.id }],
    dataZone: true,
  });
  const cluster = managedCluster({ name, vnetSubnetId: net.subnetId('aks-nodes') });
  return pullScenario({
    name,
    description:
      'Healthy private registry whose data endpoint record lives in its own zone westeurope.data.privatelink.azurecr.io (both zones linked): not a missing record in privatelink.azurecr.io.',
    target: { cluster: name, registry: 'acrdatazone' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image: 'acrdatazone.azurecr.io/shop/api:1.4.2' }],
    world: { resources: [...net.resources, ...network] },
    expect: { verdict: 'healthy', statuses: { 'network.private-endpoint': 'pass', 'network.private-dns': 'pass', 'network.data-endpoints': 'pass' } },
  });
}

function peUnapproved(): Scenario {
  const name = 'aks-pe-unapproved';
  const net = spoke(name, 30);
  const { reg, network } = privateRegistry({
    registryName: 'acrpending',
    peName: 'pe-acrpending',
    peRg: `rg-${name}`,
    peSubnetId: net.subnetId('private-endpoints'),
    status: 'Pending',
    ips: ['10.30.16.4', '10.30.16.5'],
    zoneRg: `rg-${name}`,
    zoneLinks: [{ name: `link-vnet-${name}`, vnetId: net.id }],
  });
  const cluster = managedCluster({ name, vnetSubnetId: net.subnetId('aks-nodes') });
  const image = 'acrpending.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description: "acrpending is private-only; its private endpoint in the cluster's VNet is still Pending approval, so connections time out.",
    target: { cluster: name, registry: 'acrpending.azurecr.io' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.timeout(image, '10.30.16.4') }],
    world: { resources: [...net.resources, ...network] },
    expect: {
      verdict: 'problems',
      statuses: { 'rbac.pull-role': 'pass', 'network.private-endpoint': 'fail', 'network.public-access': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function dnsUnlinked(): Scenario {
  const name = 'aks-dns-unlinked';
  const net = spoke(name, 31);
  const jumpbox = vnet({
    name: 'vnet-jumpbox',
    rg: `rg-${name}`,
    sub: SUBS.apps,
    prefix: '10.131.0.0/24',
    subnets: [{ name: 'default', prefix: '10.131.0.0/24' }],
  });
  const { reg, network } = privateRegistry({
    registryName: 'acrprivate',
    peName: 'pe-acrprivate',
    peRg: `rg-${name}`,
    peSubnetId: net.subnetId('private-endpoints'),
    status: 'Approved',
    ips: ['10.31.16.4', '10.31.16.5'],
    zoneRg: `rg-${name}`,
    // Only the jumpbox VNet was linked: from there everything works, from the nodes the name resolves to the public IP.
    zoneLinks: [{ name: 'link-vnet-jumpbox', vnetId: jumpbox.id }],
  });
  const cluster = managedCluster({ name, vnetSubnetId: net.subnetId('aks-nodes') });
  const image = 'acrprivate.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description:
      "acrprivate's approved private endpoint is in the cluster VNet, but privatelink.azurecr.io is linked only to vnet-jumpbox: nodes resolve the public IP and get 403.",
    target: { cluster: name, registry: 'acrprivate' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.forbidden(image) }],
    world: { resources: [...net.resources, ...jumpbox.resources, ...network] },
    expect: {
      verdict: 'problems',
      statuses: {
        'rbac.pull-role': 'pass',
        'network.public-access': 'pass',
        'network.private-endpoint': 'pass',
        'network.private-dns': 'fail',
        'pods.pull-errors': 'fail',
      },
    },
  });
}

function peeringBroken(): Scenario {
  const name = 'aks-peering-broken';
  const hubRg = `rg-${name}-hub`;
  const hubId = armId(SUBS.apps, hubRg, 'Microsoft.Network', 'virtualNetworks', 'vnet-hub');
  const net = vnet({
    name: `vnet-${name}`,
    rg: `rg-${name}`,
    sub: SUBS.apps,
    prefix: '10.32.0.0/16',
    subnets: [{ name: 'aks-nodes', prefix: '10.32.0.0/20' }],
    // The hub side of the peering was deleted when the hub was rebuilt; the spoke side is left Disconnected.
    peerings: [{ name: `${name}-to-hub`, remoteVnetId: hubId, remotePrefix: '10.100.0.0/16', state: 'Disconnected' }],
  });
  const hub = vnet({
    name: 'vnet-hub',
    rg: hubRg,
    sub: SUBS.apps,
    prefix: '10.100.0.0/16',
    subnets: [
      { name: 'AzureFirewallSubnet', prefix: '10.100.0.0/26' },
      { name: 'private-endpoints', prefix: '10.100.1.0/24' },
    ],
  });
  const { reg, network } = privateRegistry({
    registryName: 'acrhub',
    peName: 'pe-acrhub',
    peRg: hubRg,
    peSubnetId: hub.subnetId('private-endpoints'),
    status: 'Approved',
    ips: ['10.100.1.5', '10.100.1.6'],
    zoneRg: hubRg,
    zoneLinks: [
      { name: 'link-vnet-hub', vnetId: hub.id },
      { name: `link-vnet-${name}`, vnetId: net.id },
    ],
  });
  const cluster = managedCluster({ name, vnetSubnetId: net.subnetId('aks-nodes') });
  const image = 'acrhub.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description: "acrhub's private endpoint sits in vnet-hub; the cluster VNet's peering to the hub is Disconnected, so pulls time out.",
    target: { cluster: name, registry: 'acrhub.azurecr.io' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.timeout(image, '10.100.1.5') }],
    world: { resources: [...net.resources, ...hub.resources, ...network] },
    expect: {
      verdict: 'problems',
      statuses: { 'rbac.pull-role': 'pass', 'network.private-dns': 'pass', 'network.private-endpoint': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

/** A cluster whose default route goes to a hub firewall (outboundType userDefinedRouting). */
function udrCluster(name: string, octet: number): { cluster: ClusterBundle; resources: ArmResource[] } {
  const rt = routeTable({
    name: `rt-${name}`,
    rg: `rg-${name}`,
    sub: SUBS.apps,
    routes: [{ name: 'default-via-hub-firewall', prefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIp: '10.100.0.4' }],
  });
  const net = vnet({
    name: `vnet-${name}`,
    rg: `rg-${name}`,
    sub: SUBS.apps,
    prefix: `10.${octet}.0.0/16`,
    subnets: [{ name: 'aks-nodes', prefix: `10.${octet}.0.0/20`, routeTableId: rt.id }],
  });
  const cluster = managedCluster({ name, outboundType: 'userDefinedRouting', vnetSubnetId: net.subnetId('aks-nodes') });
  return { cluster, resources: [rt, ...net.resources] };
}

function udrEgress(): Scenario {
  const name = 'aks-udr-egress';
  const { cluster, resources } = udrCluster(name, 33);
  const image = 'acrdemo.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description: 'Egress goes through a hub firewall (UDR 0.0.0.0/0 → 10.100.0.4) that does not allow acrdemo.azurecr.io: TLS handshake timeouts.',
    target: { cluster: name, registry: image },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.tlsTimeout(image) }],
    world: { resources },
    expect: {
      verdict: 'problems',
      // ARM alone could only warn about the route; the pods' TLS handshake timeouts prove the egress path fails.
      statuses: { 'rbac.pull-role': 'pass', 'network.egress-path': 'fail', 'pods.pull-errors': 'fail' },
    },
  });
}

function dataEndpointBlocked(): Scenario {
  const name = 'aks-data-endpoint-blocked';
  const { cluster, resources } = udrCluster(name, 34);
  const reg = registry({ name: 'acrdataep', dataEndpoints: true, content: shopContent() });
  const image = 'acrdataep.azurecr.io/shop/api:1.4.2';
  return pullScenario({
    name,
    description: `The hub firewall allows acrdataep.azurecr.io but not its data endpoint ${reg.dataHosts[0]}: manifests resolve, layer downloads end in EOF.`,
    target: { cluster: name, registry: 'acrdataep' },
    cluster,
    registries: [reg],
    grants: [kubeletGrant(cluster, reg)],
    workloads: [{ ns: 'shop', app: 'api', image, error: pullErrors.blobEof(image, reg.dataHosts[0]) }],
    world: { resources },
    expect: {
      verdict: 'problems',
      // The EOF on the data host proves the data endpoint is blocked; the route alone only earns a warning.
      statuses: { 'rbac.pull-role': 'pass', 'network.data-endpoints': 'fail', 'network.egress-path': 'warn', 'pods.pull-errors': 'fail' },
    },
  });
}

export const NETWORK_SCENARIOS: readonly Scenario[] = [
  firewall(),
  publicDisabled(),
  peUnapproved(),
  dnsUnlinked(),
  dnsDataZone(),
  peeringBroken(),
  udrEgress(),
  dataEndpointBlocked(),
];
