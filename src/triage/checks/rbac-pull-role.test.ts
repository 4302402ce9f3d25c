import type { Evidence, RoleAssignmentFact } from '../evidence';
import { rbacPullRole } from './rbac-pull-role';
import { repositoryCondition } from '../abac-condition';
import { ACR_SUB, acrPullAssignment, healthyEvidence, KUBELET_OBJECT_ID, REGISTRY_ID, REPO_READER } from '../../../test/fixtures/evidence';

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const UAA = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
const CUSTOM = 'c0570000-0000-4000-8000-00000000e001';
const GROUP = '6r0u0000-0000-4000-8000-00000000f001'.replace('6r0u', '6f0a');
const RG_SCOPE = `/subscriptions/${ACR_SUB}/resourceGroups/rg-acr`;

const role = (guid: string, overrides: Partial<RoleAssignmentFact> = {}) =>
  acrPullAssignment({
    roleGuid: guid,
    roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    ...overrides,
  });

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
const assign =
  (...assignments: RoleAssignmentFact[]) =>
  (e: Evidence) =>
    (e.pullerAssignments = { state: 'ok', value: assignments });
const abac = (e: Evidence) => e.registry.state === 'ok' && (e.registry.value.roleAssignmentMode = 'AbacRepositoryPermissions');
const image = (repository: string) => (e: Evidence) =>
  (e.target.image = { raw: `myacr.azurecr.io/${repository}:1`, host: 'myacr.azurecr.io', repository, tag: '1' });
const all =
  (...changes: ((e: Evidence) => unknown)[]) =>
  (e: Evidence) =>
    changes.forEach((c) => c(e));
const failingPod = (imageRef: string) => (e: Evidence) => {
  if (e.kube.state !== 'ok') return;
  e.kube.value.pods.push({
    namespace: 'shop',
    name: `p-${e.kube.value.pods.length}`,
    imagePullSecrets: [],
    containers: [{ name: 'c', image: imageRef, kind: 'container', waitingReason: 'ImagePullBackOff' }],
  });
};

const ACRPULL_CMD = `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${REGISTRY_ID}`;
const READER_CMD = `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role "Container Registry Repository Reader" --scope ${REGISTRY_ID}`;
const WHO = `kubelet identity aks-prod-agentpool (objectId ${KUBELET_OBJECT_ID})`;

