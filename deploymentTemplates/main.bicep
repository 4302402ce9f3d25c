// aks-registry-triage on Azure, in one resource group: the bot's user-assigned managed identity (its only
// identity: Bot Framework, ARM, Blob, Key Vault), Key Vault for the Slack secrets, a storage account with
// a working-state container and an append-only audit container, App Service (Linux, Node 22) running the
// prebuilt package, Application Insights with diagnostic settings and alerts, and the Azure Bot with its
// Teams channel. Every setting the code reads is a parameter here, so re-running the deployment never
// drops one (ARM replaces the whole appSettings list on every deployment).
//
// What the identity may read and grant in Azure is NOT here: see subscription-access.bicep (per
// subscription) and registry-grant.bicep (per registry), and README.md for the order.
//
// Deploy:  az deployment group create -g <rg> -f deploymentTemplates/main.bicep -p botName=<name> approvers=<ids>

targetScope = 'resourceGroup'

@description('Base name for every resource (letters, digits, hyphens); also the App Service host name.')
@minLength(3)
@maxLength(24)
param botName string

param location string = resourceGroup().location

// ---- who may approve, and how approvals behave (TRIAGE_*) ----

@description('TRIAGE_APPROVERS: comma-separated Entra object ids (Teams) and slack:<member id> entries of the people who may approve grants.')
param approvers string

@description('TRIAGE_ALLOW_SELF_APPROVAL: may the person who asked also approve? Keep false outside experiments.')
param allowSelfApproval bool = false

@description('TRIAGE_APPROVAL_TTL: how long an approval button stays valid (1m … 7d, e.g. 30m, 1h).')
param approvalTtl string = '1h'

@description('TRIAGE_AUDIT: who may run "audit" in a conversation.')
@allowed(['approvers', 'everyone'])
param auditAudience string = 'approvers'

// ---- what a triage reads ----

@description('AZURE_SUBSCRIPTION_ID: subscription for bare cluster and registry names.')
param defaultSubscriptionId string = subscription().subscriptionId

@description('AZURE_RESOURCE_MANAGER_ENDPOINT: ARM of this cloud (sovereign clouds differ).')
param resourceManagerEndpoint string = environment().resourceManager

@description('TRIAGE_PODS: read failing pods and events through AKS run command (starts a short-lived pod in the cluster).')
param pods bool = true

@description('TRIAGE_POD_DEADLINE_MS: how long pod evidence may take before the card says unknown.')
@minValue(1000)
@maxValue(600000)
param podDeadlineMs int = 90000

// ---- Slack (off until its app exists; see README "Slack") ----

@description('Serve Slack at /slack/events. Turn on only once the two Key Vault secrets exist (pass them below once, or set them with az keyvault secret set).')
param slack bool = false

@description('Slack Bot User OAuth Token (xoxb-…). Written to Key Vault when given; leave empty on later deployments to keep the stored one.')
@secure()
param slackBotToken string = ''

@description('Slack Signing Secret. Written to Key Vault when given; leave empty on later deployments to keep the stored one.')
@secure()
param slackSigningSecret string = ''

// ---- alerts into the on-call channel (POST /api/alerts; see docs/alerts.md) ----

@description('Accept alerts at /api/alerts with the bearer secret kept in Key Vault (pass alertToken once, or set it with az keyvault secret set).')
param alerts bool = false

@description('TRIAGE_ALERT_TOKEN: the bearer secret Alertmanager or a plain webhook sends (at least 32 characters, e.g. openssl rand -hex 32). Written to Key Vault when given; leave empty later to keep the stored one.')
@secure()
param alertToken string = ''

@description('TRIAGE_ALERT_ENTRA_AUDIENCE: for action groups with a secure webhook, the app id URI(s) or client id(s) of the app registration they get tokens for (comma-separated). Empty: secure webhooks are not accepted.')
param alertEntraAudience string = ''

@description('TRIAGE_ALERT_ENTRA_TENANT: tenant of that app registration.')
param alertEntraTenant string = tenant().tenantId

