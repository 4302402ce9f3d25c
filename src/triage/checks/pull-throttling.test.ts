import { okList, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { pullThrottling } from './pull-throttling';

const IMG = 'myacr.azurecr.io/shop/api:1.4.2';

function withEvent(message: string, image = IMG): Evidence {
  const e = healthyEvidence();
  if (e.kube.state !== 'ok') throw new Error('fixture');
  const c = e.kube.value.pods[0]?.containers[0];
  if (c) c.image = image;
  okList(e.kube.value.events).push({ namespace: 'shop', involvedKind: 'Pod', involvedName: 'api-7d9c-abcde', reason: 'Failed', message });
  return e;
}

describe('pull.throttling', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['no throttling', 'pass', () => healthyEvidence(), ['No pull throttling', 'aks-prod']],
    [
      'pull QPS exceeded',
      'warn',
      () => withEvent(`Failed to pull image "${IMG}": pull QPS exceeded`),
      ['kubelet rejected pulls', 'pull QPS exceeded', 'shop/api-7d9c-abcde'],
    ],
    [
      'pull QPS exceeded for another registry still throttles this node',
      'warn',
      () => withEvent('Failed to pull image "nginx:1.27": pull QPS exceeded', 'nginx:1.27'),
      ['pull QPS exceeded'],
    ],
    [
      'registry 429',
      'warn',
      () => withEvent(`Failed to pull image "${IMG}": rpc error: code = Unknown desc = unexpected status: 429 Too Many Requests toomanyrequests`),
      ['answered 429'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = pullThrottling.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
    if (status === 'warn') expect(out.remediation).toMatch(/IfNotPresent/);
  });

  it("Docker Hub's anonymous limit is a 429 too, with its own fix", () => {
    const e = withEvent(
      'Failed to pull image "docker.io/library/nginx:1.27": toomanyrequests: You have reached your pull rate limit. https://www.docker.com/increase-rate-limit',
      'docker.io/library/nginx:1.27',
    );
    e.target.registry = { kind: 'external', host: 'docker.io' };
    const out = pullThrottling.run(e);
    expect(out.status).toBe('warn');
    expect(out.remediation).toMatch(/imagePullSecret of a Docker Hub account|az acr import/);
  });

  it.each<[string, Evidence['kube'], string]>([
    ['turned off', { state: 'skipped', reason: 'pod checks turned off', cause: 'turned-off' }, 'skip'],
    ['pending', { state: 'skipped', reason: 'pod evidence is still being read', cause: 'pending' }, 'unknown'],
    ['missing its input', { state: 'skipped', reason: 'the cluster could not be read', cause: 'missing-input' }, 'unknown'],
    ['unreadable', { state: 'failed', failure: { kind: 'forbidden', message: 'Forbidden', needs: 'AKS RBAC Reader' } }, 'unknown'],
  ])('pod evidence %s → %s', (_case, kube, status) => {
    const e = healthyEvidence();
    e.kube = kube;
    expect(pullThrottling.run(e).status).toBe(status);
  });

  it('events unreadable (Kubernetes `list events` refused) is unknown, naming the permission — not a pass', () => {
    const e = healthyEvidence();
    if (e.kube.state !== 'ok') throw new Error('fixture');
    e.kube.value.events = {
      state: 'failed',
      failure: { kind: 'forbidden', code: 'Forbidden', message: 'kubectl could not list events: Forbidden', needs: 'Kubernetes `list events`' },
    };
    expect(pullThrottling.run(e)).toMatchObject({ status: 'unknown', needs: 'Kubernetes `list events`' });
  });
});
