/**
 * A small world for the azure-* integration tests, built here on purpose (not from the scenario library):
 * an MSI cluster aks-prod in subscription A whose kubelet identity holds AcrPull on myacr in subscription B,
 * load-balancer egress through one public IP, one VMSS carrying the kubelet identity, one running pod.
 */
import type { World } from '../../src/simulator/scenario';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUB = '11111111-1111-4111-8111-111111111111';
export const ACR_SUB = '22222222-2222-4222-8222-222222222222';
export const CALLER = 'c0ffee00-0000-4000-8000-0000000000aa';
export const NODE_RG = 'MC_rg-prod_aks-prod_westeurope';
export const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
export const KUBELET_ID = `/subscriptions/${SUB}/resourcegroups/${NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-prod-agentpool`;
export const KUBELET_OBJECT = '9c2e5f10-0000-4000-8000-00000000a001';
export const KUBELET_CLIENT = '1f3c0000-0000-4000-8000-00000000c001';
export const CONTROL_PLANE = '4aa00000-0000-4000-8000-00000000b001';
export const REGISTRY_ID = `/subscriptions/${ACR_SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr`;
export const PIP_ID = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Network/publicIPAddresses/outbound-1`;
export const VMSS_ID = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss`;
export const ACRPULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

export interface WorldOptions {
  /** Give the kubelet identity AcrPull on the registry (default true). */
  acrPull?: boolean;
  /** Let the caller write role assignments on the registry (default true). */
  callerIsOwner?: boolean;
  roleAssignmentMode?: 'LegacyRegistryPermissions' | 'AbacRepositoryPermissions';
}

