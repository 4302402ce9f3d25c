import type { Evidence } from '../evidence';
import { identityKubeletOnNodes } from './identity-kubelet-on-nodes';
import { healthyEvidence, KUBELET_RESOURCE_ID, NODE_RG } from '../../../test/fixtures/evidence';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
const vmss = (e: Evidence) => {
  if (e.vmss.state !== 'ok') throw new Error('fixture');
  return e.vmss.value;
};

describe('identity.kubelet-on-nodes', () => {
  it('passes when every scale set carries the kubelet identity', () => {
    const o = identityKubeletOnNodes.run(healthyEvidence());
    expect(o.status).toBe('pass');
    expect(o.evidence).toBe(`All 1 scale set(s) in ${NODE_RG} carry identity aks-prod-agentpool: aks-nodepool1-12345678-vmss.`);
  });

  it('compares identity ids case-insensitively', () => {
    const o = identityKubeletOnNodes.run(edit((e) => (vmss(e)[0].userAssignedIdentityIds = [KUBELET_RESOURCE_ID.toUpperCase()])));
    expect(o.status).toBe('pass');
  });

  it.each<[string, (e: Evidence) => void, string, RegExp]>([
    [
      'the identity was removed from a scale set',
      (e) => {
        vmss(e)[0].userAssignedIdentityIds = [];
        vmss(e).push({ id: 'x', name: 'aks-spot-9999-vmss', identityType: 'UserAssigned', userAssignedIdentityIds: [KUBELET_RESOURCE_ID] });
      },
      'fail',
      /^VMSS aks-nodepool1-12345678-vmss does not carry identity aks-prod-agentpool/,
    ],
    [
      'the node resource group cannot be read',
      (e) => (e.vmss = { state: 'failed', failure: { kind: 'forbidden', status: 403, message: 'AuthorizationFailed on MC_' } }),
      'unknown',
      new RegExp(`The scale sets in ${NODE_RG} could not be read: AuthorizationFailed on MC_`),
    ],
    [
      'the scale sets were not read',
      (e) => (e.vmss = { state: 'skipped', reason: 'no node resource group' }),
      'unknown',
      /were not read: no node resource group/,
    ],
    ['no scale set is visible', (e) => (e.vmss = { state: 'ok', value: [] }), 'unknown', /No scale set was found in MC_.*\(nodepool1\)/],
    [
      'the kubelet identity is not known',
      (e) => e.cluster.state === 'ok' && (e.cluster.value.kubeletIdentity = undefined),
      'unknown',
      /kubelet identity resource id of cluster aks-prod is not known/,
    ],
    [
      'the cluster could not be read',
      (e) => (e.cluster = { state: 'failed', failure: { kind: 'timeout', message: 'timed out' } }),
      'unknown',
      /The cluster could not be read: timed out/,
    ],
    [
      'an SP cluster',
      (e) => {
        if (e.cluster.state !== 'ok') return;
        e.cluster.value.identity = undefined;
        e.cluster.value.servicePrincipalClientId = '0f1e0000-0000-4000-8000-00000000d001';
      },
      'skip',
      /pulls with a service principal/,
    ],
    [
      'only availability-set pools',
      (e) => e.cluster.state === 'ok' && (e.cluster.value.agentPools[0].type = 'AvailabilitySet'),
      'skip',
      /no scale-set node pools \(nodepool1: AvailabilitySet\)/,
    ],
  ])('%s', (_case, change, status, evidence) => {
    const o = identityKubeletOnNodes.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    if (status === 'unknown') expect(o.needs).toBeTruthy();
  });

  it('tells to reconcile the cluster rather than hand-edit the node resource group', () => {
    const o = identityKubeletOnNodes.run(edit((e) => (vmss(e)[0].userAssignedIdentityIds = [])));
    expect(o.command).toBe('az aks update --resource-group rg-prod --name aks-prod --subscription 11111111-1111-1111-1111-111111111111');
    expect(o.remediation).toContain(`Do not hand-edit resources in ${NODE_RG}`);
  });

  it("names the node resource group as the permission when the read's failure has none", () => {
    const o = identityKubeletOnNodes.run(edit((e) => (e.vmss = { state: 'failed', failure: { kind: 'forbidden', message: '403' } })));
    expect(o.needs).toContain(`Reader on the node resource group ${NODE_RG}`);
  });
});
