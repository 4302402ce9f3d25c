import type { Evidence } from './evidence';
import {
  clusterAuth,
  compareTenants,
  describePrincipal,
  identityName,
  pullPrincipal,
  requirePullPrincipal,
  requireRead,
  requireRegistry,
} from './principal';
import { healthyCluster, healthyEvidence, KUBELET_CLIENT_ID, KUBELET_OBJECT_ID, KUBELET_RESOURCE_ID, TENANT } from '../../test/fixtures/evidence';

const SP_APP = '0f1e0000-0000-4000-8000-00000000d001';
const SP_OBJECT = '5a5a0000-0000-4000-8000-00000000d002';
const OTHER_TENANT = '11a00000-0000-4000-8000-0000000000ff';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
function spCluster(e: Evidence, objectId?: string): void {
  if (e.cluster.state !== 'ok') throw new Error('fixture');
  e.cluster.value.identity = undefined;
  e.cluster.value.kubeletIdentity = undefined;
  e.cluster.value.servicePrincipalClientId = SP_APP;
  e.servicePrincipal = { state: 'ok', value: { appId: SP_APP, objectId, secretEndDates: [] } };
}

describe('clusterAuth', () => {
  it.each([
    ['SystemAssigned identity', { identity: { type: 'SystemAssigned' } }, 'msi'],
    ['UserAssigned identity', { identity: { type: 'UserAssigned' } }, 'msi'],
    ['clientId msi only', { identity: undefined, servicePrincipalClientId: 'msi' }, 'msi'],
    ['service principal', { identity: undefined, servicePrincipalClientId: SP_APP }, 'service-principal'],
    ['neither', { identity: undefined, servicePrincipalClientId: undefined }, 'undetermined'],
  ])('%s', (_case, patch, expected) => expect(clusterAuth({ ...healthyCluster(), ...patch })).toBe(expected));
});

describe('identityName', () => {
  it('reads the name out of the resource id', () => expect(identityName(KUBELET_RESOURCE_ID)).toBe('aks-prod-agentpool'));
  it('is undefined for anything else', () => expect(identityName('/subscriptions/x')).toBeUndefined());
});

