import type { Evidence } from '../evidence';
import { registryAltAuth } from './registry-alt-auth';
import { healthyEvidence } from '../../../test/fixtures/evidence';

const UNAUTHORIZED =
  'failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to resolve reference: failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
const registry = (e: Evidence) => {
  if (e.registry.state !== 'ok') throw new Error('fixture');
  return e.registry.value;
};
const podGets401 = (image: string) => (e: Evidence) => {
  if (e.kube.state !== 'ok') return;
  const c = e.kube.value.pods[0].containers[0];
  c.image = image;
  c.waitingReason = 'ErrImagePull';
  c.waitingMessage = UNAUTHORIZED;
};

describe('registry.alt-auth', () => {
  it.each<[string, (e: Evidence) => void, string, RegExp]>([
    ['neither anonymous pull nor admin user', () => undefined, 'pass', /Anonymous pull is disabled on myacr.*The admin user is disabled\./],
    [
      'admin user enabled',
      (e) => (registry(e).adminUserEnabled = true),
      'pass',
      /Anonymous pull is disabled on myacr.*admin user is enabled: pull secrets built from its credentials/,
    ],
    [
      'anonymous pull enabled',
      (e) => (registry(e).anonymousPullEnabled = true),
      'pass',
      /Anonymous pull is enabled on myacr: any client can pull — a 401 here means a wrong name or repository/,
    ],
    [
      'anonymous pull enabled and a pod still gets 401',
      (e) => {
        registry(e).anonymousPullEnabled = true;
        podGets401('myacr.azurecr.io/shop/api:1.4.2')(e);
      },
      'warn',
      /Anonymous pull is enabled on myacr, yet shop\/api-7d9c-abcde \(myacr\.azurecr\.io\/shop\/api:1\.4\.2\) got 401/,
    ],
    [
      'a 401 from another registry does not count',
      (e) => {
        registry(e).anonymousPullEnabled = true;
        podGets401('otheracr.azurecr.io/shop/api:1.4.2')(e);
      },
      'pass',
      /Anonymous pull is enabled on myacr: any client can pull/,
    ],
    [
      'the registry could not be read',
      (e) => (e.registry = { state: 'failed', failure: { kind: 'timeout', message: 'timed out' } }),
      'unknown',
      /The registry could not be read: timed out\./,
    ],
    [
      'a registry that is not an ACR',
      (e) => (e.target.registry = { kind: 'external', host: 'docker.io' }),
      'skip',
      /docker\.io is not an Azure Container Registry/,
    ],
  ])('%s', (_case, change, status, evidence) => {
    const o = registryAltAuth.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    if (status === 'warn') expect(o.command).toBe('az acr repository list --name myacr --output table');
  });
});
