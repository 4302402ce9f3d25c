import { okList, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence, KubeFacts } from '../evidence';
import { podsPullSecrets } from './pods-pull-secrets';

function withKube(fn: (k: KubeFacts, e: Evidence) => void): () => Evidence {
  return () => {
    const e = healthyEvidence();
    if (e.kube.state !== 'ok') throw new Error('fixture');
    fn(e.kube.value, e);
    return e;
  };
}

const webPod = (k: KubeFacts, secrets: string[], image = 'myacr.azurecr.io/web/site:3', reason?: string): void => {
  k.pods.push({
    namespace: 'web',
    name: 'web-0',
    serviceAccountName: 'default',
    imagePullSecrets: secrets,
    containers: [{ name: 'site', image, kind: 'container', waitingReason: reason }],
  });
};

describe('pods.pull-secrets', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['no pull secrets, ACR', 'pass', () => healthyEvidence(), ['pulls use the kubelet identity']],
    [
      'referenced secret missing',
      'fail',
      withKube((k) => webPod(k, ['acr-cred'])),
      ['Pod web-0 references imagePullSecret "acr-cred" which does not exist in namespace web'],
    ],
    [
      'missing secret inherited from the service account',
      'fail',
      withKube((k) => {
        webPod(k, []);
        okList(k.serviceAccounts).push({ namespace: 'web', name: 'default', imagePullSecrets: ['sa-cred'] });
      }),
      ['"sa-cred"'],
    ],
    [
      'FailedToRetrieveImagePullSecret event',
      'fail',
      withKube((k) => {
        webPod(k, []);
        okList(k.events).push({
          namespace: 'web',
          involvedKind: 'Pod',
          involvedName: 'web-0',
          reason: 'FailedToRetrieveImagePullSecret',
          message: 'Unable to retrieve some image pull secrets (old-cred); attempting to pull the image may not succeed.',
        });
      }),
      ['web-0', 'old-cred'],
    ],
    [
      'secret present for ACR while admin user is disabled',
      'warn',
      withKube((k) => {
        webPod(k, ['acr-cred']);
        okList(k.pullSecrets).push({ namespace: 'web', name: 'acr-cred' });
      }),
      ['web/acr-cred', 'admin user is disabled on myacr'],
    ],
    [
      'missing secret of a pod of another registry is not ours',
      'pass',
      withKube((k) => webPod(k, ['gh-cred'], 'ghcr.io/org/site:3')),
      ['kubelet identity'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = podsPullSecrets.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('commands recreating the missing secret for this registry', () => {
    const out = podsPullSecrets.run(withKube((k) => webPod(k, ['acr-cred']))());
    expect(out.command).toBe(
      'kubectl create secret docker-registry acr-cred -n web --docker-server=myacr.azurecr.io --docker-username=<username> --docker-password=<password>',
    );
  });

  describe('external registry', () => {
    const external = (fn: (k: KubeFacts) => void) =>
      withKube((k, e) => {
        e.target.registry = { kind: 'external', host: 'ghcr.io' };
        fn(k);
      });

    it.each<[string, string, () => Evidence, string]>([
      [
        'failing without any pull secret',
        'fail',
        external((k) => webPod(k, [], 'ghcr.io/org/site:3', 'ErrImagePull')),
        'without any imagePullSecret',
      ],
      [
        'refused by the third-party registry (401), no pull secret',
        'fail',
        external((k) => {
          webPod(k, [], 'ghcr.io/org/site:3', 'ErrImagePull');
          const c = k.pods[k.pods.length - 1]?.containers[0];
          if (c)
            c.waitingMessage =
              'failed to pull and unpack image "ghcr.io/org/site:3": failed to resolve reference "ghcr.io/org/site:3": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized';
        }),
        'without any imagePullSecret',
      ],
      [
        'Docker Hub rate limit, no pull secret',
        'fail',
        withKube((k, e) => {
          e.target.registry = { kind: 'external', host: 'docker.io' };
          webPod(k, [], 'docker.io/library/nginx:1.27', 'ErrImagePull');
          const c = k.pods[k.pods.length - 1]?.containers[0];
          if (c)
            c.waitingMessage =
              'failed to pull and unpack image "docker.io/library/nginx:1.27": 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.';
        }),
        'without any imagePullSecret',
      ],
      [
        'with an existing pull secret',
        'pass',
        external((k) => {
          webPod(k, ['gh-cred'], 'ghcr.io/org/site:3');
          okList(k.pullSecrets).push({ namespace: 'web', name: 'gh-cred' });
        }),
        'gh-cred',
      ],
      ['nothing failing', 'pass', external(() => undefined), 'No pod pulling from ghcr.io'],
    ])('%s → %s', (_case, status, make, text) => {
      const out = podsPullSecrets.run(make());
      expect(out.status).toBe(status);
      expect(out.evidence).toContain(text);
      if (status === 'fail') expect(out.command).toMatch(/--docker-server=(?:ghcr|docker)\.io/);
    });
  });

  describe('with Kubernetes `list secrets` forbidden (AKS RBAC Reader)', () => {
    const forbidden = {
      state: 'failed' as const,
      failure: {
        kind: 'forbidden' as const,
        code: 'Forbidden',
        message: 'kubectl could not list secrets: Forbidden',
        needs: 'Kubernetes `list secrets` in all namespaces',
      },
    };
    it('a failing pod that references a secret is unknown, naming the permission — never "missing"', () => {
      const out = podsPullSecrets.run(
        withKube((k) => {
          webPod(k, ['acr-cred'], undefined, 'ErrImagePull');
          k.pullSecrets = forbidden;
        })(),
      );
      expect(out).toMatchObject({ status: 'unknown', needs: expect.stringContaining('`list secrets`') });
    });
    it('without any pull secret in play, the secrets are not needed', () => {
      const out = podsPullSecrets.run(
        withKube((k) => {
          k.pullSecrets = forbidden;
        })(),
      );
      expect(out.status).toBe('pass');
    });
    it('an unreadable service-account list is unknown too (it may add pull secrets to every pod)', () => {
      const out = podsPullSecrets.run(
        withKube((k) => {
          k.serviceAccounts = { ...forbidden, failure: { ...forbidden.failure, needs: 'Kubernetes `list serviceaccounts`' } };
        })(),
      );
      expect(out).toMatchObject({ status: 'unknown', needs: expect.stringContaining('serviceaccounts') });
    });
  });

  it.each<[string, Evidence['kube'], string]>([
    ['turned off', { state: 'skipped', reason: 'pod checks turned off', cause: 'turned-off' }, 'skip'],
    ['pending', { state: 'skipped', reason: 'pod evidence is still being read', cause: 'pending' }, 'unknown'],
    ['missing its input', { state: 'skipped', reason: 'the cluster could not be identified', cause: 'missing-input' }, 'unknown'],
    ['unreadable', { state: 'failed', failure: { kind: 'timeout', message: 'run command timed out after 60 s' } }, 'unknown'],
  ])('pod evidence %s → %s', (_case, kube, status) => {
    const e = healthyEvidence();
    e.kube = kube;
    expect(podsPullSecrets.run(e).status).toBe(status);
  });
});
