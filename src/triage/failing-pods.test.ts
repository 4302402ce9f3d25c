import { okList, healthyEvidence, healthyRegistry } from '../../test/fixtures/evidence';
import { repositoriesToCheck } from './abac-condition';
import { registryAltAuth } from './checks/registry-alt-auth';
import { targetImageRef } from './checks/target-image-ref';
import { podsPullErrors } from './checks/pods-pull-errors';
import { podsPullSecrets } from './checks/pods-pull-secrets';
import { pullThrottling } from './checks/pull-throttling';
import { skipped, type Evidence, type EventFact, type KubeFacts, type PodFact, type SkipCause } from './evidence';
import {
  backoffPods,
  failingPullsOf,
  hostBelongsTo,
  hostsOfRegistry,
  registryPullFailures,
  servedBy,
  splitReference,
  imageHostOf,
  listNames,
  podView,
  pullMessagesOf,
  registryHostsOf,
  shortenPullMessage,
} from './failing-pods';

const IMG = 'myacr.azurecr.io/shop/api:1.4.2';
const UNAUTHORIZED = `Failed to pull image "${IMG}": rpc error: code = Unknown desc = failed to pull and unpack image "${IMG}": failed to resolve reference "${IMG}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=myacr.azurecr.io: 401 Unauthorized`;

function kubeOf(e: Evidence): KubeFacts {
  if (e.kube.state !== 'ok') throw new Error('fixture has no kube');
  return e.kube.value;
}

function failingPod(name: string, image: string, reason = 'ImagePullBackOff', namespace = 'shop'): PodFact {
  return {
    namespace,
    name,
    nodeName: 'aks-nodepool1-12345678-vmss000000',
    imagePullSecrets: [],
    containers: [{ name: 'app', image, kind: 'container', waitingReason: reason, waitingMessage: `Back-off pulling image "${image}"` }],
  };
}

function failedEvent(pod: string, message: string, namespace = 'shop'): EventFact {
  return { namespace, involvedKind: 'Pod', involvedName: pod, reason: 'Failed', message };
}

describe('registryHostsOf', () => {
  it('uses the login server and data endpoints of a readable registry', () => {
    const e = healthyEvidence();
    if (e.registry.state === 'ok') e.registry.value.dataEndpointHostNames = ['myacr.westeurope.data.azurecr.io'];
    expect(registryHostsOf(e)).toEqual({
      display: 'myacr.azurecr.io',
      hosts: ['myacr.azurecr.io', 'myacr.westeurope.data.azurecr.io'],
      label: 'myacr',
      acr: true,
    });
  });

  it('falls back to what the user named when the registry could not be read', () => {
    const e = healthyEvidence();
    e.registry = { state: 'failed', failure: { kind: 'forbidden', message: 'no access' } };
    e.target.registry = { kind: 'acr-host', host: 'myacr.azurecr.io', loginServer: 'myacr.azurecr.io', nameHint: 'myacr', suffix: 'azurecr.io' };
    expect(registryHostsOf(e)).toMatchObject({ display: 'myacr.azurecr.io', label: 'myacr', acr: true });
  });

  it('treats docker.io aliases as one external registry', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'docker.io' };
    const hosts = registryHostsOf(e);
    expect(hosts.acr).toBe(false);
    expect(hostBelongsTo('registry-1.docker.io', hosts)).toBe(true);
    expect(hostBelongsTo('myacr.azurecr.io', hosts)).toBe(false);
  });
});

describe('imageHostOf', () => {
  it.each([
    ['nginx', 'docker.io'],
    ['library/nginx:1.27', 'docker.io'],
    [IMG, 'myacr.azurecr.io'],
    ['MyAcr.azurecr.io/shop/api', 'myacr.azurecr.io'],
    ['localhost:5000/app', 'localhost:5000'],
    ['ghcr.io/org/app@sha256:abc', 'ghcr.io'],
  ])('%s → %s', (image, host) => {
    expect(imageHostOf(image)).toBe(host);
  });
});

