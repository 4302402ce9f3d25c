/**
 * Builders for the ARM side of a scenario, in REST wire form (nested `properties`, exactly as GET returns
 * them as ARM does). Each builder derives its ids, GUIDs and addresses from names (ids.ts), so a
 * scenario reads as a short list of decisions and two scenarios naming the same thing agree byte for byte.
 * Kubernetes objects are built in kube.ts and re-exported here, so scenarios import one module.
 */
import type { ArmDenyAssignment, ArmResource, ArmRoleAssignment, ArmRoleDefinition, RegistryContent } from '../scenario';
import { byte, digits, guid, hex } from './ids';
import { LOCATION, REGISTRY_RG, SUBS, TIMES, subscriptionInfo } from './estate';

export * from './kube';

// ---------------------------------------------------------------------------------------------
// Ids

export function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function armId(sub: string, rg: string, provider: string, type: string, name: string): string {
  return `${rgId(sub, rg)}/providers/${provider}/${type}/${name}`;
}

export function subscriptionScope(sub: string): string {
  return `/subscriptions/${sub}`;
}

/** AKS reports kubelet identity ids with a lowercase `resourcegroups`; VMSS identity maps do too. Kept, so checks must compare ids case-insensitively. */
function aksStyleId(id: string): string {
  return id.replace('/resourceGroups/', '/resourcegroups/');
}

// ---------------------------------------------------------------------------------------------
// Subscription

export function subscription(sub: string): { subscriptionId: string; tenantId: string; displayName: string } {
  const info = subscriptionInfo(sub);
  return { subscriptionId: info.subscriptionId, tenantId: info.tenantId, displayName: info.displayName };
}

// ---------------------------------------------------------------------------------------------
// Managed identities

export interface Identity {
  name: string;
  /** ARM id as the identity resource reports it. */
  resourceId: string;
  clientId: string;
  /** Object id: what role assignments name. */
  principalId: string;
  tenantId: string;
  resource: ArmResource;
}

export function userAssignedIdentity(o: {
  name: string;
  rg: string;
  sub: string;
  /** Fixed ids (the bot's are known up front); default: derived from the resource id. */
  principalId?: string;
  clientId?: string;
  tags?: Record<string, string>;
}): Identity {
  const resourceId = armId(o.sub, o.rg, 'Microsoft.ManagedIdentity', 'userAssignedIdentities', o.name);
  const key = resourceId.toLowerCase();
  const tenantId = subscriptionInfo(o.sub).tenantId;
  const principalId = o.principalId ?? guid('uai-principal', key);
  const clientId = o.clientId ?? guid('uai-client', key);
  return {
    name: o.name,
    resourceId,
    clientId,
    principalId,
    tenantId,
    resource: {
      id: resourceId,
      name: o.name,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      location: LOCATION,
      ...(o.tags ? { tags: o.tags } : {}),
      properties: { tenantId, principalId, clientId },
    },
  };
}

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

// ---------------------------------------------------------------------------------------------
// Compute

