/**
 * Scenario builders for the network side — VNets, subnets, peerings, route tables, public IPs — and the
 * container registry with its private endpoints and private DNS, in REST wire form. See builders.ts.
 */
import type { ArmResource, RegistryContent } from '../scenario';
import { guid, hex } from './ids';
import { LOCATION, REGISTRY_RG, SUBS, TIMES, subscriptionInfo } from './estate';
import { armId } from './identity-builders';

// ---------------------------------------------------------------------------------------------
// Network

export interface VnetBundle {
  id: string;
  name: string;
  resources: ArmResource[];
  subnetId(name: string): string;
}

export interface SubnetSpec {
  name: string;
  prefix: string;
  routeTableId?: string;
  networkSecurityGroupId?: string;
}

export interface PeeringSpec {
  name: string;
  remoteVnetId: string;
  remotePrefix: string;
  /** Connected | Disconnected | Initiated */
  state: string;
}

export function subnet(vnetId: string, s: SubnetSpec): ArmResource {
  return {
    id: `${vnetId}/subnets/${s.name}`,
    name: s.name,
    type: 'Microsoft.Network/virtualNetworks/subnets',
    properties: {
      provisioningState: 'Succeeded',
      addressPrefix: s.prefix,
      ...(s.routeTableId ? { routeTable: { id: s.routeTableId } } : {}),
      ...(s.networkSecurityGroupId ? { networkSecurityGroup: { id: s.networkSecurityGroupId } } : {}),
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

function peering(vnetId: string, p: PeeringSpec): ArmResource {
  return {
    id: `${vnetId}/virtualNetworkPeerings/${p.name}`,
    name: p.name,
    type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
    properties: {
      provisioningState: 'Succeeded',
      peeringState: p.state,
      peeringSyncLevel: p.state === 'Connected' ? 'FullyInSync' : 'RemoteNotInSync',
      remoteVirtualNetwork: { id: p.remoteVnetId },
      remoteAddressSpace: { addressPrefixes: [p.remotePrefix] },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    },
  };
}

/** A VNet with its subnets and peerings inline (as GET returns it) and also as child resources (as their own GETs return them). */
export function vnet(o: {
  name: string;
  rg: string;
  sub: string;
  prefix: string;
  subnets: SubnetSpec[];
  peerings?: PeeringSpec[];
  dnsServers?: string[];
  tags?: Record<string, string>;
}): VnetBundle {
  const id = armId(o.sub, o.rg, 'Microsoft.Network', 'virtualNetworks', o.name);
  const subnets = o.subnets.map((s) => subnet(id, s));
  const peerings = (o.peerings ?? []).map((p) => peering(id, p));
  const resource: ArmResource = {
    id,
    name: o.name,
    type: 'Microsoft.Network/virtualNetworks',
    location: LOCATION,
    ...(o.tags ? { tags: o.tags } : {}),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: guid('vnet-guid', id.toLowerCase()),
      addressSpace: { addressPrefixes: [o.prefix] },
      dhcpOptions: { dnsServers: o.dnsServers ?? [] },
      subnets,
      virtualNetworkPeerings: peerings,
      enableDdosProtection: false,
    },
  };
  return {
    id,
    name: o.name,
    resources: [resource, ...subnets, ...peerings],
    subnetId: (name) => {
      if (!o.subnets.some((s) => s.name === name)) throw new Error(`VNet ${o.name} has no subnet ${name}`);
      return `${id}/subnets/${name}`;
    },
  };
}

export function routeTable(o: {
  name: string;
  rg: string;
  sub: string;
  routes: { name: string; prefix: string; nextHopType: string; nextHopIp?: string }[];
}): ArmResource {
  const id = armId(o.sub, o.rg, 'Microsoft.Network', 'routeTables', o.name);
  return {
    id,
    name: o.name,
    type: 'Microsoft.Network/routeTables',
    location: LOCATION,
    properties: {
      provisioningState: 'Succeeded',
      disableBgpRoutePropagation: true,
      routes: o.routes.map((r) => ({
        id: `${id}/routes/${r.name}`,
        name: r.name,
        type: 'Microsoft.Network/routeTables/routes',
        properties: {
          provisioningState: 'Succeeded',
          addressPrefix: r.prefix,
          nextHopType: r.nextHopType,
          ...(r.nextHopIp ? { nextHopIpAddress: r.nextHopIp } : {}),
        },
      })),
    },
  };
}

export function publicIp(o: { name: string; rg: string; sub: string; ipAddress: string; tags?: Record<string, string> }): ArmResource {
  return {
    id: armId(o.sub, o.rg, 'Microsoft.Network', 'publicIPAddresses', o.name),
    name: o.name,
    type: 'Microsoft.Network/publicIPAddresses',
    location: LOCATION,
    sku: { name: 'Standard', tier: 'Regional' },
    ...(o.tags ? { tags: o.tags } : {}),
    properties: {
      provisioningState: 'Succeeded',
      ipAddress: o.ipAddress,
      publicIPAddressVersion: 'IPv4',
      publicIPAllocationMethod: 'Static',
      idleTimeoutInMinutes: 4,
      ipTags: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Container registry

export type RegistryMode = 'legacy' | 'abac';

export interface RegistryBundle {
  id: string;
  name: string;
  rg: string;
  sub: string;
  loginServer: string;
  mode: RegistryMode;
  dataHosts: string[];
  resource: ArmResource;
  /** What its data plane serves (image.exists / image.platform). */
  content?: RegistryContent;
}

export function registryId(name: string, rg: string = REGISTRY_RG, sub: string = SUBS.platform): string {
  return armId(sub, rg, 'Microsoft.ContainerRegistry', 'registries', name);
}

export interface PrivateEndpointConnectionSpec {
  privateEndpointId: string;
  /** Approved | Pending | Rejected | Disconnected */
  status: string;
  description?: string;
}

export function registry(o: {
  name: string;
  rg?: string;
  sub?: string;
  sku?: 'Basic' | 'Standard' | 'Premium';
  mode?: RegistryMode;
  publicNetworkAccess?: 'Enabled' | 'Disabled';
  /** Present = "Selected networks" (defaultAction Deny) with these CIDRs/addresses allowed. */
  ipRules?: string[];
  /** Dedicated data endpoints; defaults to on when private endpoints exist (private link enables them). */
  dataEndpoints?: boolean;
  privateEndpointConnections?: PrivateEndpointConnectionSpec[];
  /** azureADAuthenticationAsArmPolicy; false = ARM-audience tokens refused. */
  armAudience?: boolean;
  anonymousPull?: boolean;
  adminUser?: boolean;
  content?: RegistryContent;
  tags?: Record<string, string>;
}): RegistryBundle {
  const rg = o.rg ?? REGISTRY_RG;
  const sub = o.sub ?? SUBS.platform;
  const id = registryId(o.name, rg, sub);
  const sku = o.sku ?? 'Premium';
  const mode = o.mode ?? 'legacy';
  const loginServer = `${o.name}.azurecr.io`;
  const pecs = o.privateEndpointConnections ?? [];
  const dataEndpointEnabled = o.dataEndpoints ?? pecs.length > 0;
  const dataHosts = dataEndpointEnabled ? [`${o.name}.${LOCATION}.data.azurecr.io`] : [];
  const resource: ArmResource = {
    id,
    name: o.name,
    type: 'Microsoft.ContainerRegistry/registries',
    location: LOCATION,
    tenantId: subscriptionInfo(sub).tenantId,
    ...(o.tags ? { tags: o.tags } : {}),
    sku: { name: sku, tier: sku },
    properties: {
      loginServer,
      creationDate: TIMES.created,
      provisioningState: 'Succeeded',
      adminUserEnabled: o.adminUser ?? false,
      networkRuleSet:
        o.ipRules !== undefined
          ? { defaultAction: 'Deny', ipRules: o.ipRules.map((value) => ({ action: 'Allow', value })) }
          : { defaultAction: 'Allow', ipRules: [] },
      policies: {
        quarantinePolicy: { status: 'disabled' },
        trustPolicy: { type: 'Notary', status: 'disabled' },
        retentionPolicy: { days: 7, lastUpdatedTime: TIMES.created, status: 'disabled' },
        exportPolicy: { status: 'enabled' },
        azureADAuthenticationAsArmPolicy: { status: o.armAudience === false ? 'disabled' : 'enabled' },
      },
      encryption: { status: 'disabled' },
      status: null,
      dataEndpointEnabled,
      dataEndpointHostNames: dataHosts,
      privateEndpointConnections: pecs.map((c) => {
        const connName = `${c.privateEndpointId.split('/').pop()}.${hex(8, 'pec', id.toLowerCase(), c.privateEndpointId.toLowerCase())}`;
        return {
          id: `${id}/privateEndpointConnections/${connName}`,
          name: connName,
          type: 'Microsoft.ContainerRegistry/registries/privateEndpointConnections',
          properties: {
            privateEndpoint: { id: c.privateEndpointId },
            privateLinkServiceConnectionState: {
              status: c.status,
              description: c.description ?? (c.status === 'Approved' ? 'Auto-Approved' : ''),
              actionsRequired: 'None',
            },
            provisioningState: 'Succeeded',
          },
        };
      }),
      publicNetworkAccess: o.publicNetworkAccess ?? 'Enabled',
      networkRuleBypassOptions: 'AzureServices',
      networkRuleBypassAllowedForTasks: false,
      zoneRedundancy: 'Disabled',
      anonymousPullEnabled: o.anonymousPull ?? false,
      roleAssignmentMode: mode === 'abac' ? 'AbacRepositoryPermissions' : 'LegacyRegistryPermissions',
    },
  };
  return { id, name: o.name, rg, sub, loginServer, mode, dataHosts, resource, ...(o.content ? { content: o.content } : {}) };
}

export function privateEndpointId(name: string, rg: string, sub: string = SUBS.apps): string {
  return armId(sub, rg, 'Microsoft.Network', 'privateEndpoints', name);
}

/**
 * A private endpoint to a registry, with its NIC addresses in `customDnsConfigs` (login server + each data
 * endpoint) and, when given, a DNS zone group. An unapproved connection sits under
 * `manualPrivateLinkServiceConnections`, as ARM shows one that waits for the registry owner.
 */
export function privateEndpoint(o: {
  name: string;
  rg: string;
  sub?: string;
  subnetId: string;
  registry: RegistryBundle;
  /** Private IPs: the first for the login server, the next for each data endpoint. */
  ips: string[];
  status?: string;
  dnsZoneId?: string;
}): ArmResource[] {
  const sub = o.sub ?? SUBS.apps;
  const id = privateEndpointId(o.name, o.rg, sub);
  const status = o.status ?? 'Approved';
  const conn = {
    id: `${id}/privateLinkServiceConnections/${o.name}`,
    name: o.name,
    type: 'Microsoft.Network/privateEndpoints/privateLinkServiceConnections',
    properties: {
      provisioningState: 'Succeeded',
      privateLinkServiceId: o.registry.id,
      groupIds: ['registry'],
      privateLinkServiceConnectionState: {
        status,
        description: status === 'Approved' ? 'Auto-Approved' : 'Awaiting approval by the registry owner',
        actionsRequired: 'None',
      },
    },
  };
  const fqdns = [o.registry.loginServer, ...o.registry.dataHosts];
  if (o.ips.length < fqdns.length) throw new Error(`privateEndpoint ${o.name}: needs ${fqdns.length} IPs (${fqdns.join(', ')})`);
  const nicName = `${o.name}.nic.${guid('nic', id.toLowerCase())}`;
  const pe: ArmResource = {
    id,
    name: o.name,
    type: 'Microsoft.Network/privateEndpoints',
    location: LOCATION,
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: guid('pe-guid', id.toLowerCase()),
      subnet: { id: o.subnetId },
      privateLinkServiceConnections: status === 'Approved' ? [conn] : [],
      manualPrivateLinkServiceConnections: status === 'Approved' ? [] : [conn],
      customNetworkInterfaceName: '',
      networkInterfaces: [{ id: armId(sub, o.rg, 'Microsoft.Network', 'networkInterfaces', nicName) }],
      customDnsConfigs: fqdns.map((fqdn, i) => ({ fqdn, ipAddresses: [o.ips[i]] })),
      ipConfigurations: [],
    },
  };
  const out = [pe];
  if (o.dnsZoneId) {
    out.push({
      id: `${id}/privateDnsZoneGroups/default`,
      name: 'default',
      type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      properties: {
        provisioningState: 'Succeeded',
        privateDnsZoneConfigs: [
          {
            name: 'privatelink-azurecr-io',
            properties: {
              privateDnsZoneId: o.dnsZoneId,
              recordSets: fqdns.map((fqdn, i) => ({
                recordType: 'A',
                recordSetName: fqdn.replace(/\.azurecr\.io$/, ''),
                fqdn: fqdn.replace(/\.azurecr\.io$/, '.privatelink.azurecr.io'),
                ttl: 10,
                ipAddresses: [o.ips[i]],
                provisioningState: 'Succeeded',
              })),
            },
          },
        ],
      },
    });
  }
  return out;
}

export const PRIVATELINK_ACR_ZONE = 'privatelink.azurecr.io';

export function privateDnsZoneId(rg: string, sub: string = SUBS.apps, name: string = PRIVATELINK_ACR_ZONE): string {
  return armId(sub, rg, 'Microsoft.Network', 'privateDnsZones', name);
}

/** The zone, its virtual network links and its A record sets, each a resource of its own (as their list calls return them). */
export function privateDnsZone(o: {
  rg: string;
  sub?: string;
  name?: string;
  links: { name: string; vnetId: string }[];
  records: { name: string; ip: string }[];
}): ArmResource[] {
  const name = o.name ?? PRIVATELINK_ACR_ZONE;
  const id = privateDnsZoneId(o.rg, o.sub, name);
  const zone: ArmResource = {
    id,
    name,
    type: 'Microsoft.Network/privateDnsZones',
    location: 'global',
    properties: {
      provisioningState: 'Succeeded',
      maxNumberOfRecordSets: 25000,
      numberOfRecordSets: o.records.length + 1,
      maxNumberOfVirtualNetworkLinks: 1000,
      numberOfVirtualNetworkLinks: o.links.length,
      maxNumberOfVirtualNetworkLinksWithRegistration: 100,
      numberOfVirtualNetworkLinksWithRegistration: 0,
    },
  };
  const links: ArmResource[] = o.links.map((l) => ({
    id: `${id}/virtualNetworkLinks/${l.name}`,
    name: l.name,
    type: 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
    location: 'global',
    properties: {
      provisioningState: 'Succeeded',
      virtualNetwork: { id: l.vnetId },
      registrationEnabled: false,
      virtualNetworkLinkState: 'Completed',
    },
  }));
  const records: ArmResource[] = o.records.map((r) => ({
    id: `${id}/A/${r.name}`,
    name: r.name,
    type: 'Microsoft.Network/privateDnsZones/A',
    properties: {
      fqdn: `${r.name}.${name}.`,
      ttl: 10,
      isAutoRegistered: false,
      aRecords: [{ ipv4Address: r.ip }],
    },
  }));
  return [zone, ...links, ...records];
}