@description('TRIAGE_ALERT_CHANNEL: where alerts go by default, teams:<conversation id> or slack:<channel id>. Empty: only routed alerts are posted.')
param alertChannel string = ''

@description('TRIAGE_ALERT_ROUTES: JSON list of per-route destinations (by route name in the URL, cluster, resource group or subscription); see docs/alerts.md.')
param alertRoutes string = ''

@description('TRIAGE_ALERT_WINDOW: how long repeats of an alert update the same card (1m … 7d).')
param alertWindow string = '1h'

// ---- operations ----

@description('LOG_LEVEL of the JSON logs.')
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
param logLevel string = 'info'

@description('Storage redundancy. Standard_LRS exists in every region; Standard_ZRS/GZRS only where the region has availability zones.')
@allowed(['Standard_LRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_ZRS', 'Standard_GZRS', 'Standard_RAGZRS'])
param storageSku string = 'Standard_LRS'

@description('Days each audit entry stays immutable (WORM, appends allowed). The policy is created unlocked; lock it once verified (README).')
@minValue(1)
@maxValue(146000)
param auditRetentionDays int = 365

@description('Days deleted blobs, containers and previous versions are kept (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 30

@description('App Service plan SKU; B1 is enough for one team.')
param planSku string = 'B1'

@description('E-mail for alerts (health check failing, HTTP 5xx). Empty: alerts fire without notifying anyone.')
param alertEmail string = ''

var suffix = uniqueString(resourceGroup().id, botName)
var storageName = take(toLower(replace('${botName}st${suffix}', '-', '')), 24)
var vaultName = 'kv${suffix}'
var stateContainerName = 'triage-state'
var auditContainerName = 'triage-audit'
var slackBotTokenSecretName = 'slack-bot-token'
var slackSigningSecretName = 'slack-signing-secret'
var alertTokenSecretName = 'alert-token'

// Built-in role definition ids (the same in every tenant).
var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${botName}-id'
  location: location
}

// ---- storage: working state and an append-only audit log ----

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: storageSku }
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
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays }
  }
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: stateContainerName
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: auditContainerName
}

// Time-based retention: entries can be appended (append blobs, one block per entry) but neither changed
// nor deleted for auditRetentionDays, whatever role anyone holds.
resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: auditContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditRetentionDays
    allowProtectedAppendWrites: true
  }
}

// The bot's data role, on its two containers only (not the account).
resource stateDataRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(stateContainer.id, identity.id, roles.storageBlobDataContributor)
  scope: stateContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource auditDataRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(auditContainer.id, identity.id, roles.storageBlobDataContributor)
  scope: auditContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- secrets ----

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource slackBotTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(slackBotToken)) {
  parent: vault
  name: slackBotTokenSecretName
  properties: { value: slackBotToken }
}

resource slackSigningSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(slackSigningSecret)) {
  parent: vault
  name: slackSigningSecretName
  properties: { value: slackSigningSecret }
}

resource alertTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(alertToken)) {
  parent: vault
  name: alertTokenSecretName
  properties: { value: alertToken }
}

// ---- monitoring ----

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${botName}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${botName}-ai'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// ---- the app ----

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${botName}-plan'
  location: location
  sku: { name: planSku }
  kind: 'linux'
  properties: { reserved: true }
}

var keyVaultReference = 'VaultName=${vault.name}'
var slackSettings = slack
  ? [
      { name: 'SLACK_BOT_TOKEN', value: '@Microsoft.KeyVault(${keyVaultReference};SecretName=${slackBotTokenSecretName})' }
      { name: 'SLACK_SIGNING_SECRET', value: '@Microsoft.KeyVault(${keyVaultReference};SecretName=${slackSigningSecretName})' }
    ]
  : []
