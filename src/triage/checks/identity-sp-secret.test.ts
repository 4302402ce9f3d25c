import type { Evidence } from '../evidence';
import { identitySpSecret } from './identity-sp-secret';
import { healthyEvidence } from '../../../test/fixtures/evidence';

const SP_APP = '0f1e0000-0000-4000-8000-00000000d001';

/** collectedAt in the fixture is 2026-11-28T12:00:00Z. */
function spCluster(secretEndDates: string[], change: (e: Evidence) => void = () => undefined): Evidence {
  const e = healthyEvidence();
  if (e.cluster.state !== 'ok') throw new Error('fixture');
  e.cluster.value.identity = undefined;
  e.cluster.value.kubeletIdentity = undefined;
  e.cluster.value.servicePrincipalClientId = SP_APP;
  e.servicePrincipal = { state: 'ok', value: { appId: SP_APP, objectId: '5a5a0000-0000-4000-8000-00000000d002', secretEndDates } };
  change(e);
  return e;
}

describe('identity.sp-secret', () => {
  it.each<[string, Evidence, string, RegExp]>([
    [
      'a secret valid for months',
      spCluster(['2025-01-01T00:00:00Z', '2027-06-01T00:00:00Z']),
      'pass',
      /latest secret is valid until 2027-06-01T00:00:00Z/,
    ],
    [
      'the only secret expired',
      spCluster(['2025-03-01T00:00:00Z']),
      'fail',
      new RegExp(`service principal ${SP_APP}; its only secret expired 2025-03-01T00:00:00Z`),
    ],
    [
      'every secret expired',
      spCluster(['2025-03-01T00:00:00Z', '2026-11-28T11:59:59Z']),
      'fail',
      /all 2 of its secrets have expired, the last on 2026-11-28T11:59:59Z/,
    ],
    ['no secret at all', spCluster([]), 'fail', /has no client secret at all/],
    ['the latest secret expires in 10 days', spCluster(['2026-12-08T12:00:00Z']), 'warn', /expires 2026-12-08T12:00:00Z \(in 10 days\)/],
    [
      'Graph refused',
      spCluster([], (e) => (e.servicePrincipal = { state: 'failed', failure: { kind: 'forbidden', message: 'Authorization_RequestDenied' } })),
      'unknown',
      new RegExp(`secrets of service principal ${SP_APP} could not be read: Authorization_RequestDenied`),
    ],
    [
      'Graph was not asked',
      spCluster([], (e) => (e.servicePrincipal = { state: 'skipped', reason: 'Graph disabled' })),
      'unknown',
      /were not read: Graph disabled/,
    ],
    ['unreadable dates', spCluster(['soon']), 'unknown', /could not be understood: soon/],
    ['an MSI cluster', healthyEvidence(), 'skip', /aks-prod uses a managed identity/],
    [
      'the cluster could not be read',
      spCluster([], (e) => (e.cluster = { state: 'failed', failure: { kind: 'unavailable', message: '503' } })),
      'unknown',
      /The cluster could not be read: 503/,
    ],
  ])('%s', (_case, evidence, status, text) => {
    const o = identitySpSecret.run(evidence);
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(text);
    if (status === 'unknown') expect(o.needs).toBeTruthy();
    if (status === 'fail' || status === 'warn') expect(o.command).toContain(`--reset-service-principal --service-principal ${SP_APP}`);
  });

  it('asks for Application.Read.All when Graph refused without saying what it needs', () => {
    const o = identitySpSecret.run(spCluster([], (e) => (e.servicePrincipal = { state: 'failed', failure: { kind: 'forbidden', message: '403' } })));
    expect(o.needs).toContain('Application.Read.All');
  });
});
