/**
 * Scenario builders for compute (node pool scale sets) and the managed cluster, in REST wire form. See
 * builders.ts.
 */
import type { ArmResource } from '../scenario';
import { byte, digits, guid, hex } from './ids';
import { LOCATION, SUBS, subscriptionInfo } from './estate';
import { Identity, aksStyleId, armId, userAssignedIdentity } from './identity-builders';
import { publicIp, vnet } from './network-builders';

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
