/**
 * Azure answers -> Evidence facts. Two source forms exist: SDK objects (track-2 SDKs flatten `properties`)
 * and REST rows (Resource Graph returns resources with nested `properties`). Mappers throw
 * MalformedAnswerError when a field a check cannot do without is missing.
 */
import type { ManagedCluster } from '@azure/arm-containerservice';
import type { Registry } from '@azure/arm-containerregistry';
import type { DenyAssignment, Permission, RoleAssignment, RoleDefinition } from '@azure/arm-authorization';
import type { VirtualMachineScaleSet } from '@azure/arm-compute';
import type { PrivateEndpoint, PublicIPAddress, PublicIPPrefix, VirtualNetwork } from '@azure/arm-network';
import type {
  AgentPoolFact,
  ClusterFacts,
  DenyAssignmentFact,
  EgressIpFact,
  PermissionFact,
  PrivateEndpointConnectionFact,
  PrivateEndpointFact,
  RegistryFacts,
  RoleAssignmentFact,
  RoleDefinitionFact,
  SubnetFact,
  VmssFact,
  VnetFact,
} from '../triage/evidence';
import { parseArmId, roleGuidOf } from './arm-id';
import { MalformedAnswerError, required } from './read';

// ---------------------------------------------------------------------------------------------
// narrowing helpers for REST rows

