import { okList, SUB, SUBNET_ID, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { networkEgressPath } from './network-egress-path';

const RT = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt-prod`;
const NSG = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/nsg-aks`;

function change(fn: (e: Evidence) => void): () => Evidence {
  return () => {
    const e = healthyEvidence();
    fn(e);
    return e;
  };
}

const udr = (e: Evidence): void => {
  if (e.cluster.state === 'ok') e.cluster.value.network.outboundType = 'userDefinedRouting';
  e.network.clusterSubnets = { state: 'ok', value: [{ id: SUBNET_ID, routeTableId: RT }] };
};

const failedWith =
  (message: string) =>
  (e: Evidence): void => {
    if (e.kube.state !== 'ok') return;
    const c = e.kube.value.pods[0]?.containers[0];
    if (c) c.waitingReason = 'ErrImagePull';
    okList(e.kube.value.events).push({ namespace: 'shop', involvedKind: 'Pod', involvedName: 'api-7d9c-abcde', reason: 'Failed', message });
  };

const TLS =
  'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to resolve reference "myacr.azurecr.io/shop/api:1.4.2": failed to do request: Head "https://myacr.azurecr.io/v2/shop/api/manifests/1.4.2": net/http: TLS handshake timeout';
const PRIVATE_TIMEOUT =
  'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to resolve reference "myacr.azurecr.io/shop/api:1.4.2": failed to do request: Head "https://myacr.azurecr.io/v2/shop/api/manifests/1.4.2": dial tcp 10.20.0.5:443: i/o timeout';

describe('network.egress-path', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['load balancer egress', 'pass', () => healthyEvidence(), ['aks-prod egresses through loadBalancer']],
    [
      'NSG on the node subnet is named',
      'pass',
      change((e) => (e.network.clusterSubnets = { state: 'ok', value: [{ id: SUBNET_ID, networkSecurityGroupId: NSG }] })),
      ['NSG nsg-aks'],
    ],
    ['user-defined routing', 'warn', change(udr), ['user-defined routing (route table rt-prod)', 'myacr.azurecr.io']],
    [
      'proxy without noProxy for the registry',
      'warn',
      change(
        (e) =>
          e.cluster.state === 'ok' &&
          (e.cluster.value.network.httpProxy = { httpsProxy: 'http://proxy.corp:3128', noProxy: ['.svc', 'contoso.com'] }),
      ),
      ['the HTTP proxy http://proxy.corp:3128', 'noProxy does not list myacr.azurecr.io'],
    ],
    ['outboundType none', 'warn', change((e) => e.cluster.state === 'ok' && (e.cluster.value.network.outboundType = 'none')), ['outboundType none']],
    [
      'TLS handshake timeout in pod events',
      'fail',
      change((e) => {
        udr(e);
        failedWith(TLS)(e);
      }),
      ['api-7d9c-abcde', 'TLS handshake timeout', 'route table rt-prod'],
    ],
    ['i/o timeout to a private IP is left to the private-endpoint check', 'pass', change(failedWith(PRIVATE_TIMEOUT)), ['loadBalancer']],
    [
      'cluster not readable',
      'unknown',
      change(
        (e) =>
          (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on aks-prod', needs: 'Reader on aks-prod' } }),
      ),
      ['AuthorizationFailed on aks-prod'],
    ],
    [
      'subnets not readable',
      'unknown',
      change(
        (e) => (e.network.clusterSubnets = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on vnet-prod/aks' } }),
      ),
      ['AuthorizationFailed on vnet-prod/aks'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = networkEgressPath.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('does not complain about noProxy when it covers the registry', () => {
    const e = healthyEvidence();
    if (e.cluster.state === 'ok') e.cluster.value.network.httpProxy = { httpsProxy: 'http://proxy.corp:3128', noProxy: ['.azurecr.io'] };
    const out = networkEgressPath.run(e);
    expect(out.status).toBe('warn');
    expect(out.evidence).not.toContain('noProxy does not list');
  });
});
