import type { DenyAssignmentFact, Evidence } from '../evidence';
import { rbacDeny } from './rbac-deny';
import { ACR_SUB, healthyEvidence, KUBELET_OBJECT_ID, REGISTRY_ID } from '../../../test/fixtures/evidence';

const EVERYONE = '00000000-0000-0000-0000-000000000000';

function deny(
  overrides: Partial<DenyAssignmentFact> & { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] },
): DenyAssignmentFact {
  const { actions = [], notActions = [], dataActions = [], notDataActions = [], ...rest } = overrides;
  return {
    id: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/denyAssignments/d1`,
    name: 'Deny by deployment stack platform-stack',
    description: 'Created by deployment stack platform-stack',
    permissions: [{ actions, notActions, dataActions, notDataActions }],
    principalIds: [EVERYONE],
    excludePrincipalIds: [],
    scope: `/subscriptions/${ACR_SUB}`,
    ...rest,
  };
}
function withDenies(...denies: DenyAssignmentFact[]): Evidence {
  const e = healthyEvidence();
  e.denyAssignments = { state: 'ok', value: denies };
  return e;
}

describe('rbac.deny', () => {
  it.each<[string, Evidence, string, RegExp]>([
    [
      'no deny assignment',
      healthyEvidence(),
      'pass',
      new RegExp(
        `No deny assignment at or above myacr blocks pull for kubelet identity aks-prod-agentpool \\(objectId ${KUBELET_OBJECT_ID}\\) \\(0 checked\\)`,
      ),
    ],
    ['a deny of writes only', withDenies(deny({ actions: ['Microsoft.ContainerRegistry/registries/write', '*/delete'] })), 'pass', /\(1 checked\)/],
    [
      'a deny of pull/read',
      withDenies(deny({ actions: ['Microsoft.ContainerRegistry/registries/pull/read'] })),
      'fail',
      new RegExp(
        `^Deny assignment "Deny by deployment stack platform-stack" \\(Created by deployment stack platform-stack\\) at /subscriptions/${ACR_SUB} denies Microsoft\\.ContainerRegistry/registries/pull/read to kubelet identity aks-prod-agentpool`,
      ),
    ],
    [
      'a wildcard deny',
      withDenies(deny({ actions: ['Microsoft.ContainerRegistry/*/read'] })),
      'fail',
      /denies Microsoft\.ContainerRegistry\/\*\/read/,
    ],
    [
      'a deny of the ABAC content data action',
      withDenies(deny({ dataActions: ['Microsoft.ContainerRegistry/registries/repositories/*'] })),
      'fail',
      /denies Microsoft\.ContainerRegistry\/registries\/repositories\/\*/,
    ],
    [
      'a wildcard deny with pull carved out by notActions',
      withDenies(deny({ actions: ['*'], notActions: ['Microsoft.ContainerRegistry/registries/pull/read'] })),
      'pass',
      /1 checked/,
    ],
    [
      'a data deny with content carved out',
      withDenies(deny({ dataActions: ['*'], notDataActions: ['Microsoft.ContainerRegistry/registries/repositories/content/read'] })),
      'pass',
      /1 checked/,
    ],
    [
      'a deny that excludes the kubelet identity',
      withDenies(deny({ actions: ['*'], excludePrincipalIds: [KUBELET_OBJECT_ID.toUpperCase()] })),
      'pass',
      /1 checked/,
    ],
    ['a deny on another registry', withDenies(deny({ actions: ['*'], scope: REGISTRY_ID.replace('myacr', 'otheracr') })), 'pass', /1 checked/],
  ])('%s', (_case, evidence, status, text) => {
    const o = rbacDeny.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
    if (status === 'fail') expect(o.remediation).toMatch(/deployment stack/);
  });

  it.each<[string, (e: Evidence) => void, RegExp, RegExp]>([
    [
      'the deny assignments could not be read',
      (e) => (e.denyAssignments = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed' } }),
      /The deny assignments on myacr could not be read: AuthorizationFailed/,
      new RegExp(`denyAssignments/read on ${REGISTRY_ID}`),
    ],
    [
      'the cluster could not be read',
      (e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'no', needs: 'Reader on aks-prod' } }),
      /Cannot tell whether a deny assignment on myacr applies: the cluster could not be read/,
      /Reader on aks-prod/,
    ],
    [
      'the registry could not be read',
      (e) => (e.registry = { state: 'skipped', reason: 'not located' }),
      /The registry was not read: not located\./,
      /registries\/read/,
    ],
  ])('is unknown when %s', (_case, change, evidence, needs) => {
    const e = healthyEvidence();
    change(e);
    const o = rbacDeny.run(e);
    expect(o.status).toBe('unknown');
    expect(o.evidence).toMatch(evidence);
    expect(o.needs).toMatch(needs);
  });

  it('skips a registry that is not an ACR', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'ghcr.io' };
    expect(rbacDeny.run(e).status).toBe('skip');
  });
});