type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
function bool(value: unknown): boolean {
  return value === true || value === 'true';
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function strings(value: unknown): string[] {
  return arr(value).filter((v): v is string => typeof v === 'string');
}
function lowerGuid(value: string | undefined): string | undefined {
  return value?.toLowerCase();
}

function located(id: string, what: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const parsed = parseArmId(id);
  if (!parsed) throw new MalformedAnswerError(`${what} id is not an ARM resource id: ${id}`);
  return parsed;
}

interface TrackedHead {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
}

/**
 * Id, name, resource group, subscription and location of a tracked resource, from an SDK object or a
 * Resource Graph row alike. `field` prefixes the names in a malformed-answer message (`managedCluster.`, `cluster row `).
 */
function trackedHead(resource: { id?: unknown; name?: unknown; location?: unknown }, what: string, field: string): TrackedHead {
  const id = required(resource.id, `${field}id`);
  const where = located(id, what);
  return {
    id,
    name: str(resource.name) ?? where.name,
    resourceGroup: where.resourceGroup,
    subscriptionId: where.subscriptionId,
    location: required(resource.location, `${field}location`),
  };
}

// ---------------------------------------------------------------------------------------------
// Cluster

export function clusterFactsFromSdk(mc: ManagedCluster): ClusterFacts {
  const kid = mc.identityProfile?.['kubeletidentity'];
  const network = mc.networkProfile;
  const outbound = [...(network?.loadBalancerProfile?.effectiveOutboundIPs ?? []), ...(network?.natGatewayProfile?.effectiveOutboundIPs ?? [])]
    .map((r) => r.id)
    .filter((v): v is string => typeof v === 'string');
  return {
    ...trackedHead(mc, 'cluster', 'managedCluster.'),
    provisioningState: mc.provisioningState,
    powerState: mc.powerState?.code,
    kubernetesVersion: mc.currentKubernetesVersion ?? mc.kubernetesVersion,
    nodeResourceGroup: mc.nodeResourceGroup,
    ...(mc.identity?.type
      ? { identity: { type: mc.identity.type, principalId: lowerGuid(mc.identity.principalId), tenantId: lowerGuid(mc.identity.tenantId) } }
      : {}),
    ...(kid ? { kubeletIdentity: { resourceId: kid.resourceId, clientId: lowerGuid(kid.clientId), objectId: lowerGuid(kid.objectId) } } : {}),
    servicePrincipalClientId: mc.servicePrincipalProfile?.clientId,
    agentPools: (mc.agentPoolProfiles ?? []).map((p): AgentPoolFact => ({
      name: p.name,
      count: p.count,
      vmSize: p.vmSize,
      osType: p.osType,
      osSku: p.osSKU,
      type: p.type,
      mode: p.mode,
      vnetSubnetId: p.vnetSubnetID,
      powerState: p.powerState?.code,
    })),
    network: {
      outboundType: network?.outboundType,
      networkPlugin: network?.networkPlugin,
      effectiveOutboundIpIds: outbound,
      ...(mc.httpProxyConfig && (mc.httpProxyConfig.httpProxy || mc.httpProxyConfig.httpsProxy)
        ? {
            httpProxy: {
              httpProxy: mc.httpProxyConfig.httpProxy,
              httpsProxy: mc.httpProxyConfig.httpsProxy,
              noProxy: mc.httpProxyConfig.noProxy ?? [],
            },
          }
        : {}),
    },
    apiServer: {
      privateCluster: mc.apiServerAccessProfile?.enablePrivateCluster === true,
      disableRunCommand: mc.apiServerAccessProfile?.disableRunCommand === true,
      authorizedIpRanges: mc.apiServerAccessProfile?.authorizedIPRanges ?? [],
    },
    aad: {
      managed: mc.aadProfile?.managed === true,
      azureRbac: mc.aadProfile?.enableAzureRbac === true,
      localAccountsDisabled: mc.disableLocalAccounts === true,
      tenantId: lowerGuid(mc.aadProfile?.tenantID),
    },
  };
}

/** The same facts from a Resource Graph row (REST form). */
export function clusterFactsFromRow(row: Json): ClusterFacts {
  const p = obj(row.properties);
  const identity = obj(row.identity);
  const kid = obj(obj(p.identityProfile).kubeletidentity);
  const network = obj(p.networkProfile);
  const outbound = [...arr(obj(network.loadBalancerProfile).effectiveOutboundIPs), ...arr(obj(network.natGatewayProfile).effectiveOutboundIPs)]
    .map((r) => str(obj(r).id))
    .filter((v): v is string => v !== undefined);
  const proxy = obj(p.httpProxyConfig);
  const api = obj(p.apiServerAccessProfile);
  const aad = obj(p.aadProfile);
  return {
    ...trackedHead(row, 'cluster', 'cluster row '),
    provisioningState: str(p.provisioningState),
    powerState: str(obj(p.powerState).code),
    kubernetesVersion: str(p.currentKubernetesVersion) ?? str(p.kubernetesVersion),
    nodeResourceGroup: str(p.nodeResourceGroup),
    ...(str(identity.type)
      ? { identity: { type: str(identity.type)!, principalId: lowerGuid(str(identity.principalId)), tenantId: lowerGuid(str(identity.tenantId)) } }
      : {}),
    ...(Object.keys(kid).length > 0
      ? { kubeletIdentity: { resourceId: str(kid.resourceId), clientId: lowerGuid(str(kid.clientId)), objectId: lowerGuid(str(kid.objectId)) } }
      : {}),
    servicePrincipalClientId: str(obj(p.servicePrincipalProfile).clientId),
    agentPools: arr(p.agentPoolProfiles).map((raw): AgentPoolFact => {
      const a = obj(raw);
      return {
        name: str(a.name) ?? '',
        count: typeof a.count === 'number' ? a.count : undefined,
        vmSize: str(a.vmSize),
        osType: str(a.osType),
        osSku: str(a.osSKU),
        type: str(a.type),
        mode: str(a.mode),
        vnetSubnetId: str(a.vnetSubnetID),
        powerState: str(obj(a.powerState).code),
      };
    }),
    network: {
      outboundType: str(network.outboundType),
      networkPlugin: str(network.networkPlugin),
      effectiveOutboundIpIds: outbound,
      ...(str(proxy.httpProxy) || str(proxy.httpsProxy)
        ? { httpProxy: { httpProxy: str(proxy.httpProxy), httpsProxy: str(proxy.httpsProxy), noProxy: strings(proxy.noProxy) } }
        : {}),
    },
    apiServer: {
      privateCluster: bool(api.enablePrivateCluster),
      disableRunCommand: bool(api.disableRunCommand),
      authorizedIpRanges: strings(api.authorizedIPRanges),
    },
    aad: {
      managed: bool(aad.managed),
      azureRbac: bool(aad.enableAzureRBAC),
      localAccountsDisabled: bool(p.disableLocalAccounts),
      tenantId: lowerGuid(str(aad.tenantID)),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Registry

export function registryFactsFromSdk(reg: Registry, tenantId?: string): RegistryFacts {
  return {
    ...trackedHead(reg, 'registry', 'registry.'),
    ...(tenantId ? { tenantId } : {}),
    sku: required(reg.sku?.name, 'registry.sku.name'),
    loginServer: required(reg.loginServer, 'registry.loginServer').toLowerCase(),
    provisioningState: reg.provisioningState,
    roleAssignmentMode: reg.roleAssignmentMode,
    adminUserEnabled: reg.adminUserEnabled === true,
    anonymousPullEnabled: reg.anonymousPullEnabled === true,
    publicNetworkAccess: reg.publicNetworkAccess,
    networkRuleBypassOptions: reg.networkRuleBypassOptions,
    ...(reg.networkRuleSet
      ? {
          networkRuleSet: {
            defaultAction: reg.networkRuleSet.defaultAction,
            ipRules: (reg.networkRuleSet.ipRules ?? []).map((r) => ({ action: r.action, value: r.iPAddressOrRange })),
          },
        }
      : {}),
    dataEndpointEnabled: reg.dataEndpointEnabled === true,
    dataEndpointHostNames: reg.dataEndpointHostNames ?? [],
    privateEndpointConnections: (reg.privateEndpointConnections ?? []).map((c): PrivateEndpointConnectionFact => ({
      id: c.id ?? '',
      privateEndpointId: c.privateEndpoint?.id,
      status: c.privateLinkServiceConnectionState?.status,
      description: c.privateLinkServiceConnectionState?.description,
      provisioningState: c.provisioningState,
    })),
    armAudienceTokens: reg.policies?.azureADAuthenticationAsArmPolicy?.status,
  };
}

export function registryFactsFromRow(row: Json): RegistryFacts {
  const p = obj(row.properties);
  const rules = obj(p.networkRuleSet);
  return {
    ...trackedHead(row, 'registry', 'registry row '),
    ...(str(row.tenantId) ? { tenantId: str(row.tenantId)!.toLowerCase() } : {}),
    sku: required(obj(row.sku).name, 'registry row sku.name'),
    loginServer: required(p.loginServer, 'registry row properties.loginServer').toLowerCase(),
    provisioningState: str(p.provisioningState),
    roleAssignmentMode: str(p.roleAssignmentMode),
    adminUserEnabled: bool(p.adminUserEnabled),
    anonymousPullEnabled: bool(p.anonymousPullEnabled),
    publicNetworkAccess: str(p.publicNetworkAccess),
    networkRuleBypassOptions: str(p.networkRuleBypassOptions),
    ...(str(rules.defaultAction)
      ? {
          networkRuleSet: {
            defaultAction: str(rules.defaultAction)!,
            ipRules: arr(rules.ipRules).map((r) => ({ action: str(obj(r).action), value: str(obj(r).value) ?? '' })),
          },
        }
      : {}),
    dataEndpointEnabled: bool(p.dataEndpointEnabled),
    dataEndpointHostNames: strings(p.dataEndpointHostNames),
    privateEndpointConnections: arr(p.privateEndpointConnections).map((raw): PrivateEndpointConnectionFact => {
      const c = obj(raw);
      const cp = obj(c.properties);
      const state = obj(cp.privateLinkServiceConnectionState);
      return {
        id: str(c.id) ?? '',
        privateEndpointId: str(obj(cp.privateEndpoint).id),
        status: str(state.status),
        description: str(state.description),
        provisioningState: str(cp.provisioningState),
      };
    }),
    armAudienceTokens: str(obj(obj(p.policies).azureADAuthenticationAsArmPolicy).status),
  };
}

// ---------------------------------------------------------------------------------------------
// Authorization

export function roleAssignmentFact(ra: RoleAssignment): RoleAssignmentFact {
  const roleDefinitionId = required(ra.roleDefinitionId, 'roleAssignment.roleDefinitionId');
  const roleGuid = roleGuidOf(roleDefinitionId);
  if (!roleGuid) throw new MalformedAnswerError(`role definition id does not end in a GUID: ${roleDefinitionId}`);
  return {
    id: required(ra.id, 'roleAssignment.id'),
    name: ra.name ?? '',
    roleDefinitionId,
    roleGuid,
    principalId: required(ra.principalId, 'roleAssignment.principalId').toLowerCase(),
    principalType: ra.principalType,
    scope: required(ra.scope, 'roleAssignment.scope'),
    ...(ra.condition ? { condition: ra.condition } : {}),
    ...(ra.conditionVersion ? { conditionVersion: ra.conditionVersion } : {}),
    ...(ra.createdOn ? { createdOn: new Date(ra.createdOn).toISOString() } : {}),
  };
}

export function permissionFact(p: Permission): PermissionFact {
  return {
    actions: p.actions ?? [],
    notActions: p.notActions ?? [],
    dataActions: p.dataActions ?? [],
    notDataActions: p.notDataActions ?? [],
  };
}

export function roleDefinitionFact(def: RoleDefinition, guid: string): RoleDefinitionFact {
  return {
    guid,
    roleName: required(def.roleName, 'roleDefinition.roleName'),
    type: def.roleType ?? 'CustomRole',
    permissions: (def.permissions ?? []).map(permissionFact),
  };
}

export function denyAssignmentFact(d: DenyAssignment): DenyAssignmentFact {
  return {
    id: required(d.id, 'denyAssignment.id'),
    name: d.denyAssignmentName ?? d.name ?? '',
    ...(d.description ? { description: d.description } : {}),
    permissions: (d.permissions ?? []).map(permissionFact),
    principalIds: (d.principals ?? []).map((p) => (p.id ?? '').toLowerCase()).filter((s) => s !== ''),
    excludePrincipalIds: (d.excludePrincipals ?? []).map((p) => (p.id ?? '').toLowerCase()).filter((s) => s !== ''),
    ...(d.scope ? { scope: d.scope } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Compute / network

export function vmssFact(v: VirtualMachineScaleSet): VmssFact {
  return {
    id: required(v.id, 'virtualMachineScaleSet.id'),
    name: required(v.name, 'virtualMachineScaleSet.name'),
    identityType: v.identity?.type,
    userAssignedIdentityIds: Object.keys(v.identity?.userAssignedIdentities ?? {}),
  };
}

export function egressIpFromAddress(ip: PublicIPAddress, id: string): EgressIpFact {
  if (!ip.ipAddress) throw new MalformedAnswerError(`public IP ${id} has no ipAddress`);
  return { id, ipAddress: ip.ipAddress };
}

export function egressIpFromPrefix(prefix: PublicIPPrefix, id: string): EgressIpFact {
  if (!prefix.ipPrefix) throw new MalformedAnswerError(`public IP prefix ${id} has no ipPrefix`);
  return { id, ipPrefix: prefix.ipPrefix };
}

export function vnetIdOfSubnet(subnetId: string | undefined): string | undefined {
  if (!subnetId) return undefined;
  const match = /^(.*\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(subnetId);
  return match?.[1];
}

export function privateEndpointFact(pe: PrivateEndpoint, id: string): PrivateEndpointFact {
  const subnetId = pe.subnet?.id;
  return {
    id,
    name: pe.name ?? id.split('/').pop() ?? id,
    ...(subnetId ? { subnetId } : {}),
    ...(vnetIdOfSubnet(subnetId) ? { vnetId: vnetIdOfSubnet(subnetId) } : {}),
    dnsConfigs: (pe.customDnsConfigs ?? []).map((c) => ({ fqdn: c.fqdn ?? '', ipAddresses: c.ipAddresses ?? [] })),
    dnsZoneIds: [],
  };
}

export function vnetFact(vnet: VirtualNetwork, id: string): VnetFact {
  return {
    id,
    dnsServers: vnet.dhcpOptions?.dnsServers ?? [],
    peerings: (vnet.virtualNetworkPeerings ?? []).map((p) => ({
      name: p.name ?? '',
      remoteVnetId: p.remoteVirtualNetwork?.id ?? '',
      state: p.peeringState ?? 'Unknown',
    })),
  };
}

/** The cluster's node subnets, as they appear inside their VNet's GET. */
export function subnetFacts(vnet: VirtualNetwork, subnetIds: string[]): SubnetFact[] {
  const wanted = new Set(subnetIds.map((s) => s.toLowerCase()));
  return (vnet.subnets ?? [])
    .filter((s) => s.id !== undefined && wanted.has(s.id.toLowerCase()))
    .map((s) => ({
      id: s.id!,
      ...(s.routeTable?.id ? { routeTableId: s.routeTable.id } : {}),
      ...(s.networkSecurityGroup?.id ? { networkSecurityGroupId: s.networkSecurityGroup.id } : {}),
      ...(s.natGateway?.id ? { natGatewayId: s.natGateway.id } : {}),
    }));
}
