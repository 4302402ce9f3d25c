import { okList, EGRESS_IP_ID, SUB, VNET_ID, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { networkIpRules } from './network-ip-rules';

const PE_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-acr`;

function firewalled(rules: string[], change: (e: Evidence) => void = () => undefined): Evidence {
  const e = healthyEvidence();
  if (e.registry.state !== 'ok') throw new Error('fixture');
  e.registry.value.networkRuleSet = { defaultAction: 'Deny', ipRules: rules.map((value) => ({ action: 'Allow', value })) };
  change(e);
  return e;
}

const setOutbound = (type: string) => (e: Evidence) => {
  if (e.cluster.state === 'ok') e.cluster.value.network.outboundType = type;
};

const deniedEvent = (ip: string) => (e: Evidence) => {
  if (e.kube.state !== 'ok') return;
  const pod = e.kube.value.pods[0];
  if (pod?.containers[0]) {
    pod.containers[0].waitingReason = 'ErrImagePull';
  }
  okList(e.kube.value.events).push({
    namespace: 'shop',
    involvedKind: 'Pod',
    involvedName: 'api-7d9c-abcde',
    reason: 'Failed',
    message: `Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to resolve reference "myacr.azurecr.io/shop/api:1.4.2": unexpected status from HEAD request to https://myacr.azurecr.io/v2/shop/api/manifests/1.4.2: 403 Forbidden denied: {"errors":[{"code":"DENIED","message":"client with IP '${ip}' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}`,
  });
};

describe('network.ip-rules', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['firewall open (defaultAction Allow)', 'pass', () => healthyEvidence(), ['any IP']],
    ['egress IP inside an allowed block', 'pass', () => firewalled(['51.4.7.0/24']), ['51.4.7.9 (rule 51.4.7.0/24)']],
    [
      'egress IP not allowed',
      'fail',
      () => firewalled(['20.1.2.0/24']),
      ['myacr allows only 20.1.2.0/24', 'aks-prod egresses from 51.4.7.9 (load balancer outbound IP)'],
    ],
    ['no rule at all', 'fail', () => firewalled([]), ['denies all public traffic', '51.4.7.9']],
    [
      'egress prefix only partly inside a rule',
      'fail',
      () => firewalled(['51.4.7.0/29'], (e) => (e.network.egressIps = { state: 'ok', value: [{ id: EGRESS_IP_ID, ipPrefix: '51.4.7.0/28' }] })),
      ['51.4.7.0/28'],
    ],
    [
      'egress prefix wholly inside a rule',
      'pass',
      () => firewalled(['51.4.0.0/16'], (e) => (e.network.egressIps = { state: 'ok', value: [{ id: EGRESS_IP_ID, ipPrefix: '51.4.7.0/28' }] })),
      ['51.4.7.0/28'],
    ],
    [
      'pod event names a refused IP (UDR egress)',
      'fail',
      () =>
        firewalled(['20.1.2.0/24'], (e) => {
          setOutbound('userDefinedRouting')(e);
          deniedEvent('52.9.9.9')(e);
        }),
      ["client with IP '52.9.9.9' is not allowed access"],
    ],
    ['userDefinedRouting', 'unknown', () => firewalled(['20.1.2.0/24'], setOutbound('userDefinedRouting')), ['firewall or appliance']],
    ['userAssignedNATGateway', 'unknown', () => firewalled(['20.1.2.0/24'], setOutbound('userAssignedNATGateway')), ['NAT gateway']],
    ['outboundType none', 'unknown', () => firewalled(['20.1.2.0/24'], setOutbound('none')), ['outboundType none']],
    [
      'egress IPs not readable',
      'unknown',
      () =>
        firewalled(
          ['20.1.2.0/24'],
          (e) =>
            (e.network.egressIps = {
              state: 'failed',
              failure: { kind: 'forbidden', message: 'AuthorizationFailed on 5d1e-outbound', needs: 'Reader on MC_rg-prod_aks-prod_westeurope' },
            }),
        ),
      ['AuthorizationFailed on 5d1e-outbound'],
    ],
    ['Standard SKU', 'skip', () => firewalled([], (e) => e.registry.state === 'ok' && (e.registry.value.sku = 'Standard')), ['Standard', 'Premium']],
    [
      'public access Disabled',
      'skip',
      () => firewalled([], (e) => e.registry.state === 'ok' && (e.registry.value.publicNetworkAccess = 'Disabled')),
      ['overrides every IP rule'],
    ],
    [
      'pulls go through an approved private endpoint',
      'skip',
      () =>
        firewalled([], (e) => {
          if (e.registry.state !== 'ok') return;
          e.registry.value.privateEndpointConnections = [{ id: 'c1', privateEndpointId: PE_ID, status: 'Approved' }];
          e.network.privateEndpoints = { state: 'ok', value: [{ id: PE_ID, name: 'pe-acr', vnetId: VNET_ID, dnsConfigs: [], dnsZoneIds: [] }] };
        }),
      ['private endpoint pe-acr'],
    ],
    [
      'registry not readable',
      'unknown',
      () => firewalled([], (e) => (e.registry = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on myacr' } })),
      ['AuthorizationFailed on myacr'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = networkIpRules.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('commands adding exactly the missing egress IP', () => {
    expect(networkIpRules.run(firewalled(['20.1.2.0/24'])).command).toBe('az acr network-rule add -n myacr --ip-address 51.4.7.9');
  });

  it('names the refused IP from the pod event in the command', () => {
    const out = networkIpRules.run(firewalled(['20.1.2.0/24'], deniedEvent('52.9.9.9')));
    expect(out.status).toBe('fail');
    expect(out.command).toBe('az acr network-rule add -n myacr --ip-address 52.9.9.9');
  });

  it('passes the failure needs through when egress IPs could not be read', () => {
    const out = networkIpRules.run(
      firewalled(
        ['20.1.2.0/24'],
        (e) => (e.network.egressIps = { state: 'failed', failure: { kind: 'forbidden', message: 'x', needs: 'Reader on MC_rg' } }),
      ),
    );
    expect(out.needs).toBe('Reader on MC_rg');
  });

  it('says "unknown", not "fail", when an approved private endpoint might carry the pulls but could not be read', () => {
    const out = networkIpRules.run(
      firewalled(['20.1.2.0/24'], (e) => {
        if (e.registry.state !== 'ok') return;
        e.registry.value.privateEndpointConnections = [{ id: 'c1', privateEndpointId: PE_ID, status: 'Approved' }];
        e.network.privateEndpoints = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on pe-acr' } };
      }),
    );
    expect(out.status).toBe('unknown');
    expect(out.evidence).toContain('51.4.7.9');
  });

  it('is unknown, never pass, for a firewall default action that is neither Allow nor Deny', () => {
    const e = healthyEvidence();
    if (e.registry.state === 'ok') e.registry.value.networkRuleSet = { defaultAction: 'Audit', ipRules: [] };
    expect(networkIpRules.run(e)).toMatchObject({ status: 'unknown', evidence: expect.stringContaining('"Audit"') });
  });

  it('is skip for a non-ACR registry', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'docker.io' };
    expect(networkIpRules.run(e).status).toBe('skip');
  });
});
