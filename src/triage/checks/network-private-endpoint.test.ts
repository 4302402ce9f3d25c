import { NODE_RG, SUB, SUBNET_ID, VNET_ID, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { networkPrivateEndpoint } from './network-private-endpoint';

const HUB_VNET = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const PE_ID = `/subscriptions/${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateEndpoints/pe-acr`;

interface PeSetup {
  status?: string;
  vnet?: string;
  peering?: string;
  publicAccess?: string;
}

function withEndpoint({ status = 'Approved', vnet = VNET_ID, peering, publicAccess = 'Disabled' }: PeSetup = {}): Evidence {
  const e = healthyEvidence();
  if (e.registry.state !== 'ok') throw new Error('fixture');
  e.registry.value.publicNetworkAccess = publicAccess;
  e.registry.value.privateEndpointConnections = [
    { id: `${e.registry.value.id}/privateEndpointConnections/pe-acr.conn`, privateEndpointId: PE_ID, status },
  ];
  e.network.privateEndpoints = {
    state: 'ok',
    value: [
      {
        id: PE_ID,
        name: 'pe-acr',
        subnetId: `${vnet}/subnets/pe`,
        vnetId: vnet,
        dnsConfigs: [{ fqdn: 'myacr.azurecr.io', ipAddresses: ['10.20.0.5'] }],
        dnsZoneIds: [],
      },
    ],
  };
  if (peering) {
    e.network.clusterVnets = {
      state: 'ok',
      value: [{ id: VNET_ID, dnsServers: [], peerings: [{ name: 'prod-to-hub', remoteVnetId: HUB_VNET, state: peering }] }],
    };
  }
  return e;
}

describe('network.private-endpoint', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['no private endpoint', 'skip', () => healthyEvidence(), ['myacr has no private endpoint']],
    ['approved endpoint in the cluster VNet', 'pass', () => withEndpoint(), ['pe-acr', '10.20.0.5', 'vnet-prod']],
    [
      'approved endpoint in a Connected peered VNet',
      'pass',
      () => withEndpoint({ vnet: HUB_VNET, peering: 'Connected' }),
      ['pe-acr', 'vnet-hub', 'peered'],
    ],
    ['pending connection', 'fail', () => withEndpoint({ status: 'Pending' }), ['pe-acr.conn', 'Pending']],
    ['rejected connection', 'fail', () => withEndpoint({ status: 'Rejected' }), ['Rejected']],
    [
      'peering Disconnected, public access Disabled',
      'fail',
      () => withEndpoint({ vnet: HUB_VNET, peering: 'Disconnected' }),
      ['vnet-prod ↔ vnet-hub peering state: Disconnected', 'i/o timeout'],
    ],
    [
      'no peering, public access Enabled',
      'warn',
      () => withEndpoint({ vnet: HUB_VNET, publicAccess: 'Enabled' }),
      ['vnet-prod has no peering with vnet-hub'],
    ],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = networkPrivateEndpoint.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('gives the approve command for a pending connection', () => {
    expect(networkPrivateEndpoint.run(withEndpoint({ status: 'Pending' })).command).toBe(
      'az acr private-endpoint-connection approve -r myacr -n pe-acr.conn',
    );
  });

  it('gives a peering command when the endpoint VNet is not peered', () => {
    const out = networkPrivateEndpoint.run(withEndpoint({ vnet: HUB_VNET, peering: 'Disconnected' }));
    expect(out.command).toBe(
      `az network vnet peering create -g rg-net --vnet-name vnet-prod -n vnet-prod-to-vnet-hub --remote-vnet ${HUB_VNET} --allow-vnet-access`,
    );
  });

  it('warns when the peered path runs through a route table (hub firewall)', () => {
    const e = withEndpoint({ vnet: HUB_VNET, peering: 'Connected' });
    e.network.clusterSubnets = {
      state: 'ok',
      value: [{ id: SUBNET_ID, routeTableId: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/routeTables/rt-prod` }],
    };
    const out = networkPrivateEndpoint.run(e);
    expect(out.status).toBe('warn');
    expect(out.evidence).toContain('route table rt-prod');
    expect(out.remediation).toContain('10.20.0.5');
  });

  it('is skip for a non-ACR registry', () => {
    const e = healthyEvidence();
    e.target.registry = { kind: 'external', host: 'ghcr.io' };
    expect(networkPrivateEndpoint.run(e).status).toBe('skip');
  });

  it.each<[string, (e: Evidence) => void, string]>([
    [
      'the registry',
      (e) => (e.registry = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on myacr', needs: 'Reader on myacr' } }),
      'Reader on myacr',
    ],
    [
      'the private endpoints',
      (e) =>
        (e.network.privateEndpoints = {
          state: 'failed',
          failure: { kind: 'forbidden', message: 'AuthorizationFailed on pe-acr', needs: 'Reader on rg-hub' },
        }),
      'Reader on rg-hub',
    ],
    [
      'the cluster VNet peerings',
      (e) =>
        (e.network.clusterVnets = {
          state: 'failed',
          failure: { kind: 'forbidden', message: 'AuthorizationFailed on vnet-prod', needs: 'Reader on rg-net' },
        }),
      'Reader on rg-net',
    ],
  ])('is unknown with needs when %s could not be read', (_what, breakIt, needs) => {
    const e = withEndpoint({ vnet: HUB_VNET });
    breakIt(e);
    const out = networkPrivateEndpoint.run(e);
    expect(out.status).toBe('unknown');
    expect(out.needs).toBe(needs);
  });

  describe('AKS-managed VNet (no vnetSubnetId)', () => {
    function managed(peVnet: string): Evidence {
      const e = withEndpoint({ vnet: peVnet });
      if (e.cluster.state !== 'ok') throw new Error('fixture');
      delete e.cluster.value.agentPools[0]?.vnetSubnetId;
      e.network.clusterVnets = { state: 'ok', value: [] };
      return e;
    }

    it('says the pool uses the managed VNet in the node resource group when the endpoint is elsewhere', () => {
      const out = networkPrivateEndpoint.run(managed(HUB_VNET));
      expect(out.status).toBe('unknown');
      expect(out.evidence).toContain(`AKS-managed VNet in ${NODE_RG}`);
    });

    it('passes when the endpoint sits in the node resource group VNet', () => {
      const out = networkPrivateEndpoint.run(
        managed(`/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Network/virtualNetworks/aks-vnet-123`),
      );
      expect(out.status).toBe('pass');
    });
  });
});