/** A node pool's scale set in the node resource group; `identities` are the user-assigned identity ids it carries. */
export function vmss(o: {
  name: string;
  nodeRg: string;
  sub: string;
  pool: string;
  vmSize: string;
  subnetId: string;
  identities: { resourceId: string; principalId: string; clientId: string }[];
  osType?: string;
}): ArmResource {
  const id = armId(o.sub, o.nodeRg, 'Microsoft.Compute', 'virtualMachineScaleSets', o.name);
  const identity =
    o.identities.length > 0
      ? {
          type: 'UserAssigned',
          userAssignedIdentities: Object.fromEntries(
            o.identities.map((i) => [aksStyleId(i.resourceId), { principalId: i.principalId, clientId: i.clientId }]),
          ),
        }
      : undefined;
  return {
    id,
    name: o.name,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: LOCATION,
    sku: { name: o.vmSize, tier: 'Standard' },
    tags: { 'aks-managed-poolName': o.pool, 'aks-managed-orchestrator': 'Kubernetes:1.32.7' },
    ...(identity ? { identity } : {}),
    properties: {
      provisioningState: 'Succeeded',
      uniqueId: guid('vmss-unique', id.toLowerCase()),
      orchestrationMode: 'Uniform',
      overprovision: false,
      upgradePolicy: { mode: 'Manual' },
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: `${o.name.replace(/-vmss$/, '')}-vmss`, adminUsername: 'azureuser' },
        storageProfile: { osDisk: { osType: o.osType ?? 'Linux', createOption: 'FromImage', diskSizeGB: 128 } },
        networkProfile: {
          networkInterfaceConfigurations: [
            {
              name: o.name,
              properties: {
                primary: true,
                enableIPForwarding: true,
                ipConfigurations: [{ name: 'ipconfig1', properties: { primary: true, subnet: { id: o.subnetId } } }],
              },
            },
          ],
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Managed cluster

export interface AgentPoolSpec {
  name: string;
  count?: number;
  vmSize?: string;
  osType?: 'Linux' | 'Windows';
  mode?: 'System' | 'User';
}

export interface ClusterNode {
  name: string;
  pool: string;
  arch: 'amd64' | 'arm64';
  os: 'linux' | 'windows';
  vmSize: string;
  /** `azure://<vmss id>/virtualMachines/<n>`, as the cloud provider sets spec.providerID. */
  providerId: string;
}

export interface ClusterBundle {
  id: string;
  name: string;
  rg: string;
  sub: string;
  nodeResourceGroup: string;
  resource: ArmResource;
  /** The cluster and everything AKS put in its node resource group (and its managed VNet). */
  resources: ArmResource[];
  /** The identity nodes pull with (absent: SP cluster, or kubelet identity missing). */
  kubelet?: Identity;
  /** The control-plane identity's object id (absent on SP clusters). */
  controlPlanePrincipalId?: string;
  /** SP clusters: appId and object id of the service principal. */
  servicePrincipal?: { appId: string; objectId: string; displayName: string };
  egressIp?: string;
  nodes: ClusterNode[];
}

/** Arm64 VM sizes carry a `p` after the family digits (Standard_D4ps_v5). */
function archOf(vmSize: string): 'amd64' | 'arm64' {
  return /^Standard_[A-Z]+\d+p/i.test(vmSize) ? 'arm64' : 'amd64';
}

/** `MC_<rg>_<cluster>_<location>`, where AKS puts the node pools, kubelet identity and outbound IPs. */
export function nodeResourceGroupOf(name: string, rg: string = `rg-${name}`): string {
  return `MC_${rg}_${name}_${LOCATION}`;
}

export function clusterId(name: string, rg: string = `rg-${name}`, sub: string = SUBS.apps): string {
  return armId(sub, rg, 'Microsoft.ContainerService', 'managedClusters', name);
}

export function managedCluster(o: {
  name: string;
  rg?: string;
  sub?: string;
  /** managed (default): `<name>-agentpool` in the node RG; none: identityProfile missing; or a user-assigned identity (--assign-kubelet-identity). */
  kubelet?: 'managed' | 'none' | Identity;
  /** A user-assigned control-plane identity (needed with a custom kubelet identity); default SystemAssigned. */
  controlPlane?: Identity;
  /** A service-principal cluster (no managed identities at all). */
  sp?: { appId: string; objectId: string; displayName: string };
  /**
   * A service-principal cluster just moved to managed identity (`az aks update --enable-managed-identity`)
   * whose node pools were not upgraded since: control-plane and kubelet identities exist, the cluster still
   * names the SP's appId, and the node VMSS do not carry the kubelet identity yet (nodes pull with the SP).
   */
  migratingFromSp?: { appId: string };
  outboundType?: 'loadBalancer' | 'managedNATGateway' | 'userDefinedRouting' | 'userAssignedNATGateway';
  agentPools?: AgentPoolSpec[];
  /** A subnet in a VNet of your own (BYO VNet); default: AKS-managed VNet in the node RG. */
  vnetSubnetId?: string;
  private?: boolean;
  disableRunCommand?: boolean;
  stopped?: boolean;
  /** Override which identities each VMSS carries (e.g. kubelet identity removed by hand). */
  vmssIdentities?: Identity[];
}): ClusterBundle {
  const sub = o.sub ?? SUBS.apps;
  const rg = o.rg ?? `rg-${o.name}`;
  const id = clusterId(o.name, rg, sub);
  const key = id.toLowerCase();
  const tenantId = subscriptionInfo(sub).tenantId;
  const nodeRg = nodeResourceGroupOf(o.name, rg);
  const num = digits(8, 'aks-pool-suffix', key);
  const outboundType = o.outboundType ?? 'loadBalancer';
  const pools = o.agentPools ?? [{ name: 'nodepool1', count: 2, vmSize: 'Standard_D4s_v5', mode: 'System' as const }];
  const resources: ArmResource[] = [];

  let kubelet: Identity | undefined;
  if (o.sp) kubelet = undefined;
  else if (o.kubelet === 'none') kubelet = undefined;
  else if (o.kubelet && o.kubelet !== 'managed') {
    kubelet = o.kubelet;
    resources.push(kubelet.resource);
  } else {
    kubelet = userAssignedIdentity({ name: `${o.name}-agentpool`, rg: nodeRg, sub });
    resources.push(kubelet.resource);
  }

  let subnetId: string;
  if (o.vnetSubnetId) subnetId = o.vnetSubnetId;
  else {
    const managed = vnet({
      name: `aks-vnet-${num}`,
      rg: nodeRg,
      sub,
      prefix: '10.224.0.0/12',
      subnets: [{ name: 'aks-subnet', prefix: '10.224.0.0/16' }],
    });
    resources.push(...managed.resources);
    subnetId = managed.subnetId('aks-subnet');
  }

  let egressIp: string | undefined;
  let networkExtras: Record<string, unknown> = {};
  if (outboundType === 'loadBalancer' || outboundType === 'managedNATGateway') {
    egressIp = `51.${100 + (byte(0, 'egress', key) % 60)}.${byte(1, 'egress', key)}.${1 + (byte(2, 'egress', key) % 250)}`;
    const ip = publicIp({
      name: guid('outbound-ip', key),
      rg: nodeRg,
      sub,
      ipAddress: egressIp,
      tags: { 'aks-managed-type': outboundType === 'loadBalancer' ? 'aks-slb-managed-outbound-ip' : 'aks-managed-natgateway-outbound-ip' },
    });
    resources.push(ip);
    networkExtras =
      outboundType === 'loadBalancer'
        ? {
            loadBalancerSku: 'standard',
            loadBalancerProfile: {
              managedOutboundIPs: { count: 1 },
              effectiveOutboundIPs: [{ id: ip.id }],
              backendPoolType: 'nodeIPConfiguration',
            },
          }
        : {
            loadBalancerSku: 'standard',
            natGatewayProfile: { managedOutboundIPProfile: { count: 1 }, effectiveOutboundIPs: [{ id: ip.id }], idleTimeoutInMinutes: 4 },
          };
  } else {
    networkExtras = { loadBalancerSku: 'standard' };
  }

  const nodes: ClusterNode[] = [];
  const vmssIdentities = o.vmssIdentities ?? (kubelet && !o.migratingFromSp ? [kubelet] : []);
  const agentPoolProfiles = pools.map((p) => {
    const vmSize = p.vmSize ?? 'Standard_D4s_v5';
    const arch = archOf(vmSize);
    const osType = p.osType ?? 'Linux';
    const count = p.count ?? 2;
    const vmssName = `aks-${p.name}-${num}-vmss`;
    const scaleSet = vmss({ name: vmssName, nodeRg, sub, pool: p.name, vmSize, subnetId, identities: vmssIdentities, osType });
    resources.push(scaleSet);
    if (!o.stopped) {
      for (let i = 0; i < Math.min(count, 2); i++) {
        nodes.push({
          name: `aks-${p.name}-${num}-vmss${String(i).padStart(6, '0')}`,
          pool: p.name,
          arch,
          os: osType === 'Windows' ? 'windows' : 'linux',
          vmSize,
          providerId: `azure://${aksStyleId(scaleSet.id)}/virtualMachines/${i}`,
        });
      }
    }
    return {
      name: p.name,
      count,
      vmSize,
      osDiskSizeGB: 128,
      osDiskType: 'Managed',
      kubeletDiskType: 'OS',
      maxPods: 250,
      type: 'VirtualMachineScaleSets',
      enableAutoScaling: false,
      provisioningState: 'Succeeded',
      powerState: { code: o.stopped ? 'Stopped' : 'Running' },
      orchestratorVersion: '1.32.7',
      currentOrchestratorVersion: '1.32.7',
      mode: p.mode ?? 'User',
      osType,
      osSKU: osType === 'Windows' ? 'Windows2022' : 'Ubuntu',
      nodeImageVersion: arch === 'arm64' ? 'AKSUbuntu-2204gen2arm64containerd-202611.04.0' : 'AKSUbuntu-2204gen2containerd-202611.04.0',
      enableFIPS: false,
      ...(o.vnetSubnetId ? { vnetSubnetID: o.vnetSubnetId } : {}),
    };
  });

  if (o.controlPlane) resources.push(o.controlPlane.resource);
  const identity = o.sp
    ? undefined
    : o.controlPlane
      ? {
          type: 'UserAssigned',
          tenantId,
          userAssignedIdentities: {
            [o.controlPlane.resourceId]: { principalId: o.controlPlane.principalId, clientId: o.controlPlane.clientId },
          },
        }
      : { type: 'SystemAssigned', principalId: guid('aks-control-plane', key), tenantId };
  const controlPlanePrincipalId = o.sp ? undefined : o.controlPlane ? o.controlPlane.principalId : guid('aks-control-plane', key);

  const dnsPrefix = `${o.name}-dns`;
  const fqdnHash = hex(8, 'fqdn', key);
  const resource: ArmResource = {
    id,
    name: o.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: LOCATION,
    sku: { name: 'Base', tier: 'Standard' },
    ...(identity ? { identity } : {}),
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: o.stopped ? 'Stopped' : 'Running' },
      kubernetesVersion: '1.32.7',
      currentKubernetesVersion: '1.32.7',
      dnsPrefix,
      ...(o.private
        ? { privateFQDN: `${dnsPrefix}-${fqdnHash}.${guid('private-dns', key)}.privatelink.${LOCATION}.azmk8s.io` }
        : {
            fqdn: `${dnsPrefix}-${fqdnHash}.hcp.${LOCATION}.azmk8s.io`,
            azurePortalFQDN: `${dnsPrefix}-${fqdnHash}.portal.hcp.${LOCATION}.azmk8s.io`,
          }),
      agentPoolProfiles,
      servicePrincipalProfile: { clientId: o.sp ? o.sp.appId : (o.migratingFromSp?.appId ?? 'msi') },
      nodeResourceGroup: nodeRg,
      enableRBAC: true,
      supportPlan: 'KubernetesOfficial',
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        networkPolicy: 'none',
        networkDataplane: 'azure',
        podCidr: '10.244.0.0/16',
        serviceCidr: '10.0.0.0/16',
        dnsServiceIP: '10.0.0.10',
        outboundType,
        ipFamilies: ['IPv4'],
        ...networkExtras,
      },
      aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [guid('group', 'aks-admins')], tenantID: tenantId },
      disableLocalAccounts: true,
      apiServerAccessProfile: {
        enablePrivateCluster: o.private ?? false,
        ...(o.private ? { privateDNSZone: 'system', enablePrivateClusterPublicFQDN: false } : {}),
        authorizedIPRanges: [],
        disableRunCommand: o.disableRunCommand ?? false,
      },
      ...(kubelet
        ? {
            identityProfile: {
              kubeletidentity: { resourceId: aksStyleId(kubelet.resourceId), clientId: kubelet.clientId, objectId: kubelet.principalId },
            },
          }
        : {}),
      maxAgentPools: 100,
    },
  };
  resources.unshift(resource);

  return {
    id,
    name: o.name,
    rg,
    sub,
    nodeResourceGroup: nodeRg,
    resource,
    resources,
    ...(kubelet ? { kubelet } : {}),
    ...(controlPlanePrincipalId ? { controlPlanePrincipalId } : {}),
    ...(o.sp ? { servicePrincipal: o.sp } : {}),
    ...(egressIp ? { egressIp } : {}),
    nodes,
  };
}