describe('pullPrincipal', () => {
  it('is the kubelet identity on an MSI cluster', () => {
    const p = pullPrincipal(healthyEvidence());
    expect(p).toEqual({
      state: 'known',
      principal: {
        kind: 'kubelet-identity',
        objectId: KUBELET_OBJECT_ID,
        name: 'aks-prod-agentpool',
        clientId: KUBELET_CLIENT_ID,
        resourceId: KUBELET_RESOURCE_ID,
      },
    });
    if (p.state === 'known') expect(describePrincipal(p.principal)).toBe(`kubelet identity aks-prod-agentpool (objectId ${KUBELET_OBJECT_ID})`);
  });

  it('is the service principal on an SP cluster when Graph resolved it', () => {
    const p = pullPrincipal(edit((e) => spCluster(e, SP_OBJECT)));
    expect(p).toMatchObject({ state: 'known', principal: { kind: 'service-principal', objectId: SP_OBJECT, name: SP_APP } });
  });

  it.each<[string, (e: Evidence) => void, RegExp, RegExp | undefined]>([
    [
      'cluster unreadable',
      (e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed', needs: 'Reader on rg-prod' } }),
      /cluster could not be read \(AuthorizationFailed\)/,
      /Reader on rg-prod/,
    ],
    [
      'cluster not read',
      (e) => (e.cluster = { state: 'skipped', reason: 'lookup found 2 clusters' }),
      /not read \(lookup found 2 clusters\)/,
      /managedClusters\/read/,
    ],
    [
      'SP objectId not resolvable',
      (e) => {
        spCluster(e);
        e.servicePrincipal = { state: 'failed', failure: { kind: 'forbidden', message: 'Graph 403' } };
      },
      new RegExp(`service principal ${SP_APP}, whose objectId could not be read from Microsoft Graph \\(Graph 403\\)`),
      /Application\.Read\.All/,
    ],
    [
      'MSI cluster without kubelet identity',
      (e) => {
        if (e.cluster.state === 'ok') e.cluster.value.kubeletIdentity = undefined;
      },
      /aks-prod has no kubelet identity/,
      undefined,
    ],
    [
      'kubelet identity without objectId',
      (e) => {
        if (e.cluster.state === 'ok') e.cluster.value.kubeletIdentity = { resourceId: KUBELET_RESOURCE_ID, clientId: KUBELET_CLIENT_ID };
      },
      /aks-prod-agentpool of cluster aks-prod came without an objectId/,
      /userAssignedIdentities\/read/,
    ],
  ])('is unknown when %s', (_case, change, reason, needs) => {
    const p = pullPrincipal(edit(change));
    expect(p.state).toBe('unknown');
    if (p.state !== 'unknown') return;
    expect(p.reason).toMatch(reason);
    if (needs) expect(p.needs).toMatch(needs);
  });
});

describe('compareTenants', () => {
  it('is same for the healthy fixture', () => expect(compareTenants(healthyEvidence())).toMatchObject({ state: 'same', registryTenant: TENANT }));

  it('is different when the registry lives elsewhere', () => {
    const t = compareTenants(edit((e) => e.registry.state === 'ok' && (e.registry.value.tenantId = OTHER_TENANT)));
    expect(t).toEqual({ state: 'different', clusterTenant: TENANT, registryTenant: OTHER_TENANT });
  });

  it("falls back to the lookup's tenant and the subscription's tenant", () => {
    const t = compareTenants(
      edit((e) => {
        if (e.registry.state === 'ok') e.registry.value.tenantId = undefined;
        if (e.cluster.state === 'ok') e.cluster.value.identity = undefined;
        e.clusterTenantId = { state: 'ok', value: OTHER_TENANT };
      }),
    );
    expect(t).toEqual({ state: 'different', clusterTenant: OTHER_TENANT, registryTenant: TENANT });
  });

  it.each<[string, (e: Evidence) => void, RegExp]>([
    ['registry invisible', (e) => (e.registry = { state: 'failed', failure: { kind: 'not-found', message: '404' } }), /registry is not visible/],
    ['cluster unreadable', (e) => (e.cluster = { state: 'failed', failure: { kind: 'timeout', message: 'timed out' } }), /cluster could not be read/],
    [
      'subscription tenant unreadable',
      (e) => {
        if (e.cluster.state === 'ok') e.cluster.value.identity = undefined;
        e.clusterTenantId = { state: 'failed', failure: { kind: 'forbidden', message: '403 on subscription' } };
      },
      /subscription 1111.*\(403 on subscription\)/,
    ],
  ])('is unknown when %s', (_case, change, reason) => {
    const t = compareTenants(edit(change));
    expect(t.state).toBe('unknown');
    if (t.state === 'unknown') expect(t.reason).toMatch(reason);
  });
});

describe('requireRead', () => {
  it('turns a failed read into unknown with the failure needs', () => {
    const r = requireRead(
      { state: 'failed', failure: { kind: 'throttled', message: '429 after retries', needs: 'patience' } },
      'The VMSS list',
      'Reader',
    );
    expect(r).toMatchObject({
      ok: false,
      outcome: { status: 'unknown', evidence: 'The VMSS list could not be read: 429 after retries.', needs: 'patience' },
    });
  });
  it('names the fallback permission for a skipped read', () => {
    const r = requireRead({ state: 'skipped', reason: 'no node resource group' }, 'The VMSS list', 'Reader on MC_x');
    expect(r).toMatchObject({ ok: false, outcome: { status: 'unknown', needs: 'Reader on MC_x' } });
  });
});

describe('requireRegistry', () => {
  it('gives the registry when it was read', () => {
    expect(requireRegistry(edit(() => undefined))).toMatchObject({ ok: true, value: { name: 'myacr' } });
  });
  it('says what stays unknown without the registry, with the failure and its needs', () => {
    const e = edit(
      (x) => (x.registry = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed on myacr', needs: 'Reader on myacr' } }),
    );
    expect(requireRegistry(e, 'its firewall rules')).toMatchObject({
      ok: false,
      outcome: {
        status: 'unknown',
        evidence: 'The registry could not be read: AuthorizationFailed on myacr. Its firewall rules cannot be known without it.',
        needs: 'Reader on myacr',
      },
    });
  });
  it('names the registry read permission when the registry was skipped', () => {
    const e = edit((x) => (x.registry = { state: 'skipped', reason: 'no registry matching the name is visible to the bot', cause: 'missing-input' }));
    const r = requireRegistry(e);
    expect(r).toMatchObject({
      ok: false,
      outcome: { status: 'unknown', evidence: 'The registry was not read: no registry matching the name is visible to the bot.' },
    });
    if (!r.ok) expect(r.outcome.needs).toContain('Microsoft.ContainerRegistry/registries/read');
  });
});

describe('requirePullPrincipal', () => {
  it('gives the principal when it is known', () => {
    expect(
      requirePullPrincipal(
        edit(() => undefined),
        'anything',
      ),
    ).toMatchObject({ ok: true, value: { objectId: KUBELET_OBJECT_ID } });
  });
  it('says what cannot be told without it, why, and what would tell it', () => {
    const e = edit((x) => (x.cluster = { state: 'failed', failure: { kind: 'forbidden', message: '403', needs: 'Reader on aks-prod' } }));
    expect(requirePullPrincipal(e, 'whether a deny assignment on myacr applies')).toMatchObject({
      ok: false,
      outcome: {
        status: 'unknown',
        evidence: expect.stringMatching(/^Cannot tell whether a deny assignment on myacr applies: the cluster could not be read \(403\)/),
        needs: 'Reader on aks-prod',
      },
    });
  });
});