describe('hostBelongsTo (registry myacr)', () => {
  const hosts = registryHostsOf(healthyEvidence());
  it.each([
    ['myacr.azurecr.io', true],
    ['myacr.westeurope.data.azurecr.io', true],
    ['myacr.westeurope.geo.azurecr.io', true],
    ['myacr.azureacr.io', true], // a typo'd suffix was still meant for myacr
    ['myacr.privatelink.azurecr.io', true],
    ['otheracr.azurecr.io', false],
    ['docker.io', false],
    ['myacr', false],
  ])('%s: %s', (host, expected) => {
    expect(hostBelongsTo(host, hosts)).toBe(expected);
  });
});

describe('podView', () => {
  it('returns the pods when they were read', () => {
    const view = podView(healthyEvidence());
    expect(view.seen).toBe(true);
  });

  it('is unknown with the failure and its needs when run command failed', () => {
    const e = healthyEvidence();
    e.kube = {
      state: 'failed',
      failure: {
        kind: 'forbidden',
        message: 'run command was refused (403 AuthorizationFailed)',
        needs: 'Microsoft.ContainerService/managedClusters/runcommand/action on aks-prod',
      },
    };
    const view = podView(e);
    expect(view.seen).toBe(false);
    if (view.seen) return;
    expect(view.outcome).toMatchObject({ status: 'unknown', needs: 'Microsoft.ContainerService/managedClusters/runcommand/action on aks-prod' });
    expect(view.outcome.evidence).toContain('aks-prod');
    expect(view.outcome.evidence).toContain('403 AuthorizationFailed');
    expect(view.outcome.command).toBe('kubectl get events -A --field-selector reason=Failed');
  });

  it.each<[string, SkipCause | undefined, string]>([
    ['pod evidence was turned off (--no-pods / TRIAGE_PODS=false)', 'turned-off', 'skip'],
    ['the cluster has no node pools to read', 'not-applicable', 'skip'],
    ['pod evidence is still being read through run command', 'pending', 'unknown'],
    ['the cluster could not be identified, so its pods could not be read', 'missing-input', 'unknown'],
    // the cause decides, never the wording: a turned-off text without the cause is not trusted, and vice versa
    ['pod evidence was turned off (--no-pods / TRIAGE_PODS=false)', undefined, 'unknown'],
    ['the cluster API could not be reached before the deadline', 'turned-off', 'skip'],
    ['pods not requested', 'pending', 'unknown'],
  ])('skipped because %p (cause %p) → %s', (reason, cause, status) => {
    const e = healthyEvidence();
    e.kube = skipped(reason, cause);
    const view = podView(e);
    expect(view.seen ? 'seen' : view.outcome.status).toBe(status);
    if (view.seen) return;
    if (status === 'unknown') {
      expect(view.outcome.command).toContain('kubectl get events');
      expect(view.outcome.evidence).toContain(reason);
      expect(view.outcome.needs).toBeDefined();
    } else {
      expect(view.outcome.evidence.toLowerCase()).toBe(reason.toLowerCase());
    }
  });

  it('is unknown when pods were turned off but the cluster itself could not be read', () => {
    const e = healthyEvidence();
    e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'no access' } };
    e.kube = skipped('pod evidence was turned off', 'turned-off');
    const view = podView(e);
    expect(view.seen ? 'seen' : view.outcome.status).toBe('unknown');
  });

  it('is unknown, not skip, when run command is disabled on the cluster', () => {
    const e = healthyEvidence();
    if (e.cluster.state === 'ok') e.cluster.value.apiServer.disableRunCommand = true;
    e.kube = skipped('pods not read', 'turned-off');
    const view = podView(e);
    if (view.seen) throw new Error('expected not seen');
    expect(view.outcome.status).toBe('unknown');
    expect(view.outcome.evidence).toContain('Run command is disabled on aks-prod');
    expect(view.outcome.remediation).toContain('kubectl get events -A --field-selector reason=Failed');
  });
});

