import { okList, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence, PodFact } from '../evidence';
import { podsPullErrors } from './pods-pull-errors';

const IMG = 'myacr.azurecr.io/shop/api:1.4.2';
const UNAUTHORIZED = `Failed to pull image "${IMG}": rpc error: code = Unknown desc = failed to pull and unpack image "${IMG}": failed to resolve reference "${IMG}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=myacr.azurecr.io: 401 Unauthorized`;

function pod(name: string, image: string, reason: string, namespace = 'shop'): PodFact {
  return {
    namespace,
    name,
    imagePullSecrets: [],
    containers: [{ name: 'app', image, kind: 'container', waitingReason: reason, waitingMessage: `Back-off pulling image "${image}"` }],
  };
}

function withFailing(pods: PodFact[], failedMessage?: string): Evidence {
  const e = healthyEvidence();
  if (e.kube.state !== 'ok') throw new Error('fixture');
  e.kube.value.pods.push(...pods);
  if (failedMessage) {
    for (const p of pods)
      okList(e.kube.value.events).push({
        namespace: p.namespace,
        involvedKind: 'Pod',
        involvedName: p.name,
        reason: 'Failed',
        message: failedMessage,
      });
  }
  return e;
}

describe('pods.pull-errors', () => {
  it('passes when no pod of this registry is failing', () => {
    const out = podsPullErrors.run(healthyEvidence());
    expect(out).toMatchObject({ status: 'pass' });
    expect(out.evidence).toContain('No pod is failing to pull from myacr.azurecr.io now');
  });

  it('does not blame this registry for a docker.io failure', () => {
    expect(podsPullErrors.run(withFailing([pod('nginx-1', 'nginx:1.27', 'ErrImagePull')])).status).toBe('pass');
  });

  it('counts failing pods per namespace and reason, with a shortened message and its meaning', () => {
    const out = podsPullErrors.run(
      withFailing([pod('api-1', IMG, 'ErrImagePull'), pod('api-2', IMG, 'ErrImagePull'), pod('api-3', IMG, 'ErrImagePull')], UNAUTHORIZED),
    );
    expect(out.status).toBe('fail');
    expect(out.evidence).toMatch(/^3 pods in ns shop: ErrImagePull — "…[^"]*401 Unauthorized" \(unauthorized: [^)]+\)/);
    expect(out.remediation).toContain('rbac.pull-role');
    expect(out.command).toBe('kubectl delete pod -n shop api-1 api-2 api-3');
  });

  it('reports pods in ErrImagePull and ImagePullBackOff for the same cause as one group', () => {
    const out = podsPullErrors.run(withFailing([pod('api-1', IMG, 'ErrImagePull'), pod('api-2', IMG, 'ImagePullBackOff')], UNAUTHORIZED));
    expect(out.evidence).toMatch(/^2 pods in ns shop: ErrImagePull\/ImagePullBackOff — "…[^"]*401 Unauthorized" \(unauthorized: /);
    expect(out.evidence.match(/pods? in ns shop/g)).toHaveLength(1);
  });

  it.each([
    ['ErrImagePull', 'ErrImagePull'],
    ['ImagePullBackOff', 'ImagePullBackOff'],
    ['InvalidImageName', 'InvalidImageName'],
    ['ErrImageNeverPull', 'ErrImageNeverPull'],
  ])('fails on waiting reason %s', (reason, shown) => {
    const out = podsPullErrors.run(withFailing([pod('web-0', IMG, reason, 'web')]));
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain(`1 pod in ns web: ${shown}`);
    expect(out.command).toBe('kubectl delete pod -n web web-0');
  });

  it('groups several namespaces and deletes per namespace', () => {
    const out = podsPullErrors.run(withFailing([pod('api-1', IMG, 'ErrImagePull'), pod('web-0', IMG, 'ImagePullBackOff', 'web')], UNAUTHORIZED));
    expect(out.evidence).toContain('1 pod in ns shop: ErrImagePull');
    expect(out.evidence).toContain('1 pod in ns web: ImagePullBackOff');
    expect(out.command).toBe('kubectl delete pod -n shop api-1 && kubectl delete pod -n web web-0');
  });

  it.each<[string, Evidence['kube'], string]>([
    ['turned off', { state: 'skipped', reason: 'pod checks turned off (--no-pods)', cause: 'turned-off' }, 'skip'],
    ['still pending', { state: 'skipped', reason: 'pod evidence is still being read', cause: 'pending' }, 'unknown'],
    ['missing its input', { state: 'skipped', reason: 'the registry could not be identified', cause: 'missing-input' }, 'unknown'],
    ['skipped without a cause, whatever the text says', { state: 'skipped', reason: 'pod checks turned off (--no-pods)' }, 'unknown'],
    [
      'run command failed',
      { state: 'failed', failure: { kind: 'forbidden', message: 'runCommand refused (403)', needs: 'runcommand/action on aks-prod' } },
      'unknown',
    ],
    [
      'run command pod did not start',
      { state: 'skipped', reason: 'run command failed: KubernetesPerformanceError', cause: 'missing-input' },
      'unknown',
    ],
  ])('pod evidence %s → %s', (_case, kube, status) => {
    const e = healthyEvidence();
    e.kube = kube;
    const out = podsPullErrors.run(e);
    expect(out.status).toBe(status);
    if (status === 'unknown') expect(out.command).toBe('kubectl get events -A --field-selector reason=Failed');
    if (kube.state === 'failed') expect(out.needs).toBe('runcommand/action on aks-prod');
  });

  it('is unknown, never skip, when run command is disabled on the cluster', () => {
    const e = healthyEvidence();
    if (e.cluster.state === 'ok') e.cluster.value.apiServer.disableRunCommand = true;
    e.kube = { state: 'skipped', reason: 'run command is disabled', cause: 'turned-off' };
    const out = podsPullErrors.run(e);
    expect(out.status).toBe('unknown');
    expect(out.remediation).toContain('kubectl get events -A --field-selector reason=Failed');
  });

  it('works for an external registry too', () => {
    const e = withFailing([pod('web-0', 'ghcr.io/org/web:2', 'ErrImagePull', 'web')]);
    e.target.registry = { kind: 'external', host: 'ghcr.io' };
    const out = podsPullErrors.run(e);
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain('1 pod in ns web');
  });
});