var alertSettings = concat(
  alerts ? [{ name: 'TRIAGE_ALERT_TOKEN', value: '@Microsoft.KeyVault(${keyVaultReference};SecretName=${alertTokenSecretName})' }] : [],
  [
    { name: 'TRIAGE_ALERT_ENTRA_AUDIENCE', value: alertEntraAudience }
    { name: 'TRIAGE_ALERT_ENTRA_TENANT', value: alertEntraTenant }
    { name: 'TRIAGE_ALERT_CHANNEL', value: alertChannel }
    { name: 'TRIAGE_ALERT_ROUTES', value: alertRoutes }
    { name: 'TRIAGE_ALERT_WINDOW', value: alertWindow }
  ]
)

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
    // Key Vault references resolve with the bot's identity (the default would be a system identity it has not got).
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node --disable-warning=DEP0111 dist/src/index.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/healthz'
      appSettings: concat(
        [
          // Bot Framework: the managed identity is the bot's app id; no password exists.
          { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
          { name: 'MicrosoftAppId', value: identity.properties.clientId }
          { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
          // Azure
          { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
          { name: 'AZURE_SUBSCRIPTION_ID', value: defaultSubscriptionId }
          { name: 'AZURE_RESOURCE_MANAGER_ENDPOINT', value: resourceManagerEndpoint }
          // Triage and approvals
          { name: 'TRIAGE_APPROVERS', value: approvers }
          { name: 'TRIAGE_ALLOW_SELF_APPROVAL', value: string(allowSelfApproval) }
          { name: 'TRIAGE_APPROVAL_TTL', value: approvalTtl }
          { name: 'TRIAGE_AUDIT', value: auditAudience }
          { name: 'TRIAGE_PODS', value: string(pods) }
          { name: 'TRIAGE_POD_DEADLINE_MS', value: string(podDeadlineMs) }
          // State and audit, through the managed identity (no account key)
          { name: 'TRIAGE_BLOB_URL', value: '${storage.properties.primaryEndpoints.blob}${stateContainer.name}' }
          { name: 'TRIAGE_AUDIT_CONTAINER', value: auditContainer.name }
          // Observability
          { name: 'LOG_LEVEL', value: logLevel }
          { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
          // Server
          { name: 'HOST', value: '0.0.0.0' }
          { name: 'PORT', value: '8080' }
          { name: 'WEBSITES_PORT', value: '8080' }
          // The package is built and complete (npm run package:app): no build on App Service, and the zip
          // is mounted as it is rather than unpacked file by file onto the share.
          { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
          { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
        ],
        slackSettings,
        alertSettings
      )
    }
  }
  dependsOn: [vaultSecretsUser, stateDataRole, auditDataRole]
}

resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceAppLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'StorageRead', enabled: true }
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspace.id
    logs: [{ category: 'AuditEvent', enabled: true }]
  }
}

resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${botName}-alerts'
  location: 'global'
  properties: {
    groupShortName: take(replace(botName, '-', ''), 12)
    enabled: true
    emailReceivers: [{ name: 'on-call', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

var alertActions = empty(alertEmail) ? [] : [{ actionGroupId: alertGroup.id }]

// App Service probes /healthz on every instance; below 100 % some instance is not answering.
resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${botName}-health'
  location: 'global'
  properties: {
    description: 'The bot does not answer its health check (/healthz) on every instance.'
    severity: 1
    enabled: true
    scopes: [app.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'health-below-100'
          metricName: 'HealthCheckStatus'
          metricNamespace: 'Microsoft.Web/sites'
          operator: 'LessThan'
          threshold: 100
          timeAggregation: 'Average'
        }
      ]
    }
    actions: alertActions
  }
}

resource serverErrorAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${botName}-http5xx'
  location: 'global'
  properties: {
    description: 'The bot answered HTTP 5xx: Teams or Slack requests are failing.'
    severity: 2
    enabled: true
    scopes: [app.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'http5xx'
          metricName: 'Http5xx'
          metricNamespace: 'Microsoft.Web/sites'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: alertActions
  }
}

// ---- Azure Bot (Teams) ----

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
output appName string = app.name
output hostName string = app.properties.defaultHostName
output messagingEndpoint string = 'https://${app.properties.defaultHostName}/api/messages'
output slackRequestUrl string = 'https://${app.properties.defaultHostName}/slack/events'
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output auditContainerName string = auditContainer.name
output applicationInsightsName string = appInsights.name