describe('failingPullsOf / pullMessagesOf', () => {
  function withPods(pods: PodFact[], events: EventFact[]): Evidence {
    const e = healthyEvidence();
    kubeOf(e).pods.push(...pods);
    okList(kubeOf(e).events).push(...events);
    return e;
  }

  it('finds a pod of this registry and explains it with the Failed event, not the bare back-off', () => {
    const e = withPods([failingPod('api-1', IMG)], [failedEvent('api-1', UNAUTHORIZED)]);
    const failures = failingPullsOf(kubeOf(e), registryHostsOf(e));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ namespace: 'shop', pod: 'api-1', reason: 'ImagePullBackOff', image: IMG, message: UNAUTHORIZED });
    expect(failures[0]?.classification.class).toBe('unauthorized');
  });

  it.each([
    ['another registry', 'docker.io/library/nginx:1.27', 0],
    ['another ACR', 'otheracr.azurecr.io/x:1', 0],
    ['a mistyped suffix of this registry', 'myacr.azureacr.io/shop/api:1.4.2', 1],
    ['a data endpoint host', 'myacr.westeurope.data.azurecr.io/shop/api:1', 1],
  ])('counts a failing pod pulling from %s: %d', (_what, image, count) => {
    const e = withPods([failingPod('p', image)], []);
    expect(failingPullsOf(kubeOf(e), registryHostsOf(e))).toHaveLength(count);
  });

  it('ignores running pods, even with old Failed events', () => {
    const e = withPods([], [failedEvent('api-7d9c-abcde', UNAUTHORIZED)]);
    expect(failingPullsOf(kubeOf(e), registryHostsOf(e))).toHaveLength(0);
    expect(pullMessagesOf(kubeOf(e), registryHostsOf(e))).toHaveLength(1);
  });

  it('attributes an event without an image to its pod, and drops events about other registries', () => {
    const e = withPods(
      [failingPod('api-1', IMG), failingPod('web-1', 'ghcr.io/org/web:2')],
      [
        { namespace: 'shop', involvedKind: 'Pod', involvedName: 'api-1', reason: 'Failed', message: 'Error: ErrImagePull' },
        failedEvent('web-1', 'Failed to pull image "ghcr.io/org/web:2": 401 Unauthorized'),
      ],
    );
    const messages = pullMessagesOf(kubeOf(e), registryHostsOf(e));
    expect(messages.map((m) => m.pod)).toEqual(['api-1', 'api-1']);
    expect(messages.map((m) => m.text)).toContain('Error: ErrImagePull');
  });
});

describe('shortenPullMessage / listNames', () => {
  it('drops the rpc preamble and keeps the end of a long message', () => {
    const short = shortenPullMessage(UNAUTHORIZED, 80);
    expect(short.length).toBe(80);
    expect(short.startsWith('…')).toBe(true);
    expect(short.endsWith('401 Unauthorized')).toBe(true);
    expect(shortenPullMessage('rpc error: code = NotFound desc = not found')).toBe('not found');
  });

  it.each([
    [['a'], 'a'],
    [['a', 'b', 'a'], 'a, b'],
    [['a', 'b', 'c', 'd', 'e'], 'a, b, c and 2 more'],
  ])('%j → %s', (names, text) => {
    expect(listNames(names)).toBe(text);
  });
});

describe('pod-only checks decide on the skip cause', () => {
  const POD_ONLY = [podsPullErrors, podsPullSecrets, pullThrottling];
  it.each<[SkipCause | undefined, string]>([
    ['pending', 'unknown'],
    ['missing-input', 'unknown'],
    [undefined, 'unknown'],
    ['turned-off', 'skip'],
  ])('a pod read skipped with cause %p is %s in every pod-only check', (cause, status) => {
    const e = healthyEvidence();
    e.kube = skipped('pod evidence was turned off (--no-pods / TRIAGE_PODS=false)', cause);
    expect(POD_ONLY.map((check) => [check.id, check.run(e).status])).toEqual(POD_ONLY.map((check) => [check.id, status]));
  });
});

describe('splitReference', () => {
  it.each([
    [IMG, { host: 'myacr.azurecr.io', repository: 'shop/api', tag: '1.4.2' }],
    ['myacr.azurecr.io/api', { host: 'myacr.azurecr.io', repository: 'api' }],
    ['myacr.azurecr.io/a/b@sha256:abc', { host: 'myacr.azurecr.io', repository: 'a/b', digest: 'sha256:abc' }],
    ['MYACR.azurecr.io/team-c/web@sha256:abc', { host: 'myacr.azurecr.io', repository: 'team-c/web', digest: 'sha256:abc' }],
    ['localhost:5000/app:1', { host: 'localhost:5000', repository: 'app', tag: '1' }],
  ])('splitReference(%s)', (ref, parts) => {
    expect(splitReference(ref)).toMatchObject(parts);
  });
});

