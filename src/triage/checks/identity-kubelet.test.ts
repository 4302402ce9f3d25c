import type { Evidence } from '../evidence';
import { identityKubelet } from './identity-kubelet';
import { CONTROL_PLANE_PRINCIPAL, healthyEvidence, KUBELET_CLIENT_ID, KUBELET_OBJECT_ID, KUBELET_RESOURCE_ID } from '../../../test/fixtures/evidence';

const SP_APP = '0f1e0000-0000-4000-8000-00000000d001';
const SP_OBJECT = '5a5a0000-0000-4000-8000-00000000d002';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
function asSpCluster(e: Evidence): void {
  if (e.cluster.state !== 'ok') throw new Error('fixture');
  e.cluster.value.identity = undefined;
  e.cluster.value.kubeletIdentity = undefined;
  e.cluster.value.servicePrincipalClientId = SP_APP;
  e.servicePrincipal = { state: 'ok', value: { appId: SP_APP, objectId: SP_OBJECT, secretEndDates: ['2027-01-01T00:00:00Z'] } };
}

describe('identity.kubelet', () => {
  it('passes naming the kubelet identity and warning off the control-plane identity', () => {
    const o = identityKubelet.run(healthyEvidence());
    expect(o.status).toBe('pass');
    expect(o.evidence).toBe(
      `Kubelet identity: aks-prod-agentpool (clientId ${KUBELET_CLIENT_ID}, objectId ${KUBELET_OBJECT_ID}). The control-plane identity ${CONTROL_PLANE_PRINCIPAL} is NOT used for pulls.`,
    );
  });

  it.each<[string, (e: Evidence) => void, string, RegExp]>([
    ['SP cluster with a resolved objectId', asSpCluster, 'pass', new RegExp(`service principal: appId ${SP_APP}, objectId ${SP_OBJECT}`)],
    [
      'SP cluster whose objectId Graph would not give',
      (e) => {
        asSpCluster(e);
        e.servicePrincipal = {
          state: 'failed',
          failure: { kind: 'forbidden', message: 'Graph: Authorization_RequestDenied', needs: 'Application.Read.All' },
        };
      },
      'pass',
      new RegExp(`appId ${SP_APP}\\. Its objectId could not be resolved \\(Graph: Authorization_RequestDenied\\)`),
    ],
    [
      'MSI cluster without kubelet identity',
      (e) => e.cluster.state === 'ok' && (e.cluster.value.kubeletIdentity = undefined),
      'fail',
      /aks-prod uses managed identity but has no kubelet identity/,
    ],
    [
      'kubelet identity without objectId',
      (e) => e.cluster.state === 'ok' && (e.cluster.value.kubeletIdentity = { resourceId: KUBELET_RESOURCE_ID, clientId: KUBELET_CLIENT_ID }),
      'unknown',
      /Kubelet identity aks-prod-agentpool .* came without an objectId/,
    ],
    [
      'a cluster with neither identity nor service principal',
      (e) => {
        if (e.cluster.state !== 'ok') return;
        e.cluster.value.identity = undefined;
        e.cluster.value.servicePrincipalClientId = undefined;
      },
      'unknown',
      /aks-prod reports neither a managed identity .* nor a service principal/,
    ],
    [
      'the cluster could not be read',
      (e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: 'AuthorizationFailed', needs: 'Reader on aks-prod' } }),
      'unknown',
      /The cluster could not be read: AuthorizationFailed\. Without it the pulling identity is not known/,
    ],
  ])('%s', (_case, change, status, evidence) => {
    const o = identityKubelet.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    if (status === 'unknown') expect(o.needs).toBeTruthy();
    if (status === 'fail')
      expect(o.command).toBe('az aks update --resource-group rg-prod --name aks-prod --subscription 11111111-1111-1111-1111-111111111111');
  });
});

describe('identity.kubelet while a service-principal cluster moves to managed identity', () => {
  const migrating = (e: Evidence): void => {
    if (e.cluster.state !== 'ok') throw new Error('fixture');
    e.cluster.value.servicePrincipalClientId = SP_APP;
    e.servicePrincipal = { state: 'ok', value: { appId: SP_APP, objectId: SP_OBJECT, secretEndDates: ['2027-01-01T00:00:00Z'] } };
  };

  it('warns that nodes not upgraded still pull with the service principal, and names both principals', () => {
    const o = identityKubelet.run(edit(migrating));
    expect(o.status).toBe('warn');
    expect(o.evidence).toContain(`still names service principal ${SP_APP}`);
    expect(o.evidence).toContain(`objectId ${SP_OBJECT}`);
    expect(o.evidence).toContain(`objectId ${KUBELET_OBJECT_ID}`);
    expect(o.command).toMatch(/az aks nodepool upgrade .* --node-image-only/);
  });

  it('a managed cluster that names "msi" is not in the window', () => {
    expect(identityKubelet.run(healthyEvidence()).status).toBe('pass');
  });
});