// ---------------------------------------------------------------------------------------------
// Authorization

/** Built-in roles the scenarios use (docs/domain.md#registry-modes-and-pull-roles, plus the AKS/RBAC-admin roles the bot holds). */
export const ROLES = {
  AcrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  AcrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  RepositoryReader: 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
  RbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  AksRbacReader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
} as const;

export type RoleName = keyof typeof ROLES;

function scopeSubscription(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

export function roleDefinitionIdFor(guidOfRole: string, scope: string): string {
  const sub = scopeSubscription(scope);
  return sub
    ? `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guidOfRole}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${guidOfRole}`;
}

export function roleAssignment(o: {
  role: RoleName | ArmRoleDefinition;
  principal: string;
  scope: string;
  principalType?: 'ServicePrincipal' | 'User' | 'Group' | 'ForeignGroup';
  condition?: string;
  description?: string;
}): ArmRoleAssignment {
  const roleGuid = typeof o.role === 'string' ? ROLES[o.role] : o.role.name;
  const name = guid('role-assignment', o.scope.toLowerCase(), roleGuid, o.principal);
  return {
    id: `${o.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: roleDefinitionIdFor(roleGuid, o.scope),
      principalId: o.principal,
      principalType: o.principalType ?? 'ServicePrincipal',
      scope: o.scope,
      condition: o.condition ?? null,
      conditionVersion: o.condition ? '2.0' : null,
      description: o.description ?? null,
      createdOn: TIMES.assigned,
    },
  };
}

export function customRole(o: {
  roleName: string;
  sub: string;
  description: string;
  actions?: string[];
  dataActions?: string[];
  assignableScopes?: string[];
}): ArmRoleDefinition {
  const name = guid('custom-role', o.sub, o.roleName);
  return {
    id: `/subscriptions/${o.sub}/providers/Microsoft.Authorization/roleDefinitions/${name}`,
    name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: o.roleName,
      type: 'CustomRole',
      description: o.description,
      permissions: [{ actions: o.actions ?? [], notActions: [], dataActions: o.dataActions ?? [], notDataActions: [] }],
      assignableScopes: o.assignableScopes ?? [`/subscriptions/${o.sub}`],
    },
  };
}

export function denyAssignment(o: {
  denyAssignmentName: string;
  scope: string;
  description: string;
  actions?: string[];
  dataActions?: string[];
  principals: { id: string; type: string }[];
  excludePrincipals?: { id: string; type: string }[];
}): ArmDenyAssignment {
  const name = guid('deny-assignment', o.scope.toLowerCase(), o.denyAssignmentName);
  return {
    id: `${o.scope}/providers/Microsoft.Authorization/denyAssignments/${name}`,
    name,
    properties: {
      denyAssignmentName: o.denyAssignmentName,
      description: o.description,
      permissions: [{ actions: o.actions ?? [], notActions: [], dataActions: o.dataActions ?? [], notDataActions: [] }],
      scope: o.scope,
      principals: o.principals,
      excludePrincipals: o.excludePrincipals ?? [],
    },
  };
}

/** The ABAC condition that limits a repository role to repositories whose name starts with `prefix` (docs/domain.md#abac-conditions). */
export function repositoryPrefixCondition(prefix: string): string {
  return (
    "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})" +
    " AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'}))" +
    ` OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase '${prefix}'))`
  );
}
