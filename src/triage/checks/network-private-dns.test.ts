import { SUB, VNET_ID, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence, PrivateDnsZoneFact } from '../evidence';
import { privateLinkZoneFor } from '../acr-hosts';
import { networkPrivateDns } from './network-private-dns';

const PE_ID = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/privateEndpoints/pe-acr`;
const ZONE_ID = `/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io`;

function zone(overrides: Partial<PrivateDnsZoneFact> = {}): PrivateDnsZoneFact {
  return {
    id: ZONE_ID,
    name: 'privatelink.azurecr.io',
    vnetLinks: [{ name: 'prod-link', vnetId: VNET_ID, state: 'Completed' }],
    aRecords: [
      { name: 'myacr', ipv4Addresses: ['10.20.0.5'] },
      { name: 'myacr.westeurope.data', ipv4Addresses: ['10.20.0.6'] },
    ],
    ...overrides,
  };
}

function privateRegistry(zones: PrivateDnsZoneFact[] = [zone()]): Evidence {
  const e = healthyEvidence();
  if (e.registry.state !== 'ok') throw new Error('fixture');
  e.registry.value.publicNetworkAccess = 'Disabled';
  e.registry.value.dataEndpointEnabled = true;
  e.registry.value.dataEndpointHostNames = ['myacr.westeurope.data.azurecr.io'];
  e.registry.value.privateEndpointConnections = [
    { id: `${e.registry.value.id}/privateEndpointConnections/c1`, privateEndpointId: PE_ID, status: 'Approved' },
  ];
  e.network.privateEndpoints = {
    state: 'ok',
    value: [
      { id: PE_ID, name: 'pe-acr', vnetId: VNET_ID, dnsConfigs: [{ fqdn: 'myacr.azurecr.io', ipAddresses: ['10.20.0.5'] }], dnsZoneIds: [ZONE_ID] },
    ],
  };
  e.network.privateDnsZones = { state: 'ok', value: zones };
  return e;
}

const DATA_ZONE = 'westeurope.data.privatelink.azurecr.io';
const dataZone = (
  records: PrivateDnsZoneFact['aRecords'],
  links = [{ name: 'prod-link', vnetId: VNET_ID, state: 'Completed' }],
): PrivateDnsZoneFact => ({
  id: ZONE_ID.replace('privatelink.azurecr.io', DATA_ZONE),
  name: DATA_ZONE,
  vnetLinks: links,
  aRecords: records,
});
const loginOnly = zone({ aRecords: [{ name: 'myacr', ipv4Addresses: ['10.20.0.5'] }] });

describe('network.private-dns with the data endpoints’ own zone (<region>.data.privatelink.azurecr.io)', () => {
  it('finds the data endpoint record in the linked data zone: no false "missing record"', () => {
    const out = networkPrivateDns.run(privateRegistry([loginOnly, dataZone([{ name: 'myacr', ipv4Addresses: ['10.20.0.6'] }])]));
    expect(out.status).toBe('pass');
    expect(out.evidence).toContain(`myacr (in ${DATA_ZONE})`);
  });

  it('a linked data zone shadows the privatelink.azurecr.io record: the fix goes into the data zone', () => {
    const out = networkPrivateDns.run(privateRegistry([zone(), dataZone([])]));
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain(`lacks A records for myacr (in ${DATA_ZONE})`);
    expect(out.command).toContain(`-z ${DATA_ZONE} -n myacr`);
  });

  it('an unlinked data zone does not shadow anything: the privatelink.azurecr.io record answers', () => {
    expect(networkPrivateDns.run(privateRegistry([zone(), dataZone([], [])])).status).toBe('pass');
  });
});

describe('network.private-dns', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['no private endpoint', 'skip', () => healthyEvidence(), ['no private endpoint']],
    ['zone linked with every record', 'pass', () => privateRegistry(), ['linked to vnet-prod', 'myacr, myacr.westeurope.data']],
    [
      'zone not linked to the cluster VNet',
      'fail',
      () => privateRegistry([zone({ vnetLinks: [] })]),
      ['has records myacr, myacr.westeurope.data', 'not linked to vnet-prod'],
    ],
    [
      'data endpoint record missing',
      'fail',
      () => privateRegistry([zone({ aRecords: [{ name: 'myacr', ipv4Addresses: ['10.20.0.5'] }] })]),
      ['lacks A records for myacr.westeurope.data'],
    ],
    ['no zone at all', 'fail', () => privateRegistry([]), ['no privatelink.azurecr.io zone is visible']],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = networkPrivateDns.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('gives the link command for the cluster VNet', () => {
    const out = networkPrivateDns.run(privateRegistry([zone({ vnetLinks: [] })]));
    expect(out.command).toBe(`az network private-dns link vnet create -g rg-dns -z privatelink.azurecr.io -n vnet-prod-link -v ${VNET_ID} -e false`);
  });

  it('requires a record per data endpoint (geo-replicas included)', () => {
    const e = privateRegistry();
    if (e.registry.state === 'ok') e.registry.value.dataEndpointHostNames.push('myacr.eastus.data.azurecr.io');
    const out = networkPrivateDns.run(e);
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain('myacr.eastus.data');
    expect(out.command).toContain('-n myacr.eastus.data -a <private-ip>');
  });

  it('warns about custom DNS servers, which must forward to Azure DNS', () => {
    const e = privateRegistry([zone({ vnetLinks: [] })]);
    e.network.clusterVnets = { state: 'ok', value: [{ id: VNET_ID, dnsServers: ['10.0.0.4'], peerings: [] }] };
    const out = networkPrivateDns.run(e);
    expect(out.status).toBe('warn');
    expect(out.evidence).toContain('10.0.0.4');
    expect(out.remediation).toContain('168.63.129.16');
  });

  it('is unknown when the zones are not readable (another subscription)', () => {
    const e = privateRegistry();
    e.network.privateDnsZones = {
      state: 'failed',
      failure: { kind: 'forbidden', message: 'AuthorizationFailed on sub 3333', needs: 'Reader on subscription 3333' },
    };
    const out = networkPrivateDns.run(e);
    expect(out).toMatchObject({ status: 'unknown', needs: 'Reader on subscription 3333' });
    expect(out.evidence).toContain('AuthorizationFailed on sub 3333');
  });

  it.each([
    ['myacr.azurecr.io', 'privatelink.azurecr.io'],
    ['myacr.azurecr.cn', 'privatelink.azurecr.cn'],
    ['myacr.azurecr.us', 'privatelink.azurecr.us'],
  ])('zone for %s is %s', (login, zoneName) => {
    expect(privateLinkZoneFor(login)).toBe(zoneName);
  });

  it('checks the sovereign zone name', () => {
    const e = privateRegistry([zone({ name: 'privatelink.azurecr.cn' })]);
    if (e.registry.state === 'ok') {
      e.registry.value.loginServer = 'myacr.azurecr.cn';
      e.registry.value.dataEndpointHostNames = ['myacr.chinaeast2.data.azurecr.cn'];
    }
    const out = networkPrivateDns.run(e);
    expect(out.status).toBe('fail');
    expect(out.evidence).toContain('myacr.chinaeast2.data');
  });
});

describe('network.private-dns record command', () => {
  it("uses the endpoint's IP for the missing name", () => {
    const e = privateRegistry([zone({ aRecords: [{ name: 'myacr', ipv4Addresses: ['10.20.0.5'] }] })]);
    if (e.network.privateEndpoints.state === 'ok')
      e.network.privateEndpoints.value[0]?.dnsConfigs.push({ fqdn: 'myacr.westeurope.data.azurecr.io', ipAddresses: ['10.20.0.6'] });
    expect(networkPrivateDns.run(e).command).toBe(
      'az network private-dns record-set a add-record -g rg-dns -z privatelink.azurecr.io -n myacr.westeurope.data -a 10.20.0.6',
    );
  });
});
