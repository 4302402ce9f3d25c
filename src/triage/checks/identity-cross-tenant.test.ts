import type { Evidence } from '../evidence';
import { identityCrossTenant } from './identity-cross-tenant';
import { healthyEvidence, TENANT } from '../../../test/fixtures/evidence';

const OTHER = '11a00000-0000-4000-8000-0000000000ff';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
const registryElsewhere = (e: Evidence) => e.registry.state === 'ok' && (e.registry.value.tenantId = OTHER);

describe('identity.cross-tenant', () => {
  it.each<[string, (e: Evidence) => void, string, RegExp]>([
    ['same tenant', () => undefined, 'pass', new RegExp(`myacr and cluster aks-prod are both in tenant ${TENANT}`)],
    [
      'registry in another tenant, MSI cluster',
      registryElsewhere,
      'fail',
      new RegExp(`Registry myacr lives in tenant ${OTHER}; cluster aks-prod in tenant ${TENANT} — a managed identity cannot`),
    ],
    [
      'registry in another tenant, SP cluster',
      (e) => {
        registryElsewhere(e);
        if (e.cluster.state !== 'ok') return;
        e.cluster.value.identity = undefined;
        e.clusterTenantId = { state: 'ok', value: TENANT };
        e.cluster.value.servicePrincipalClientId = '0f1e0000-0000-4000-8000-00000000d001';
      },
      'warn',
      /multitenant app provisioned in the registry tenant/,
    ],
    [
      'registry invisible',
      (e) => (e.registry = { state: 'failed', failure: { kind: 'forbidden', message: '403', needs: 'Reader on myacr' } }),
      'unknown',
      /Cannot compare tenants: the registry is not visible to the bot/,
    ],
    [
      "cluster subscription's tenant unreadable",
      (e) => {
        if (e.cluster.state === 'ok') e.cluster.value.identity = undefined;
        e.clusterTenantId = { state: 'failed', failure: { kind: 'forbidden', message: 'subscription read refused' } };
      },
      'unknown',
      /tenant of cluster aks-prod's subscription .* could not be read \(subscription read refused\)/,
    ],
    [
      'a registry that is not an ACR',
      (e) => (e.target.registry = { kind: 'external', host: 'docker.io' }),
      'skip',
      /docker\.io is not an Azure Container Registry/,
    ],
  ])('%s', (_case, change, status, evidence) => {
    const o = identityCrossTenant.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    if (status === 'unknown') expect(o.needs).toBeTruthy();
    if (status === 'fail' || status === 'warn') expect(o.remediation).toMatch(/multitenant service principal/);
  });
});