export function smallWorld(options: WorldOptions = {}): World {
  const roleAssignments: World['roleAssignments'] = [
    {
      id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/aaaa0000-0000-4000-8000-000000000001`,
      name: 'aaaa0000-0000-4000-8000-000000000001',
      properties: {
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        principalId: CALLER,
        principalType: 'ServicePrincipal',
        scope: `/subscriptions/${SUB}`,
      },
    },
    {
      id: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleAssignments/aaaa0000-0000-4000-8000-000000000002`,
      name: 'aaaa0000-0000-4000-8000-000000000002',
      properties: {
        roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${options.callerIsOwner === false ? 'acdd72a7-3385-48ef-bd42-f606fba81ae7' : OWNER}`,
        principalId: CALLER,
        principalType: 'ServicePrincipal',
        scope: `/subscriptions/${ACR_SUB}`,
      },
    },
  ];
  if (options.acrPull !== false) {
    roleAssignments.push({
      id: `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/3f1d0000-0000-4000-8000-000000000001`,
      name: '3f1d0000-0000-4000-8000-000000000001',
      properties: {
        roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${ACRPULL}`,
        principalId: KUBELET_OBJECT,
        principalType: 'ServicePrincipal',
        scope: REGISTRY_ID,
      },
    });
  }
  return {
    caller: { principalId: CALLER, tenantId: TENANT },
    subscriptions: [
      { subscriptionId: SUB, tenantId: TENANT, displayName: 'prod' },
      { subscriptionId: ACR_SUB, tenantId: TENANT, displayName: 'shared' },
    ],
    resources: [
      {
        id: CLUSTER_ID,
        name: 'aks-prod',
        type: 'Microsoft.ContainerService/managedClusters',
        location: 'westeurope',
        identity: { type: 'SystemAssigned', principalId: CONTROL_PLANE, tenantId: TENANT },
        properties: {
          provisioningState: 'Succeeded',
          powerState: { code: 'Running' },
          kubernetesVersion: '1.31.2',
          nodeResourceGroup: NODE_RG,
          servicePrincipalProfile: { clientId: 'msi' },
          identityProfile: { kubeletidentity: { resourceId: KUBELET_ID, clientId: KUBELET_CLIENT, objectId: KUBELET_OBJECT } },
          agentPoolProfiles: [
            {
              name: 'nodepool1',
              count: 3,
              vmSize: 'Standard_D4s_v5',
              osType: 'Linux',
              osSKU: 'Ubuntu',
              mode: 'System',
              type: 'VirtualMachineScaleSets',
              powerState: { code: 'Running' },
            },
          ],
          networkProfile: {
            networkPlugin: 'azure',
            outboundType: 'loadBalancer',
            loadBalancerSku: 'standard',
            loadBalancerProfile: { managedOutboundIPs: { count: 1 }, effectiveOutboundIPs: [{ id: PIP_ID }] },
          },
          apiServerAccessProfile: { enablePrivateCluster: false, disableRunCommand: false, authorizedIPRanges: [] },
          aadProfile: { managed: true, enableAzureRBAC: true, tenantID: TENANT },
          disableLocalAccounts: true,
          enableRBAC: true,
        },
      },
      {
        id: KUBELET_ID.replace('/resourcegroups/', '/resourceGroups/'),
        name: 'aks-prod-agentpool',
        type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
        location: 'westeurope',
        properties: { principalId: KUBELET_OBJECT, clientId: KUBELET_CLIENT, tenantId: TENANT },
      },
      {
        id: VMSS_ID,
        name: 'aks-nodepool1-12345678-vmss',
        type: 'Microsoft.Compute/virtualMachineScaleSets',
        location: 'westeurope',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [KUBELET_ID]: { principalId: KUBELET_OBJECT, clientId: KUBELET_CLIENT } } },
        properties: { provisioningState: 'Succeeded' },
      },
      {
        id: PIP_ID,
        name: 'outbound-1',
        type: 'Microsoft.Network/publicIPAddresses',
        location: 'westeurope',
        sku: { name: 'Standard' },
        properties: { ipAddress: '51.4.7.9', publicIPAllocationMethod: 'Static' },
      },
      {
        id: REGISTRY_ID,
        name: 'myacr',
        type: 'Microsoft.ContainerRegistry/registries',
        location: 'westeurope',
        sku: { name: 'Premium', tier: 'Premium' },
        properties: {
          loginServer: 'myacr.azurecr.io',
          provisioningState: 'Succeeded',
          adminUserEnabled: false,
          anonymousPullEnabled: false,
          publicNetworkAccess: 'Enabled',
          networkRuleBypassOptions: 'AzureServices',
          networkRuleSet: { defaultAction: 'Allow', ipRules: [] },
          dataEndpointEnabled: false,
          dataEndpointHostNames: [],
          privateEndpointConnections: [],
          policies: { azureADAuthenticationAsArmPolicy: { status: 'enabled' } },
          roleAssignmentMode: options.roleAssignmentMode ?? 'LegacyRegistryPermissions',
        },
      },
    ],
    roleAssignments,
    kube: {
      [CLUSTER_ID.toLowerCase()]: {
        pods: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { namespace: 'shop', name: 'api-7d9c-abcde' },
            spec: {
              nodeName: 'aks-nodepool1-12345678-vmss000000',
              serviceAccountName: 'default',
              containers: [{ name: 'api', image: 'myacr.azurecr.io/shop/api:1.4.2' }],
            },
            status: { phase: 'Running', containerStatuses: [{ name: 'api', image: 'myacr.azurecr.io/shop/api:1.4.2', state: { running: {} } }] },
          },
        ],
        events: [],
        nodes: [
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: {
              name: 'aks-nodepool1-12345678-vmss000000',
              labels: {
                'kubernetes.io/os': 'linux',
                'kubernetes.io/arch': 'amd64',
                agentpool: 'nodepool1',
                'kubernetes.azure.com/agentpool': 'nodepool1',
              },
            },
            status: { nodeInfo: { operatingSystem: 'linux', architecture: 'amd64' } },
          },
        ],
        serviceAccounts: [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'shop', name: 'default' } }],
        pullSecrets: [],
      },
    },
    registryContent: { 'myacr.azurecr.io': { repositories: { 'shop/api': { '1.4.2': [{ os: 'linux', architecture: 'amd64' }] } } } },
  };
}