describe('rbac.pull-role', () => {
  it('passes for AcrPull on the registry, naming principal, role and scope', () => {
    const o = rbacPullRole.run(healthyEvidence());
    expect(o).toEqual({ status: 'pass', evidence: `${WHO} holds AcrPull on the registry itself, which grants pull on myacr.` });
  });

  it.each<[string, (e: Evidence) => unknown, string, RegExp, string?]>([
    [
      'AcrPull inherited from the resource group',
      assign(acrPullAssignment({ scope: RG_SCOPE.toLowerCase() })),
      'pass',
      /holds AcrPull inherited from \/subscriptions\/2222.*\/resourcegroups\/rg-acr,/,
    ],
    [
      'a custom role listing pull/read',
      all(
        assign(role(CUSTOM)),
        (e) =>
          (e.roleDefinitions[CUSTOM] = {
            state: 'ok',
            value: {
              guid: CUSTOM,
              roleName: 'team-acr-pull',
              type: 'CustomRole',
              permissions: [{ actions: ['Microsoft.ContainerRegistry/registries/pull/read'], notActions: [], dataActions: [], notDataActions: [] }],
            },
          }),
      ),
      'pass',
      /holds team-acr-pull on the registry itself/,
    ],
    [
      'no assignment at all',
      assign(),
      'fail',
      new RegExp(
        `^No role assignment grants pull on myacr to ${WHO.replace(/[()]/g, '\\$&')}\\. Checked 0 assignments at or above ${REGISTRY_ID}\\.$`,
      ),
      ACRPULL_CMD,
    ],
    [
      'AcrPull on another registry only',
      assign(acrPullAssignment({ scope: REGISTRY_ID.replace('myacr', 'otheracr') })),
      'fail',
      /Checked 0 assignments/,
      ACRPULL_CMD,
    ],
    [
      'AcrDelete only',
      assign(role('c2f4ef07-c644-48eb-af81-4b1b4947fb11')),
      'fail',
      /Checked 1 assignment at or above .*Not granting: AcrDelete on the registry itself — AcrDelete does not grant pull/,
      ACRPULL_CMD,
    ],
    ['ABAC registry with AcrPull only', abac, 'fail', /AcrPull is not honoured on a registry in ABAC repository-permissions mode/, READER_CMD],
    [
      'Repository Reader on a legacy registry',
      assign(role(REPO_READER)),
      'fail',
      /Container Registry Repository Reader is documented for ABAC .* not known to grant pull \[U\]/,
      ACRPULL_CMD,
    ],
    ['ABAC: Owner is control-plane only', all(abac, assign(role(OWNER))), 'fail', /Owner is control-plane only/, READER_CMD],
    [
      'Owner in legacy mode',
      assign(role(OWNER)),
      'warn',
      /may pull from myacr, but only through Owner on the registry itself: Owner grants pull but is over-privileged/,
      ACRPULL_CMD,
    ],
    [
      'AcrPull only through a group',
      assign(acrPullAssignment({ principalId: GROUP, principalType: 'Group' })),
      'warn',
      new RegExp(`held through group ${GROUP}.*up to 24 h`),
      ACRPULL_CMD,
    ],
    ['User Access Administrator', assign(role(UAA)), 'warn', /User Access Administrator has \*\/read.*\[U\]/, ACRPULL_CMD],
    [
      'a custom role with a wildcard',
      all(
        assign(role(CUSTOM)),
        (e) =>
          (e.roleDefinitions[CUSTOM] = {
            state: 'ok',
            value: {
              guid: CUSTOM,
              roleName: 'acr-all',
              type: 'CustomRole',
              permissions: [{ actions: ['Microsoft.ContainerRegistry/*'], notActions: [], dataActions: [], notDataActions: [] }],
            },
          }),
      ),
      'warn',
      /acr-all.*wildcard "Microsoft\.ContainerRegistry\/\*".*ARM Private Link/,
      ACRPULL_CMD,
    ],
    [
      'a custom role whose definition was not read',
      assign(role(CUSTOM)),
      'unknown',
      new RegExp(`1 could not be judged: role ${CUSTOM} on the registry itself \\(the definition of role ${CUSTOM} was not read`),
    ],
    [
      'ABAC: Repository Reader without condition',
      all(abac, assign(role(REPO_READER))),
      'pass',
      /holds Container Registry Repository Reader on the registry itself/,
    ],
    [
      'ABAC: condition admits the named image',
      all(abac, image('team-a/api'), assign(role(REPO_READER, { condition: repositoryCondition('team-a/api'), conditionVersion: '2.0' }))),
      'pass',
      /holds Container Registry Repository Reader/,
    ],
    [
      'ABAC: condition excludes the named image',
      all(abac, image('team-b/api'), assign(role(REPO_READER, { condition: repositoryCondition('team-a/api') }))),
      'fail',
      /limited to repositories named "team-a\/api", which does not admit "team-b\/api"/,
      READER_CMD,
    ],
    [
      'ABAC: condition excludes a failing pod image',
      all(abac, failingPod('myacr.azurecr.io/team-c/web:2'), assign(role(REPO_READER, { condition: repositoryCondition('team-a/api') }))),
      'fail',
      /which does not admit "team-c\/web"/,
      READER_CMD,
    ],
    [
      'ABAC: condition and no repository to test',
      all(abac, assign(role(REPO_READER, { condition: repositoryCondition('team-a/api') }))),
      'warn',
      /limited to repositories named "team-a\/api" and no repository is known to test it against; condition: \(\(!\(ActionMatches/,
      READER_CMD,
    ],
    [
      'ABAC: condition that cannot be evaluated',
      all(abac, image('team-a/api'), assign(role(REPO_READER, { condition: "@Principal[x] StringEquals 'y'" }))),
      'warn',
      /condition cannot be evaluated \(attribute @Principal\[x\] is not supported\): @Principal/,
      READER_CMD,
    ],
    [
      'ABAC: two conditions together admit both failing repositories',
      all(
        abac,
        failingPod('myacr.azurecr.io/team-a/api:1'),
        failingPod('myacr.azurecr.io/team-b/web:1'),
        assign(
          role(REPO_READER, { name: 'a1', condition: repositoryCondition('team-a/api') }),
          role(REPO_READER, { name: 'a2', condition: repositoryCondition('team-b/web') }),
        ),
      ),
      'pass',
      /may pull "team-a\/api", "team-b\/web" from myacr through assignment a1 \(Container Registry Repository Reader on the registry itself\) and assignment a2 /,
    ],
  ])('%s', (...row) => {
    // a rest parameter keeps jest from taking the optional last column for a done callback
    const [, change, status, evidence, command] = row;
    const o = rbacPullRole.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    if (command) expect(o.command).toBe(command);
    if (status === 'unknown') expect(o.needs).toContain('roleDefinitions/read');
  });

  it('names the SP and its objectId on a service-principal cluster', () => {
    const sp = '5a5a0000-0000-4000-8000-00000000d002';
    const o = rbacPullRole.run(
      edit((e) => {
        if (e.cluster.state !== 'ok') return;
        e.cluster.value.identity = undefined;
        e.cluster.value.servicePrincipalClientId = 'app-0f1e';
        e.servicePrincipal = { state: 'ok', value: { appId: 'app-0f1e', objectId: sp, secretEndDates: [] } };
        e.pullerAssignments = { state: 'ok', value: [] };
      }),
    );
    expect(o.status).toBe('fail');
    expect(o.evidence).toContain(`service principal app-0f1e (objectId ${sp})`);
    expect(o.command).toContain(`--assignee-object-id ${sp}`);
  });

  it.each<[string, (e: Evidence) => unknown, RegExp, RegExp]>([
    [
      'the assignments could not be listed',
      (e) => (e.pullerAssignments = { state: 'failed', failure: { kind: 'forbidden', status: 403, message: 'AuthorizationFailed' } }),
      new RegExp(`role assignments of ${WHO.replace(/[()]/g, '\\$&')} on myacr could not be read: AuthorizationFailed`),
      new RegExp(`Microsoft.Authorization/roleAssignments/read on ${REGISTRY_ID}`),
    ],
    [
      'the cluster could not be read',
      (e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'no access', needs: 'Reader on aks-prod' } }),
      /Cannot tell which role assignments matter on myacr: the cluster could not be read \(no access\)/,
      /Reader on aks-prod/,
    ],
    [
      'an SP cluster whose objectId is unknown',
      (e) => {
        if (e.cluster.state !== 'ok') return;
        e.cluster.value.identity = undefined;
        e.cluster.value.servicePrincipalClientId = 'app-0f1e';
        e.servicePrincipal = { state: 'failed', failure: { kind: 'forbidden', message: 'Graph 403' } };
      },
      /service principal app-0f1e, whose objectId could not be read from Microsoft Graph/,
      /Application\.Read\.All/,
    ],
    [
      'the registry could not be read',
      (e) => (e.registry = { state: 'failed', failure: { kind: 'not-found', message: 'not visible' } }),
      /The registry could not be read: not visible\. Without it the role assignments cannot be judged/,
      /registries\/read/,
    ],
    [
      'an unknown registry mode',
      (e) => e.registry.state === 'ok' && (e.registry.value.roleAssignmentMode = 'Future'),
      /roleAssignmentMode "Future"/,
      /roleAssignmentMode of/,
    ],
  ])('is unknown when %s', (_case, change, evidence, needs) => {
    const o = rbacPullRole.run(edit(change));
    expect(o.status).toBe('unknown');
    expect(o.evidence).toMatch(evidence);
    expect(o.needs).toMatch(needs);
  });

  it('skips a registry that is not an ACR', () => {
    expect(rbacPullRole.run(edit((e) => (e.target.registry = { kind: 'external', host: 'docker.io' }))).status).toBe('skip');
  });
});
