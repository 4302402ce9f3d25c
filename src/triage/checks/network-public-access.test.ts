import { SUB, VNET_ID, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { networkPublicAccess } from './network-public-access';

const HUB_VNET = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const PE_ID = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateEndpoints/pe-acr`;

function closed(endpoint?: { status: string; vnet: string }): Evidence {
  const e = healthyEvidence();
  if (e.registry.state !== 'ok') throw new Error('fixture');
  e.registry.value.publicNetworkAccess = 'Disabled';
  if (endpoint) {
    e.registry.value.privateEndpointConnections = [
      { id: `${e.registry.value.id}/privateEndpointConnections/c1`, privateEndpointId: PE_ID, status: endpoint.status },
    ];
    e.network.privateEndpoints = {
      state: 'ok',
      value: [
        { id: PE_ID, name: 'pe-acr', vnetId: endpoint.vnet, dnsConfigs: [{ fqdn: 'myacr.azurecr.io', ipAddresses: ['10.20.0.5'] }], dnsZoneIds: [] },
      ],
    };
  }
  return e;
}

describe('network.public-access', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['public access Enabled', 'pass', () => healthyEvidence(), ['Public network access on myacr is Enabled']],
    [
      'Disabled with an approved endpoint in the cluster VNet',
      'pass',
      () => closed({ status: 'Approved', vnet: VNET_ID }),
      ['Disabled', 'pe-acr (10.20.0.5) in vnet-prod'],
    ],
    ['Disabled and no private endpoint', 'fail', () => closed(), ['Disabled and it has no private endpoint', '403']],
    [
      'Disabled and the endpoint is Pending',
      'fail',
      () => closed({ status: 'Pending', vnet: VNET_ID }),
      ['no approved private endpoint is in (or peered with) vnet-prod', 'Pending'],
    ],
    [
      'Disabled and the endpoint is in an unpeered VNet',
      'fail',
      () => closed({ status: 'Approved', vnet: HUB_VNET }),
      ['vnet-prod has no peering with vnet-hub'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = networkPublicAccess.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
    if (status === 'fail') expect(out.command).toBe('az acr update -n myacr --public-network-enabled true --default-action Deny');
  });

  it('is unknown when the private endpoints could not be read', () => {
    const e = closed({ status: 'Approved', vnet: VNET_ID });
    e.network.privateEndpoints = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed', needs: 'Reader on rg-hub' } };
    expect(networkPublicAccess.run(e)).toMatchObject({ status: 'unknown', needs: 'Reader on rg-hub' });
  });

  it('is unknown when the cluster VNet could not be read to trace the path', () => {
    const e = closed({ status: 'Approved', vnet: HUB_VNET });
    e.network.clusterVnets = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on vnet-prod' } };
    const out = networkPublicAccess.run(e);
    expect(out.status).toBe('unknown');
    expect(out.evidence).toContain('peerings of vnet-prod were not read');
  });

  it('is unknown with the failure needs when the registry could not be read', () => {
    const e = healthyEvidence();
    e.registry = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on myacr', needs: 'Reader on myacr' } };
    expect(networkPublicAccess.run(e)).toMatchObject({ status: 'unknown', needs: 'Reader on myacr' });
  });

  it.each(['SecuredByPerimeter', ''])('is unknown, never pass, for a publicNetworkAccess it does not know ("%s")', (value) => {
    const e = healthyEvidence();
    if (e.registry.state === 'ok') e.registry.value.publicNetworkAccess = value;
    expect(networkPublicAccess.run(e)).toMatchObject({ status: 'unknown', needs: expect.stringContaining('Enabled and Disabled') });
  });

  it('is skip for a non-ACR registry', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'quay.io' };
    expect(networkPublicAccess.run(e).status).toBe('skip');
  });
});
