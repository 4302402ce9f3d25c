/**
 * The grant executor against the emulator: each outcome (created, already-exists, not-needed, stale,
 * forbidden, retried PrincipalNotFound) and that a grant makes exactly one successful PUT.
 */
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { Fault, World } from '../../src/simulator/scenario';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { assignmentName } from '../../src/azure/grant';
import type { GrantPlan } from '../../src/triage/remediation';
import { ACRPULL, ACR_SUB, CLUSTER_ID, KUBELET_OBJECT, REGISTRY_ID, smallWorld } from './azure-world';

function plan(overrides: Partial<GrantPlan> = {}): GrantPlan {
  return {
    scope: REGISTRY_ID,
    registryName: 'myacr',
    registryLoginServer: 'myacr.azurecr.io',
    registryMode: 'LegacyRegistryPermissions',
    roleGuid: ACRPULL,
    roleName: 'AcrPull',
    roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${ACRPULL}`,
    principalId: KUBELET_OBJECT,
    principalType: 'ServicePrincipal',
    principalName: 'aks-prod-agentpool',
    clusterId: CLUSTER_ID,
    clusterName: 'aks-prod',
    azCommand: `az role assignment create --assignee-object-id ${KUBELET_OBJECT} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${REGISTRY_ID}`,
    ...overrides,
  };
}

let emulator: ArmEmulator;
afterEach(async () => emulator?.close());

function engineFor(world: World, faults: Fault[] = []) {
  emulator = createEmulator({ world, faults });
  const clients = createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });
  return createTriageEngine({ clients, readDeadlineMs: 2000 });
}

const puts = () => emulator.requests.filter((r) => r.method === 'PUT');
const okPuts = () => puts().filter((r) => r.status >= 200 && r.status < 300);

describe('grant', () => {
  it('creates the assignment once, with a deterministic name, ServicePrincipal type and the approver in the description', async () => {
    const engine = engineFor(smallWorld({ acrPull: false }));
    const outcome = await engine.grant(plan(), { approvedBy: 'alice@contoso.com', retryDelaysMs: [10, 10] });
    expect(outcome).toMatchObject({ status: 'created', assignmentId: expect.stringContaining(assignmentName(plan())) });
    expect(okPuts()).toHaveLength(1);
    expect(puts()[0]!.path).toBe(`${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/${assignmentName(plan())}`);
    expect(puts()[0]!.body).toMatchObject({
      properties: {
        principalId: KUBELET_OBJECT,
        principalType: 'ServicePrincipal',
        roleDefinitionId: plan().roleDefinitionId,
        description: expect.stringContaining('alice@contoso.com'),
      },
    });
    const verified = await engine.verify(plan(), { delaysMs: [0] });
    expect(verified).toMatchObject({ visible: true, pullRoleStatus: 'pass', attempts: 1 });
  });

  it.each([
    ['Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'],
    ['Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c'],
    ['AcrPush', '8311e382-0749-4cb8-b61a-304f252e45ec'],
  ])('refuses a plan that would grant %s, and writes nothing', async (_name, guid) => {
    const engine = engineFor(smallWorld({ acrPull: false }));
    const outcome = await engine.grant(
      plan({ roleGuid: guid, roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}` }),
      { approvedBy: 'alice@contoso.com' },
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      code: 'InvalidPlan',
      reason: expect.stringContaining('is not AcrPull or Container Registry Repository Reader'),
    });
    expect(emulator.requests).toHaveLength(0);
  });

  it('retries PrincipalNotFound with back-off and then succeeds with exactly one successful PUT', async () => {
    const engine = engineFor(smallWorld({ acrPull: false }), [
      {
        method: 'PUT',
        path: '/providers/Microsoft.Authorization/roleAssignments/',
        status: 400,
        code: 'PrincipalNotFound',
        message: `Principal ${KUBELET_OBJECT.replace(/-/g, '')} does not exist in the directory.`,
        times: 2,
      },
    ]);
    const outcome = await engine.grant(plan(), { approvedBy: 'alice', retryDelaysMs: [20, 20, 20] });
    expect(outcome.status).toBe('created');
    expect(puts().map((r) => r.status)).toEqual([400, 400, 201]);
    expect(okPuts()).toHaveLength(1);
  });

  it('says already-exists (with the existing id) when Azure reports RoleAssignmentExists', async () => {
    // The pre-check cannot see the existing assignment (its read fails once), so the PUT meets it.
    const engine = engineFor(smallWorld({ acrPull: true }), [
      {
        method: 'GET',
        path: '/providers/Microsoft.Authorization/roleAssignments',
        status: 503,
        code: 'ServiceUnavailable',
        message: 'try later',
        times: 1,
      },
    ]);
    const outcome = await engine.grant(plan(), { approvedBy: 'alice', retryDelaysMs: [10] });
    expect(outcome).toMatchObject({ status: 'already-exists', assignmentId: expect.stringMatching(/roleAssignments\/[0-9a-f-]{36}$/) });
    expect(okPuts()).toHaveLength(0);
  });

  it('does nothing when the principal already holds a pull role (not-needed)', async () => {
    const engine = engineFor(smallWorld({ acrPull: true }));
    const outcome = await engine.grant(plan(), { approvedBy: 'alice' });
    expect(outcome.status).toBe('not-needed');
    expect(puts()).toHaveLength(0);
  });

  it('refuses a stale plan: the kubelet identity was replaced', async () => {
    const engine = engineFor(smallWorld({ acrPull: false }));
    const outcome = await engine.grant(plan({ principalId: '0badbad0-0000-4000-8000-000000000bad' }), { approvedBy: 'alice' });
    expect(outcome).toMatchObject({ status: 'stale', reason: expect.stringContaining(KUBELET_OBJECT) });
    expect(puts()).toHaveLength(0);
  });

  it('refuses a stale plan: the registry switched to ABAC mode', async () => {
    const engine = engineFor(smallWorld({ acrPull: false, roleAssignmentMode: 'AbacRepositoryPermissions' }));
    const outcome = await engine.grant(plan(), { approvedBy: 'alice' });
    expect(outcome).toMatchObject({ status: 'stale', reason: expect.stringContaining('AbacRepositoryPermissions') });
    expect(puts()).toHaveLength(0);
  });

  it('refuses when the bot lacks roleAssignments/write, naming the roles that have it', async () => {
    const engine = engineFor(smallWorld({ acrPull: false, callerIsOwner: false }));
    const outcome = await engine.grant(plan(), { approvedBy: 'alice' });
    expect(outcome).toMatchObject({
      status: 'forbidden',
      needs: expect.stringContaining('Owner, User Access Administrator or Role Based Access Control Administrator on myacr'),
    });
    expect(puts()).toHaveLength(0);
  });

  it('stops at once on a 403 from the PUT itself', async () => {
    const engine = engineFor(smallWorld({ acrPull: false }), [
      {
        method: 'PUT',
        path: '/roleAssignments/',
        status: 403,
        code: 'AuthorizationFailed',
        message: 'does not have authorization to perform action Microsoft.Authorization/roleAssignments/write',
      },
    ]);
    const outcome = await engine.grant(plan(), { approvedBy: 'alice', retryDelaysMs: [10, 10, 10] });
    expect(outcome.status).toBe('forbidden');
    expect(puts()).toHaveLength(1);
  });

  it('verify reports fail (not visible) while nothing is granted', async () => {
    const engine = engineFor(smallWorld({ acrPull: false }));
    const verified = await engine.verify(plan(), { delaysMs: [0, 10] });
    expect(verified).toMatchObject({ visible: false, pullRoleStatus: 'fail', attempts: 2 });
  });
});

