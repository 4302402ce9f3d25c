import type { Evidence, PodFact } from './evidence';
import { describeCondition, evaluateCondition, repositoriesToCheck, repositoryCondition } from './abac-condition';
import { healthyEvidence } from '../../test/fixtures/evidence';

const ATTR = '@Request[Microsoft.ContainerRegistry/registries/repositories:name]';
const guarded = (test: string) =>
  `((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR (${test}))`;

describe('evaluateCondition', () => {
  it.each([
    ['documented exact form, match', guarded(`${ATTR} StringEqualsIgnoreCase 'team-a/api'`), 'team-a/api', 'admits'],
    ['documented exact form, other case', guarded(`${ATTR} StringEqualsIgnoreCase 'Team-A/API'`), 'team-a/api', 'admits'],
    ['documented exact form, other repo', guarded(`${ATTR} StringEqualsIgnoreCase 'team-a/api'`), 'team-b/api', 'excludes'],
    ['prefix form, inside', guarded(`${ATTR} StringStartsWithIgnoreCase 'team-a/'`), 'team-a/web', 'admits'],
    ['prefix form, outside', guarded(`${ATTR} StringStartsWithIgnoreCase 'team-a/'`), 'team-b/api', 'excludes'],
    ['StringLike wildcard, inside', guarded(`${ATTR} StringLike 'team-*/api'`), 'team-x/api', 'admits'],
    ['StringLike wildcard, outside', guarded(`${ATTR} StringLike 'team-*/api'`), 'team-x/web', 'excludes'],
    ['ForAnyOfAnyValues list, inside', guarded(`${ATTR} ForAnyOfAnyValues:StringEqualsIgnoreCase {'shop/api', 'shop/web'}`), 'shop/web', 'admits'],
    ['ForAnyOfAnyValues list, outside', guarded(`${ATTR} ForAnyOfAnyValues:StringEqualsIgnoreCase {'shop/api', 'shop/web'}`), 'shop/db', 'excludes'],
    ['negated operator', guarded(`${ATTR} StringNotStartsWith 'internal/'`), 'shop/api', 'admits'],
    [
      '&& and || spellings',
      `(!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) || ${ATTR} StringEquals 'a/b')`,
      'a/b',
      'admits',
    ],
    [
      'a condition about another action only',
      `!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/delete'})`,
      'x/y',
      'admits',
    ],
  ])('%s', (_case, condition, repository, result) => {
    expect(evaluateCondition(condition, repository).result).toBe(result);
  });

  it('needs a repository when the answer turns on it', () => {
    expect(evaluateCondition(guarded(`${ATTR} StringEqualsIgnoreCase 'team-a/api'`))).toEqual({ result: 'needs-repository' });
  });

  it('decides without a repository when the repository does not matter', () => {
    expect(evaluateCondition(`!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/delete'})`).result).toBe('admits');
    expect(evaluateCondition(`ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/delete'}`).result).toBe('excludes');
  });

  it.each([
    [
      'an unknown attribute',
      guarded(`@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:team] StringEquals 'a'`),
      /@Principal.*not supported/,
    ],
    ['an unknown operator', guarded(`${ATTR} StringContains 'a'`), /StringContains.*not supported/],
    ['an unclosed quote', guarded(`${ATTR} StringEquals 'a`), /not closed/],
    ['unbalanced parentheses', `(${ATTR} StringEquals 'a'`, /expected "\)"/],
    ['SubOperationMatches', `SubOperationMatches{'x'}`, /SubOperationMatches.*not supported/],
    ['free text', 'only team a', /not supported/],
  ])('cannot evaluate %s', (_case, condition, reason) => {
    const v = evaluateCondition(condition, 'team-a/api');
    expect(v.result).toBe('cannot-evaluate');
    if (v.result === 'cannot-evaluate') expect(v.reason).toMatch(reason);
  });
});

describe('describeCondition', () => {
  it.each([
    [guarded(`${ATTR} StringStartsWithIgnoreCase 'team-a/'`), 'repositories starting with "team-a/"'],
    [guarded(`${ATTR} StringEqualsIgnoreCase 'shop/api'`), 'repositories named "shop/api"'],
    [guarded(`${ATTR} ForAnyOfAnyValues:StringEquals {'a/b', 'c/d'}`), 'repositories named "a/b" or "c/d"'],
    ['garbage (', 'the condition "garbage ("'],
  ])('%s', (condition, text) => expect(describeCondition(condition)).toBe(text));
});

describe('repositoryCondition', () => {
  it('builds the documented condition that admits exactly one repository', () => {
    const c = repositoryCondition('shop/api');
    expect(evaluateCondition(c, 'shop/api').result).toBe('admits');
    expect(evaluateCondition(c, 'shop/web').result).toBe('excludes');
  });
});

describe('repositoriesToCheck', () => {
  const failing = (image: string, reason = 'ImagePullBackOff'): PodFact => ({
    namespace: 'shop',
    name: `pod-${image.length}`,
    imagePullSecrets: [],
    containers: [{ name: 'c', image, kind: 'container', waitingReason: reason }],
  });
  const withPods = (pods: PodFact[]): Evidence => {
    const e = healthyEvidence();
    if (e.kube.state === 'ok') e.kube.value.pods.push(...pods);
    return e;
  };

  it('uses the image the person named', () => {
    const e = healthyEvidence();
    e.target.image = { raw: 'myacr.azurecr.io/team-b/api:2', host: 'myacr.azurecr.io', repository: 'team-b/api', tag: '2' };
    expect(repositoriesToCheck(e)).toEqual(['team-b/api']);
  });

  it('uses images failing to pull from this registry only', () => {
    const e = withPods([
      failing('myacr.azurecr.io/team-b/api:1.0'),
      failing('MYACR.azurecr.io/team-c/web@sha256:abc'),
      failing('otheracr.azurecr.io/team-d/db:1'),
      failing('myacr.azurecr.io/team-e/ok:1', 'ContainerCreating'),
      failing('myacr.azurecr.io/team-f/bad:1', 'InvalidImageName'),
    ]);
    expect(repositoriesToCheck(e)).toEqual(['team-b/api', 'team-c/web']);
  });

  it('has nothing to offer when pods were not read', () => {
    const e = healthyEvidence();
    e.kube = { state: 'failed', failure: { kind: 'forbidden', message: 'run command forbidden' } };
    expect(repositoriesToCheck(e)).toEqual([]);
  });
});
