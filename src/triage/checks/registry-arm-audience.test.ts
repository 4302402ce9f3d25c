import type { Evidence } from '../evidence';
import { registryArmAudience } from './registry-arm-audience';
import { healthyEvidence } from '../../../test/fixtures/evidence';

function withPolicy(status: string | undefined): Evidence {
  const e = healthyEvidence();
  if (e.registry.state === 'ok') e.registry.value.armAudienceTokens = status;
  return e;
}

describe('registry.arm-audience', () => {
  it.each<[string, Evidence, string, RegExp]>([
    ['enabled', withPolicy('enabled'), 'pass', /myacr accepts ARM-audience tokens \(azureADAuthenticationAsArmPolicy = enabled\)/],
    ['not reported', withPolicy(undefined), 'pass', /myacr did not report azureADAuthenticationAsArmPolicy; the default is enabled/],
    ['disabled', withPolicy('disabled'), 'warn', /myacr disables ARM-audience tokens \(azureADAuthenticationAsArmPolicy = disabled\)/],
  ])('%s', (_case, evidence, status, text) => {
    const o = registryArmAudience.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
  });

  it('gives the command that re-enables ARM-audience tokens', () => {
    expect(registryArmAudience.run(withPolicy('Disabled')).command).toBe('az acr config authentication-as-arm update --registry myacr --status enabled');
  });

  it('is unknown when the registry was not read', () => {
    const e = healthyEvidence();
    e.registry = { state: 'skipped', reason: 'the registry could not be located' };
    expect(registryArmAudience.run(e)).toMatchObject({ status: 'unknown', evidence: 'The registry was not read: the registry could not be located.' });
  });

  it('skips a registry that is not an ACR', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'ghcr.io' };
    expect(registryArmAudience.run(e).status).toBe('skip');
  });
});
