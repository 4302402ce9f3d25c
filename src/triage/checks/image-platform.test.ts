import { okList, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { imagePlatform, isArm64VmSize } from './image-platform';

const IMG = 'myacr.azurecr.io/shop/api:1.4.2';
const amd64Only = [{ os: 'linux', architecture: 'amd64' }];

function change(fn: (e: Evidence) => void): () => Evidence {
  return () => {
    const e = healthyEvidence();
    fn(e);
    return e;
  };
}

const image =
  (platforms?: { os: string; architecture: string }[]) =>
  (e: Evidence): void => {
    e.image = { state: 'ok', value: { reference: IMG, exists: true, platforms } };
  };

const armPool = (e: Evidence): void => {
  if (e.cluster.state !== 'ok') return;
  e.cluster.value.agentPools.push({ name: 'armpool', vmSize: 'Standard_D4ps_v5', osType: 'Linux', mode: 'User' });
};

const podOnArm = (e: Evidence): void => {
  if (e.kube.state !== 'ok') return;
  okList(e.kube.value.nodes).push({ name: 'aks-armpool-1-vmss000000', os: 'linux', arch: 'arm64', agentPool: 'armpool' });
  const pod = e.kube.value.pods[0];
  if (pod) pod.nodeName = 'aks-armpool-1-vmss000000';
};

describe('image.platform', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['amd64 image, amd64 pool', 'pass', change(image(amd64Only)), ['linux/amd64', 'nodepool1: linux/amd64']],
    [
      'amd64 image, an extra arm64 pool',
      'warn',
      change((e) => {
        image(amd64Only)(e);
        armPool(e);
      }),
      ['linux/amd64 only', 'armpool (linux/arm64)'],
    ],
    [
      'amd64 image, pod scheduled on the arm64 pool',
      'fail',
      change((e) => {
        image(amd64Only)(e);
        armPool(e);
        podOnArm(e);
      }),
      ['Image myacr.azurecr.io/shop/api:1.4.2 is linux/amd64 only', 'pod api-7d9c-abcde', 'pool armpool'],
    ],
    [
      'amd64 image, only arm64 pools',
      'fail',
      change((e) => {
        image(amd64Only)(e);
        if (e.cluster.state === 'ok') e.cluster.value.agentPools = [{ name: 'armpool', vmSize: 'Standard_E8pds_v5', osType: 'Linux' }];
        if (e.kube.state === 'ok') e.kube.value.nodes = { state: 'ok', value: [] };
      }),
      ['no node pool matches', 'armpool: linux/arm64'],
    ],
    [
      'linux image, Windows pool',
      'warn',
      change((e) => {
        image(amd64Only)(e);
        if (e.cluster.state === 'ok') e.cluster.value.agentPools.push({ name: 'win', vmSize: 'Standard_D4s_v5', osType: 'Windows' });
      }),
      ['win (windows/amd64)'],
    ],
    [
      'no match for platform in manifest event',
      'fail',
      change((e) => {
        podOnArm(e);
        if (e.kube.state !== 'ok') return;
        const c = e.kube.value.pods[0]?.containers[0];
        if (c) c.waitingReason = 'ErrImagePull';
        okList(e.kube.value.events).push({
          namespace: 'shop',
          involvedKind: 'Pod',
          involvedName: 'api-7d9c-abcde',
          reason: 'Failed',
          message: `Failed to pull image "${IMG}": rpc error: code = NotFound desc = failed to pull and unpack image "${IMG}": no match for platform in manifest: not found`,
        });
      }),
      ['api-7d9c-abcde', 'aks-armpool-1-vmss000000', 'pool armpool', 'arm64', 'no match for platform in manifest'],
    ],
    ['image not checked', 'skip', () => healthyEvidence(), ['No image was named']],
    ['image does not exist', 'skip', change((e) => (e.image = { state: 'ok', value: { reference: IMG, exists: false } })), ['image.exists']],
    [
      'image not readable',
      'unknown',
      change((e) => (e.image = { state: 'failed', failure: { kind: 'forbidden', message: 'bot has no pull role', needs: 'AcrPull for the bot' } })),
      ['bot has no pull role'],
    ],
    ['platforms not read', 'unknown', change(image(undefined)), ['platforms were not read']],
    [
      'cluster not readable',
      'unknown',
      change((e) => {
        image(amd64Only)(e);
        e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'no' } };
      }),
      ['node pools could not be read'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = imagePlatform.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
    if (status === 'fail' || status === 'warn') expect(out.remediation).toContain('nodeSelector');
  });

  it('multi-arch image passes on a mixed cluster', () => {
    const e = healthyEvidence();
    image([...amd64Only, { os: 'linux', architecture: 'arm64' }])(e);
    armPool(e);
    expect(imagePlatform.run(e).status).toBe('pass');
  });

  it.each([
    ['Standard_D4ps_v5', true],
    ['Standard_E8pds_v5', true],
    ['Standard_D2plds_v5', true],
    ['Standard_B2pts_v2', true],
    ['Standard_D4s_v5', false],
    ['Standard_DS2_v2', false],
    ['Standard_NC4as_T4_v3', false],
    ['Standard_E96-48ds_v5', false],
    [undefined, false],
  ])('isArm64VmSize(%s) = %s', (size, arm) => {
    expect(isArm64VmSize(size)).toBe(arm);
  });
});
