import { healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { targetImageRef } from './target-image-ref';

function failingPod(image: string, reason = 'ErrImagePull'): () => Evidence {
  return () => {
    const e = healthyEvidence();
    if (e.kube.state !== 'ok') throw new Error('fixture');
    e.kube.value.pods.push({
      namespace: 'shop',
      name: 'api-7d9',
      imagePullSecrets: [],
      containers: [{ name: 'api', image, kind: 'container', waitingReason: reason }],
    });
    return e;
  };
}

function named(raw: string, host: string, repository: string, tag?: string): () => Evidence {
  return () => {
    const e = healthyEvidence();
    e.target.image = { raw, host, repository, tag };
    return e;
  };
}

describe('target.image-ref', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['nothing named, nothing failing', 'pass', () => healthyEvidence(), ['no reference to check']],
    [
      'a correct image named',
      'pass',
      named('myacr.azurecr.io/shop/api:1.4.2', 'myacr.azurecr.io', 'shop/api', '1.4.2'),
      ['myacr.azurecr.io/shop/api:1.4.2'],
    ],
    [
      'typo in the suffix',
      'fail',
      failingPod('myacr.azureacr.io/api:1.4'),
      ['Pod api-7d9 (ns shop) uses "myacr.azureacr.io/api:1.4" — "azureacr.io" is not an ACR domain (expected *.azurecr.io)'],
    ],
    ['.com instead of .io', 'fail', failingPod('myacr.azurecr.com/api:1.4'), ['"azurecr.com" is not an ACR domain']],
    ['privatelink name', 'fail', failingPod('myacr.privatelink.azurecr.io/api:1.4'), ['private link name', 'x509']],
    [
      'uppercase repository',
      'fail',
      failingPod('myacr.azurecr.io/Shop/API:1.4', 'InvalidImageName'),
      ['repository "Shop/API" has uppercase letters'],
    ],
    ['no tag', 'warn', failingPod('myacr.azurecr.io/shop/api'), ['no tag', ':latest']],
    ['same name, other cloud', 'warn', failingPod('myacr.azurecr.cn/shop/api:1'), ['myacr.azurecr.cn is not myacr.azurecr.io']],
    [
      'geo-replica (regional endpoint) host',
      'warn',
      failingPod('myacr.westeurope.geo.azurecr.io/shop/api:1.4.2'),
      ['more than one label before .azurecr.io', 'likely sends no credential', '401'],
    ],
    ['failing pod of another registry is not this check', 'pass', failingPod('docker.io/library/nginx:1.27'), ['no reference to check']],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = targetImageRef.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('points a geo-replica host back at the login server', () => {
    expect(targetImageRef.run(failingPod('myacr.westeurope.geo.azurecr.io/shop/api:1.4.2')()).remediation).toContain(
      '"myacr.azurecr.io/shop/api:1.4.2"',
    );
  });

  it('suggests the corrected reference', () => {
    expect(targetImageRef.run(failingPod('myacr.azureacr.io/api:1.4')()).remediation).toContain('"myacr.azurecr.io/api:1.4"');
  });

  it('skips the ACR checks for a third-party registry and points at imagePullSecrets', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'ghcr.io' };
    const out = targetImageRef.run(e);
    expect(out.status).toBe('skip');
    expect(out.evidence).toContain('ghcr.io is not an Azure Container Registry');
    expect(out.command).toContain('kubectl create secret docker-registry');
  });

  it('is unknown when no image was named and pods could not be read', () => {
    const e = healthyEvidence();
    e.kube = { state: 'failed', failure: { kind: 'forbidden', message: 'runCommand refused', needs: 'runcommand/action' } };
    expect(targetImageRef.run(e)).toMatchObject({ status: 'unknown', needs: 'runcommand/action' });
  });

  it('still checks the named image when pods could not be read', () => {
    const e = named('myacr.azureacr.io/api:1.4', 'myacr.azureacr.io', 'api', '1.4')();
    e.kube = { state: 'failed', failure: { kind: 'forbidden', message: 'runCommand refused' } };
    const out = targetImageRef.run(e);
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain('The image you named uses "myacr.azureacr.io/api:1.4"');
  });

  it('fails, not skips, when the named host is a mistyped ACR domain', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'myacr.azureacr.io' };
    const out = targetImageRef.run(e);
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain('"myacr.azureacr.io" is not an ACR domain');
    expect(out.remediation).toContain('myacr.azurecr.io');
  });
});
