import type { Evidence } from '../evidence';
import { registryArmAudience } from './registry-arm-audience';
import { healthyEvidence } from '../../../test/fixtures/evidence';

function withPolicy(status: string | undefined): Evidence {
  const e = healthyEvidence();
  if (e.registry.state === 'ok') e.registry.value.armAudienceTokens = status;
  return e;
}

function withUnauthorizedPod(e: Evidence): Evidence {
  if (e.kube.state !== 'ok') throw new Error('fixture');
  const image = 'myacr.azurecr.io/shop/api:1.4.2';
  e.kube.value.pods.push({
    namespace: 'shop',
    name: 'api-7d9',
    imagePullSecrets: [],
    containers: [
      {
        name: 'api',
        image,
        kind: 'container',
        waitingReason: 'ErrImagePull',
        waitingMessage: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=myacr.azurecr.io: 401 Unauthorized`,
      },
    ],
  });
  return e;
}

describe('registry.arm-audience', () => {
  it.each<[string, Evidence, string, RegExp]>([
    ['enabled', withPolicy('enabled'), 'pass', /myacr accepts ARM-audience tokens \(azureADAuthenticationAsArmPolicy = enabled\)/],
    ['not reported', withPolicy(undefined), 'pass', /myacr did not report azureADAuthenticationAsArmPolicy; the default is enabled/],
    [
      'disabled, pulls fine: a hardening, and check-acr’s false negative explained',
      withPolicy('disabled'),
      'pass',
      /myacr refuses ARM-audience tokens .*current node images .* ACR-audience tokens\. az aks check-acr reports FAILED .*Azure\/AKS#4560/,
    ],
    [
      'disabled, pods get 401: suspect an old node image',
      withUnauthorizedPod(withPolicy('disabled')),
      'warn',
      /pod api-7d9 gets 401 .*node image old enough/,
    ],
  ])('%s', (_case, evidence, status, text) => {
    const o = registryArmAudience.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
  });

  it('never advises undoing the hardening: the fix is the node image', () => {
    const out = registryArmAudience.run(withUnauthorizedPod(withPolicy('Disabled')));
    expect(out.command).toBe('az aks upgrade -g rg-prod -n aks-prod --node-image-only');
    expect(`${out.remediation} ${out.command}`).not.toMatch(/authentication-as-arm update|--status enabled|Re-enable/i);
  });

  it('is unknown when the registry was not read', () => {
    const e = healthyEvidence();
    e.registry = { state: 'skipped', reason: 'the registry could not be located' };
    expect(registryArmAudience.run(e)).toMatchObject({
      status: 'unknown',
      evidence: 'The registry was not read: the registry could not be located.',
    });
  });

  it('skips a registry that is not an ACR', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'ghcr.io' };
    expect(registryArmAudience.run(e).status).toBe('skip');
  });
});
