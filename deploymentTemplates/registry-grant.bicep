// What the bot may grant, as code: deploy once per registry whose pull access the bot should be able to
// fix, in that registry's resource group.
//
//   az deployment group create -g <registry resource group> -f deploymentTemplates/registry-grant.bicep \
//     -p registryName=<registry> principalId=<botIdentityPrincipalId output of main.bicep>
//
// Role Based Access Control Administrator at the registry, conditioned so that the bot can create role
// assignments of exactly two roles — AcrPull and Container Registry Repository Reader — for service
// principals (kubelet identities) only, and can delete none. Scope: this registry, never a resource group
// or subscription. Also AcrPull for the bot itself, so image.exists can look at the image (optional).

targetScope = 'resourceGroup'

@description('Name of the container registry (in this resource group).')
param registryName string

@description('Object id of the bot\'s managed identity (main.bicep output botIdentityPrincipalId).')
param principalId string

@description('Also give the bot AcrPull here so that image.exists can check the image and tag (without it, that check says unknown).')
param botPull bool = true

var rbacAdministratorRoleId = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var repositoryReaderRoleId = 'b93aa761-3e63-49ed-ac28-beffa264f7ac'

// Writes: only the two pull roles, only for service principals. Deletes: none (the bot never deletes an
// assignment; with no clause for it, the role's delete action would be unconditioned).
var grantCondition = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${acrPullRoleId}, ${repositoryReaderRoleId}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {\'ServicePrincipal\'})) AND (!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'}))'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource grant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, rbacAdministratorRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', rbacAdministratorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'aks-registry-triage: grant AcrPull / Container Registry Repository Reader to kubelet identities on approval'
    conditionVersion: '2.0'
    condition: grantCondition
  }
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (botPull) {
  name: guid(registry.id, principalId, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output grantAssignmentId string = grant.id
output grantCondition string = grantCondition
output registryId string = registry.id
