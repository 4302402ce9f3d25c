import type { Evidence } from '../evidence';
import { registryAuthMode } from './registry-auth-mode';
import { healthyEvidence } from '../../../test/fixtures/evidence';

function withMode(mode: string | undefined): Evidence {
  const e = healthyEvidence();
  if (e.registry.state === 'ok') e.registry.value.roleAssignmentMode = mode;
  return e;
}

describe('registry.auth-mode', () => {
  it.each<[string, Evidence, string, RegExp]>([
    [
      'legacy',
      withMode('LegacyRegistryPermissions'),
      'pass',
      /^Registry myacr uses RBAC Registry Permissions \(LegacyRegistryPermissions\): AcrPull grants pull\.$/,
    ],
    ['not reported', withMode(undefined), 'pass', /myacr uses RBAC Registry Permissions .*roleAssignmentMode was not reported.*behave as legacy/],
    [
      'ABAC',
      withMode('AbacRepositoryPermissions'),
      'pass',
      /myacr uses RBAC Registry \+ ABAC Repository Permissions .* — AcrPull\/AcrPush\/AcrDelete are ignored/,
    ],
    ['an unknown mode', withMode('FuturePermissions'), 'warn', /myacr reports roleAssignmentMode "FuturePermissions", which this tool does not know/],
  ])('%s', (_case, evidence, status, text) => {
    const o = registryAuthMode.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
  });

  it('is unknown when the registry could not be read, with the permission', () => {
    const e = healthyEvidence();
    e.registry = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed' } };
    const o = registryAuthMode.run(e);
    expect(o).toMatchObject({ status: 'unknown', evidence: 'The registry could not be read: AuthorizationFailed.' });
    expect(o.needs).toContain('Microsoft.ContainerRegistry/registries/read');
  });

  it('skips a registry that is not an ACR', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'quay.io' };
    expect(registryAuthMode.run(e)).toMatchObject({ status: 'skip', evidence: expect.stringContaining('quay.io') });
  });
});
