import { okList, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { networkDataEndpoints } from './network-data-endpoints';

function change(fn: (e: Evidence) => void): () => Evidence {
  return () => {
    const e = healthyEvidence();
    fn(e);
    return e;
  };
}

const dataEndpoints = (e: Evidence): void => {
  if (e.registry.state !== 'ok') return;
  e.registry.value.dataEndpointEnabled = true;
  e.registry.value.dataEndpointHostNames = ['myacr.westeurope.data.azurecr.io', 'myacr.eastus.data.azurecr.io'];
};
const udr = (e: Evidence): void => {
  if (e.cluster.state === 'ok') e.cluster.value.network.outboundType = 'userDefinedRouting';
};
const blobEof = (e: Evidence): void => {
  if (e.kube.state !== 'ok') return;
  const c = e.kube.value.pods[0]?.containers[0];
  if (c) c.waitingReason = 'ErrImagePull';
  okList(e.kube.value.events).push({
    namespace: 'shop',
    involvedKind: 'Pod',
    involvedName: 'api-7d9c-abcde',
    reason: 'Failed',
    message:
      'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://myacr.westeurope.data.azurecr.io/docker/registry/v2/blobs/sha256/ab/abcd/data?se=2026": EOF',
  });
};

describe('network.data-endpoints', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['direct egress', 'pass', () => healthyEvidence(), ['egresses directly', 'myacr.azurecr.io and *.blob.core.windows.net']],
    [
      'UDR, no dedicated data endpoints',
      'warn',
      change(udr),
      ['user-defined routing', 'myacr.azurecr.io and *.blob.core.windows.net (registry storage) (TCP 443)'],
    ],
    [
      'UDR with data endpoints (replicas)',
      'warn',
      change((e) => {
        udr(e);
        dataEndpoints(e);
      }),
      ['myacr.azurecr.io, myacr.westeurope.data.azurecr.io and myacr.eastus.data.azurecr.io'],
    ],
    [
      'HTTP proxy',
      'warn',
      change((e) => e.cluster.state === 'ok' && (e.cluster.value.network.httpProxy = { httpsProxy: 'http://proxy.corp:3128', noProxy: [] })),
      ['http://proxy.corp:3128'],
    ],
    [
      'layer download cut (EOF on the data host)',
      'fail',
      change((e) => {
        dataEndpoints(e);
        blobEof(e);
      }),
      ['api-7d9c-abcde', 'from myacr.westeurope.data.azurecr.io'],
    ],
    [
      'cluster not readable',
      'unknown',
      change((e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on aks-prod' } })),
      ['cluster could not be read'],
    ],
    [
      'registry not readable',
      'unknown',
      change((e) => (e.registry = { state: 'failed', failure: { kind: 'timeout', message: 'timed out reading myacr' } })),
      ['timed out reading myacr'],
    ],
    ['non-ACR registry', 'skip', change((e) => (e.target.registry = { kind: 'external', host: 'ghcr.io' })), ['ghcr.io']],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = networkDataEndpoints.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
    if (status === 'warn' || status === 'fail') expect(out.remediation).toContain('AzureContainerRegistry');
  });
});