describe('servedBy', () => {
  const hosts = hostsOfRegistry({ ...healthyRegistry(), dataEndpointHostNames: ['myacr.westeurope.data.azurecr.io'] });
  it.each([
    ['MyAcr.azurecr.io', true],
    ['myacr.westeurope.data.azurecr.io', true],
    // meant for the registry, but it does not answer there under that name
    ['myacr.westeurope.geo.azurecr.io', false],
    ['myacr.azureacr.io', false],
  ])('%s: %s', (host, expected) => {
    expect(servedBy(host, hosts)).toBe(expected);
    expect(hostBelongsTo(host, hosts)).toBe(true);
  });
});

describe("one definition of this registry's failing pods", () => {
  const DNL = 'myacr-a1b2c3d4e5f6';
  /** Evidence for a DNL-hashed registry with a data endpoint, with one pod failing with 401 on `host`. */
  function failingOn(host: string): Evidence {
    const e = healthyEvidence();
    if (e.registry.state !== 'ok') throw new Error('fixture has no registry');
    e.registry.value.loginServer = `${DNL}.azurecr.io`;
    e.registry.value.dataEndpointHostNames = [`${DNL}.westeurope.data.azurecr.io`];
    e.registry.value.anonymousPullEnabled = true;
    e.registry.value.roleAssignmentMode = 'AbacRepositoryPermissions';
    const image = `${host}/team/api:1`;
    const pod = failingPod('api-0', image, 'ImagePullBackOff');
    pod.containers[0]!.waitingMessage = `Failed to pull image "${image}": 401 Unauthorized`;
    kubeOf(e).pods.push(pod);
    return e;
  }
  const forms: [string, string, boolean][] = [
    ['the login server', `${DNL}.azurecr.io`, true],
    ['a data endpoint', `${DNL}.westeurope.data.azurecr.io`, true],
    ['a geo-replica host', `${DNL}.westeurope.geo.azurecr.io`, true],
    ['a mistyped suffix', `${DNL}.azureacr.io`, true],
    ['the privatelink name', `${DNL}.privatelink.azurecr.io`, true],
    ['another registry', 'otheracr.azurecr.io', false],
    ['the name without its DNL hash', 'myacr.azurecr.io', false],
  ];
  it.each(forms)('%s (%s) is this registry for every consumer: %s', (_form, host, mine) => {
    const e = failingOn(host);
    expect(registryPullFailures(e).map((f) => f.pod)).toEqual(mine ? ['api-0'] : []);
    expect(backoffPods(e)).toEqual(mine ? [{ namespace: 'shop', name: 'api-0' }] : []);
    expect(repositoriesToCheck(e)).toEqual(mine ? ['team/api'] : []);
    expect(registryAltAuth.run(e).status).toBe(mine ? 'warn' : 'pass');
    expect(podsPullErrors.run(e).status).toBe(mine ? 'fail' : 'pass');
    expect(targetImageRef.run(e).evidence.includes(host)).toBe(mine);
  });
});

describe('backoffPods', () => {
  it('lists each pod in back-off once, and not pods whose reference is invalid or that pull elsewhere', () => {
    const e = healthyEvidence();
    const twice = failingPod('api-0', IMG, 'ErrImagePull');
    twice.containers.push({ name: 'sidecar', image: 'myacr.azurecr.io/shop/sidecar:1', kind: 'init', waitingReason: 'ImagePullBackOff' });
    kubeOf(e).pods.push(
      twice,
      failingPod('bad-0', 'myacr.azurecr.io/Shop/API:1', 'InvalidImageName'),
      failingPod('web-0', 'docker.io/library/nginx:1', 'ImagePullBackOff', 'web'),
    );
    expect(backoffPods(e)).toEqual([{ namespace: 'shop', name: 'api-0' }]);
  });

  it('is empty when pods were not read', () => {
    const e = healthyEvidence();
    e.kube = skipped('pod evidence is still being read', 'pending');
    expect(backoffPods(e)).toEqual([]);
  });
});
