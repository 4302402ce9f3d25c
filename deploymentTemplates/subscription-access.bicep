// What the bot may read in one subscription, as code: deploy once per subscription that holds clusters or
// registries the bot should check.
//
//   az deployment sub create -l <region> --subscription <id> -f deploymentTemplates/subscription-access.bicep \
//     -p principalId=<botIdentityPrincipalId output of main.bicep>
//
// Creates, for the bot's managed identity (a service principal), at this subscription:
//  - Reader: clusters, registries, role and deny assignments, networks, scale sets, Resource Graph.
//  - a custom role with exactly the two AKS run-command actions (pod evidence through run command); the
//    built-in Azure Kubernetes Service Contributor Role has no run-command action and may change clusters.
//  - a custom role with the Kubernetes data actions pod evidence needs on clusters that use Azure RBAC for
//    Kubernetes authorisation (the direct API path and run command as the bot). Azure Kubernetes Service
//    RBAC Reader is not enough: it reads neither nodes (cluster-scoped) nor secrets.
// Clusters with Kubernetes RBAC only (no Azure RBAC) need kubernetes/triage-reader.yaml instead.

targetScope = 'subscription'

@description('Object id of the bot\'s managed identity (main.bicep output botIdentityPrincipalId).')
param principalId string

@description('Let the bot list Kubernetes secrets (it prints only the names of dockerconfigjson secrets, but listing returns their data to it). Without it, pods.pull-secrets says unknown when a failing pod references one.')
param kubernetesSecrets bool = false

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

var runCommandActions = [
  'Microsoft.ContainerService/managedClusters/runcommand/action'
  'Microsoft.ContainerService/managedClusters/commandResults/read'
]

var kubernetesReadActions = concat(
  [
    'Microsoft.ContainerService/managedClusters/pods/read'
    'Microsoft.ContainerService/managedClusters/events/read'
    'Microsoft.ContainerService/managedClusters/nodes/read'
    'Microsoft.ContainerService/managedClusters/serviceaccounts/read'
  ],
  kubernetesSecrets ? ['Microsoft.ContainerService/managedClusters/secrets/read'] : []
)

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, readerRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Custom role names are unique per tenant: the subscription id keeps one per subscription apart.
resource runCommandRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'aks-registry-triage-run-command')
  properties: {
    roleName: 'AKS registry triage run command (${subscription().subscriptionId})'
    description: 'Run a read-only command in AKS clusters and read its result; nothing else.'
    type: 'CustomRole'
    permissions: [{ actions: runCommandActions, notActions: [], dataActions: [], notDataActions: [] }]
    assignableScopes: [subscription().id]
  }
}

resource runCommand 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, runCommandRole.id)
  properties: {
    roleDefinitionId: runCommandRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource kubernetesReaderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'aks-registry-triage-kubernetes-reader')
  properties: {
    roleName: 'AKS registry triage Kubernetes reader (${subscription().subscriptionId})'
    description: 'List pods, events, nodes and service accounts (and optionally secrets) in AKS clusters with Azure RBAC for Kubernetes.'
    type: 'CustomRole'
    permissions: [{ actions: [], notActions: [], dataActions: kubernetesReadActions, notDataActions: [] }]
    assignableScopes: [subscription().id]
  }
}

resource kubernetesReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, kubernetesReaderRole.id)
  properties: {
    roleDefinitionId: kubernetesReaderRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output readerAssignmentId string = reader.id
output runCommandRoleId string = runCommandRole.id
output runCommandAssignmentId string = runCommand.id
output kubernetesReaderRoleId string = kubernetesReaderRole.id
output kubernetesReaderAssignmentId string = kubernetesReader.id
output kubernetesDataActions array = kubernetesReadActions