describe('grant on a service-principal cluster', () => {
  const APP_ID = '5a5a0000-0000-4000-8000-00000000a501';
  const SP_OBJECT = '5b5b0000-0000-4000-8000-00000000b501';
  const OTHER_APP = '6a6a0000-0000-4000-8000-00000000a601';
  const OTHER_OBJECT = '6b6b0000-0000-4000-8000-00000000b601';

  /** aks-prod pulling with `appId`; Graph knows both service principals. */
  function spWorld(appId: string): World {
    const world = smallWorld({ acrPull: false });
    const cluster = world.resources.find((r) => r.id === CLUSTER_ID);
    if (!cluster?.properties) throw new Error('smallWorld has no cluster');
    delete cluster.identity;
    delete cluster.properties.identityProfile;
    cluster.properties.servicePrincipalProfile = { clientId: appId };
    world.graph = {
      servicePrincipals: [
        { appId: APP_ID, id: SP_OBJECT, passwordCredentials: [] },
        { appId: OTHER_APP, id: OTHER_OBJECT, passwordCredentials: [] },
      ],
    };
    return world;
  }
  const spPlan = () => plan({ principalId: SP_OBJECT, principalName: APP_ID });

  it('grants to the service principal the cluster still pulls with', async () => {
    const engine = engineFor(spWorld(APP_ID));
    const outcome = await engine.grant(spPlan(), { approvedBy: 'alice', retryDelaysMs: [] });
    expect(outcome.status).toBe('created');
    expect(okPuts()).toHaveLength(1);
  });

  it("refuses a stale plan: the cluster's credentials were reset to another service principal", async () => {
    const engine = engineFor(spWorld(OTHER_APP));
    const outcome = await engine.grant(spPlan(), { approvedBy: 'alice', retryDelaysMs: [] });
    expect(outcome).toMatchObject({ status: 'stale', reason: expect.stringContaining(OTHER_APP) });
    expect(puts()).toHaveLength(0);
  });

  it('grants nothing when Graph cannot say which principal the cluster pulls with', async () => {
    const engine = engineFor(spWorld(APP_ID), [
      {
        method: 'GET',
        path: '/v1.0/servicePrincipals',
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
    ]);
    const outcome = await engine.grant(spPlan(), { approvedBy: 'alice', retryDelaysMs: [] });
    expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringContaining('Could not re-check which service principal') });
    expect(puts()).toHaveLength(0);
  });
});
