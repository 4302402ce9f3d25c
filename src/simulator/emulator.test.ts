/**
 * The emulator driven by the real Azure SDK clients, in-process, over a small world built here.
 */
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { NetworkManagementClient } from '@azure/arm-network';
import { ComputeManagementClient } from '@azure/arm-compute';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { createHttpHeaders, createPipelineRequest, RestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import { KUBE_EVIDENCE_COMMAND } from '../azure/kube-command';
import { createEmulator, type ArmEmulator } from './emulator';
import type { ArmResource, World } from './scenario';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const OTHER_TENANT = '72f988bf-0000-4000-8000-000000000002';
const S1 = '11111111-1111-4111-8111-111111111111';
const S2 = '22222222-2222-4222-8222-222222222222';
const S3 = '33333333-3333-4333-8333-333333333333';
const CALLER = 'c0000000-0000-4000-8000-000000000001';
const KUBELET = '9c2e0000-0000-4000-8000-000000000001';
const CONTROL_PLANE = '4aa00000-0000-4000-8000-000000000001';
const GROUP = 'g0000000-0000-4000-8000-000000000001'.replace('g', 'a');
const OUTER_GROUP = 'b0000000-0000-4000-8000-000000000001';
const STRANGER = 'd0000000-0000-4000-8000-000000000001';
const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const REPO_READER = 'b93aa761-3e63-49ed-ac28-beffa264f7ac';
const UAA = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
const CUSTOM_ROLE = 'e0000000-0000-4000-8000-0000000000c1';

const RG_PROD = `/subscriptions/${S1}/resourceGroups/rg-prod`;
const RG_NET = `/subscriptions/${S1}/resourceGroups/rg-net`;
const RG_NODE = `/subscriptions/${S1}/resourceGroups/MC_rg-prod_aks-prod_westeurope`;
const RG_ACR = `/subscriptions/${S2}/resourceGroups/rg-acr`;
const CLUSTER = `${RG_PROD}/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const LOCKED = `${RG_PROD}/providers/Microsoft.ContainerService/managedClusters/aks-locked`;
const EGRESS = `${RG_PROD}/providers/Microsoft.ContainerService/managedClusters/aks-egress`;
const ACR = `${RG_ACR}/providers/Microsoft.ContainerRegistry/registries/myacr`;
const ABAC_ACR = `${RG_ACR}/providers/Microsoft.ContainerRegistry/registries/abacacr`;
const NOARM_ACR = `${RG_ACR}/providers/Microsoft.ContainerRegistry/registries/noarmacr`;
const CLOSED_ACR = `${RG_ACR}/providers/Microsoft.ContainerRegistry/registries/closedacr`;
const VNET = `${RG_NET}/providers/Microsoft.Network/virtualNetworks/vnet-prod`;
const ZONE = `${RG_NET}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`;
const PE = `${RG_NET}/providers/Microsoft.Network/privateEndpoints/pe-acr`;
const KUBELET_ID = `${RG_NODE}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-prod-agentpool`;

function ra(name: string, scope: string, role: string, principalId: string, extra: { condition?: string } = {}) {
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${S2}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      principalType: 'ServicePrincipal',
      scope,
      ...(extra.condition ? { condition: extra.condition, conditionVersion: '2.0' } : {}),
    },
  };
}

function registry(id: string, login: string, properties: Record<string, unknown> = {}): ArmResource {
  return {
    id,
    name: id.split('/').pop() ?? '',
    type: 'Microsoft.ContainerRegistry/registries',
    location: 'westeurope',
    sku: { name: 'Premium', tier: 'Premium' },
    properties: {
      loginServer: login,
      roleAssignmentMode: 'LegacyRegistryPermissions',
      publicNetworkAccess: 'Enabled',
      policies: { azureADAuthenticationAsArmPolicy: { status: 'enabled' } },
      ...properties,
    },
  };
}

function cluster(id: string, properties: Record<string, unknown> = {}): ArmResource {
  return {
    id,
    name: id.split('/').pop() ?? '',
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'westeurope',
    identity: { type: 'SystemAssigned', principalId: CONTROL_PLANE, tenantId: TENANT },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      nodeResourceGroup: 'MC_rg-prod_aks-prod_westeurope',
      fqdn: 'aks-prod-dns.hcp.westeurope.azmk8s.io',
      identityProfile: { kubeletidentity: { resourceId: KUBELET_ID, clientId: 'f1f1f1f1-0000-4000-8000-000000000001', objectId: KUBELET } },
      agentPoolProfiles: [
        { name: 'nodepool1', count: 3, vmSize: 'Standard_D4s_v5', osType: 'Linux', mode: 'System', vnetSubnetID: `${VNET}/subnets/aks` },
      ],
      apiServerAccessProfile: { enablePrivateCluster: false, disableRunCommand: false },
      ...properties,
    },
  };
}

function simple(id: string, type: string, properties: Record<string, unknown> = {}, extra: Partial<ArmResource> = {}): ArmResource {
  return { id, name: id.split('/').pop() ?? '', type, location: 'westeurope', properties, ...extra };
}

function buildWorld(): World {
  const manyAssignments = Array.from({ length: 5 }, (_, i) =>
    ra(`f000000${i}-0000-4000-8000-000000000000`, RG_ACR, READER, `e000000${i}-0000-4000-8000-000000000000`),
  );
  return {
    caller: { principalId: CALLER, tenantId: TENANT, clientId: 'cc000000-0000-4000-8000-000000000001' },
    subscriptions: [
      { subscriptionId: S1, tenantId: TENANT, displayName: 'prod' },
      { subscriptionId: S2, tenantId: TENANT, displayName: 'shared-acr' },
      { subscriptionId: S3, tenantId: OTHER_TENANT, displayName: 'other-team' },
    ],
    readableSubscriptions: [S1, S2],
    forbiddenScopes: [`/subscriptions/${S1}/resourceGroups/rg-secret`],
    resources: [
      cluster(CLUSTER),
      cluster(LOCKED, { apiServerAccessProfile: { enablePrivateCluster: true, disableRunCommand: true } }),
      cluster(EGRESS),
      cluster(`/subscriptions/${S3}/resourceGroups/rg-x/providers/Microsoft.ContainerService/managedClusters/aks-hidden`),
      registry(ACR, 'myacr.azurecr.io', { dataEndpointHostNames: ['myacr.westeurope.data.azurecr.io'] }),
      registry(ABAC_ACR, 'abacacr.azurecr.io', { roleAssignmentMode: 'AbacRepositoryPermissions' }),
      registry(NOARM_ACR, 'noarmacr.azurecr.io', { policies: { azureADAuthenticationAsArmPolicy: { status: 'disabled' } } }),
      registry(CLOSED_ACR, 'closedacr.azurecr.io', { publicNetworkAccess: 'Disabled' }),
      registry(`/subscriptions/${S3}/resourceGroups/rg-x/providers/Microsoft.ContainerRegistry/registries/hiddenacr`, 'hiddenacr.azurecr.io'),
      simple(
        `${ACR}/replications/eastus`,
        'Microsoft.ContainerRegistry/registries/replications',
        { provisioningState: 'Succeeded' },
        { location: 'eastus' },
      ),
      simple(`${RG_NODE}/providers/Microsoft.Network/publicIPAddresses/5d1e`, 'Microsoft.Network/publicIPAddresses', { ipAddress: '51.4.7.9' }),
      simple(`${RG_NODE}/providers/Microsoft.Network/publicIPPrefixes/egress-prefix`, 'Microsoft.Network/publicIPPrefixes', {
        ipPrefix: '51.4.8.0/28',
      }),
      simple(
        `/subscriptions/${S1}/resourceGroups/rg-secret/providers/Microsoft.Network/publicIPAddresses/secret-ip`,
        'Microsoft.Network/publicIPAddresses',
        { ipAddress: '51.9.9.9' },
      ),
      simple(VNET, 'Microsoft.Network/virtualNetworks', {
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        dhcpOptions: { dnsServers: [] },
        subnets: [
          {
            id: `${VNET}/subnets/aks`,
            name: 'aks',
            properties: { addressPrefix: '10.0.0.0/22', routeTable: { id: `${RG_NET}/providers/Microsoft.Network/routeTables/rt-prod` } },
          },
        ],
        virtualNetworkPeerings: [
          {
            id: `${VNET}/virtualNetworkPeerings/to-hub`,
            name: 'to-hub',
            properties: { peeringState: 'Connected', remoteVirtualNetwork: { id: `${RG_NET}/providers/Microsoft.Network/virtualNetworks/vnet-hub` } },
          },
        ],
      }),
      simple(`${VNET}/subnets/pe`, 'Microsoft.Network/virtualNetworks/subnets', {
        addressPrefix: '10.0.8.0/24',
        networkSecurityGroup: { id: `${RG_NET}/providers/Microsoft.Network/networkSecurityGroups/nsg-pe` },
      }),
      simple(`${RG_NET}/providers/Microsoft.Network/routeTables/rt-prod`, 'Microsoft.Network/routeTables', {
        routes: [{ name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.1.0.4' } }],
      }),
      simple(`${RG_NET}/providers/Microsoft.Network/networkSecurityGroups/nsg-pe`, 'Microsoft.Network/networkSecurityGroups', { securityRules: [] }),
      simple(PE, 'Microsoft.Network/privateEndpoints', {
        subnet: { id: `${VNET}/subnets/pe` },
        privateLinkServiceConnections: [
          {
            name: 'acr',
            properties: { privateLinkServiceId: ACR, groupIds: ['registry'], privateLinkServiceConnectionState: { status: 'Approved' } },
          },
        ],
        customDnsConfigs: [{ fqdn: 'myacr.azurecr.io', ipAddresses: ['10.0.8.5'] }],
      }),
      simple(`${PE}/privateDnsZoneGroups/default`, 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups', {
        privateDnsZoneConfigs: [{ name: 'acr', properties: { privateDnsZoneId: ZONE } }],
      }),
      simple(ZONE, 'Microsoft.Network/privateDnsZones', { numberOfRecordSets: 3 }, { location: 'global' }),
      simple(
        `${ZONE}/virtualNetworkLinks/link-prod`,
        'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
        { virtualNetwork: { id: VNET }, registrationEnabled: false, virtualNetworkLinkState: 'Completed' },
        { location: 'global' },
      ),
      simple(`${ZONE}/A/myacr`, 'Microsoft.Network/privateDnsZones/A', { ttl: 10, aRecords: [{ ipv4Address: '10.0.8.5' }] }),
      simple(`${ZONE}/A/myacr.westeurope.data`, 'Microsoft.Network/privateDnsZones/A', { ttl: 10, aRecords: [{ ipv4Address: '10.0.8.6' }] }),
      simple(
        `${RG_NODE}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-vmss`,
        'Microsoft.Compute/virtualMachineScaleSets',
        { orchestrationMode: 'Uniform' },
        {
          identity: {
            type: 'UserAssigned',
            userAssignedIdentities: { [KUBELET_ID]: { principalId: KUBELET, clientId: 'f1f1f1f1-0000-4000-8000-000000000001' } },
          },
          sku: { name: 'Standard_D4s_v5', tier: 'Standard' },
        },
      ),
      simple(KUBELET_ID, 'Microsoft.ManagedIdentity/userAssignedIdentities', {
        principalId: KUBELET,
        clientId: 'f1f1f1f1-0000-4000-8000-000000000001',
        tenantId: TENANT,
      }),
    ],
    roleAssignments: [
      ra('a1000000-0000-4000-8000-000000000001', ACR, ACR_PULL, KUBELET),
      ra('a1000000-0000-4000-8000-000000000002', ACR, ACR_PULL, OUTER_GROUP),
      ra('a1000000-0000-4000-8000-000000000003', ABAC_ACR, REPO_READER, CALLER, {
        condition:
          "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})) OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'team-a/'))",
      }),
      ra('a1000000-0000-4000-8000-000000000004', RG_ACR, UAA, CALLER),
      ra('a1000000-0000-4000-8000-000000000005', `/subscriptions/${S2}`, READER, CONTROL_PLANE),
      ra('a1000000-0000-4000-8000-000000000006', NOARM_ACR, ACR_PULL, CALLER),
      ra('a1000000-0000-4000-8000-000000000007', CLOSED_ACR, ACR_PULL, CALLER),
      ...manyAssignments,
    ],
    roleDefinitions: [
      {
        id: `/subscriptions/${S2}/providers/Microsoft.Authorization/roleDefinitions/${CUSTOM_ROLE}`,
        name: CUSTOM_ROLE,
        type: 'Microsoft.Authorization/roleDefinitions',
        properties: {
          roleName: 'Registry Puller (custom)',
          type: 'CustomRole',
          permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'], notActions: [] }],
          assignableScopes: [`/subscriptions/${S2}`],
        },
      },
    ],
    denyAssignments: [
      {
        id: `${ABAC_ACR}/providers/Microsoft.Authorization/denyAssignments/dddd0000-0000-4000-8000-000000000001`,
        name: 'dddd0000-0000-4000-8000-000000000001',
        properties: {
          denyAssignmentName: 'Blueprint lock',
          permissions: [{ actions: [], notActions: [], dataActions: ['Microsoft.ContainerRegistry/*/read'], notDataActions: [] }],
          scope: ABAC_ACR,
          principals: [{ id: KUBELET, type: 'ServicePrincipal' }],
        },
      },
    ],
    groups: { [GROUP]: [CALLER], [OUTER_GROUP]: [GROUP] },
    kube: {
      [CLUSTER.toLowerCase()]: {
        pods: [
          {
            metadata: { name: 'api-7d9', namespace: 'shop' },
            spec: { nodeName: 'aks-nodepool1-0', containers: [{ name: 'api', image: 'myacr.azurecr.io/shop/api:1.4.2' }] },
            status: {
              containerStatuses: [
                {
                  name: 'api',
                  image: 'myacr.azurecr.io/shop/api:1.4.2',
                  state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "myacr.azurecr.io/shop/api:1.4.2"' } },
                },
              ],
            },
          },
          {
            metadata: { name: 'web-1', namespace: 'shop' },
            status: { containerStatuses: [{ name: 'web', image: 'nginx', state: { running: {} } }] },
          },
        ],
        events: [
          {
            metadata: { name: 'api-7d9.1', namespace: 'shop' },
            involvedObject: { kind: 'Pod', name: 'api-7d9' },
            type: 'Warning',
            reason: 'Failed',
            message: 'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": 401 Unauthorized',
          },
          {
            metadata: { name: 'web-1.1', namespace: 'shop' },
            involvedObject: { kind: 'Pod', name: 'web-1' },
            type: 'Normal',
            reason: 'Pulled',
            message: 'Successfully pulled image "nginx"',
          },
        ],
        nodes: [
          {
            metadata: { name: 'aks-nodepool1-0', labels: { 'kubernetes.azure.com/agentpool': 'nodepool1' } },
            status: { nodeInfo: { operatingSystem: 'linux', architecture: 'amd64' } },
          },
        ],
        pullSecrets: [{ namespace: 'shop', name: 'acr-cred' }],
      },
      [EGRESS.toLowerCase()]: { pods: [], events: [], nodes: [], runCommandFailure: 'ImagePullBackoff' },
    },
    registryContent: {
      'myacr.azurecr.io': {
        repositories: {
          'shop/api': {
            '1.4.2': [{ os: 'linux', architecture: 'amd64' }],
            multi: [
              { os: 'linux', architecture: 'amd64' },
              { os: 'linux', architecture: 'arm64', variant: 'v8' },
            ],
          },
        },
      },
      'abacacr.azurecr.io': {
        repositories: {
          'team-a/api': { '1.0': [{ os: 'linux', architecture: 'amd64' }] },
          'team-b/api': { '1.0': [{ os: 'linux', architecture: 'amd64' }] },
        },
      },
      'noarmacr.azurecr.io': { repositories: { app: { v1: [{ os: 'linux', architecture: 'amd64' }] } } },
    },
    graph: {
      servicePrincipals: [
        {
          appId: '0f100000-0000-4000-8000-000000000001',
          id: '0f200000-0000-4000-8000-000000000001',
          displayName: 'aks-sp',
          passwordCredentials: [{ endDateTime: '2025-03-01T00:00:00Z' }],
        },
      ],
    },
  };
}

let emulator: ArmEmulator;
beforeEach(() => {
  emulator = createEmulator({ world: buildWorld(), pageSize: 2 });
});
afterEach(async () => {
  await emulator.close();
});

function aks(subscriptionId = S1): ContainerServiceClient {
  return new ContainerServiceClient(emulator.credential, subscriptionId, {
    endpoint: emulator.endpoint,
    credentials: { scopes: [`${emulator.endpoint}/.default`] },
    httpClient: emulator.httpClient,
  });
}
const common = () => ({ endpoint: emulator.endpoint, httpClient: emulator.httpClient });
const authz = (sub = S2) => new AuthorizationManagementClient(emulator.credential, sub, common());

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The error of a failed SDK call (core-rest-pipeline's RestError, or ms-rest-js's for arm-resourcegraph 4.x). */
async function rejection(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && 'statusCode' in error) return error as RestError;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A raw request through the emulator's transport (for routes no installed SDK client covers). */
async function raw(
  method: string,
  url: string,
  options: { scope?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<PipelineResponse> {
  const headers = createHttpHeaders(options.headers);
  if (options.scope) headers.set('authorization', `Bearer ${(await emulator.credential.getToken(options.scope))?.token ?? ''}`);
  return emulator.httpClient.sendRequest(
    createPipelineRequest({ url, method: method as 'GET', headers, ...(options.body !== undefined ? { body: options.body } : {}) }),
  );
}
const json = (response: PipelineResponse): Record<string, unknown> => JSON.parse(response.bodyAsText ?? 'null') as Record<string, unknown>;

describe('managed clusters', () => {
  it('gets a cluster by id and lists by subscription and resource group (REST properties flattened by the SDK)', async () => {
    const client = aks();
    const mc = await client.managedClusters.get('rg-prod', 'aks-prod');
    expect(mc.id).toBe(CLUSTER);
    expect(mc.identityProfile?.['kubeletidentity']?.objectId).toBe(KUBELET);
    expect(mc.powerState?.code).toBe('Running');
    expect((await collect(client.managedClusters.list())).map((c) => c.name).sort()).toEqual(['aks-egress', 'aks-locked', 'aks-prod']);
    expect((await collect(client.managedClusters.listByResourceGroup('rg-prod'))).length).toBe(3);
  });

  it('answers 404 ResourceNotFound, 404 ResourceGroupNotFound, 403 AuthorizationFailed and 401 for another tenant like ARM', async () => {
    expect(await rejection(aks().managedClusters.get('rg-prod', 'nope'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(await rejection(aks().managedClusters.get('rg-nope', 'aks-prod'))).toMatchObject({ statusCode: 404, code: 'ResourceGroupNotFound' });
    // S3 belongs to another tenant: ARM refuses the caller's token itself, before any role.
    const otherTenant = await rejection(aks(S3).managedClusters.get('rg-x', 'aks-hidden'));
    expect(otherTenant).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenTenant' });
    expect(otherTenant.message).toContain(`must match the tenant 'https://sts.windows.net/${OTHER_TENANT}/'`);
    emulator.world.forbiddenScopes = [`/subscriptions/${S1}/resourceGroups/rg-prod`];
    const forbidden = await rejection(aks().managedClusters.get('rg-prod', 'aks-prod'));
    emulator.world.forbiddenScopes = undefined;
    expect(forbidden).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(forbidden.message).toContain('Microsoft.ContainerService/managedClusters/read');
    const last = emulator.requests[emulator.requests.length - 1];
    expect(last).toMatchObject({ method: 'GET', status: 403, host: 'management.emulator.local' });
    expect(last?.query['api-version']).toBeDefined();
  });

  it('runs the evidence command as a long-running operation and prints each query as kubectl would', async () => {
    const result = await aks().managedClusters.beginRunCommandAndWait(
      'rg-prod',
      'aks-prod',
      { command: KUBE_EVIDENCE_COMMAND, context: '' },
      { updateIntervalInMs: 1 },
    );
    expect(result).toMatchObject({ provisioningState: 'Succeeded', exitCode: 0 });
    expect(result.logs).toBe(
      [
        '@@begin pods',
        'T\t2',
        'C\tcontainer\tshop\tapi-7d9\tapi\t"myacr.azurecr.io/shop/api:1.4.2"\tImagePullBackOff\t"Back-off pulling image \\"myacr.azurecr.io/shop/api:1.4.2\\""',
        'P\tshop\tapi-7d9\taks-nodepool1-0\t<nil>\t\t',
        '@@end pods 0',
        '@@begin nodes',
        'N\taks-nodepool1-0\tlinux\tamd64\tnodepool1',
        '@@end nodes 0',
        '@@begin serviceaccounts',
        '@@end serviceaccounts 0',
        '@@begin secrets',
        'shop   acr-cred',
        '@@end secrets 0',
        '@@begin events',
        'E\tshop\tPod\tapi-7d9\tFailed\t<nil>\t<nil>\t"Failed to pull image \\"myacr.azurecr.io/shop/api:1.4.2\\": 401 Unauthorized"',
        '@@end events 0',
        '',
      ].join('\n'),
    );
    const trail = emulator.requests.map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')} ${r.status}`);
    expect(trail[0]).toBe('POST aks-prod/runCommand 202');
    expect(trail.filter((t) => t.includes('commandResults/'))).toEqual([expect.stringMatching(/ 202$/), expect.stringMatching(/ 200$/)]);
  });

  it('refuses any other command with exit code 1, and reports a failed command pod with its reason', async () => {
    const other = await aks().managedClusters.beginRunCommandAndWait(
      'rg-prod',
      'aks-prod',
      { command: 'kubectl delete pod api-7d9 -n shop' },
      { updateIntervalInMs: 1 },
    );
    expect(other.exitCode).toBe(1);
    expect(other.logs).toContain('refused: kubectl delete pod');
    const failed = await aks().managedClusters.beginRunCommandAndWait(
      'rg-prod',
      'aks-egress',
      { command: KUBE_EVIDENCE_COMMAND },
      { updateIntervalInMs: 1 },
    );
    expect(failed).toMatchObject({ provisioningState: 'Failed', reason: 'ImagePullBackoff' });
  });

  it('rejects run command with 400 when the cluster disables it', async () => {
    const error = await rejection(
      aks().managedClusters.beginRunCommandAndWait('rg-prod', 'aks-locked', { command: KUBE_EVIDENCE_COMMAND }, { updateIntervalInMs: 1 }),
    );
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('disableRunCommand');
  });

  it('lists the cluster user credential as a base64 kubeconfig naming the cluster’s own API server and its CA', async () => {
    const credentials = await aks().managedClusters.listClusterUserCredentials('rg-prod', 'aks-prod');
    const kubeconfig = Buffer.from(credentials.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString('utf8');
    expect(kubeconfig).toMatch(/server: https:\/\/127\.0\.0\.1:\d+\n/);
    expect(kubeconfig).toContain('certificate-authority-data: ');
    const again = Buffer.from(
      (await aks().managedClusters.listClusterUserCredentials('rg-prod', 'aks-prod')).kubeconfigs?.[0]?.value ?? new Uint8Array(),
    ).toString('utf8');
    expect(again).toBe(kubeconfig);
  });
});

