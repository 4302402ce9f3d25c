import { execFileSync } from 'node:child_process';
import type { Evidence, RoleAssignmentFact } from '../evidence';
import { rbacAbacCondition } from './rbac-abac-condition';
import { repositoryCondition } from '../abac-condition';
import { ACR_SUB, acrPullAssignment, healthyEvidence, KUBELET_OBJECT_ID, REGISTRY_ID, REPO_READER } from '../../../test/fixtures/evidence';

const PREFIX_A =
  "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase 'team-a/'))";

const reader = (overrides: Partial<RoleAssignmentFact> = {}) =>
  acrPullAssignment({
    name: '5e1a0000-0000-4000-8000-000000000005',
    roleGuid: REPO_READER,
    roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${REPO_READER}`,
    ...overrides,
  });

function abacEvidence(assignments: RoleAssignmentFact[], change: (e: Evidence) => void = () => undefined): Evidence {
  const e = healthyEvidence();
  if (e.registry.state === 'ok') e.registry.value.roleAssignmentMode = 'AbacRepositoryPermissions';
  e.pullerAssignments = { state: 'ok', value: assignments };
  change(e);
  return e;
}
const image = (repository: string) => (e: Evidence) =>
  (e.target.image = { raw: `myacr.azurecr.io/${repository}:1`, host: 'myacr.azurecr.io', repository, tag: '1' });

describe('rbac.abac-condition', () => {
  it.each<[string, Evidence, string, RegExp]>([
    [
      'a registry-wide Repository Reader',
      abacEvidence([reader()]),
      'pass',
      /Assignment 5e1a.* \(Container Registry Repository Reader\) at .*myacr has no condition: it applies to every repository of myacr/,
    ],
    [
      'a condition that admits the image',
      abacEvidence([reader({ condition: PREFIX_A })], image('team-a/api')),
      'pass',
      /conditions on .*aks-prod-agentpool.* admit "team-a\/api"/,
    ],
    [
      'a condition that leaves out the image',
      abacEvidence([reader({ condition: PREFIX_A })], image('team-b/api')),
      'fail',
      /^Assignment 5e1a0000-0000-4000-8000-000000000005 \(Container Registry Repository Reader\) is limited to repositories starting with "team-a\/"; the failing image is "team-b\/api" on myacr\.$/,
    ],
    [
      'conditions and no repository known',
      abacEvidence([reader({ condition: PREFIX_A })]),
      'warn',
      /no repository is known .* Conditions, verbatim: Assignment 5e1a.*StringStartsWithIgnoreCase 'team-a\/'/,
    ],
    [
      'a condition that cannot be evaluated',
      abacEvidence([reader({ condition: 'team-a only' })], image('team-a/api')),
      'warn',
      /Cannot evaluate whether the conditions admit "team-a\/api" on myacr; shown verbatim: .*team-a only/,
    ],
    ['a legacy-mode registry', healthyEvidence(), 'skip', /myacr uses legacy registry permissions/],
    ['only AcrPull on an ABAC registry', abacEvidence([acrPullAssignment()]), 'skip', /holds no repository role on myacr/],
    [
      'the assignments could not be read',
      abacEvidence([], (e) => (e.pullerAssignments = { state: 'failed', failure: { kind: 'throttled', message: '429 after 3 retries' } })),
      'unknown',
      /could not be read: 429 after 3 retries/,
    ],
  ])('%s', (_case, evidence, status, text) => {
    const o = rbacAbacCondition.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
    if (status === 'unknown') expect(o.needs).toContain(`roleAssignments/read on ${REGISTRY_ID}`);
  });

  it('offers an assignment limited to the failing repository, as a command a shell reads back intact', () => {
    const o = rbacAbacCondition.run(abacEvidence([reader({ condition: PREFIX_A })], image('team-b/api')));
    expect(o.command).toMatch(
      new RegExp(
        `^az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role "Container Registry Repository Reader" --scope ${REGISTRY_ID} --condition '.*' --condition-version 2\\.0$`,
      ),
    );
    const args = execFileSync('bash', ['-c', `az() { printf '%s\\n' "$@"; }; ${o.command}`], { encoding: 'utf8' }).split('\n');
    expect(args[args.indexOf('--condition') + 1]).toBe(repositoryCondition('team-b/api'));
  });

  it('passes when one of several conditional assignments admits the repository', () => {
    const o = rbacAbacCondition.run(
      abacEvidence([reader({ condition: PREFIX_A }), reader({ name: 'b', condition: repositoryCondition('team-b/api') })], image('team-b/api')),
    );
    expect(o.status).toBe('pass');
  });
});
