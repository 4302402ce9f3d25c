import type { Read, RoleDefinitionFact } from './evidence';
import {
  actionMatches,
  azRoleAssignmentCreate,
  builtInRole,
  customRoleGrantsPull,
  judgeRole,
  PULL_ACTION,
  PULL_DATA_ACTION,
  pullRoleFor,
  registryMode,
  roleGuidOf,
  type PullAnswer,
} from './roles';
import { healthyRegistry, REGISTRY_ID } from '../../test/fixtures/evidence';

function custom(permissions: Partial<RoleDefinitionFact['permissions'][number]>[], roleName = 'acr-puller'): RoleDefinitionFact {
  return {
    guid: 'aaaaaaaa-0000-4000-8000-000000000001',
    roleName,
    type: 'CustomRole',
    permissions: permissions.map((p) => ({ actions: [], notActions: [], dataActions: [], notDataActions: [], ...p })),
  };
}

describe('built-in roles per registry mode (docs/domain.md#registry-modes-and-pull-roles)', () => {
  it.each<[string, string, PullAnswer, PullAnswer]>([
    ['AcrPull', '7f951dda-4ed3-4680-a7ca-43fe172d538d', 'yes', 'no'],
    ['AcrPush', '8311e382-0749-4cb8-b61a-304f252e45ec', 'yes', 'no'],
    ['AcrDelete', 'c2f4ef07-c644-48eb-af81-4b1b4947fb11', 'no', 'no'],
    ['AcrQuarantineReader', 'cdda3590-29a3-44f6-95f2-9f980659eb04', 'no', 'no'],
    ['Container Registry Repository Reader', 'b93aa761-3e63-49ed-ac28-beffa264f7ac', 'no', 'yes'],
    ['Container Registry Repository Writer', '2a1e307c-b015-4ebd-883e-5b7698a07328', 'no', 'yes'],
    ['Container Registry Repository Contributor', '2efddaa5-3f1f-4df3-97df-af3f13818f4c', 'no', 'yes'],
    ['Container Registry Repository Catalog Lister', 'bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7', 'no', 'no'],
    ['Container Registry Data Importer and Data Reader', '577a9874-89fd-4f24-9dbd-b5034d0ad23a', 'yes', 'yes'],
    ['Owner', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'yes', 'no'],
    ['Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c', 'yes', 'no'],
    ['Reader', 'acdd72a7-3385-48ef-bd42-f606fba81ae7', 'yes', 'no'],
    ['User Access Administrator', '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', 'maybe', 'no'],
    ['Role Based Access Control Administrator', 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', 'maybe', 'no'],
  ])('%s (%s): legacy %s, ABAC %s', (name, guid, legacy, abac) => {
    const role = builtInRole(guid.toUpperCase());
    expect(role?.name).toBe(name);
    expect(role?.grantsPull('legacy')).toBe(legacy);
    expect(role?.grantsPull('abac')).toBe(abac);
  });

  it('marks Owner as over-privileged in legacy mode and the repository roles as conditionable', () => {
    expect(builtInRole('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')?.note('legacy')).toMatch(/over-privileged/);
    expect(builtInRole('b93aa761-3e63-49ed-ac28-beffa264f7ac')?.repositoryScoped).toBe(true);
    expect(builtInRole('7f951dda-4ed3-4680-a7ca-43fe172d538d')?.repositoryScoped).toBe(false);
  });

  it('picks the least-privileged pull role per mode', () => {
    expect(pullRoleFor('legacy').name).toBe('AcrPull');
    expect(pullRoleFor('abac').name).toBe('Container Registry Repository Reader');
  });
});

describe('registryMode', () => {
  it.each([
    ['LegacyRegistryPermissions', { known: true, mode: 'legacy', reported: true }],
    ['abacrepositorypermissions', { known: true, mode: 'abac', reported: true }],
    [undefined, { known: true, mode: 'legacy', reported: false }],
    ['SomethingNew', { known: false, value: 'SomethingNew' }],
  ])('%s', (value, expected) => {
    expect(registryMode({ ...healthyRegistry(), roleAssignmentMode: value })).toEqual(expected);
  });
});

describe('roleGuidOf', () => {
  it.each([
    [
      '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/7F951DDA-4ED3-4680-A7CA-43FE172D538D',
      '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    ],
    ['/providers/Microsoft.Authorization/roleDefinitions/b93aa761-3e63-49ed-ac28-beffa264f7ac', 'b93aa761-3e63-49ed-ac28-beffa264f7ac'],
    ['8e3af657-a8ff-443c-a75c-2fe8c4bcb635', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635'],
  ])('%s', (id, guid) => expect(roleGuidOf(id)).toBe(guid));
});

describe('actionMatches', () => {
  it.each([
    ['Microsoft.ContainerRegistry/registries/pull/read', PULL_ACTION, true],
    ['microsoft.containerregistry/REGISTRIES/pull/read', PULL_ACTION, true],
    ['Microsoft.ContainerRegistry/*', PULL_ACTION, true],
    ['Microsoft.ContainerRegistry/*/read', PULL_ACTION, true],
    ['*', PULL_DATA_ACTION, true],
    ['Microsoft.ContainerRegistry/registries/push/write', PULL_ACTION, false],
    ['Microsoft.ContainerRegistry/registries/repositories/metadata/read', PULL_DATA_ACTION, false],
  ])('%s vs %s → %s', (pattern, action, expected) => expect(actionMatches(pattern, action)).toBe(expected));
});

describe('customRoleGrantsPull', () => {
  it.each<[string, RoleDefinitionFact, 'legacy' | 'abac', PullAnswer, RegExp]>([
    ['exact action, legacy', custom([{ actions: [PULL_ACTION] }]), 'legacy', 'yes', /lists Microsoft\.ContainerRegistry\/registries\/pull\/read/],
    [
      'wildcard action, legacy',
      custom([{ actions: ['Microsoft.ContainerRegistry/*'] }]),
      'legacy',
      'maybe',
      /wildcard "Microsoft\.ContainerRegistry\/\*".*ARM Private Link/,
    ],
    [
      'wildcard removed by notActions',
      custom([{ actions: ['*'], notActions: ['Microsoft.ContainerRegistry/registries/pull/*'] }]),
      'legacy',
      'no',
      /removes .* notActions/,
    ],
    [
      'notActions in another block does not remove',
      custom([{ actions: [PULL_ACTION] }, { actions: ['*/read'], notActions: [PULL_ACTION] }]),
      'legacy',
      'yes',
      /lists/,
    ],
    ['only data actions, legacy', custom([{ dataActions: [PULL_DATA_ACTION] }]), 'legacy', 'no', /no actions entry/],
    ['data action, ABAC', custom([{ dataActions: [PULL_DATA_ACTION] }]), 'abac', 'yes', /dataActions/],
    [
      'data action removed by notDataActions',
      custom([{ dataActions: ['Microsoft.ContainerRegistry/registries/repositories/*'], notDataActions: [PULL_DATA_ACTION] }]),
      'abac',
      'no',
      /notDataActions/,
    ],
    ['control-plane action in ABAC', custom([{ actions: [PULL_ACTION] }]), 'abac', 'no', /no dataActions entry/],
  ])('%s', (_case, definition, mode, answer, reason) => {
    const verdict = customRoleGrantsPull(definition, mode);
    expect(verdict.answer).toBe(answer);
    expect(verdict.reason).toMatch(reason);
    expect(verdict.reason).toContain('acr-puller');
  });
});

describe('judgeRole', () => {
  const guid = 'aaaaaaaa-0000-4000-8000-000000000001';
  it('judges a built-in role from the table', () => {
    const v = judgeRole('7F951DDA-4ED3-4680-A7CA-43FE172D538D', 'abac', {}, REGISTRY_ID);
    expect(v).toMatchObject({ roleName: 'AcrPull', answer: 'no' });
    expect(v.reason).toMatch(/not honoured/);
  });
  it('is unknown for a custom role whose definition was not read, naming the permission', () => {
    const v = judgeRole(guid, 'legacy', {}, REGISTRY_ID);
    expect(v.answer).toBe('unknown');
    expect(v.needs).toContain(`Microsoft.Authorization/roleDefinitions/read on ${REGISTRY_ID}`);
  });
  it("passes on the read failure's needs", () => {
    const defs: Record<string, Read<RoleDefinitionFact>> = {
      [guid]: { state: 'failed', failure: { kind: 'forbidden', message: '403 AuthorizationFailed', needs: 'Reader on /subscriptions/x' } },
    };
    const v = judgeRole(guid, 'legacy', defs, REGISTRY_ID);
    expect(v).toMatchObject({ answer: 'unknown', needs: 'Reader on /subscriptions/x' });
    expect(v.reason).toContain('403 AuthorizationFailed');
  });
  it('judges a custom role from its definition', () => {
    const v = judgeRole(guid, 'legacy', { [guid]: { state: 'ok', value: custom([{ actions: [PULL_ACTION] }], 'team-pull') } }, REGISTRY_ID);
    expect(v).toMatchObject({ roleName: 'team-pull', answer: 'yes' });
  });
});

describe('azRoleAssignmentCreate', () => {
  it('quotes role names with spaces and keeps ids bare', () => {
    expect(azRoleAssignmentCreate({ principalObjectId: 'abc', roleName: 'Container Registry Repository Reader', scope: REGISTRY_ID })).toBe(
      `az role assignment create --assignee-object-id abc --assignee-principal-type ServicePrincipal --role "Container Registry Repository Reader" --scope ${REGISTRY_ID}`,
    );
  });
  it('adds a condition with its version', () => {
    const cmd = azRoleAssignmentCreate({ principalObjectId: 'abc', roleName: 'AcrPull', scope: REGISTRY_ID, condition: "x StringEquals 'a'" });
    expect(cmd).toContain(`--role AcrPull`);
    expect(cmd).toContain(`--condition "x StringEquals 'a'" --condition-version 2.0`);
  });
});
