import type { Evidence } from './evidence';
import type { Finding, Status } from './report';
import { planGrant } from './grant-plan';
import { ACR_SUB, CLUSTER_ID, healthyEvidence, KUBELET_OBJECT_ID, REGISTRY_ID } from '../../test/fixtures/evidence';

const SP_APP = '0f1e0000-0000-4000-8000-00000000d001';
const SP_OBJECT = '5a5a0000-0000-4000-8000-00000000d002';
const OTHER_TENANT = '11a00000-0000-4000-8000-0000000000ff';

const finding = (status: Status, check: Finding['check'] = 'rbac.pull-role'): Finding => ({ check, status, title: check, evidence: '…' });
const pullRoleFailed = [finding('pass', 'identity.kubelet'), finding('fail')];

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  e.pullerAssignments = { state: 'ok', value: [] };
  change(e);
  return e;
}
function spCluster(e: Evidence, objectId: string | undefined): void {
  if (e.cluster.state !== 'ok') throw new Error('fixture');
  e.cluster.value.identity = undefined;
  e.cluster.value.kubeletIdentity = undefined;
  e.cluster.value.servicePrincipalClientId = SP_APP;
  e.servicePrincipal = { state: 'ok', value: { appId: SP_APP, objectId, secretEndDates: [] } };
}

describe('planGrant', () => {
  it('plans AcrPull for the kubelet identity at exactly the registry scope on a legacy registry', () => {
    expect(
      planGrant(
        edit(() => undefined),
        pullRoleFailed,
      ),
    ).toEqual({
      scope: REGISTRY_ID,
      registryName: 'myacr',
      registryLoginServer: 'myacr.azurecr.io',
      registryMode: 'LegacyRegistryPermissions',
      roleGuid: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
      roleName: 'AcrPull',
      roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
      principalId: KUBELET_OBJECT_ID,
      principalType: 'ServicePrincipal',
      principalName: 'aks-prod-agentpool',
      clusterId: CLUSTER_ID,
      clusterName: 'aks-prod',
      azCommand: `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${REGISTRY_ID}`,
    });
  });

  it('plans Container Registry Repository Reader, registry-wide, on an ABAC registry', () => {
    const plan = planGrant(
      edit((e) => e.registry.state === 'ok' && (e.registry.value.roleAssignmentMode = 'AbacRepositoryPermissions')),
      pullRoleFailed,
    );
    expect(plan).toMatchObject({
      registryMode: 'AbacRepositoryPermissions',
      roleGuid: 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
      roleName: 'Container Registry Repository Reader',
      scope: REGISTRY_ID,
      azCommand: `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role "Container Registry Repository Reader" --scope ${REGISTRY_ID}`,
    });
    expect(plan?.condition).toBeUndefined();
    expect(plan?.conditionVersion).toBeUndefined();
  });

  it('treats a registry that does not report its mode as legacy', () => {
    const plan = planGrant(
      edit((e) => e.registry.state === 'ok' && (e.registry.value.roleAssignmentMode = undefined)),
      pullRoleFailed,
    );
    expect(plan).toMatchObject({ roleName: 'AcrPull', registryMode: 'LegacyRegistryPermissions' });
  });

  it("plans for an SP cluster's service principal once its objectId is known", () => {
    const plan = planGrant(
      edit((e) => spCluster(e, SP_OBJECT)),
      pullRoleFailed,
    );
    expect(plan).toMatchObject({ principalId: SP_OBJECT, principalName: SP_APP, principalType: 'ServicePrincipal', roleName: 'AcrPull' });
    expect(plan?.azCommand).toContain(`--assignee-object-id ${SP_OBJECT}`);
  });

  it.each<[string, (e: Evidence) => void, readonly Finding[]]>([
    ['rbac.pull-role passed', () => undefined, [finding('pass')]],
    ['rbac.pull-role only warned', () => undefined, [finding('warn')]],
    ['rbac.pull-role was unknown', () => undefined, [finding('unknown')]],
    ['there is no rbac.pull-role finding', () => undefined, [finding('fail', 'identity.kubelet')]],
    ['an SP cluster without a known objectId', (e) => spCluster(e, undefined), pullRoleFailed],
    [
      'an SP cluster whose objectId Graph refused',
      (e) => {
        spCluster(e, SP_OBJECT);
        e.servicePrincipal = { state: 'failed', failure: { kind: 'forbidden', message: '403' } };
      },
      pullRoleFailed,
    ],
    ['the cluster could not be read', (e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: '403' } }), pullRoleFailed],
    ['the registry could not be read', (e) => (e.registry = { state: 'failed', failure: { kind: 'not-found', message: '404' } }), pullRoleFailed],
    [
      'the kubelet identity has no objectId',
      (e) => e.cluster.state === 'ok' && e.cluster.value.kubeletIdentity && (e.cluster.value.kubeletIdentity.objectId = undefined),
      pullRoleFailed,
    ],
    ['the cluster has no kubelet identity', (e) => e.cluster.state === 'ok' && (e.cluster.value.kubeletIdentity = undefined), pullRoleFailed],
    ['the registry is in another tenant (MSI)', (e) => e.registry.state === 'ok' && (e.registry.value.tenantId = OTHER_TENANT), pullRoleFailed],
    [
      'the registry is in another tenant (SP)',
      (e) => {
        spCluster(e, SP_OBJECT);
        if (e.registry.state === 'ok') e.registry.value.tenantId = OTHER_TENANT;
      },
      pullRoleFailed,
    ],
    ['the registry mode is not one we know', (e) => e.registry.state === 'ok' && (e.registry.value.roleAssignmentMode = 'Future'), pullRoleFailed],
  ])('offers no plan when %s', (_case, change, findings) => {
    expect(planGrant(edit(change), findings)).toBeUndefined();
  });
});
