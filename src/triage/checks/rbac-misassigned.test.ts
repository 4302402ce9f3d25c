import type { Evidence, RoleAssignmentFact } from '../evidence';
import { rbacMisassigned } from './rbac-misassigned';
import {
  acrPullAssignment,
  CONTROL_PLANE_PRINCIPAL,
  healthyEvidence,
  KUBELET_OBJECT_ID,
  NODE_RG,
  REGISTRY_ID,
  SUB,
} from '../../../test/fixtures/evidence';

const OLD_KUBELET = '0d0d0000-0000-4000-8000-00000000a0ff';
const OTHER_APP = '7e7e0000-0000-4000-8000-00000000a077';

function withAssignments(assignments: RoleAssignmentFact[], change: (e: Evidence) => void = () => undefined): Evidence {
  const e = healthyEvidence();
  e.scopeAssignments = { state: 'ok', value: assignments };
  if (e.principals.state === 'ok')
    e.principals.value.push({
      principalId: OLD_KUBELET,
      displayName: 'aks-prod-agentpool-old',
      resourceId: `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-prod-agentpool`,
    });
  change(e);
  return e;
}
const held = (principalId: string, extra: Partial<RoleAssignmentFact> = {}) =>
  acrPullAssignment({ principalId, id: `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/${principalId}`, ...extra });

describe('rbac.misassigned', () => {
  it.each<[string, Evidence, string, RegExp]>([
    [
      'only the kubelet identity holds AcrPull',
      healthyEvidence(),
      'pass',
      /1 pull-granting assignment\(s\) at or above myacr; none is held by the control-plane identity/,
    ],
    ['another team holds AcrPull', withAssignments([acrPullAssignment(), held(OTHER_APP)]), 'pass', /2 pull-granting assignment\(s\)/],
    [
      'AcrPull on the control-plane identity',
      withAssignments([held(CONTROL_PLANE_PRINCIPAL)]),
      'warn',
      new RegExp(
        `^AcrPull is assigned to ${CONTROL_PLANE_PRINCIPAL} \\(the cluster's control-plane identity, which is not used for pulls\\) — not to the kubelet identity aks-prod-agentpool \\(objectId ${KUBELET_OBJECT_ID}\\)\\.$`,
      ),
    ],
    [
      'AcrPull on an old kubelet identity',
      withAssignments([held(OLD_KUBELET)]),
      'warn',
      new RegExp(
        `AcrPull is assigned to ${OLD_KUBELET} \\(aks-prod-agentpool-old, a kubelet identity that is not the one cluster aks-prod uses now\\)`,
      ),
    ],
    [
      "another cluster's kubelet identity shares the registry",
      withAssignments([acrPullAssignment(), held(OTHER_APP)], (e) => {
        if (e.principals.state === 'ok')
          e.principals.value.push({
            principalId: OTHER_APP,
            displayName: 'aks-batch-agentpool',
            resourceId: `/subscriptions/${SUB}/resourcegroups/MC_rg-batch_aks-batch_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-batch-agentpool`,
          });
      }),
      'pass',
      /2 pull-granting assignment\(s\)/,
    ],
    [
      'AcrPull on a deleted principal',
      withAssignments([held(OTHER_APP, { principalType: 'Unknown' })]),
      'warn',
      /a principal that no longer exists in the directory/,
    ],
    [
      'other principals cannot be identified',
      withAssignments(
        [acrPullAssignment(), held(OTHER_APP)],
        (e) => (e.principals = { state: 'failed', failure: { kind: 'forbidden', message: 'Resource Graph 403' } }),
      ),
      'unknown',
      new RegExp(`1 other principal\\(s\\) hold pull roles on myacr \\(${OTHER_APP}\\) and could not be identified: Resource Graph 403`),
    ],
    [
      'the assignments at the registry could not be read',
      withAssignments([], (e) => (e.scopeAssignments = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed' } })),
      'unknown',
      /The role assignments on myacr could not be read: AuthorizationFailed\./,
    ],
    [
      'the cluster could not be read',
      withAssignments([], (e) => (e.cluster = { state: 'failed', failure: { kind: 'timeout', message: 'timeout' } })),
      'unknown',
      /The cluster could not be read: timeout\. Without it/,
    ],
    [
      'a registry that is not an ACR',
      withAssignments([], (e) => (e.target.registry = { kind: 'external', host: 'docker.io' })),
      'skip',
      /docker\.io/,
    ],
  ])('%s', (_case, evidence, status, text) => {
    const o = rbacMisassigned.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
    if (status === 'unknown') expect(o.needs).toBeTruthy();
  });

  it('ignores a control-plane assignment of a role that does not pull', () => {
    const o = rbacMisassigned.run(
      withAssignments([acrPullAssignment(), held(CONTROL_PLANE_PRINCIPAL, { roleGuid: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11' })]),
    );
    expect(o.status).toBe('pass');
  });

  it('offers the grant when the kubelet identity holds nothing itself', () => {
    const o = rbacMisassigned.run(withAssignments([held(CONTROL_PLANE_PRINCIPAL)]));
    expect(o.command).toBe(
      `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${REGISTRY_ID}`,
    );
  });

  it('offers to delete the stale assignment when the kubelet identity has its own', () => {
    const o = rbacMisassigned.run(withAssignments([acrPullAssignment(), held(CONTROL_PLANE_PRINCIPAL)]));
    expect(o.status).toBe('warn');
    expect(o.command).toBe(
      `az role assignment delete --ids ${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/${CONTROL_PLANE_PRINCIPAL}`,
    );
  });
});