describe('registries', () => {
  it('gets a registry, lists by subscription and lists replications', async () => {
    const client = new ContainerRegistryManagementClient(emulator.credential, S2, common());
    const reg = await client.registries.get('rg-acr', 'myacr');
    expect(reg).toMatchObject({ loginServer: 'myacr.azurecr.io', roleAssignmentMode: 'LegacyRegistryPermissions' });
    expect((await collect(client.registries.list())).map((r) => r.name).sort()).toEqual(['abacacr', 'closedacr', 'myacr', 'noarmacr']);
    expect((await collect(client.replications.list('rg-acr', 'myacr'))).map((r) => r.location)).toEqual(['eastus']);
  });
});

describe('role assignments', () => {
  const names = (list: { name?: string }[]) => list.map((a) => a.name ?? '').sort();

  it('lists with every filter form: atScope(), assignedTo() through nested groups, principalId eq, and combinations', async () => {
    const client = authz();
    const atScope = await collect(client.roleAssignments.listForScope(ACR, { filter: 'atScope()' }));
    expect(atScope.length).toBe(9); // 2 on myacr + UAA and 5 Readers on rg-acr + Reader on the subscription
    const assigned = await collect(client.roleAssignments.listForScope(ACR, { filter: `atScope() and assignedTo('${CALLER}')` }));
    expect(names(assigned)).toEqual(['a1000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000004']);
    const direct = await collect(client.roleAssignments.listForScope(RG_ACR, { filter: `principalId eq '${CALLER}'` }));
    expect(names(direct)).toEqual([
      'a1000000-0000-4000-8000-000000000003',
      'a1000000-0000-4000-8000-000000000004',
      'a1000000-0000-4000-8000-000000000006',
      'a1000000-0000-4000-8000-000000000007',
    ]);
    const groupOnly = await collect(client.roleAssignments.listForScope(ACR, { filter: `principalId eq '${OUTER_GROUP}'` }));
    expect(names(groupOnly)).toEqual(['a1000000-0000-4000-8000-000000000002']);
    const kubelet = await collect(client.roleAssignments.listForScope(ACR, { filter: `assignedTo('${KUBELET}')` }));
    expect(names(kubelet)).toEqual(['a1000000-0000-4000-8000-000000000001']);
  });

  it('lists at, above and below without a filter, paging with nextLink', async () => {
    const all = await collect(authz().roleAssignments.listForScope(RG_ACR));
    expect(all.length).toBe(12); // 5 on registries below rg-acr, 6 on rg-acr itself, 1 on the subscription above
    const pages = emulator.requests.filter((r) => r.path.endsWith('/roleAssignments'));
    expect(pages.length).toBe(6);
    expect(pages.slice(1).every((r) => r.query['$skipToken'] !== undefined && r.query['api-version'] === '2022-04-01')).toBe(true);
  });

  it('answers 400 InvalidFilter to an unsupported filter', async () => {
    const error = await rejection(collect(authz().roleAssignments.listForScope(ACR, { filter: "roleName eq 'AcrPull'" })));
    expect(error).toMatchObject({ statusCode: 400, code: 'InvalidFilter' });
    expect(
      await rejection(collect(authz().roleAssignments.listForScope(ACR, { filter: `assignedTo('${CALLER}') and principalId eq '${CALLER}'` }))),
    ).toMatchObject({ code: 'InvalidFilter' });
  });

  it('creates with PUT (201), then 409 RoleAssignmentExists under another name, 409 UpdateNotPermitted on a reused name', async () => {
    const client = authz();
    const body = {
      roleDefinitionId: `/subscriptions/${S2}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL}`,
      principalId: STRANGER,
      principalType: 'ServicePrincipal' as const,
    };
    const created = await client.roleAssignments.create(ACR, '5e100000-0000-4000-8000-000000000001', body);
    expect(created).toMatchObject({ principalId: STRANGER, scope: ACR, name: '5e100000-0000-4000-8000-000000000001' });
    expect(emulator.requests[emulator.requests.length - 1]).toMatchObject({ method: 'PUT', status: 201, body: { properties: body } });
    const seen = await collect(client.roleAssignments.listForScope(ACR, { filter: `atScope() and assignedTo('${STRANGER}')` }));
    expect(seen.map((a) => a.name)).toEqual(['5e100000-0000-4000-8000-000000000001']);

    const exists = await rejection(client.roleAssignments.create(ACR, '5e100000-0000-4000-8000-000000000002', body));
    expect(exists).toMatchObject({ statusCode: 409, code: 'RoleAssignmentExists' });
    expect(exists.message).toContain('5e100000000040008000000000000001');
    const reused = await rejection(
      client.roleAssignments.create(ACR, '5e100000-0000-4000-8000-000000000001', {
        ...body,
        roleDefinitionId: body.roleDefinitionId.replace(ACR_PULL, READER),
      }),
    );
    expect(reused).toMatchObject({ statusCode: 409, code: 'RoleAssignmentUpdateNotPermitted' });

    expect((await client.roleAssignments.get(ACR, '5e100000-0000-4000-8000-000000000001')).principalId).toBe(STRANGER);
    await client.roleAssignments.delete(ACR, '5e100000-0000-4000-8000-000000000001');
    expect(await rejection(client.roleAssignments.get(ACR, '5e100000-0000-4000-8000-000000000001'))).toMatchObject({
      statusCode: 404,
      code: 'RoleAssignmentNotFound',
    });
  });

  it('refuses a PUT without roleAssignments/write at the scope (403), and validates the body (400)', async () => {
    const body = {
      roleDefinitionId: `/subscriptions/${S1}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL}`,
      principalId: STRANGER,
      principalType: 'ServicePrincipal' as const,
    };
    const forbidden = await rejection(authz(S1).roleAssignments.create(CLUSTER, '5e100000-0000-4000-8000-000000000003', body));
    expect(forbidden).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(forbidden.message).toContain('Microsoft.Authorization/roleAssignments/write');
    const client = authz();
    expect(
      await rejection(client.roleAssignments.create(ACR, '5e100000-0000-4000-8000-000000000004', { ...body, principalId: 'not-a-guid' })),
    ).toMatchObject({ statusCode: 400, code: 'InvalidPrincipalId' });
    expect(
      await rejection(
        client.roleAssignments.create(ACR, '5e100000-0000-4000-8000-000000000005', {
          ...body,
          roleDefinitionId: body.roleDefinitionId.replace(ACR_PULL, '00000000-1111-4000-8000-000000000000'),
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'RoleDefinitionDoesNotExist' });
    const withoutType = { roleDefinitionId: body.roleDefinitionId, principalId: '99999999-0000-4000-8000-000000000000' };
    expect(await rejection(client.roleAssignments.create(ACR, '5e100000-0000-4000-8000-000000000006', withoutType))).toMatchObject({
      statusCode: 400,
      code: 'PrincipalNotFound',
    });
    const badJson = await raw(
      'PUT',
      `${emulator.endpoint}${ACR}/providers/Microsoft.Authorization/roleAssignments/5e100000-0000-4000-8000-000000000007?api-version=2022-04-01`,
      {
        scope: `${emulator.endpoint}/.default`,
        body: '{"properties":',
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(badJson.status).toBe(400);
    expect((json(badJson)['error'] as { code: string }).code).toBe('InvalidRequestContent');
    expect(emulator.world.roleAssignments.some((a) => a.properties.principalId === STRANGER)).toBe(false);
  });
});

describe('role definitions, deny assignments, permissions', () => {
  it('gets built-in roles by GUID at any scope and by id, and custom roles of the world', async () => {
    const client = authz();
    const acrPull = await client.roleDefinitions.get(ACR, ACR_PULL);
    expect(acrPull).toMatchObject({
      roleName: 'AcrPull',
      roleType: 'BuiltInRole',
      id: `/subscriptions/${S2}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL}`,
    });
    expect(acrPull.permissions?.[0]?.actions).toEqual(['Microsoft.ContainerRegistry/registries/pull/read']);
    expect((await client.roleDefinitions.getById(`/providers/Microsoft.Authorization/roleDefinitions/${READER}`)).permissions?.[0]?.actions).toEqual([
      '*/read',
    ]);
    expect((await client.roleDefinitions.get('/', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')).permissions?.[0]?.actions).toEqual(['*']);
    expect((await client.roleDefinitions.get(RG_ACR, CUSTOM_ROLE)).roleName).toBe('Registry Puller (custom)');
    expect(await rejection(client.roleDefinitions.get(`/subscriptions/${S1}`, CUSTOM_ROLE))).toMatchObject({ statusCode: 404 });
    expect((await collect(client.roleDefinitions.list(ACR, { filter: "roleName eq 'acrpull'" }))).map((d) => d.name)).toEqual([ACR_PULL]);
  });

  it('lists deny assignments with atScope() and assignedTo()', async () => {
    const client = authz();
    expect(
      (await collect(client.denyAssignments.listForScope(ABAC_ACR, { filter: `atScope() and assignedTo('${KUBELET}')` }))).map(
        (d) => d.denyAssignmentName,
      ),
    ).toEqual(['Blueprint lock']);
    expect(await collect(client.denyAssignments.listForScope(ABAC_ACR, { filter: `atScope() and assignedTo('${CALLER}')` }))).toEqual([]);
    expect(await collect(client.denyAssignments.listForScope(ACR, { filter: 'atScope()' }))).toEqual([]);
  });

  it("derives the caller's permissions from its assignments, or takes world.callerPermissions", async () => {
    const perms = await collect(authz().permissions.listForResource('rg-acr', 'Microsoft.ContainerRegistry', '', 'registries', 'myacr'));
    expect(perms.flatMap((p) => p.actions ?? [])).toContain('Microsoft.Authorization/*');
    expect(await collect(authz(S1).permissions.listForResourceGroup('rg-prod'))).toEqual([]);

    await emulator.close();
    const world = buildWorld();
    world.callerPermissions = { [RG_PROD]: [{ actions: ['Microsoft.Authorization/roleAssignments/write'], notActions: [] }] };
    emulator = createEmulator({ world });
    const granted = await collect(authz(S1).permissions.listForResourceGroup('rg-prod'));
    expect(granted.map((p) => p.actions)).toEqual([['Microsoft.Authorization/roleAssignments/write']]);
    const created = await authz(S1).roleAssignments.create(CLUSTER, '5e100000-0000-4000-8000-000000000009', {
      roleDefinitionId: `/subscriptions/${S1}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: KUBELET,
    });
    expect(created.scope).toBe(CLUSTER);
  });
});

describe('network, compute, DNS, identities', () => {
  it('serves public IPs and prefixes, private endpoints and their DNS zone groups', async () => {
    const network = new NetworkManagementClient(emulator.credential, S1, common());
    expect((await network.publicIPAddresses.get('MC_rg-prod_aks-prod_westeurope', '5d1e')).ipAddress).toBe('51.4.7.9');
    expect((await collect(network.publicIPAddresses.list('MC_rg-prod_aks-prod_westeurope'))).length).toBe(1);
    expect((await collect(network.publicIPAddresses.listAll())).map((p) => p.name)).toEqual(['5d1e']); // rg-secret is a forbidden scope
    expect((await network.publicIPPrefixes.get('MC_rg-prod_aks-prod_westeurope', 'egress-prefix')).ipPrefix).toBe('51.4.8.0/28');
    const pe = await network.privateEndpoints.get('rg-net', 'pe-acr');
    expect(pe.subnet?.id).toBe(`${VNET}/subnets/pe`);
    expect(pe.customDnsConfigs?.[0]?.ipAddresses).toEqual(['10.0.8.5']);
    const groups = await collect(network.privateDnsZoneGroups.list('pe-acr', 'rg-net'));
    expect(groups[0]?.privateDnsZoneConfigs?.[0]?.privateDnsZoneId).toBe(ZONE);
    expect(await rejection(network.publicIPAddresses.get('rg-secret', 'secret-ip'))).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
  });

  it('serves VNets with embedded and separately written subnets, peerings, route tables and NSGs', async () => {
    const network = new NetworkManagementClient(emulator.credential, S1, common());
    const vnet = await network.virtualNetworks.get('rg-net', 'vnet-prod');
    expect(vnet.subnets?.map((s) => s.name).sort()).toEqual(['aks', 'pe']);
    expect(vnet.virtualNetworkPeerings?.[0]?.peeringState).toBe('Connected');
    expect((await collect(network.subnets.list('rg-net', 'vnet-prod'))).map((s) => s.name).sort()).toEqual(['aks', 'pe']);
    expect((await network.subnets.get('rg-net', 'vnet-prod', 'aks')).routeTable?.id).toContain('rt-prod');
    expect((await network.subnets.get('rg-net', 'vnet-prod', 'pe')).networkSecurityGroup?.id).toContain('nsg-pe');
    expect((await collect(network.virtualNetworkPeerings.list('rg-net', 'vnet-prod'))).map((p) => p.name)).toEqual(['to-hub']);
    expect((await network.routeTables.get('rg-net', 'rt-prod')).routes?.[0]?.nextHopIpAddress).toBe('10.1.0.4');
    expect((await network.networkSecurityGroups.get('rg-net', 'nsg-pe')).name).toBe('nsg-pe');
    expect(await rejection(network.subnets.get('rg-net', 'vnet-prod', 'missing'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('serves private DNS zones, their VNet links and A record sets', async () => {
    const dns = new PrivateDnsManagementClient(emulator.credential, S1, common());
    expect((await dns.privateZones.get('rg-net', 'privatelink.azurecr.io')).name).toBe('privatelink.azurecr.io');
    expect((await collect(dns.virtualNetworkLinks.list('rg-net', 'privatelink.azurecr.io')))[0]?.virtualNetwork?.id).toBe(VNET);
    const records = await collect(dns.recordSets.listByType('rg-net', 'privatelink.azurecr.io', 'A'));
    expect(records.map((r) => `${r.name}=${r.aRecords?.[0]?.ipv4Address ?? ''}`).sort()).toEqual([
      'myacr.westeurope.data=10.0.8.6',
      'myacr=10.0.8.5',
    ]);
  });

  it('lists VMSS by resource group and serves user-assigned identities', async () => {
    const compute = new ComputeManagementClient(emulator.credential, S1, common());
    const vmss = await collect(compute.virtualMachineScaleSets.list('MC_rg-prod_aks-prod_westeurope'));
    expect(Object.keys(vmss[0]?.identity?.userAssignedIdentities ?? {})).toEqual([KUBELET_ID]);
    const identity = await raw('GET', `${emulator.endpoint}${KUBELET_ID}?api-version=2023-01-31`, { scope: `${emulator.endpoint}/.default` });
    expect(json(identity)['properties']).toMatchObject({ principalId: KUBELET });
    const list = await raw(
      'GET',
      `${emulator.endpoint}${RG_NODE}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`,
      { scope: `${emulator.endpoint}/.default` },
    );
    expect((json(list)['value'] as unknown[]).length).toBe(1);
  });
});

describe('subscriptions and authentication', () => {
  it('lists readable subscriptions and gets one with its tenant', async () => {
    const client = new SubscriptionClient(emulator.credential, common());
    expect((await collect(client.subscriptions.list())).map((s) => s.subscriptionId).sort()).toEqual([S1, S2]);
    expect((await client.subscriptions.get(S2)).tenantId).toBe(TENANT);
    expect(await rejection(client.subscriptions.get(S3))).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenTenant' });
  });

  it('answers 401 AuthenticationFailed without a bearer token, and to a token for another audience', async () => {
    const anonymous = await raw('GET', `${emulator.endpoint}${CLUSTER}?api-version=2025-10-01`);
    expect(anonymous.status).toBe(401);
    expect(json(anonymous)['error']).toMatchObject({ code: 'AuthenticationFailed' });
    expect(anonymous.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(anonymous.headers.get('x-ms-correlation-request-id')).toBeTruthy();
    const forged = await raw('GET', `${emulator.endpoint}${CLUSTER}?api-version=2025-10-01`, { headers: { authorization: 'Bearer made-up' } });
    expect(forged.status).toBe(401);
    const wrongAudience = await raw('GET', `${emulator.endpoint}${CLUSTER}?api-version=2025-10-01`, {
      scope: 'https://management.azure.com/.default',
    });
    expect(json(wrongAudience)['error']).toMatchObject({ code: 'InvalidAuthenticationTokenAudience' });
    const noVersion = await raw('GET', `${emulator.endpoint}${CLUSTER}`, { scope: `${emulator.endpoint}/.default` });
    expect(json(noVersion)['error']).toMatchObject({ code: 'MissingApiVersionParameter' });
  });
});

describe('resource graph', () => {
  /** arm-resourcegraph 4.x asks for the public-cloud scope unless its credential is wrapped (src/azure/clients.ts pins it to the configured ARM scope). */
  function graphClient(
    credential: TokenCredential = { getToken: () => emulator.credential.getToken(`${emulator.endpoint}/.default`) },
  ): ResourceGraphClient {
    return new ResourceGraphClient(credential, { baseUri: emulator.endpoint, httpClient: emulator.legacyHttpClient });
  }
  const query = (q: string, extra: { subscriptions?: string[]; options?: Record<string, unknown> } = {}) =>
    graphClient().resources({ query: q, ...extra });

  it('resolves a registry from its login server with tenantId, subscriptionId and resourceGroup', async () => {
    const result = await query(
      "resources | where type =~ 'Microsoft.ContainerRegistry/registries' | where tostring(properties.loginServer) =~ 'MyAcr.azurecr.io' | project id, name, subscriptionId, resourceGroup, tenantId, loginServer = tostring(properties.loginServer), sku = tostring(sku.name)",
    );
    expect(result.data).toEqual([
      { id: ACR, name: 'myacr', subscriptionId: S2, resourceGroup: 'rg-acr', tenantId: TENANT, loginServer: 'myacr.azurecr.io', sku: 'Premium' },
    ]);
    expect(result).toMatchObject({ totalRecords: 1, count: 1, resultTruncated: 'false' });
  });

  it('evaluates and/or/parentheses, in~, contains, startswith, has, nested projections and limit', async () => {
    const names = async (q: string) => ((await query(q)).data as { name: string }[]).map((r) => r.name).sort();
    expect(
      await names(
        "resources | where type =~ 'microsoft.containerregistry/registries' and (name == 'myacr' or name startswith 'abac') | project name",
      ),
    ).toEqual(['abacacr', 'myacr']);
    expect(
      await names("resources | where type =~ 'microsoft.containerregistry/registries' | where name in~ ('MYACR', 'noarmacr') | project name"),
    ).toEqual(['myacr', 'noarmacr']);
    expect(await names("resources | where type =~ 'microsoft.network/privatednszones' and name =~ 'privatelink.azurecr.io' | project name")).toEqual([
      'privatelink.azurecr.io',
    ]);
    expect(await names("resources | where tostring(properties.roleAssignmentMode) contains 'abac' | project name")).toEqual(['abacacr']);
    expect(await names("resources | where properties.loginServer has 'noarmacr' | project name")).toEqual(['noarmacr']);
    expect(
      await names(
        "resources | where type =~ 'microsoft.managedidentity/userassignedidentities' | where properties.principalId == '" +
          KUBELET +
          "' | project name",
      ),
    ).toEqual(['aks-prod-agentpool']);
    const nested = await query(
      "resources | where type =~ 'microsoft.containerregistry/registries' and name == 'myacr' | project policy = tostring(properties.policies.azureADAuthenticationAsArmPolicy.status), host = properties.dataEndpointHostNames[0]",
    );
    expect(nested.data).toEqual([{ policy: 'enabled', host: 'myacr.westeurope.data.azurecr.io' }]);
    expect(
      ((await query("resources | where type =~ 'microsoft.containerregistry/registries' | project id | limit 2")).data as unknown[]).length,
    ).toBe(2);
  });

  it('shows only readable subscriptions, honours the subscriptions list, and pages with $top/$skipToken', async () => {
    const registries = "resources | where type =~ 'microsoft.containerregistry/registries' | project id, name";
    expect(((await query(registries)).data as { name: string }[]).map((r) => r.name)).not.toContain('hiddenacr');
    expect((await query(registries, { subscriptions: [S1] })).totalRecords).toBe(0);
    const first = await query(registries, { options: { top: 3 } });
    expect(first).toMatchObject({ count: 3, totalRecords: 4, resultTruncated: 'false' });
    expect(first.skipToken).toBeTruthy();
    const second = await query(registries, { options: { top: 3, skipToken: first.skipToken } });
    expect(second.count).toBe(1);
    const withoutId = await query("resources | where type =~ 'microsoft.containerregistry/registries' | project name", { options: { top: 3 } });
    expect(withoutId).toMatchObject({ count: 3, resultTruncated: 'true' });
  });

  it('rejects a query outside the subset with 400 and a clear message', async () => {
    const error = await rejection(query('resources | summarize count() by type'));
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain("Operator 'summarize'");
    expect(await rejection(query('resourcecontainers | limit 1'))).toMatchObject({ statusCode: 400 });
    expect((await rejection(query("resources | where name matches regex 'x'"))).message).toContain('Unsupported comparison');
  });

  it('answers 403 when Resource Graph is disabled, and 401 to a token for the public-cloud audience', async () => {
    expect(await rejection(graphClient(emulator.credential).resources({ query: 'resources | limit 1' }))).toMatchObject({ statusCode: 401 });
    emulator.world.resourceGraphDisabled = true;
    expect(await rejection(query('resources | limit 1'))).toMatchObject({ statusCode: 403 });
  });
});

describe('registry data plane', () => {
  async function pullToken(
    login: string,
    repository: string,
    scope = 'https://containerregistry.azure.net/.default',
  ): Promise<PipelineResponse | string> {
    const entra = (await emulator.credential.getToken(scope))?.token ?? '';
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const exchange = await raw('POST', `https://${login}/oauth2/exchange`, {
      headers: form,
      body: new URLSearchParams({ grant_type: 'access_token', service: login, tenant: TENANT, access_token: entra }).toString(),
    });
    if (exchange.status !== 200) return exchange;
    const refresh = String(json(exchange)['refresh_token']);
    const token = await raw('POST', `https://${login}/oauth2/token`, {
      headers: form,
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        service: login,
        scope: `repository:${repository}:pull`,
        refresh_token: refresh,
      }).toString(),
    });
    return String(json(token)['access_token']);
  }
  const accept =
    'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json';

  it('exchanges a token, then answers HEAD/GET manifests (OCI index with platforms) and tag lists', async () => {
    const token = await pullToken('myacr.azurecr.io', 'shop/api');
    expect(typeof token).toBe('string');
    const headers = { authorization: `Bearer ${String(token)}`, accept };
    const head = await raw('HEAD', 'https://myacr.azurecr.io/v2/shop/api/manifests/1.4.2', { headers });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
    const single = json(await raw('GET', 'https://myacr.azurecr.io/v2/shop/api/manifests/1.4.2', { headers }));
    // Blobs come through a 307 to a signed storage URL, which refuses the registry's bearer token.
    const blob = await raw('GET', `https://myacr.azurecr.io/v2/shop/api/blobs/${(single['config'] as { digest: string }).digest}`, { headers });
    expect(blob.status).toBe(307);
    const location = blob.headers.get('location') ?? '';
    expect(new URL(location).hostname).toMatch(/\.blob\.core\.windows\.net$/);
    expect(new URL(location).searchParams.get('sig')).toBeTruthy();
    const withToken = await raw('GET', location, { headers });
    expect(withToken.status).toBe(403);
    expect(withToken.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
    const config = json(await raw('GET', location));
    expect(config).toMatchObject({ os: 'linux', architecture: 'amd64' });
    const index = await raw('GET', 'https://myacr.azurecr.io/v2/shop/api/manifests/multi', { headers });
    expect(index.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    expect((json(index)['manifests'] as { platform: unknown }[]).map((m) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux', variant: 'v8' },
    ]);
    expect(json(await raw('GET', 'https://myacr.azurecr.io/v2/shop/api/tags/list', { headers }))).toEqual({
      name: 'shop/api',
      tags: ['1.4.2', 'multi'],
    });
    const missingTag = await raw('GET', 'https://myacr.azurecr.io/v2/shop/api/manifests/9.9.9', { headers });
    expect(missingTag.status).toBe(404);
    expect(missingTag.bodyAsText).toContain('MANIFEST_UNKNOWN');
  });

  it('answers 401 without a token, 404 NAME_UNKNOWN for an unknown repository, and refuses callers without a pull role', async () => {
    const anonymous = await raw('GET', 'https://myacr.azurecr.io/v2/shop/api/manifests/1.4.2');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('realm="https://myacr.azurecr.io/oauth2/token"');
    const token = await pullToken('myacr.azurecr.io', 'shop/nope');
    expect(
      (await raw('GET', 'https://myacr.azurecr.io/v2/shop/nope/manifests/1', { headers: { authorization: `Bearer ${String(token)}` } })).bodyAsText,
    ).toContain('NAME_UNKNOWN');
    // the group's AcrPull and the caller's User Access Administrator (*/read covers registries/pull/read) both grant pull
    emulator.world.roleAssignments = emulator.world.roleAssignments.filter(
      (a) => a.properties.principalId !== OUTER_GROUP && a.properties.principalId !== CALLER,
    );
    const refused = await pullToken('myacr.azurecr.io', 'shop/api');
    expect(typeof refused === 'string' ? refused : refused.status).toBe(401);
  });

  it('honours ABAC repository conditions and deny-free pulls on an ABAC registry', async () => {
    const allowed = await pullToken('abacacr.azurecr.io', 'team-a/api');
    expect(
      (await raw('HEAD', 'https://abacacr.azurecr.io/v2/team-a/api/manifests/1.0', { headers: { authorization: `Bearer ${String(allowed)}` } }))
        .status,
    ).toBe(200);
    const other = await pullToken('abacacr.azurecr.io', 'team-b/api');
    expect(
      (await raw('HEAD', 'https://abacacr.azurecr.io/v2/team-b/api/manifests/1.0', { headers: { authorization: `Bearer ${String(other)}` } })).status,
    ).toBe(401);
  });

  it('accepts ARM-audience tokens only while azureADAuthenticationAsArmPolicy is enabled', async () => {
    const arm = `${emulator.endpoint}/.default`;
    expect(typeof (await pullToken('myacr.azurecr.io', 'shop/api', arm))).toBe('string');
    const refused = await pullToken('noarmacr.azurecr.io', 'app', arm);
    expect(typeof refused === 'string' ? refused : refused.bodyAsText).toContain('azureADAuthenticationAsArmPolicy');
    expect(typeof (await pullToken('noarmacr.azurecr.io', 'app'))).toBe('string');
  });

  it('answers 403 DENIED when the registry is closed to the public network, and fails DNS for unknown hosts', async () => {
    const closed = await pullToken('closedacr.azurecr.io', 'app');
    expect(typeof closed === 'string' ? 0 : closed.status).toBe(403);
    await expect(raw('GET', 'https://nosuchacr.azurecr.io/v2/')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('microsoft graph', () => {
  it('serves servicePrincipals(appId=…) and applications(appId=…) password credentials', async () => {
    const scope = 'https://graph.microsoft.com/.default';
    const sp = await raw(
      'GET',
      "https://graph.microsoft.com/v1.0/servicePrincipals(appId='0f100000-0000-4000-8000-000000000001')?$select=id,displayName",
      { scope },
    );
    expect(json(sp)).toMatchObject({ id: '0f200000-0000-4000-8000-000000000001', displayName: 'aks-sp' });
    const app = await raw(
      'GET',
      "https://graph.microsoft.com/v1.0/applications(appId='0f100000-0000-4000-8000-000000000001')?$select=passwordCredentials",
      { scope },
    );
    expect(json(app)['passwordCredentials']).toEqual([{ endDateTime: '2025-03-01T00:00:00Z' }]);
    expect(json(app)['id']).toBeUndefined();
    expect((await raw('GET', "https://graph.microsoft.com/v1.0/applications(appId='00000000-0000-4000-8000-000000000000')", { scope })).status).toBe(
      404,
    );
    expect(
      (
        await raw('GET', "https://graph.microsoft.com/v1.0/applications(appId='0f100000-0000-4000-8000-000000000001')", {
          scope: `${emulator.endpoint}/.default`,
        })
      ).status,
    ).toBe(401);
    delete emulator.world.graph;
    expect((await raw('GET', "https://graph.microsoft.com/v1.0/applications(appId='0f100000-0000-4000-8000-000000000001')", { scope })).status).toBe(
      403,
    );
  });
});

describe('faults', () => {
  it('answers an injected status with an ARM error, and records it', async () => {
    emulator.setFaults([{ path: '/managedClusters/aks-prod', status: 403, code: 'AuthorizationFailed', message: 'denied by test' }]);
    expect(await rejection(aks().managedClusters.get('rg-prod', 'aks-prod'))).toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
      message: 'denied by test',
    });
    expect(emulator.requests.map((r) => r.status)).toEqual([403]);
  });

  it('sends Retry-After with a 429 that applies once; the SDK retries and succeeds', async () => {
    emulator.setFaults([
      {
        method: 'GET',
        path: '^/subscriptions/[^/]+/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod$',
        status: 429,
        retryAfter: 1,
        times: 1,
      },
    ]);
    const started = Date.now();
    expect((await aks().managedClusters.get('rg-prod', 'aks-prod')).name).toBe('aks-prod');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it('hangs until the client aborts', async () => {
    emulator.setFaults([{ path: 'managedClusters', hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(aks().managedClusters.get('rg-prod', 'aks-prod', { abortSignal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(emulator.requests[0]?.status).toBe(0);
  });

  it('answers a malformed body, adds latency, and applies global latency', async () => {
    emulator.setFaults([
      { path: 'managedClusters/aks-prod', malformed: true, times: 1 },
      { path: 'managedClusters/aks-locked', latencyMs: 150 },
    ]);
    await expect(aks().managedClusters.get('rg-prod', 'aks-prod')).rejects.toThrow();
    let started = Date.now();
    await aks().managedClusters.get('rg-prod', 'aks-locked');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    emulator.setFaults([]);
    emulator.setLatency(100);
    started = Date.now();
    await aks().managedClusters.get('rg-prod', 'aks-prod');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    emulator.clearRequests();
    expect(emulator.requests).toEqual([]);
  });
});
