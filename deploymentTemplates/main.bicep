// aks-registry-triage on Azure: App Service (Linux, Node 20) running the bot under a user-assigned
// managed identity, an Azure Bot registration using that identity (no secrets), and a storage account
// whose blob container holds approvals, conversation state and the audit log for every instance.
//
// Deploy:  az deployment group create -g <rg> -f deploymentTemplates/main.bicep -p botName=<name> approvers=<objectIds>
// Then grant the identity what it needs to read and to grant (see deploymentTemplates/README.md).

@description('Base name for every resource (letters, digits, hyphens).')
@minLength(3)
@maxLength(24)
param botName string

param location string = resourceGroup().location

@description('Comma-separated Entra object ids of the people who may approve grants.')
param approvers string

@description('Default subscription for bare cluster and registry names.')
param defaultSubscriptionId string = subscription().subscriptionId

@description('App Service plan SKU; B1 is enough for one team.')
param planSku string = 'B1'

var storageName = toLower(replace('${botName}st${uniqueString(resourceGroup().id)}', '-', ''))

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${botName}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'triage-state'
}

// Storage Blob Data Contributor, on this account only.
resource blobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${botName}-plan'
  location: location
  sku: { name: planSku }
  kind: 'linux'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: botName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/src/index.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/healthz'
      appSettings: [
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'AZURE_SUBSCRIPTION_ID', value: defaultSubscriptionId }
        { name: 'TRIAGE_APPROVERS', value: approvers }
        { name: 'TRIAGE_BLOB_URL', value: '${storage.properties.primaryEndpoints.blob}${container.name}' }
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'PORT', value: '8080' }
        { name: 'WEBSITES_PORT', value: '8080' }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ]
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: 'AKS registry triage'
    endpoint: 'https://${app.properties.defaultHostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: identity.id
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

output botIdentityPrincipalId string = identity.properties.principalId
output botAppId string = identity.properties.clientId
output messagingEndpoint string = 'https://${app.properties.defaultHostName}/api/messages'
